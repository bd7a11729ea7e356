/**
 * Every benchmark of bench/ in one command: `npm run bench [-- --quick] [--only a,b] [--out FILE]`.
 *
 * Builds dist/ (so that no benchmark measures a stale build), then runs each benchmark as a person would —
 * `npm run bench:<name> -- <sizes>` in a child process of its own process group — at sizes that fit the
 * whole suite in about 10 minutes on the idle 2-core machine (`--quick`: the smallest sizes, one run each,
 * a check that every benchmark still runs). Parses each benchmark's last line (`producer rows=… …`),
 * repeats the cheap ones and keeps the median of each metric, checks the targets of the issues, and writes
 * bench/results.json (machine, commit, every run) and, after a full run, the generated summary between the
 * `<!-- bench:suite -->` markers of bench/README.md. A benchmark that fails or runs past its time limit is
 * recorded with its exit code and the tail of its stderr; the suite goes on and exits 1 at the end.
 *
 * Options: --quick, --only name,name, --out FILE (default bench/results.json for a full run,
 * .bench-data/results-partial.json for a quick or partial one), --no-build (use dist/ as it
 * is), --readme / --no-readme (write the README section even after a quick or partial run / never),
 * --verbose (the benchmarks' stderr as they run), --timeout-scale X (multiply every run's time limit, for a
 * busy machine), --list (print the plan and exit).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type BenchRecord,
  formatDuration,
  type Machine,
  medians,
  meets,
  type Peer,
  parseResultLine,
  parseTinybenchTable,
  renderSection,
  replaceSection,
  type Shown,
  type SuiteResults,
  type Target,
  type Values,
} from './suite-report.js';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    readme: { type: 'boolean', default: false },
    'no-readme': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    'timeout-scale': { type: 'string', default: '1' },
  },
});

const root = new URL('..', import.meta.url).pathname;
const quick = opts.quick;

interface Spec {
  readonly name: string;
  readonly title: string;
  readonly script: string;
  readonly args: { readonly full: readonly string[]; readonly quick: readonly string[] };
  readonly runs: { readonly full: number; readonly quick: number };
  /** seconds per run before the run is stopped */
  readonly timeout: { readonly full: number; readonly quick: number };
  readonly parse: (stdout: string, stderr: string) => Values | null;
  readonly shown: readonly Shown[];
  readonly targets: readonly Target[];
  readonly peer: Peer | null;
  readonly note?: string;
}

/** the benchmark's key=value line, with figures derived from it and figures found in its stderr */
const line =
  (prefix: string, derive: (v: Values) => Values = () => ({}), fromStderr: Record<string, RegExp> = {}) =>
  (stdout: string, stderr: string): Values | null => {
    const v = parseResultLine(stdout, prefix);
    if (v === null) return null;
    const extra: Values = {};
    for (const [k, re] of Object.entries(fromStderr)) {
      const m = re.exec(stderr)?.[1];
      if (m !== undefined && Number.isFinite(Number(m))) extra[k] = Number(m);
    }
    return { ...v, ...derive(v), ...extra };
  };
const per = (a: string, b: string) => (v: Values) => {
  const x = v[a];
  const y = v[b];
  return typeof x === 'number' && typeof y === 'number' && y > 0 ? Math.round(x / y) : Number.NaN;
};

/** kernels.ts prints tinybench's table and no key=value line: one metric pair per task */
const KERNEL_KEYS: [RegExp, string][] = [
  [/^normaliseIdentity/, 'normalise'],
  [/@noble\/hashes/, 'hmac_noble'],
  [/× 1000 — ldh-link kernel/, 'hmac_ldh_x1000'],
  [/ldh-link kernel/, 'hmac_ldh'],
  [/× 1000 — HmacLanes/, 'hmac_lanes_x1000'],
  [/memo warm/, 'clk_warm'],
  [/memo cold/, 'clk_cold'],
  [/^blocking keys/, 'blocking_keys'],
  [/^identity encoding, the same with its MACs one after another/, 'identity_encoding_one_by_one'],
  [/^identity encoding/, 'identity_encoding'],
];
const parseKernels = (stdout: string): Values | null => {
  const rows = parseTinybenchTable(stdout);
  if (rows.length === 0) return null;
  const v: Values = {};
  for (const r of rows) {
    const key =
      KERNEL_KEYS.find(([re]) => re.test(r.task))?.[1] ??
      r.task
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_|_$/g, '');
    v[`${key}_ns`] = r.latencyNs;
    v[`${key}_ops_per_s`] = Math.round(r.opsPerS);
  }
  // one MAC, from the task that runs a thousand per call (the harness's own cost per call amortised)
  const x1000 = v.hmac_ldh_x1000_ns;
  if (typeof x1000 === 'number') v.hmac_ldh_one_ns = Math.round(x1000 / 1000);
  const lanes = v.hmac_lanes_x1000_ns;
  if (typeof lanes === 'number') v.hmac_lanes_one_ns = Math.round(lanes / 1000);
  return v;
};

