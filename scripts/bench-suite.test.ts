import { describe, expect, it } from 'vitest';
import {
  type BenchRecord,
  formatDuration,
  median,
  medians,
  meets,
  parseResultLine,
  parseTinybenchTable,
  renderSection,
  replaceSection,
  SECTION_END,
  SECTION_START,
  type SuiteResults,
} from '../bench/suite-report.js';

describe('parseResultLine', () => {
  it('reads the last line with the prefix, numbers as numbers', () => {
    const out = [
      '> ldh-link@0.1.0 bench:producer',
      'producer rows=10 rows_per_s=1 peak_rss_mb=2',
      'input synth: /x/dsn.csv',
      'producer rows=990067 rows_per_s=57653 peak_rss_mb=649',
      '',
    ].join('\n');
    expect(parseResultLine(out, 'producer')).toEqual({ rows: 990067, rows_per_s: 57653, peak_rss_mb: 649 });
  });

  it('keeps decimals and non-numeric values', () => {
    expect(
      parseResultLine('febrl4 precision=1.0000 recall=0.9930 f1=0.9965 threshold=0.670\n', 'febrl4'),
    ).toEqual({ precision: 1, recall: 0.993, f1: 0.9965, threshold: 0.67 });
    expect(parseResultLine('rows input=synth rows=300000 rows_per_s=95879', 'rows')).toEqual({
      input: 'synth',
      rows: 300000,
      rows_per_s: 95879,
    });
    expect(parseResultLine('ingest rows=990067 seconds=6.3 peak_rss_mb=541', 'ingest')?.seconds).toBe(6.3);
  });

  it('needs the prefix as a whole word and at least one pair', () => {
    expect(parseResultLine('producers rows=1\n', 'producer')).toBeNull();
    expect(parseResultLine('producer started\n', 'producer')).toBeNull();
    expect(parseResultLine('', 'dice')).toBeNull();
    expect(parseResultLine('  dice comparisons_per_s=1', 'dice')).toBeNull();
  });
});

describe('parseTinybenchTable', () => {
  const table = [
    '┌─────────┬──────────────────────┬───────────────────┬───────────────────┬────────────────────────┬────────────────────────┬─────────┐',
    '│ (index) │ Task name            │ Latency avg (ns)  │ Latency med (ns)  │ Throughput avg (ops/s) │ Throughput med (ops/s) │ Samples │',
    '├─────────┼──────────────────────┼───────────────────┼───────────────────┼────────────────────────┼────────────────────────┼─────────┤',
    "│ 0       │ 'normaliseIdentity'  │ '2850.7 ± 11.54%' │ '1332.0 ± 40.00'  │ '739180 ± 0.04%'       │ '750751 ± 22644'       │ 350796  │",
    "│ 1       │ 'a | b — kernel'     │ '2213.7 ± 13.51%' │ '682.00 ± 10.00'  │ '1444491 ± 0.02%'      │ '1466276 ± 21189'      │ 453380  │",
    '└─────────┴──────────────────────┴───────────────────┴───────────────────┴────────────────────────┴────────────────────────┴─────────┘',
  ].join('\n');

  it('reads the task name, the median latency and the median throughput', () => {
    expect(parseTinybenchTable(`> npm\n${table}\n`)).toEqual([
      { task: 'normaliseIdentity', latencyNs: 1332, opsPerS: 750751 },
      { task: 'a | b — kernel', latencyNs: 682, opsPerS: 1466276 },
    ]);
  });

  it('is empty without the table', () => {
    expect(parseTinybenchTable('dice comparisons_per_s=1\n')).toEqual([]);
  });
});

describe('median and medians', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([61579, 57653, 67432])).toBe(61579);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow();
  });

  it('takes the median per metric and keeps strings only when every run agrees', () => {
    expect(
      medians([
        { rows: 10, seconds: 6.3, input: 'synth', who: 'a' },
        { rows: 10, seconds: 5.8, input: 'synth', who: 'b' },
        { rows: 10, seconds: 6.1, input: 'synth', extra: 4 },
      ]),
    ).toEqual({ rows: 10, seconds: 6.1, input: 'synth', extra: 4 });
  });
});

describe('meets', () => {
  it('compares the median with the target both ways; null when not measured', () => {
    const atLeast = { metric: 'rows_per_s', op: '>=' as const, value: 150_000, text: '' };
    const atMost = { metric: 'peak_rss_mb', op: '<=' as const, value: 1024, text: '' };
    expect(meets(atLeast, { rows_per_s: 61_579 })).toBe(false);
    expect(meets(atLeast, { rows_per_s: 150_000 })).toBe(true);
    expect(meets(atMost, { peak_rss_mb: 649 })).toBe(true);
    expect(meets(atMost, { peak_rss_mb: 1025 })).toBe(false);
    expect(meets(atMost, {})).toBeNull();
    expect(meets(atMost, { peak_rss_mb: 'x' })).toBeNull();
  });
});

