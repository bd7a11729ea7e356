// The hub's health check, for Docker's HEALTHCHECK (node:20-slim has no curl) and for deploy/smoke.sh:
// GET /v1/health on the local hub; exit 0 when it answers 200 with status "ok", 1 otherwise.
// The address is LDH_HEALTHCHECK_URL when set, else http://127.0.0.1:$LDH_HUB_PORT (8787) — inside a container
// the hub listens on 0.0.0.0 but is checked through loopback. No token is needed and none is sent.
const url =
  process.env.LDH_HEALTHCHECK_URL || `http://127.0.0.1:${process.env.LDH_HUB_PORT || '8787'}/v1/health`;
try {
  const r = await fetch(url, { signal: AbortSignal.timeout(4000) });
  const body = await r.json().catch(() => ({}));
  if (r.status === 200 && body.status === 'ok') process.exit(0);
  process.stderr.write(`health: HTTP ${r.status} ${JSON.stringify(body)}\n`);
} catch (e) {
  process.stderr.write(`health: ${url} unreachable (${e?.cause?.code ?? e?.name ?? 'error'})\n`);
}
process.exit(1);