const README = 'bench/README.md';
const DESIGN = 'DESIGN §10';
const PRODUCER_PEER: Peer = {
  text: 'clkhash: 44,000 rows/s with 2 processes on this machine, CLKs only',
  source: `${README}, Producer tool`,
};
const PRODUCER_TARGETS: Target[] = [
  { metric: 'rows_per_s', op: '>=', value: 150_000, text: '≥ 150,000 rows/s' },
  { metric: 'peak_rss_mb', op: '<=', value: 1024, text: 'peak RSS ≤ 1 GB' },
];

const SPECS: readonly Spec[] = [
  {
    name: 'producer',
    title: 'Producer tool, `ldh-link pseudonymise` end to end, synthetic DSN file',
    script: 'bench:producer',
    // the issue's own command: at 200,000 rows the start and the end of a run weigh a fifth of it
    args: { full: ['--rows', '1000000'], quick: ['--rows', '20000'] },
    runs: { full: 3, quick: 1 },
    timeout: { full: 120, quick: 60 },
    parse: line('producer'),
    shown: [
      { metric: 'rows_per_s', unit: 'rows/s' },
      { metric: 'peak_rss_mb', unit: 'MB peak RSS' },
    ],
    targets: PRODUCER_TARGETS,
    peer: PRODUCER_PEER,
  },
  {
    name: 'producer-distinct',
    title: 'Producer tool, worst case: every row a different person',
    script: 'bench:producer',
    args: {
      full: ['--rows', '200000', '--input', 'distinct'],
      quick: ['--rows', '20000', '--input', 'distinct'],
    },
    runs: { full: 3, quick: 1 },
    timeout: { full: 120, quick: 60 },
    parse: line('producer'),
    shown: [
      { metric: 'rows_per_s', unit: 'rows/s' },
      { metric: 'peak_rss_mb', unit: 'MB peak RSS' },
    ],
    targets: PRODUCER_TARGETS,
    peer: PRODUCER_PEER,
  },
  {
    name: 'rows',
    title: 'Row processing in one thread, without I/O (median of 5 passes)',
    script: 'bench:rows',
    args: { full: ['--rows', '200000'], quick: ['--rows', '20000'] },
    runs: { full: 1, quick: 1 },
    timeout: { full: 120, quick: 60 },
    parse: line('rows'),
    shown: [{ metric: 'rows_per_s', unit: 'rows/s per core' }],
    targets: [],
    peer: { text: 'clkhash: 7–27 K records/s per core, CLKs only', source: DESIGN },
    note: 'input: the first synth-* folder under .bench-data/producer (bench/rows.ts has no size option for it)',
  },
  {
    name: 'rows-distinct',
    title: 'Row processing in one thread, every row a different person',
    script: 'bench:rows',
    args: {
      full: ['--rows', '200000', '--input', 'distinct'],
      quick: ['--rows', '20000', '--input', 'distinct'],
    },
    runs: { full: 1, quick: 1 },
    timeout: { full: 120, quick: 60 },
    parse: line('rows'),
    shown: [{ metric: 'rows_per_s', unit: 'rows/s per core' }],
    targets: [],
    peer: { text: 'clkhash: 7–27 K records/s per core, CLKs only', source: DESIGN },
    note: 'input: the first distinct-*.csv under .bench-data/producer',
  },
  {
    name: 'kernels',
    title: 'Kernels (tinybench, one thread)',
    script: 'bench:kernels',
    args: { full: [], quick: [] },
    runs: { full: 1, quick: 1 },
    timeout: { full: 90, quick: 90 },
    parse: parseKernels,
    shown: [
      { metric: 'identity_encoding_ops_per_s', unit: 'identity encodings/s' },
      { metric: 'clk_warm_ops_per_s', unit: 'CLKs/s' },
      { metric: 'hmac_ldh_one_ns', unit: 'ns per HMAC (1,000 per call)' },
      { metric: 'hmac_lanes_one_ns', unit: 'ns per HMAC through HmacLanes (1,000 per call)' },
    ],
    targets: [],
    peer: { text: 'clkhash: ~7–27 K records/s per core, i.e. 37–140 µs per record', source: DESIGN },
  },
  {
    name: 'dice',
    title: 'Dice kernel, top-k 1,000 × 100,000, one thread',
    script: 'bench:dice',
    args: { full: [], quick: [] },
    runs: { full: 1, quick: 1 },
    timeout: { full: 150, quick: 150 },
    parse: line('dice'),
    shown: [{ metric: 'comparisons_per_s', unit: 'M comparisons/s', scale: 1e-6, digits: 1 }],
    targets: [{ metric: 'comparisons_per_s', op: '>=', value: 60e6, text: '≥ 60 M comparisons/s' }],
    peer: {
      text: "anonlink's C++ kernel: 127–174 M/s on this machine; 50–139 M/s per core in DESIGN §10",
      source: `${README}, Dice kernel`,
    },
  },
  {
    name: 'synth',
    title: 'Synthetic population generator',
    script: 'bench:synth',
    args: { full: ['--persons', '100000'], quick: ['--persons', '10000'] },
    runs: { full: 3, quick: 1 },
    timeout: { full: 120, quick: 60 },
    parse: line('synth', (v) => ({ persons_per_s: per('persons', 'seconds')(v) })),
    shown: [
      { metric: 'seconds', unit: 's', digits: 1 },
      { metric: 'persons_per_s', unit: 'persons/s' },
      { metric: 'peak_rss_mb', unit: 'MB peak RSS' },
    ],
    targets: [
      {
        metric: 'persons_per_s',
        op: '>=',
        value: 1e6 / 60,
        text: '≤ 60 s per 1 M persons (≥ 16,667 persons/s, scaled linearly)',
      },
    ],
    peer: null,
  },
  {
    name: 'ingest',
    title: 'Hub ingest, sealed upload → rows committed',
    script: 'bench:ingest',
    args: { full: ['--rows', '200000'], quick: ['--rows', '20000'] },
    runs: { full: 3, quick: 1 },
    timeout: { full: 180, quick: 90 },
    parse: line('ingest', (v) => ({ rows_per_s: per('rows', 'seconds')(v) })),
    shown: [
      { metric: 'seconds', unit: 's', digits: 1 },
      { metric: 'rows_per_s', unit: 'rows/s' },
      { metric: 'peak_rss_mb', unit: 'MB hub peak RSS' },
    ],
    targets: [
      {
        metric: 'rows_per_s',
        op: '>=',
        value: 1e6 / 15,
        text: '≤ 15 s per 1 M rows (≥ 66,667 rows/s, scaled linearly)',
      },
      { metric: 'peak_rss_mb', op: '<=', value: 1536, text: 'hub RSS ≤ 1.5 GB' },
    ],
    peer: null,
  },
  {
    name: 'febrl4',
    title: 'FEBRL4 (5,000 × 5,000), automatic threshold',
    script: 'bench:febrl',
    args: { full: [], quick: [] },
    runs: { full: 1, quick: 1 },
    timeout: { full: 180, quick: 180 },
    parse: line('febrl4'),
    shown: [
      { metric: 'f1', unit: 'F1', digits: 4 },
      { metric: 'threshold', unit: 'threshold', digits: 3 },
    ],
    targets: [{ metric: 'f1', op: '>=', value: 0.995, text: 'F1 ≥ 0.995' }],
    peer: {
      text: 'clkhash + anonlink, 1,024-bit CLKs: F1 0.996 at threshold 0.8',
      source: `${README}, FEBRL4`,
    },
  },
  {
    name: 'link',
    title: 'Linkage of the synthetic population through the hub',
    script: 'bench:link',
    args: { full: ['--persons', '100000'], quick: ['--persons', '20000'] },
    runs: { full: 3, quick: 1 },
    timeout: { full: 300, quick: 180 },
    parse: line('link', (v) => ({ records_per_s: per('records', 'seconds')(v) }), {
      f1_without_valid_nir: /without valid NIR ([0-9.]+)/,
    }),
    shown: [
      { metric: 'seconds', unit: 's', digits: 1 },
      { metric: 'records_per_s', unit: 'records/s' },
      { metric: 'f1', unit: 'F1', digits: 4 },
      { metric: 'f1_without_valid_nir', unit: 'F1 without valid NIR', digits: 4 },
      { metric: 'peak_rss_mb', unit: 'MB hub peak RSS' },
    ],
    targets: [
      { metric: 'f1', op: '>=', value: 0.995, text: 'F1 ≥ 0.995' },
      { metric: 'f1_without_valid_nir', op: '>=', value: 0.95, text: 'F1 without valid NIR ≥ 0.95' },
      {
        metric: 'records_per_s',
        op: '>=',
        value: 1_309_273 / 180,
        text: '≤ 180 s at 1 M persons, 1.31 M records (≥ 7,274 records/s, scaled linearly)',
      },
    ],
    peer: {
      text: 'Splink on DuckDB: ~1 M records in about a minute on a laptop (≈ 17,000 records/s)',
      source: DESIGN,
    },
  },
  {
    name: 'query',
    title: 'Researcher queries, one cohort query from 20 researchers (answers cached after the first)',
    script: 'bench:query',
    args: {
      full: ['--persons', '100000', '--concurrency', '20', '--rounds', '1'],
      quick: ['--persons', '20000', '--concurrency', '20', '--rounds', '1'],
    },
    runs: { full: 1, quick: 1 },
    timeout: { full: 180, quick: 120 },
    parse: line('query', () => ({}), { median_ms: /median (\d+) ms/, peak_rss_mb: /hub peak RSS (\d+) MB/ }),
    shown: [
      { metric: 'p95_ms', unit: 'ms p95' },
      { metric: 'median_ms', unit: 'ms median' },
    ],
    targets: [
      {
        metric: 'p95_ms',
        op: '<=',
        value: 2000,
        text: 'p95 ≤ 2 s with 20 researchers (at 1 M persons; measured at the size above)',
      },
    ],
    peer: null,
  },
  {
    name: 'query-distinct',
    title: 'Researcher queries, each researcher its own query (nothing shared)',
    script: 'bench:query',
    args: {
      // one researcher: even four distinct queries at 100,000 persons did not fit in four minutes (the
      // exact audit of tables with thousands of small numerators); this measures one query's latency
      full: ['--persons', '100000', '--concurrency', '1', '--rounds', '1', '--distinct'],
      quick: ['--persons', '20000', '--concurrency', '1', '--rounds', '1', '--distinct'],
    },
    runs: { full: 1, quick: 1 },
    timeout: { full: 300, quick: 90 },
    parse: line('query', () => ({}), { median_ms: /median (\d+) ms/, peak_rss_mb: /hub peak RSS (\d+) MB/ }),
    shown: [
      { metric: 'p95_ms', unit: 'ms p95' },
      { metric: 'median_ms', unit: 'ms median' },
    ],
    targets: [
      {
        metric: 'p95_ms',
        op: '<=',
        value: 2000,
        text: 'p95 ≤ 2 s with 20 researchers (at 1 M persons; measured at the size above)',
      },
    ],
    peer: null,
  },
];

