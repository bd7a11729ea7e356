#!/usr/bin/env bash
# deploy/smoke.sh — the deployment kit end to end, without Docker or systemd (CI runs it).
#
# Builds dist/, lays out a deployment in a temporary directory exactly as deploy/README.md describes it
# (/opt/ldh-link with production dependencies only, /etc/ldh-link/{hub.json,hub.env,secrets/},
# /var/lib/ldh-link), all moved under the temporary directory, and starts the hub the way
# deploy/ldh-link-hub.service does: its ExecStart= command line, its EnvironmentFile= read with `set -a`,
# its WorkingDirectory= and UMask=, in an empty environment. Then: health, three sealed uploads, a linkage
# run, a study, a query, a clean stop on SIGTERM, the audit chain, and a backup and restore
# (deploy/backup.sh, deploy/restore.sh). Exit 0 when everything passed.
#
#   deploy/smoke.sh                    # about a minute on an idle 2-core machine, build included
#   SMOKE_KEEP=1 deploy/smoke.sh       # keep the temporary directory (its path is printed)
#   SMOKE_NO_BUILD=1 deploy/smoke.sh   # use the dist/ already built
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPLOY=$ROOT/deploy
UNIT=$DEPLOY/ldh-link-hub.service
NODE=$(command -v node)
STARTED=$SECONDS

# fd 3: the script's own stderr, also inside a command whose output goes to a file (a trap may run there)
exec 3>&2
step() { printf '\n\033[1m== smoke [%3ss]: %s\033[0m\n' "$((SECONDS - STARTED))" "$*"; }
ok() { printf '   ok: %s\n' "$*"; }
fail() {
  printf '\nsmoke: FAILED: %s\n' "$*" >&3
  exit 1
}

