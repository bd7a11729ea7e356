#!/usr/bin/env bash
# deploy/backup.sh — back up the hub: its database, or (--secrets) its keys, never both in one archive.
#
#   backup.sh --config /etc/ldh-link/hub.json [--env-file /etc/ldh-link/hub.env] --out DIR [--secrets]
#
# Data (default): the service must be stopped (DuckDB lets one process open the file; the hub's own
# stop checkpoints it). Run as the database's owner (sudo -u ldh-link …). The script first runs
# `ldh-link audit verify` (which also proves nobody holds the file), copies the DuckDB file, its WAL if
# any, and the audit head `<database>.audit-head.json` — which `audit verify` compares with the last
# entry, so the two travel together — checks the copies against the originals and writes
# DIR/ldh-link-hub-data-<UTC time>.tar.gz (mode 0600): hub/…, config/ (hub.json, hub.env: paths only),
# SHA256SUMS, BACKUP.json (version, audit head, sealing key id and a check value of K_hub, so that
# restore.sh can refuse a database whose pseudonyms were re-keyed with another K_hub).
#
# --secrets: K_hub and the X25519 sealing pair → DIR/ldh-link-hub-secrets-<UTC time>.tar.gz (0600). The
# service may run. Keep this archive apart from the data backups (another medium, encrypted, offline):
# the database alone does not link a pseudonym to anyone; with K_hub and the linkage key it would.
#
# Paths come from the hub's own configuration loader (deploy/hub-info.mjs): pass --env-file when the
# service has one (systemd EnvironmentFile=), so that environment overrides apply here too.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
APP=${LDH_LINK_APP:-$(cd "$HERE/.." && pwd)}
NODE=${NODE:-node}
CLI=("$NODE" "$APP/dist/cli/main.js")

die() {
  printf 'backup: %s\n' "$*" >&2
  exit 1
}
usage() {
  sed -n '2,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

CONFIG='' ENV_FILE='' OUT='' KIND=data
while (($#)); do
  case $1 in
  --config) CONFIG=${2:-} && shift 2 ;;
  --env-file) ENV_FILE=${2:-} && shift 2 ;;
  --out) OUT=${2:-} && shift 2 ;;
  --secrets) KIND=secrets && shift ;;
  -h | --help) usage ;;
  *) die "unknown argument $1 (--help)" ;;
  esac
done
[[ -n $CONFIG && -n $OUT ]] || usage
if [[ -n $ENV_FILE ]]; then
  set -a
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  set +a
fi
umask 077

declare -A HUB=()
while IFS=$'\t' read -r k v; do HUB[$k]=$v; done < <("$NODE" "$APP/deploy/hub-info.mjs" --config "$CONFIG" --keys)
[[ -n ${HUB[database]:-} ]] || die "cannot read the hub configuration $CONFIG (see above)"

mkdir -p "$OUT"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
ARCHIVE=$OUT/ldh-link-hub-$KIND-$STAMP.tar.gz
[[ ! -e $ARCHIVE ]] || die "$ARCHIVE already exists"
STAGE=$(mktemp -d "$OUT/.ldh-link-backup.XXXXXX")
trap 'rm -rf "$STAGE" "$ARCHIVE.partial"' EXIT

if [[ $KIND == data ]]; then
  DB=${HUB[database]}
  [[ -f $DB ]] || die "no database at $DB"
  [[ $(stat -c %u "$DB") == $(id -u) ]] ||
    die "run as the owner of $DB (e.g. sudo -u $(stat -c %U "$DB") $0 …): files it creates must stay theirs"
  printf 'backup: audit verify on %s (the service must be stopped)\n' "$DB"
  "${CLI[@]}" audit verify --config "$CONFIG" ||
    die "audit verify failed (exit $?): a running service holds the database (stop it), or the chain is broken"
  mkdir "$STAGE/hub" "$STAGE/config"
  NAME=$(basename "$DB")
  FILES=("$DB" "${HUB[audit_head]}")
  [[ -s $DB.wal ]] && FILES+=("$DB.wal")
  [[ -f ${HUB[audit_head]} ]] || die "the audit head ${HUB[audit_head]} is missing"
  for f in "${FILES[@]}"; do cp --preserve=timestamps "$f" "$STAGE/hub/"; done
  # the copies must be the files as they are now: nothing may have written to them meanwhile
  (cd "$STAGE/hub" && sha256sum -- *) | sed 's#  #  hub/#' >"$STAGE/SHA256SUMS"
  for f in "${FILES[@]}"; do
    want=$(awk -v n="hub/$(basename "$f")" '$2 == n { print $1 }' "$STAGE/SHA256SUMS")
    [[ $(sha256sum -- "$f" | cut -d' ' -f1) == "$want" ]] || die "$f changed while it was copied: is the service stopped?"
  done
  cp "$CONFIG" "$STAGE/config/hub.json"
  [[ -z $ENV_FILE ]] || cp "$ENV_FILE" "$STAGE/config/hub.env"
  HEAD=$(cat "${HUB[audit_head]}")
else
  mkdir "$STAGE/secrets"
  NAME=
  cp --preserve=timestamps "${HUB[hub_key]}" "$STAGE/secrets/hub.key"
  cp --preserve=timestamps "${HUB[seal_key]}" "$STAGE/secrets/hub-seal.key"
  cp --preserve=timestamps "${HUB[seal_public_key]}" "$STAGE/secrets/hub-seal.pub.json"
  (cd "$STAGE" && sha256sum -- secrets/*) >"$STAGE/SHA256SUMS"
  HEAD=null
fi

cat >"$STAGE/BACKUP.json" <<JSON
{
  "kind": "ldh-link-hub-$KIND",
  "created_at": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "tool_version": "${HUB[version]}",
  "database": "$NAME",
  "audit_head": $HEAD,
  "seal_key_id": "${HUB[seal_key_id]}",
  "hub_key_check": "${HUB[hub_key_check]}"
}
JSON
tar -czf "$ARCHIVE.partial" -C "$STAGE" .
chmod 0600 "$ARCHIVE.partial"
mv "$ARCHIVE.partial" "$ARCHIVE"
printf 'backup: %s (%s bytes, sha256 %s)\n' "$ARCHIVE" "$(stat -c %s "$ARCHIVE")" \
  "$(sha256sum "$ARCHIVE" | cut -d' ' -f1)"
if [[ $KIND == secrets ]]; then
  printf 'backup: this archive holds K_hub and the sealing key: store it encrypted, apart from the data backups\n'
fi