if (opts.list) {
  for (const s of SPECS) {
    const runs = quick ? s.runs.quick : s.runs.full;
    process.stdout.write(
      `${s.name.padEnd(18)} ${runs}× ${commandOf(s)}  (limit ${timeoutOf(s)} s per run)\n`,
    );
  }
  process.exit(0);
}

function commandOf(s: Spec): string {
  const args = quick ? s.args.quick : s.args.full;
  return `npm run ${s.script}${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
}
function timeoutOf(s: Spec): number {
  return (quick ? s.timeout.quick : s.timeout.full) * Number(opts['timeout-scale']);
}

const only = opts.only === undefined ? null : opts.only.split(',').map((s) => s.trim());
const unknown = (only ?? []).filter((n) => !SPECS.some((s) => s.name === n));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark ${unknown.join(', ')}; known: ${SPECS.map((s) => s.name).join(', ')}\n`,
  );
  process.exit(2);
}
const selected = SPECS.filter((s) => only === null || only.includes(s.name));

const started = new Date();
const t0 = performance.now();
const elapsed = () => formatDuration((performance.now() - t0) / 1000);
const log = (msg: string) => process.stderr.write(`[${elapsed().padStart(10)}] ${msg}\n`);

/** the running child's process group, so that Ctrl-C and time limits stop it and everything it started */
let current: number | null = null;
function killGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // the group is gone
  }
}
async function stopGroup(pgid: number): Promise<void> {
  if (!killGroup(pgid, 'SIGTERM')) return;
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (!killGroup(pgid, 0)) return;
  }
  killGroup(pgid, 'SIGKILL');
}
process.on('SIGINT', () => {
  if (current !== null) killGroup(current, 'SIGKILL');
  process.stderr.write('\ninterrupted\n');
  process.exit(130);
});