const record = (over: Partial<BenchRecord>): BenchRecord => ({
  name: 'producer',
  title: 'Producer',
  command: 'npm run bench:producer -- --rows 200000',
  status: 'ok',
  runs: [{ values: { rows_per_s: 61_579, peak_rss_mb: 649 }, seconds: 5, exitCode: 0 }],
  median: { rows_per_s: 61_579, peak_rss_mb: 649 },
  targets: [
    { metric: 'rows_per_s', op: '>=', value: 150_000, text: '≥ 150,000 rows/s', met: false },
    { metric: 'peak_rss_mb', op: '<=', value: 1024, text: 'peak RSS ≤ 1 GB', met: true },
  ],
  shown: [
    { metric: 'rows_per_s', unit: 'rows/s' },
    { metric: 'peak_rss_mb', unit: 'MB peak RSS' },
  ],
  peer: { text: 'clkhash: 44,000 rows/s', source: 'bench/README.md' },
  seconds: 15,
  ...over,
});

const results = (benchmarks: BenchRecord[]): SuiteResults => ({
  suite: {
    command: 'npm run bench',
    mode: 'full',
    started: '2026-11-29T02:10:00.000Z',
    seconds: 512,
    only: null,
  },
  machine: {
    cpu: 'AMD EPYC 7B13',
    cores: 2,
    memoryGb: 23.5,
    node: 'v20.20.2',
    os: 'Linux 6.1.0 x64',
    duckdb: '1.5.6-r.1',
    loadavgStart: [0.5, 0.4, 0.3],
    loadavgEnd: [1.9, 1, 1],
  },
  git: { commit: 'c43e60c2dd', dirty: true },
  build: { ran: true, ok: true, seconds: 20 },
  benchmarks,
});

describe('renderSection', () => {
  it('writes the machine line and one row per benchmark with median, targets and peer', () => {
    const md = renderSection(
      results([
        record({}),
        record({
          name: 'dice',
          command: 'npm run bench:dice',
          median: { comparisons_per_s: 117_092_832 },
          shown: [{ metric: 'comparisons_per_s', unit: 'M comparisons/s', scale: 1e-6, digits: 1 }],
          targets: [{ metric: 'comparisons_per_s', op: '>=', value: 6e7, text: '≥ 60 M', met: true }],
          peer: null,
        }),
        record({ name: 'query-distinct', status: 'timeout', seconds: 120, median: {}, exitCode: null }),
        record({ name: 'ingest', status: 'failed', exitCode: 1, median: {}, targets: [] }),
      ]),
    );
    expect(md).toContain('AMD EPYC 7B13, 2 cores, 23.5 GB RAM, Node v20.20.2, Linux 6.1.0 x64');
    expect(md).toContain('commit c43e60c with uncommitted changes');
    expect(md).toContain('2026-11-29');
    expect(md).toContain('8 min 32 s');
    expect(md).toContain(
      '| producer | `npm run bench:producer -- --rows 200000` | 1 | 61,579 rows/s; 649 MB peak RSS | ≥ 150,000 rows/s; peak RSS ≤ 1 GB | **no**; yes | clkhash: 44,000 rows/s (bench/README.md) |',
    );
    expect(md).toContain('| dice | `npm run bench:dice` | 1 | 117.1 M comparisons/s | ≥ 60 M | yes | — |');
    expect(md).toMatch(/\| query-distinct \|.*\| \*\*timeout\*\* after 2 min 00 s \|/);
    expect(md).toMatch(/\| ingest \|.*\| \*\*failed\*\* \(exit code 1\) \| — \| — \|/);
    // one header, one separator, four rows, all with the same number of cells
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    expect(rows).toHaveLength(5);
    for (const r of rows) expect(r.replace(/\\\|/g, '').split(' | ')).toHaveLength(7);
  });

  it('escapes pipes inside cells', () => {
    const md = renderSection(results([record({ peer: { text: 'a | b', source: 's' } })]));
    expect(md).toContain('a \\| b (s)');
  });
});

describe('replaceSection', () => {
  const doc = `# Benchmarks\n\nintro\n\n${SECTION_START}\nold table\n${SECTION_END}\n\n## Producer\n\nkept\n`;

  it('replaces only the text between the markers and is idempotent', () => {
    const once = replaceSection(doc, 'new table\n');
    expect(once).toBe(
      `# Benchmarks\n\nintro\n\n${SECTION_START}\nnew table\n${SECTION_END}\n\n## Producer\n\nkept\n`,
    );
    expect(replaceSection(once, 'new table')).toBe(once);
  });

  it('refuses a document with missing, repeated or reversed markers', () => {
    expect(() => replaceSection('# no markers\n', 'x')).toThrow(/not found/);
    expect(() => replaceSection(`${doc}${SECTION_START}\n`, 'x')).toThrow(/more than once/);
    expect(() => replaceSection(`${SECTION_END}\n${SECTION_START}\n`, 'x')).toThrow(/before/);
  });
});

describe('formatDuration', () => {
  it('shows seconds under a minute, minutes and seconds above', () => {
    expect(formatDuration(7.26)).toBe('7.3 s');
    expect(formatDuration(512)).toBe('8 min 32 s');
    expect(formatDuration(60)).toBe('1 min 00 s');
    expect(formatDuration(119.6)).toBe('2 min 00 s');
  });
});
