/**
 * `npm run demo`: ldh-link end to end on embedded defaults — a small synthetic population (three
 * producers' raw files), a linkage key, a hub (secrets, DuckDB file, pinned producers, tokens), then for
 * each producer `pseudonymise --seal-to`, `verify`, `inspect` and `upload` to the hub running in the
 * background, a linkage run with its quality report, a study and two researcher queries (tables printed,
 * HTML pages with the charts), and finally the audit-chain check. Every step is a
 * real `ldh-link` process, printed as the command a user would type. Outputs go to out/demo/ (git-ignored).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'out', 'demo');
const PERSONS = process.env.DEMO_PERSONS ?? '2000';
const STUDY = 'return-to-work';
const CLI = [process.execPath, '--import', 'tsx', join(root, 'src/cli/main.ts')] as const;
const quote = (a: string) => (/[\s|;&<>'"$]/.test(a) ? `'${a.replace(/'/g, "'\\''")}'` : a);

/** Runs one ldh-link command, printed first; returns its stdout when `capture` (else it is shown). */
function ldh(args: string[], capture = false): string {
  process.stdout.write(`\n$ ldh-link ${args.map(quote).join(' ')}\n`);
  const r = spawnSync(CLI[0], [...CLI.slice(1), ...args], {
    stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    process.stderr.write(`demo: step failed (exit ${r.status})\n`);
    hub?.kill('SIGTERM');
    process.exit(r.status ?? 1);
  }
  return r.stdout ?? '';
}

let hub: ChildProcess | undefined;

const rel = (p: string) => p.replace(`${root}`, '');
rmSync(out, { recursive: true, force: true });
const synth = join(out, 'synth');
const keys = join(out, 'keys');
const hubDir = join(out, 'hub');
const hubConfig = rel(join(hubDir, 'hub.json'));
const producers = [
  { source: 'pe', encoding: 'latin1', delimiter: ';' },
  { source: 'dsn', encoding: 'utf-8', delimiter: ',' },
  { source: 'cnaf', encoding: 'utf-8', delimiter: '|' },
] as const;

process.stdout.write(`ldh-link demo — producers and hub on a synthetic population of ${PERSONS} persons\n`);
process.stdout.write('\n== synthetic data and the key holder ==\n');
ldh(['synth', '--persons', PERSONS, '--seed', '1', '--out', rel(synth)]);
const keyOut = ldh(['keygen', 'linkage', '--out', rel(join(keys, 'linkage.key'))], true);
process.stdout.write(keyOut);
const fingerprint = /fingerprint ([0-9a-f]{64})/.exec(keyOut)?.[1] as string;

process.stdout.write('\n== hub administrator: secrets, database, producers, tokens ==\n');
ldh(['admin', 'init', '--config', hubConfig]);
for (const p of producers) {
  ldh(['keygen', 'producer', '--producer', p.source, '--out', rel(keys)]);
  ldh([
    'admin',
    'producer',
    'add',
    '--config',
    hubConfig,
    '--producer',
    p.source,
    '--public-key',
    rel(join(keys, `${p.source}-public-key.json`)),
    '--fingerprint',
    fingerprint,
  ]);
  const token = ldh(
    ['admin', 'token', 'create', '--config', hubConfig, '--role', `producer:${p.source}`],
    true,
  );
  writeFileSync(join(keys, `${p.source}.token`), token, { mode: 0o600 });
}
writeFileSync(
  join(keys, 'admin.token'),
  ldh(['admin', 'token', 'create', '--config', hubConfig, '--role', 'admin'], true),
  {
    mode: 0o600,
  },
);
writeFileSync(
  join(keys, 'researcher.token'),
  ldh(['admin', 'token', 'create', '--config', hubConfig, '--role', `researcher:${STUDY}`], true),
  { mode: 0o600 },
);

process.stdout.write(
  `\n== the hub starts in the background ==\n\n$ ldh-link serve --config ${hubConfig} &\n`,
);
hub = spawn(CLI[0], [...CLI.slice(1), 'serve', '--config', hubConfig], {
  cwd: root,
  env: { ...process.env, LDH_HUB_PORT: '0' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const hubLog: string[] = [];
const url = await new Promise<string>((resolve, reject) => {
  hub?.stdout?.on('data', (d: Buffer) => {
    hubLog.push(d.toString());
    const m = /"msg":"listening","host":"([^"]+)","port":(\d+)/.exec(hubLog.join(''));
    if (m) resolve(`http://${m[1]}:${m[2]}`);
  });
  hub?.on('exit', (code) => reject(new Error(`the hub stopped (exit ${code})`)));
});
process.stdout.write(`hub listening on ${url} (API docs: ${url}/v1/docs)\n`);

for (const p of producers) {
  process.stdout.write(`\n== producer ${p.source.toUpperCase()} ==\n`);
  const input = join(synth, `${p.source}.csv`);
  if (!existsSync(input)) throw new Error(`synthetic input ${input} is missing`);
  const dir = rel(join(out, 'extracts', p.source));
  ldh([
    'pseudonymise',
    '--source',
    p.source,
    '--input',
    rel(input),
    '--mapping',
    rel(join(synth, `${p.source}.mapping.json`)),
    '--encoding',
    p.encoding,
    '--delimiter',
    p.delimiter,
    '--linkage-key',
    rel(join(keys, 'linkage.key')),
    '--signing-key',
    rel(join(keys, `${p.source}-signing-key.json`)),
    '--seal-to',
    rel(join(hubDir, 'secrets', 'hub-seal.pub.json')),
    '--out',
    dir,
  ]);
  ldh(['verify', dir, '--public-key', rel(join(keys, `${p.source}-public-key.json`))]);
  ldh(['inspect', dir]);
  ldh(['upload', dir, '--hub', url, '--token-file', rel(join(keys, `${p.source}.token`))], true);
}

process.stdout.write('\n== what the hub holds (admin API) ==\n');
const admin = { authorization: `Bearer ${readFileSync(join(keys, 'admin.token'), 'utf8').trim()}` };
const list = (await (await fetch(`${url}/v1/extracts`, { headers: admin })).json()) as {
  extracts: { producer: string; identities: number; events: number; sealed: boolean; status: string }[];
};
for (const e of list.extracts) {
  process.stdout.write(
    `  ${e.producer.padEnd(5)} ${String(e.identities).padStart(7)} identities ${String(e.events).padStart(8)} events  ${e.sealed ? 'sealed' : 'plain'}  ${e.status}\n`,
  );
}
process.stdout.write('\n== hub administrator: linkage of the three sources ==\n');
ldh([
  'link',
  '--hub',
  url,
  '--token-file',
  rel(join(keys, 'admin.token')),
  '--report',
  rel(join(hubDir, 'linkage-report.html')),
]);

process.stdout.write(
  `\n== hub administrator: a study for DARES researchers ==\n\n$ POST ${url}/v1/studies (admin token)\n`,
);
const study = await fetch(`${url}/v1/studies`, {
  method: 'POST',
  headers: { ...admin, 'content-type': 'application/json' },
  body: JSON.stringify({
    id: STUDY,
    purpose: 'Return to employment and RSA after the opening of an unemployment right (demo)',
    breakdowns: ['quarter', 'sex', 'age_band', 'prev_contract'],
    period: { from: '2019-Q1', to: '2024-Q4' },
  }),
});
process.stdout.write(`study ${STUDY}: HTTP ${study.status}, threshold 11\n`);

process.stdout.write('\n== researcher: two queries ==\n');
const queries = [
  {
    file: 'query-by-quarter.json',
    query: {
      version: 1,
      cohort: { are_opening: { from: '2020-Q1', to: '2023-Q4' } },
      outcomes: [
        { kind: 'employed', k: 6 },
        { kind: 'employed', k: 12 },
        { kind: 'employed_cdi', k: 12 },
        { kind: 'rsa', k: 12 },
        { kind: 'pe_registered', k: 12 },
      ],
      breakdowns: ['quarter'],
      time_to_contract: { horizon: 18 },
    },
  },
  {
    file: 'query-women-by-age.json',
    query: {
      version: 1,
      cohort: { are_opening: { from: '2019-Q1', to: '2024-Q1' }, filters: { sex: ['2'] } },
      outcomes: [
        { kind: 'employed', k: 6 },
        { kind: 'employed', k: 12 },
        { kind: 'employed', k: 18 },
        { kind: 'ppa', k: 12 },
      ],
      breakdowns: ['age_band'],
      time_to_contract: { horizon: 24, by: 'age_band' },
    },
  },
];
for (const q of queries) {
  writeFileSync(join(out, q.file), `${JSON.stringify(q.query, null, 2)}\n`);
  ldh([
    'query',
    '--hub',
    url,
    '--token-file',
    rel(join(keys, 'researcher.token')),
    '--study',
    STUDY,
    '--file',
    rel(join(out, q.file)),
  ]);
}

const chain = (await (await fetch(`${url}/v1/audit/verify`, { headers: admin })).json()) as {
  ok: boolean;
  entries: number;
};
process.stdout.write(`  audit chain: ${chain.ok ? 'intact' : 'BROKEN'}, ${chain.entries} entries\n`);
await new Promise<void>((resolve) => {
  hub?.on('exit', () => resolve());
  hub?.kill('SIGTERM');
});
hub = undefined;
writeFileSync(join(hubDir, 'hub.log'), hubLog.join(''));
process.stdout.write('\n== the hub is stopped ==\n');
ldh(['audit', 'verify', '--config', hubConfig]);

process.stdout.write(`
Done. Everything is under ${rel(out)}/:
  synth/            raw producer files, mapping files and the ground truth (truth/)
  keys/             the linkage key (0600), each producer's signing key pair, the tokens (0600)
  extracts/<src>/   extract.sealed (sent), extract.parquet, events.parquet, manifest.json
                    rejects.csv, record-map.csv → stay with the producer
  hub/              hub.json, secrets/ (0600), hub.duckdb (re-keyed identities, events, persons, audit log),
                    hub.log, linkage-report.html (the quality report: aggregates only)
  query-*.json      the researcher's two queries; query-*.html the released tables with their charts
`);