interface RunOutput {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  readonly timedOut: boolean;
}

/**
 * Runs a command in a process group of its own; when it exits (or runs past `limit` seconds) whatever it
 * left running in that group — a hub whose benchmark failed before stopping it — is stopped too.
 */
async function run(cmd: string, args: readonly string[], limit: number): Promise<RunOutput> {
  const start = performance.now();
  const child = spawn(cmd, args, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pgid = child.pid as number;
  current = pgid;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
    if (stderr.length > 4_000_000) stderr = stderr.slice(-1_000_000);
    if (opts.verbose) process.stderr.write(d);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopGroup(pgid);
  }, limit * 1000);
  const ticker = setInterval(() => {
    log(`  … ${formatDuration((performance.now() - start) / 1000)}`);
  }, 30_000);
  const code = await new Promise<number | null>((resolve) => {
    child.on('error', (e) => {
      stderr += String(e);
      resolve(null);
    });
    child.on('close', (c) => resolve(c));
  });
  clearTimeout(timer);
  clearInterval(ticker);
  await stopGroup(pgid);
  current = null;
  return { code, stdout, stderr, seconds: (performance.now() - start) / 1000, timedOut };
}

const tail = (s: string, lines = 30) => s.trimEnd().split('\n').slice(-lines).join('\n').slice(-4000);

