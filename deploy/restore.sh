#!/usr/bin/env bash
# deploy/restore.sh — restore an archive made by deploy/backup.sh (data or secrets).
#
#   restore.sh --config /etc/ldh-link/hub.json [--env-file /etc/ldh-link/hub.env] ARCHIVE
#
# Run as the owner of the hub's files (sudo -u ldh-link …), the service stopped. On a new host restore
# the secrets archive first, then the data archive.
#
# Data: checks the archive's SHA-256 sums and that the K_hub in place is the one the database was
# re-keyed with (else new uploads would no longer match what is stored: restore the matching secrets
# first), moves the current database, WAL and audit head aside (`….before-restore-<time>`, deleted by
# nobody but you), puts the archived ones in their place, and ends with `ldh-link audit verify`; if that
# fails, the previous files are put back and the script fails.
# Secrets: checks the sums, installs K_hub and the sealing pair at the paths of the configuration (0600),
# never over different existing keys, and runs `audit verify` when a database is there.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
APP=${LDH_LINK_APP:-$(cd "$HERE/.." && pwd)}
NODE=${NODE:-node}
CLI=("$NODE" "$APP/dist/cli/main.js")

die() {
  printf 'restore: %s\n' "$*" >&2
  exit 1
}
usage() {
  sed -n '2,4p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

CONFIG='' ENV_FILE='' ARCHIVE=''
while (($#)); do
  case $1 in
  --config) CONFIG=${2:-} && shift 2 ;;
  --env-file) ENV_FILE=${2:-} && shift 2 ;;
  -h | --help) usage ;;
  -*) die "unknown option $1 (--help)" ;;
  *)
    [[ -z $ARCHIVE ]] || die "one archive at a time"
    ARCHIVE=$1 && shift
    ;;
  esac
done
[[ -n $CONFIG && -n $ARCHIVE ]] || usage
[[ -f $ARCHIVE ]] || die "no archive $ARCHIVE"
if [[ -n $ENV_FILE ]]; then
  set -a
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  set +a
fi
umask 077

# what the archive says about itself
IFS=$'\t' read -r KIND NAME KEY_CHECK SEAL_ID < <(
  tar -xzOf "$ARCHIVE" ./BACKUP.json | "$NODE" -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const b = JSON.parse(s);
      console.log([b.kind, b.database || "-", b.hub_key_check || "-", b.seal_key_id || "-"].join("\t"));
    });'
) || die "$ARCHIVE is not an ldh-link hub backup (no BACKUP.json)"

declare -A HUB=()
hub_info() {
  HUB=()
  while IFS=$'\t' read -r k v; do HUB[$k]=$v; done < <("$NODE" "$APP/deploy/hub-info.mjs" --config "$CONFIG" "$@")
  [[ -n ${HUB[database]:-} ]]
}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)

# extracts the archive into a directory beside $1 (same file system: the files are then moved, not copied)
unpack() {
  mkdir -p "$1"
  STAGE=$(mktemp -d "$1/.ldh-link-restore.XXXXXX")
  trap 'rm -rf "$STAGE"' EXIT
  tar -xzf "$ARCHIVE" -C "$STAGE"
  (cd "$STAGE" && sha256sum --check --quiet SHA256SUMS) ||
    die "$ARCHIVE does not match its SHA256SUMS: damaged or altered, nothing was restored"
}

