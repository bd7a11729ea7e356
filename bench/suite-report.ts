/**
 * The pure part of the benchmark suite (bench/suite.ts): parsing each benchmark's output, medians over
 * runs, targets, and the Markdown section it writes into bench/README.md. No I/O here, so that
 * scripts/bench-suite.test.ts can test it.
 */

/** One run's figures: the key=value pairs of its last line (numbers where they parse), plus derived ones. */
export type Values = Record<string, number | string>;

export const SECTION_START = '<!-- bench:suite -->';
export const SECTION_END = '<!-- /bench:suite -->';

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * The last line of `output` that starts with `prefix` followed by a space, as key=value pairs:
 * `producer rows=990067 rows_per_s=57653 peak_rss_mb=649` → { rows: 990067, rows_per_s: 57653, … }.
 * Null when no such line exists.
 */
export function parseResultLine(output: string, prefix: string): Values | null {
  const lines = output.split(/\r?\n/).filter((l) => l.startsWith(`${prefix} `));
  const last = lines.at(-1);
  if (last === undefined) return null;
  const values: Values = {};
  for (const token of last
    .slice(prefix.length + 1)
    .trim()
    .split(/\s+/)) {
    const eq = token.indexOf('=');
    if (eq <= 0) continue;
    const key = token.slice(0, eq);
    const raw = token.slice(eq + 1);
    values[key] = NUMBER.test(raw) ? Number(raw) : raw;
  }
  return Object.keys(values).length === 0 ? null : values;
}

/** One row of tinybench's `console.table(bench.table())`. */
export interface KernelRow {
  readonly task: string;
  /** median latency, nanoseconds */
  readonly latencyNs: number;
  /** median throughput, operations per second */
  readonly opsPerS: number;
}

/**
 * The rows of the table that tinybench's `bench.table()` prints through `console.table` (bench/kernels.ts
 * ends with it instead of a key=value line): task name, median latency (ns), median throughput (ops/s).
 */
export function parseTinybenchTable(output: string): KernelRow[] {
  const cellsOf = (line: string) =>
    line
      .split('│')
      .slice(1, -1)
      .map((c) => c.trim().replace(/^'(.*)'$/, '$1'));
  const lines = output.split(/\r?\n/).filter((l) => l.startsWith('│'));
  const header = lines.find((l) => /Task name/.test(l));
  if (header === undefined) return [];
  const names = cellsOf(header);
  const col = (re: RegExp) => names.findIndex((n) => re.test(n));
  const task = col(/^Task name$/);
  const latency = col(/^Latency med/);
  const ops = col(/^Throughput med/);
  if (task < 0 || latency < 0 || ops < 0) return [];
  const lead = (s: string | undefined) => Number.parseFloat((s ?? '').split('±')[0] ?? '');
  return lines
    .filter((l) => l !== header)
    .map(cellsOf)
    .map((c) => ({ task: c[task] ?? '', latencyNs: lead(c[latency]), opsPerS: lead(c[ops]) }))
    .filter((r) => r.task !== '' && Number.isFinite(r.latencyNs) && Number.isFinite(r.opsPerS));
}

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * The median of every metric over the runs: numbers by their median, strings kept when every run agrees.
 * A metric missing from some runs has the median of the runs that have it.
 */
export function medians(runs: readonly Values[]): Values {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  const out: Values = {};
  for (const k of keys) {
    const vs = runs.map((r) => r[k]).filter((v) => v !== undefined);
    if (vs.length > 0 && vs.every((v) => typeof v === 'number')) out[k] = median(vs as number[]);
    else if (vs.length > 0 && vs.every((v) => v === vs[0])) out[k] = vs[0] as string;
  }
  return out;
}

export interface Target {
  readonly metric: string;
  readonly op: '>=' | '<=';
  readonly value: number;
  /** as written in the issue, e.g. "≤ 15 s per 1 M rows (≥ 66,667 rows/s, scaled linearly)" */
  readonly text: string;
}

/** Whether the median meets the target; null when the metric was not measured. */
export function meets(target: Target, values: Values): boolean | null {
  const v = values[target.metric];
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  return target.op === '>=' ? v >= target.value : v <= target.value;
}

/** How a metric is shown in the README table. */
export interface Shown {
  readonly metric: string;
  /** after the number, e.g. "rows/s", "MB peak RSS" */
  readonly unit: string;
  readonly digits?: number;
  /** multiplies the value before display, e.g. 1e-6 for "M comparisons/s" */
  readonly scale?: number;
}

export function formatNumber(x: number, digits = 0): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatShown(shown: readonly Shown[], values: Values): string {
  const parts = shown.flatMap((s) => {
    const v = values[s.metric];
    if (typeof v !== 'number') return [];
    return [`${formatNumber(v * (s.scale ?? 1), s.digits ?? 0)} ${s.unit}`.trim()];
  });
  return parts.length === 0 ? '—' : parts.join('; ');
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const t = Math.round(seconds);
  const m = Math.floor(t / 60);
  return `${m} min ${String(t - m * 60).padStart(2, '0')} s`;
}

export interface Peer {
  readonly text: string;
  /** where the figure comes from, e.g. "bench/README.md, Producer tool" */
  readonly source: string;
}