function sh(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

function duckdbVersion(): string | null {
  try {
    const p = join(root, 'node_modules', '@duckdb', 'node-api', 'package.json');
    return (JSON.parse(readFileSync(p, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

const commit = sh('git', ['rev-parse', 'HEAD']);
const gitStatus = sh('git', ['status', '--porcelain']);
const loadavgStart = os.loadavg().map((x) => Number(x.toFixed(2)));
log(
  `${quick ? 'quick' : 'full'} suite: ${selected.map((s) => s.name).join(', ')} (load average ${loadavgStart[0]} on ${os.availableParallelism()} cores)`,
);

let build: SuiteResults['build'] = null;
if (!opts['no-build']) {
  log('npm run build');
  const b = await run('npm', ['run', 'build'], 300);
  build = { ran: true, ok: b.code === 0, seconds: Number(b.seconds.toFixed(1)) };
  if (b.code !== 0)
    log(
      `  build failed (exit code ${b.code}); the benchmarks use dist/ as it is\n${tail(b.stdout + b.stderr)}`,
    );
  else log(`  built in ${formatDuration(b.seconds)}`);
} else if (!existsSync(join(root, 'dist/cli/main.js'))) {
  log('no dist/: the benchmarks will build it');
}

const records: BenchRecord[] = [];
for (const [i, spec] of selected.entries()) {
  const command = commandOf(spec);
  const n = quick ? spec.runs.quick : spec.runs.full;
  const sizes = quick ? spec.args.quick : spec.args.full;
  const args = ['run', spec.script, ...(sizes.length > 0 ? ['--', ...sizes] : [])];
  const runs: BenchRecord['runs'][number][] = [];
  let failure: { status: 'failed' | 'timeout'; code: number | null; stderr: string } | null = null;
  const benchStart = performance.now();
  for (let r = 0; r < n; r++) {
    log(`${spec.name} (${i + 1}/${selected.length}) run ${r + 1}/${n}: ${command}`);
    const out = await run('npm', args, timeoutOf(spec));
    const values = out.code === 0 ? spec.parse(out.stdout, out.stderr) : null;
    runs.push({ values, seconds: Number(out.seconds.toFixed(1)), exitCode: out.code });
    if (out.timedOut) {
      failure = { status: 'timeout', code: out.code, stderr: out.stderr };
      log(`  stopped after ${formatDuration(out.seconds)} (limit ${timeoutOf(spec)} s)`);
      break;
    }
    if (out.code !== 0 || values === null) {
      failure = {
        status: 'failed',
        code: out.code,
        stderr:
          values === null && out.code === 0
            ? `no result line in the output\n${out.stdout}`
            : out.stderr.trim() !== ''
              ? out.stderr
              : out.stdout,
      };
      const why = tail(failure.stderr, 8);
      log(
        `  failed (exit code ${out.code}) after ${formatDuration(out.seconds)}${why === '' ? '' : `\n${why}`}`,
      );
      break;
    }
    const last = out.stdout
      .trimEnd()
      .split('\n')
      .filter((l) => !l.startsWith('│') && !l.startsWith('└'))
      .at(-1);
    log(`  ${formatDuration(out.seconds)}: ${spec.name === 'kernels' ? 'tinybench table parsed' : last}`);
  }
  const ok = runs.map((r) => r.values).filter((v): v is Values => v !== null);
  const median = failure === null ? medians(ok) : ok.length > 0 ? medians(ok) : {};
  records.push({
    name: spec.name,
    title: spec.title,
    command,
    status: failure?.status ?? 'ok',
    runs,
    median,
    targets: spec.targets.map((t) => ({ ...t, met: failure === null ? meets(t, median) : null })),
    shown: spec.shown,
    peer: spec.peer,
    seconds: Number(((performance.now() - benchStart) / 1000).toFixed(1)),
    ...(failure === null ? {} : { exitCode: failure.code, stderrTail: tail(failure.stderr) }),
    ...(spec.note === undefined ? {} : { note: spec.note }),
  });
}

const machine: Machine = {
  cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
  cores: os.availableParallelism(),
  memoryGb: Number((os.totalmem() / 2 ** 30).toFixed(1)),
  node: process.version,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  duckdb: duckdbVersion(),
  loadavgStart,
  loadavgEnd: os.loadavg().map((x) => Number(x.toFixed(2))),
};
const flags = [
  quick ? '--quick' : '',
  only === null ? '' : `--only ${only.join(',')}`,
  opts['no-build'] ? '--no-build' : '',
  opts['timeout-scale'] === '1' ? '' : `--timeout-scale ${opts['timeout-scale']}`,
].filter(Boolean);
const results: SuiteResults = {
  suite: {
    command: `npm run bench${flags.length > 0 ? ` -- ${flags.join(' ')}` : ''}`,
    mode: quick ? 'quick' : 'full',
    started: started.toISOString(),
    seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    only,
  },
  machine,
  git: { commit, dirty: gitStatus === null ? null : gitStatus !== '' },
  build,
  benchmarks: records,
};

// bench/results.json records a full run; a quick or partial one goes elsewhere unless --out says so, so that
// it does not replace the record of the full run (the README's summary is made from that record)
const out = opts.out ?? (quick || only !== null ? '.bench-data/results-partial.json' : 'bench/results.json');
const outPath = isAbsolute(out) ? out : join(root, out);
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, `${JSON.stringify(results, null, 2)}\n`);
log(`results → ${outPath}`);

// the README shows the full suite; a quick or partial run updates it only when asked (--readme)
const writeReadme = !opts['no-readme'] && (opts.readme || (!quick && only === null));
if (writeReadme) {
  const readme = join(root, 'bench', 'README.md');
  writeFileSync(readme, replaceSection(readFileSync(readme, 'utf8'), renderSection(results)));
  log(`summary → ${readme}`);
}

const failed = records.filter((r) => r.status !== 'ok');
for (const r of records) {
  const met = r.targets.filter((t) => t.met === false).length;
  process.stderr.write(
    `${r.name.padEnd(18)} ${r.status.padEnd(8)} ${r.status === 'ok' ? `${met === 0 ? '' : `${met} target(s) not met  `}` : ''}${formatDuration(r.seconds)}\n`,
  );
}
log(
  `done${failed.length > 0 ? `: ${failed.length} of ${records.length} failed (${failed.map((f) => f.name).join(', ')})` : ''}`,
);
process.exit(failed.length > 0 || (build !== null && !build.ok) ? 1 : 0);