if [[ $KIND == ldh-link-hub-secrets ]]; then
  hub_info || die "cannot read the hub configuration $CONFIG (see above)"
  declare -A TARGET=([hub.key]=${HUB[hub_key]} [hub-seal.key]=${HUB[seal_key]} [hub-seal.pub.json]=${HUB[seal_public_key]})
  unpack "$(dirname "${HUB[hub_key]}")"
  chmod 0700 "$(dirname "${HUB[hub_key]}")"
  for f in "${!TARGET[@]}"; do
    t=${TARGET[$f]}
    if [[ -e $t ]] && ! cmp -s "$STAGE/secrets/$f" "$t"; then
      die "$t exists and differs from the archived one: move it away first if you really mean to replace it"
    fi
  done
  for f in "${!TARGET[@]}"; do
    t=${TARGET[$f]}
    [[ -e $t ]] && continue
    d=$(dirname "$t")
    [[ -d $d ]] || { mkdir -p "$d" && chmod 0700 "$d"; }
    cp "$STAGE/secrets/$f" "$t.restoring" && chmod 0600 "$t.restoring" && mv "$t.restoring" "$t"
    printf 'restore: %s\n' "$t"
  done
  hub_info --keys || die "the restored keys do not load"
  [[ ${HUB[hub_key_check]} == "$KEY_CHECK" && ${HUB[seal_key_id]} == "$SEAL_ID" ]] ||
    die "the keys in place are not the archived ones"
  if [[ -f ${HUB[database]} ]]; then
    "${CLI[@]}" audit verify --config "$CONFIG"
  else
    printf 'restore: secrets in place (sealing key id %s); no database yet: restore a data archive next\n' "$SEAL_ID"
  fi
  exit 0
fi

[[ $KIND == ldh-link-hub-data ]] || die "$ARCHIVE is a backup of kind '$KIND', not a hub data or secrets backup"
[[ $NAME =~ ^[A-Za-z0-9_][A-Za-z0-9._-]*$ ]] || die "$ARCHIVE names no valid database file ('$NAME')"
hub_info --keys ||
  die "the hub's keys must be in place before its database: restore the secrets archive first"
if [[ ${HUB[hub_key_check]} != "$KEY_CHECK" ]]; then
  die "the K_hub at ${HUB[hub_key]} is not the one this database was re-keyed with (check ${HUB[hub_key_check]}, archive $KEY_CHECK): restore the matching secrets archive"
fi
[[ ${HUB[seal_key_id]} == "$SEAL_ID" ]] ||
  printf 'restore: note: the sealing key changed since the backup (%s, was %s); producers need its public key\n' \
    "${HUB[seal_key_id]}" "$SEAL_ID" >&2

DB=${HUB[database]}
HEAD=${HUB[audit_head]}
DIR=$(dirname "$DB")
mkdir -p "$DIR"
[[ $(stat -c %u "$DIR") == $(id -u) && (! -e $DB || $(stat -c %u "$DB") == $(id -u)) ]] ||
  die "run as the owner of $DIR and $DB (e.g. sudo -u $(stat -c %U "$DIR") $0 …)"
if [[ -e $DB ]]; then
  # the current database must not be open in the service (exit 32, HUB_DB_LOCKED); any other outcome —
  # a broken chain, a damaged file — is a reason to restore
  set +e
  "${CLI[@]}" audit verify --config "$CONFIG" >/dev/null 2>&1
  rc=$?
  set -e
  ((rc != 32)) || die "the service holds $DB: stop it first"
fi

unpack "$DIR"
[[ -f $STAGE/hub/$NAME && -f $STAGE/hub/$NAME.audit-head.json ]] ||
  die "$ARCHIVE lacks hub/$NAME or its audit head"

# the archived files and where they go; the current ones move aside first
declare -A PLACE=([$NAME]=$DB [$NAME.wal]=$DB.wal [$NAME.audit-head.json]=$HEAD)
ASIDE=()
for f in "$DB" "$DB.wal" "$HEAD"; do
  if [[ -e $f ]]; then
    mv "$f" "$f.before-restore-$STAMP"
    ASIDE+=("$f")
  fi
done
for n in "${!PLACE[@]}"; do
  [[ -f $STAGE/hub/$n ]] || continue
  chmod 0600 "$STAGE/hub/$n"
  mv "$STAGE/hub/$n" "${PLACE[$n]}"
done

printf 'restore: %s restored from %s; audit verify:\n' "$DB" "$(basename "$ARCHIVE")"
if ! "${CLI[@]}" audit verify --config "$CONFIG"; then
  for f in "$DB" "$DB.wal" "$HEAD"; do rm -f "$f"; done
  for f in "${ASIDE[@]}"; do mv "$f.before-restore-$STAMP" "$f"; done
  die "the restored database does not verify: the previous files were put back"
fi
for f in "${ASIDE[@]}"; do
  printf 'restore: the previous %s is kept as %s (delete it once satisfied)\n' "$(basename "$f")" \
    "$f.before-restore-$STAMP"
done