T=$(mktemp -d "${TMPDIR:-/tmp}/ldh-link-smoke.XXXXXX")
HUB_PID=
cleanup() {
  local status=$?
  # the jobs this script started, and the hub
  for pid in $(jobs -p); do [[ $pid == "$HUB_PID" ]] || kill "$pid" 2>/dev/null || true; done
  if [[ -n $HUB_PID ]] && kill -0 "$HUB_PID" 2>/dev/null; then
    kill -TERM "$HUB_PID" 2>/dev/null || true
    wait "$HUB_PID" 2>/dev/null || true
  fi
  if ((status != 0)) && [[ -s $T/hub.log ]]; then
    printf '\n-- last lines of the hub log (%s) --\n' "$T/hub.log" >&3
    tail -n 20 "$T/hub.log" >&3 || true
  fi
  if [[ ${SMOKE_KEEP:-} == 1 ]]; then
    printf 'smoke: kept %s\n' "$T" >&3
  else
    rm -rf "$T"
  fi
  ((status == 0)) || printf 'smoke: stopped (exit %s)\n' "$status" >&3
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The deployment's absolute paths, moved into $T.
APP=$T/opt/ldh-link
ETC=$T/etc/ldh-link
STATE=$T/var/lib/ldh-link
rebase() {
  sed -e "s#/opt/ldh-link#$APP#g" -e "s#/etc/ldh-link#$ETC#g" -e "s#/var/lib/ldh-link#$STATE#g" \
    -e "s#/usr/bin/node#$NODE#g" "$@"
}
# The value of `Key=` in the unit's [Service] section (the last one wins, as in systemd).
unit_value() { sed -n "s/^$1=//p" "$UNIT" | tail -n 1; }

# ---------------------------------------------------------------------------------------------------------
step "build dist/ (npm run build)"
if [[ ${SMOKE_NO_BUILD:-} == 1 ]]; then
  ok "skipped (SMOKE_NO_BUILD=1)"
else
  (cd "$ROOT" && npm run --silent build) || fail "npm run build failed"
  ok "dist/ built"
fi

step "install the application as /opt/ldh-link (dist/, package.json, production dependencies only)"
mkdir -p "$APP/node_modules" "$ETC" "$STATE" "$T/producers" "$T/backups"
cp -R "$ROOT/dist" "$APP/dist"
cp "$ROOT/package.json" "$ROOT/package-lock.json" "$APP/"
mkdir "$APP/deploy"
cp "$DEPLOY"/{backup.sh,restore.sh,hub-info.mjs,healthcheck.mjs} "$APP/deploy/"
# what `npm ci --omit=dev` would install: the lock file's top-level entries not flagged dev, linked from
# the checkout's node_modules (a product import of a devDependency then fails here, as it would in the image)
# shellcheck disable=SC2016 # JavaScript, not shell
"$NODE" -e '
  const [lock, from, to] = process.argv.slice(1);
  const fs = require("node:fs"), path = require("node:path");
  let n = 0;
  for (const [k, v] of Object.entries(JSON.parse(fs.readFileSync(lock, "utf8")).packages)) {
    if (!k.startsWith("node_modules/") || k.lastIndexOf("node_modules/") !== 0 || v.dev) continue;
    const src = path.join(from, k);
    if (!fs.existsSync(src)) continue; // an optional package of another platform
    const dst = path.join(to, k);
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.symlinkSync(src, dst);
    n++;
  }
  console.log(`   ok: ${n} production packages`);
' "$ROOT/package-lock.json" "$ROOT" "$APP"
[[ ! -e $APP/node_modules/tsx && ! -e $APP/node_modules/vitest ]] || fail "a devDependency was installed"

step "configuration: deploy/hub.example.json and deploy/hub.env.example, on a free port"
PORT=$("$NODE" -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
CONFIG=$ETC/hub.json
ENV_FILE=$ETC/hub.env
rebase "$DEPLOY/hub.example.json" >"$CONFIG"
grep -q '^LDH_HUB_PORT=' "$DEPLOY/hub.env.example" || fail "hub.env.example sets no LDH_HUB_PORT"
rebase "$DEPLOY/hub.env.example" | sed "s/^LDH_HUB_PORT=.*/LDH_HUB_PORT=$PORT/" >"$ENV_FILE"
HUB=http://127.0.0.1:$PORT
ok "config $CONFIG, environment $ENV_FILE, hub at $HUB"

# The systemd unit's start, from the unit itself: empty environment + EnvironmentFile=, WorkingDirectory=,
# UMask=, ExecStart=. `hub_env CMD…` runs CMD in that same environment (the admin commands, backup, restore).
UNIT_ENV_FILE=$(unit_value EnvironmentFile | sed 's/^-//' | rebase)
UNIT_WORKDIR=$(unit_value WorkingDirectory | rebase)
UNIT_UMASK=$(unit_value UMask)
read -r -a UNIT_EXEC <<<"$(unit_value ExecStart | rebase)"
[[ $UNIT_ENV_FILE == "$ENV_FILE" ]] || fail "the unit reads $UNIT_ENV_FILE, not the environment file $ENV_FILE"
[[ ${UNIT_EXEC[*]} == "$NODE $APP/dist/cli/main.js serve --config $CONFIG" ]] ||
  fail "unexpected ExecStart: ${UNIT_EXEC[*]}"
# shellcheck disable=SC2016 # expanded by the inner bash
HUB_ENV=(env -i PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$(dirname "$NODE")"
  HOME="$STATE" LANG=C.UTF-8
  bash -c 'set -a; . "$1"; set +a; umask "$2"; cd "$3"; shift 3; exec "$@"' _
  "$UNIT_ENV_FILE" "$UNIT_UMASK" "$UNIT_WORKDIR")
hub_env() { "${HUB_ENV[@]}" "$@"; }
hubctl() { hub_env "$NODE" "$APP/dist/cli/main.js" "$@"; }
ldh() { "$NODE" "$ROOT/dist/cli/main.js" "$@"; }

# Background jobs (producer-side work that overlaps the hub administrator's): `job_start NAME CMD…`, `job_wait NAME`.
declare -A JOBS=()
job_start() {
  local name=$1
  shift
  "$@" >"$T/$name.log" 2>&1 &
  JOBS[$name]=$!
}
job_wait() {
  wait "${JOBS[$1]}" || fail "$1 failed: $(tail -n 5 "$T/$1.log")"
  unset "JOBS[$1]"
}

# ---------------------------------------------------------------------------------------------------------
step "key holder and producers: linkage key, signing keys; synthetic population (300 persons)"
job_start synth ldh synth --persons 300 --seed 7 --workers 0 --out "$T/producers/synth"
KEYGEN=$(ldh keygen linkage --out "$T/producers/linkage.key")
FINGERPRINT=$(sed -n 's/.*fingerprint \([0-9a-f]\{64\}\).*/\1/p' <<<"$KEYGEN")
[[ -n $FINGERPRINT ]] || fail "no fingerprint in: $KEYGEN"
for p in pe dsn cnaf; do ldh keygen producer --producer "$p" --out "$T/producers/keys" >/dev/null; done
ok "linkage key fingerprint ${FINGERPRINT:0:16}…, signing keys of pe, dsn, cnaf"

step "hub administrator: admin init (service stopped)"
hubctl admin init --config "$CONFIG"
[[ $(stat -c %a "$ETC/secrets/hub.key") == 600 && $(stat -c %a "$ETC/secrets/hub-seal.key") == 600 ]] ||
  fail "the hub secrets are not mode 0600"
ok "secrets 0600"

step "producers (in the background): pseudonymise --seal-to the hub's public key"
job_wait synth
pseudonymise() {
  local p=$1 enc=utf-8 delim=','
  [[ $p == pe ]] && enc=latin1 delim=';'
  [[ $p == cnaf ]] && delim='|'
  ldh pseudonymise --source "$p" --input "$T/producers/synth/$p.csv" \
    --mapping "$T/producers/synth/$p.mapping.json" --encoding "$enc" --delimiter "$delim" \
    --linkage-key "$T/producers/linkage.key" --signing-key "$T/producers/keys/$p-signing-key.json" \
    --seal-to "$ETC/secrets/hub-seal.pub.json" --out "$T/producers/extract-$p" --workers 0 --no-progress
}
for p in pe dsn cnaf; do job_start "pseudonymise-$p" pseudonymise "$p"; done

step "hub administrator: producers pinned, tokens (service stopped)"
TOKENS=$T/tokens
mkdir -m 0700 "$TOKENS"
for p in pe dsn cnaf; do
  hubctl admin producer add --config "$CONFIG" --producer "$p" \
    --public-key "$T/producers/keys/$p-public-key.json" --fingerprint "$FINGERPRINT"
  hubctl admin token create --config "$CONFIG" --role "producer:$p" >"$TOKENS/$p.token" 2>/dev/null
done
hubctl admin token create --config "$CONFIG" --role admin >"$TOKENS/admin.token" 2>/dev/null
hubctl admin token create --config "$CONFIG" --role researcher:smoke >"$TOKENS/researcher.token" 2>/dev/null
ok "5 tokens created"
for p in pe dsn cnaf; do
  job_wait "pseudonymise-$p"
  [[ -s $T/producers/extract-$p/extract.sealed ]] || fail "no sealed extract for $p"
  ok "$(head -n 1 "$T/pseudonymise-$p.log")"
done

step "start the hub as the systemd unit does: ${UNIT_EXEC[*]#"$T"}"
exec_hub() { exec "${HUB_ENV[@]}" "${UNIT_EXEC[@]}"; } # in the background job: its pid is the hub's
exec_hub >"$T/hub.log" 2>&1 &
HUB_PID=$!
for _ in $(seq 1 120); do
  kill -0 "$HUB_PID" 2>/dev/null || fail "the hub exited during start-up"
  if LDH_HUB_PORT=$PORT "$NODE" "$APP/deploy/healthcheck.mjs" 2>/dev/null; then break; fi
  sleep 0.25
done
LDH_HUB_PORT=$PORT "$NODE" "$APP/deploy/healthcheck.mjs" || fail "the hub is not healthy after 30 s"
grep -q "\"msg\":\"listening\",\"host\":\"127.0.0.1\",\"port\":$PORT" "$T/hub.log" ||
  fail "the hub does not log that it listens on 127.0.0.1:$PORT"
ok "healthy (pid $HUB_PID, deploy/healthcheck.mjs)"

step "backup.sh refuses while the service holds the database"
if hub_env bash "$APP/deploy/backup.sh" --config "$CONFIG" --out "$T/backups" >"$T/refused.log" 2>&1; then
  fail "backup.sh ran against a database the hub holds"
fi
grep -q 'HUB_DB_LOCKED' "$T/refused.log" || fail "backup.sh failed for another reason: $(cat "$T/refused.log")"
ok "refused (HUB_DB_LOCKED)"

step "producers: upload the sealed extracts"
for p in pe dsn cnaf; do
  ldh upload "$T/producers/extract-$p" --hub "$HUB" --token-file "$TOKENS/$p.token" --no-progress \
    >"$T/upload-$p.json" 2>"$T/upload-$p.txt"
  grep -q '"extract_id"' "$T/upload-$p.json" || fail "no receipt for $p: $(cat "$T/upload-$p.txt")"
  ok "$p $(grep -m1 '^accepted' "$T/upload-$p.txt")"
done

step "admin: linkage run (ldh-link link)"
ldh link --hub "$HUB" --token-file "$TOKENS/admin.token" --report "$T/linkage-report.html" >"$T/link.txt"
[[ -s $T/linkage-report.html ]] || fail "no linkage report"
ok "$(grep -m1 -i 'persons' "$T/link.txt" || head -n 1 "$T/link.txt")"

step "admin: a study (POST /v1/studies); researcher: a query (ldh-link query)"
# shellcheck disable=SC2016 # JavaScript, not shell
HUB=$HUB TOKEN_FILE=$TOKENS/admin.token "$NODE" -e '
  const token = require("node:fs").readFileSync(process.env.TOKEN_FILE, "utf8").trim();
  fetch(`${process.env.HUB}/v1/studies`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ id: "smoke", purpose: "deployment smoke test", breakdowns: ["quarter", "sex"],
      period: { from: "2019-Q1", to: "2025-Q4" } }),
  }).then(async (r) => { if (r.status !== 201) { console.error(`HTTP ${r.status} ${await r.text()}`); process.exit(1); } });