export type Status = 'ok' | 'failed' | 'timeout';

/** A benchmark's record as bench/results.json holds it. */
export interface BenchRecord {
  readonly name: string;
  readonly title: string;
  readonly command: string;
  readonly status: Status;
  readonly runs: readonly {
    readonly values: Values | null;
    readonly seconds: number;
    readonly exitCode: number | null;
  }[];
  readonly median: Values;
  readonly targets: readonly (Target & { readonly met: boolean | null })[];
  readonly shown: readonly Shown[];
  readonly peer: Peer | null;
  readonly seconds: number;
  readonly exitCode?: number | null;
  readonly stderrTail?: string;
  readonly note?: string;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly os: string;
  readonly duckdb: string | null;
  readonly loadavgStart: readonly number[];
  readonly loadavgEnd: readonly number[];
}

export interface SuiteResults {
  readonly suite: {
    readonly command: string;
    readonly mode: 'full' | 'quick';
    readonly started: string;
    readonly seconds: number;
    readonly only: readonly string[] | null;
  };
  readonly machine: Machine;
  readonly git: { readonly commit: string | null; readonly dirty: boolean | null };
  readonly build: { readonly ran: boolean; readonly ok: boolean; readonly seconds: number } | null;
  readonly benchmarks: readonly BenchRecord[];
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function machineLine(r: SuiteResults): string {
  const m = r.machine;
  const load = (xs: readonly number[]) => (xs[0] ?? 0).toFixed(1);
  const commit =
    r.git.commit === null
      ? 'commit unknown'
      : `commit ${r.git.commit.slice(0, 7)}${r.git.dirty ? ' with uncommitted changes' : ''}`;
  return (
    `Machine: ${m.cpu}, ${m.cores} cores, ${formatNumber(m.memoryGb, 1)} GB RAM, Node ${m.node}, ${m.os}` +
    `${m.duckdb === null ? '' : `, DuckDB via @duckdb/node-api ${m.duckdb}`}; ` +
    `load average ${load(m.loadavgStart)} at the start, ${load(m.loadavgEnd)} at the end (${m.cores} cores: ` +
    `above ${m.cores} the machine was shared and the figures are noisy). ` +
    `Run of ${r.suite.started.slice(0, 10)} (${r.suite.started.slice(11, 16)} UTC), \`${r.suite.command}\`, ` +
    `${formatDuration(r.suite.seconds)}, ${commit}.`
  );
}

function medianCell(b: BenchRecord): string {
  if (b.status === 'timeout') return `**timeout** after ${formatDuration(b.seconds)}`;
  if (b.status === 'failed') return `**failed** (exit code ${b.exitCode ?? 'none'})`;
  return formatShown(b.shown, b.median);
}

/** The generated section (without its markers): machine line and one summary table. */
export function renderSection(r: SuiteResults): string {
  const rows = r.benchmarks.map((b) => {
    const runs = b.runs.length;
    const targets = b.targets.length === 0 ? '—' : b.targets.map((t) => t.text).join('; ');
    const met =
      b.targets.length === 0
        ? '—'
        : b.targets.map((t) => (t.met === null ? '?' : t.met ? 'yes' : '**no**')).join('; ');
    const peer = b.peer === null ? '—' : `${b.peer.text} (${b.peer.source})`;
    return `| ${cell(b.name)} | \`${cell(b.command)}\` | ${runs} | ${cell(medianCell(b))} | ${cell(targets)} | ${met} | ${cell(peer)} |`;
  });
  return [
    '## Summary — `npm run bench` (generated)',
    '',
    'This section is written by `npm run bench` (bench/suite.ts) between the `bench:suite` markers; do not edit',
    'it by hand. Every run of every benchmark, with its last line, is in `bench/results.json`. Sizes are',
    'those that fit the whole suite in 10 minutes on the 2-core machine; the targets of the issues are for',
    'larger sizes, so targets on time are scaled linearly where the table says so. The sections below give',
    'the figures measured by hand at full size. `npm run bench -- --quick` runs the smallest sizes once (a',
    'check that every benchmark still runs), `--only name,…` a subset; both leave this section and',
    '`bench/results.json` alone and write their results to `.bench-data/results-partial.json`.',
    '',
    machineLine(r),
    '',
    '| benchmark | command | runs | median | target | met? | peer figure |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/**
 * `markdown` with the text between the two markers replaced by `content` (the markers stay). Throws when
 * the markers are missing, repeated or out of order, so that nothing else in the file is ever rewritten.
 */
export function replaceSection(
  markdown: string,
  content: string,
  start = SECTION_START,
  end = SECTION_END,
): string {
  const i = markdown.indexOf(start);
  const j = markdown.indexOf(end);
  if (i < 0 || j < 0) throw new Error(`markers ${start} … ${end} not found`);
  if (markdown.indexOf(start, i + 1) >= 0 || markdown.indexOf(end, j + 1) >= 0)
    throw new Error(`markers ${start} … ${end} appear more than once`);
  if (j < i) throw new Error(`marker ${end} comes before ${start}`);
  return `${markdown.slice(0, i + start.length)}\n${content.trim()}\n${markdown.slice(j)}`;
}
