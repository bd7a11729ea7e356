/**
 * `npm run demo`: the producer side of ldh-link end to end on embedded defaults — a small synthetic
 * population (three producers' raw files), a linkage key, one signing key per producer, then for each
 * producer `pseudonymise`, `verify` and `inspect`. Every step is a real `ldh-link` process, printed as the
 * command a user would type. Outputs go to out/demo/ (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'out', 'demo');
const PERSONS = process.env.DEMO_PERSONS ?? '2000';

function ldh(...args: string[]): void {
  const quote = (a: string) => (/[\s|;&<>'"$]/.test(a) ? `'${a.replace(/'/g, "'\\''")}'` : a);
  process.stdout.write(`\n$ ldh-link ${args.map(quote).join(' ')}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], {
    stdio: 'inherit',
    cwd: root,
  });
  if (r.status !== 0) {
    process.stderr.write(`demo: step failed (exit ${r.status})\n`);
    process.exit(r.status ?? 1);
  }
}

const rel = (p: string) => p.replace(`${root}`, '');
rmSync(out, { recursive: true, force: true });
const synth = join(out, 'synth');
const keys = join(out, 'keys');

process.stdout.write(`ldh-link demo — producer side on a synthetic population of ${PERSONS} persons\n`);
ldh('synth', '--persons', PERSONS, '--seed', '1', '--out', rel(synth));
ldh('keygen', 'linkage', '--out', rel(join(keys, 'linkage.key')));

const producers = [
  { source: 'pe', encoding: 'latin1', delimiter: ';' },
  { source: 'dsn', encoding: 'utf-8', delimiter: ',' },
  { source: 'cnaf', encoding: 'utf-8', delimiter: '|' },
] as const;
for (const p of producers) {
  const input = join(synth, `${p.source}.csv`);
  if (!existsSync(input)) throw new Error(`synthetic input ${input} is missing`);
  ldh('keygen', 'producer', '--producer', p.source, '--out', rel(keys));
  ldh(
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
    '--out',
    rel(join(out, 'extracts', p.source)),
  );
  ldh(
    'verify',
    rel(join(out, 'extracts', p.source)),
    '--public-key',
    rel(join(keys, `${p.source}-public-key.json`)),
  );
  ldh('inspect', rel(join(out, 'extracts', p.source)));
}

process.stdout.write(`
Done. Everything is under ${rel(out)}/:
  synth/            raw producer files, mapping files and the ground truth (truth/)
  keys/             the linkage key (0600) and each producer's signing key pair
  extracts/<src>/   extract.parquet, events.parquet, manifest.json → for the hub
                    rejects.csv, record-map.csv → stay with the producer
The hub side (ingest, linkage, researcher queries) joins the demo as it is built.
`);