'
cat >"$T/query.json" <<'JSON'
{ "version": 1, "cohort": { "are_opening": { "from": "2019-Q1", "to": "2024-Q4" } },
  "outcomes": [ { "kind": "employed", "k": 6 } ], "breakdowns": ["sex"] }
JSON
ldh query --hub "$HUB" --token-file "$TOKENS/researcher.token" --study smoke --file "$T/query.json" \
  --format json >"$T/release.json"
# shellcheck disable=SC2016 # JavaScript, not shell
"$NODE" -e '
  const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  const cells = r.result?.cells ?? [];
  const shown = cells.filter((c) => !c.suppressed && c.count > 0);
  if (shown.length === 0) { console.error(`no released cell: ${JSON.stringify(r.result)}`); process.exit(1); }
  console.log(`   ok: release ${r.id}: ${cells.length} cells, ${shown.length} released, cohort ${Math.max(...shown.map((c) => c.count))}`);
' "$T/release.json"

step "stop the hub with SIGTERM (as systemctl stop does)"
kill -TERM "$HUB_PID"
set +e
wait "$HUB_PID"
HUB_EXIT=$?
set -e
HUB_PID=
((HUB_EXIT == 0)) || fail "the hub exited with status $HUB_EXIT after SIGTERM"
grep -q '"msg":"stopped"' "$T/hub.log" || fail "the hub did not log its clean stop"
[[ ! -s $STATE/hub.duckdb.wal ]] || fail "the DuckDB WAL was not checkpointed at stop"
ok "exit 0, stopped, database checkpointed"

step "audit verify (service stopped)"
VERIFIED=$(hubctl audit verify --config "$CONFIG")
ok "$VERIFIED"

step "backup.sh (database + audit head) and backup.sh --secrets, separately"
hub_env bash "$APP/deploy/backup.sh" --config "$CONFIG" --out "$T/backups"
hub_env bash "$APP/deploy/backup.sh" --config "$CONFIG" --out "$T/backups" --secrets
DATA_ARCHIVE=$(ls "$T"/backups/ldh-link-hub-data-*.tar.gz)
SECRETS_ARCHIVE=$(ls "$T"/backups/ldh-link-hub-secrets-*.tar.gz)
tar -tzf "$DATA_ARCHIVE" >"$T/data.list"
tar -tzf "$SECRETS_ARCHIVE" >"$T/secrets.list"
grep -q '^./hub/hub.duckdb$' "$T/data.list" || fail "the database is not in the backup"
grep -q '^./hub/hub.duckdb.audit-head.json$' "$T/data.list" || fail "the audit head is not in the backup"
! grep -q '\.key$' "$T/data.list" || fail "a key file is in the data backup"
! grep -q 'duckdb' "$T/secrets.list" || fail "the database is in the secrets backup"
[[ $(stat -c %a "$DATA_ARCHIVE") == 600 && $(stat -c %a "$SECRETS_ARCHIVE") == 600 ]] ||
  fail "backups are not mode 0600"
ok "$(basename "$DATA_ARCHIVE"), $(basename "$SECRETS_ARCHIVE")"

step "restore.sh: the database lost, then restored from the backup (it ends with audit verify)"
rm -f "$STATE/hub.duckdb" "$STATE/hub.duckdb.wal" "$STATE/hub.duckdb.audit-head.json"
hub_env bash "$APP/deploy/restore.sh" --config "$CONFIG" "$DATA_ARCHIVE" | tee "$T/restore.log"
grep -qxF "$VERIFIED" "$T/restore.log" || fail "the restored audit chain is not the one backed up"
ok "the same chain and head as before the loss"

step "restore.sh refuses an archive whose database was altered"
mkdir "$T/tampered" && tar -xzf "$DATA_ARCHIVE" -C "$T/tampered"
printf 'x' >>"$(find "$T/tampered" -name hub.duckdb)"
(cd "$T/tampered" && tar -czf "$T/tampered.tar.gz" ./*)
if hub_env bash "$APP/deploy/restore.sh" --config "$CONFIG" "$T/tampered.tar.gz" >"$T/tampered.log" 2>&1; then
  fail "restore.sh accepted an altered archive"
fi
hubctl audit verify --config "$CONFIG" >/dev/null || fail "a refused restore changed the database"
ok "refused: $(tail -n 1 "$T/tampered.log")"

step "K_hub rotated (the deploy/README.md command): restore.sh refuses the older database"
mv "$ETC/secrets/hub.key" "$T/hub.key.retired"
hub_env "$NODE" --input-type=module -e "import {createHubKeyFile} from '$APP/dist/shared/key-files.js'; await createHubKeyFile('$ETC/secrets/hub.key')"
if hub_env bash "$APP/deploy/restore.sh" --config "$CONFIG" "$DATA_ARCHIVE" >"$T/rekeyed.log" 2>&1; then
  fail "restore.sh restored a database under another K_hub"
fi
grep -q 'is not the one this database was re-keyed with' "$T/rekeyed.log" || fail "$(cat "$T/rekeyed.log")"
ok "refused: the K_hub check value differs"

step "restore.sh: the secrets lost, then restored from their own archive"
rm -f "$ETC/secrets/hub.key" "$ETC/secrets/hub-seal.key" "$ETC/secrets/hub-seal.pub.json"
hub_env bash "$APP/deploy/restore.sh" --config "$CONFIG" "$SECRETS_ARCHIVE" | tee "$T/secrets-restore.log"
cmp -s "$T/hub.key.retired" "$ETC/secrets/hub.key" || fail "the restored K_hub is not the original"
[[ $(stat -c %a "$ETC/secrets/hub.key") == 600 ]] || fail "the restored K_hub is not mode 0600"
grep -qxF "$VERIFIED" "$T/secrets-restore.log" || fail "restore.sh did not end with audit verify"
ok "K_hub and the sealing pair back, 0600, audit chain intact"

printf '\n\033[1msmoke: PASSED in %ss\033[0m\n' "$((SECONDS - STARTED))"
