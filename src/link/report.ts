/**
 * The linkage-quality report of one run: the engine's summary (aggregates only), an estimate of the
 * false-match rate of the fuzzy links made without ground truth, and — on synthetic or FEBRL data — the
 * quality against truth. Rendered as JSON (the object itself) and as one self-contained HTML page: inline
 * CSS and inline SVG charts drawn here, no script, no external resource, readable printed. It receives
 * aggregates only (counts, shares, histograms), never a record, pseudonym or person id. Pure.
 */
import { SOURCES } from '../core/fields.js';
import type { LinkSummary, PairStats } from './engine.js';
import type { QualityAgainstTruth, Scores } from './metrics.js';

export interface QualityReport {
  readonly format: 'ldh-link/linkage-report';
  readonly version: 1;
  /** run id */
  readonly run: string;
  /** ISO 8601 */
  readonly createdAt: string;
  readonly summary: LinkSummary;
  /** see {@link estimateFalseMatchRate}; null when there are no cross-source fuzzy links */
  readonly estimatedFalseMatchRate: number | null;
  readonly truth?: {
    readonly quality: QualityAgainstTruth;
    /** per cross-source pair: share of the true fuzzy pairs that collide in an LSH band (candidates) */
    readonly pairCompleteness: Record<string, number> | null;
    /** what the truth is, e.g. "synthetic, 1 M records, seed 7" */
    readonly label: string;
  };
}

export function buildReport(
  run: string,
  createdAt: string,
  summary: LinkSummary,
  truth?: QualityReport['truth'],
): QualityReport {
  return {
    format: 'ldh-link/linkage-report',
    version: 1,
    run,
    createdAt,
    summary,
    estimatedFalseMatchRate: estimateFalseMatchRate(summary),
    ...(truth ? { truth } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------
// False-match rate without ground truth

const ERFC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/** Complementary error function (Numerical Recipes' erfcc, relative error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly = ERFC.reduceRight((acc, c) => c + t * acc, 0);
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

/** P(Z > z) for a standard normal Z. */
const upperTail = (z: number) => 0.5 * erfc(z / Math.SQRT2);
const density = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

/** The lower mode of a best-score histogram, fitted as a normal on its upper half. */
export interface LowerModeFit {
  readonly mean: number;
  readonly sd: number;
  /** mass of the whole fitted normal (records) */
  readonly mass: number;
  /** its expected records at or above the threshold */
  readonly tail: number;
}

/**
 * Fits the lower mode of a histogram over [0, 1] below `threshold` (see {@link estimateFalseMatchRate});
 * null when no bin below the threshold has a count.
 */
export function fitLowerMode(bins: readonly number[], threshold: number): LowerModeFit | null {
  const n = bins.length;
  const k = Math.min(n, Math.floor(threshold * n + 1e-9)); // bins [0, k) lie below the threshold
  let peak = -1;
  for (let i = 0; i < k; i++)
    if (count(bins[i]) > 0 && (peak < 0 || count(bins[i]) > count(bins[peak]))) peak = i;
  if (peak < 0) return null;
  const mean = (peak + 0.5) / n;
  const span = k / n - mean; // the observed upper half: [mean, k/n)
  // the peak bin contributes its upper half, at a quarter bin from the mean
  let mass = count(bins[peak]) / 2;
  let moment = mass * (0.25 / n);
  for (let i = peak + 1; i < k; i++) {
    mass += count(bins[i]);
    moment += count(bins[i]) * ((i + 0.5) / n - mean);
  }
  const sd = halfNormalSd(moment / mass, span);
  const inside = 0.5 - upperTail(span / sd); // share of the normal in [mean, k/n)
  const whole = mass / inside;
  return { mean, sd, mass: whole, tail: whole * upperTail((threshold - mean) / sd) };
}

const count = (c: number | undefined) => (c !== undefined && Number.isFinite(c) && c > 0 ? c : 0);

/**
 * σ of a normal truncated to [μ, μ + span] whose mean distance from μ is `m`: solves
 * σ·(φ(0) − φ(span/σ)) / (Φ(span/σ) − ½) = m by bisection (the left side grows from 0 to span/2).
 * A flat or rising upper half (m ≥ span/2: the modes are not separated) gives the largest σ, 1.
 */
function halfNormalSd(m: number, span: number): number {
  const meanAt = (sd: number) => {
    const z = span / sd;
    return (sd * (density(0) - density(z))) / (0.5 - upperTail(z));
  };
  let lo = 1e-5;
  let hi = 1;
  if (meanAt(hi) <= m) return hi;
  for (let it = 0; it < 60; it++) {
    const mid = Math.sqrt(lo * hi);
    if (meanAt(mid) < m) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

const isCrossSource = (key: string) => {
  const [a, b] = key.split('-');
  return a !== b;
};

/**
 * Estimated share of the cross-source fuzzy links that join two different persons, from the score
 * distributions alone. Each record's best score is a mixture: a high mode (records whose match is among
 * the candidates) and a low mode (records without one, scoring at chance level). Per cross-source pair,
 * the low mode of the best-score histogram is fitted as a normal: its mean at the highest bin below the
 * threshold, its spread from the bins between that peak and the threshold only (a half-normal truncated
 * at the threshold, so that neither the floor, which cuts the left side, nor the matches above the
 * threshold enter the fit); the fit's mass above the threshold is the expected number of records whose
 * best candidate is a non-match scoring as high as a match. A false link joins two such records, so the
 * pair's false links are estimated as half that tail, at most the pair's accepted links; the rate is their
 * sum over the accepted cross-source fuzzy links. Within-source (duplicate) links are left out.
 *
 * It is an estimate, with known biases: it leans high when tail records lose their best candidate to that
 * candidate's true match (they then stay unlinked), or when matches near the threshold widen the fitted
 * spread; it leans low when the chance-level best score has a heavier right tail than a normal (a maximum
 * over candidates is right-skewed). With the modes not separated (no decrease before the threshold) the
 * spread is taken as 1 and the estimate says little more than "many". Returns null when there are no
 * cross-source fuzzy links.
 */
export function estimateFalseMatchRate(summary: LinkSummary): number | null {
  let accepted = 0;
  let falseLinks = 0;
  for (const [key, p] of Object.entries(summary.pairs)) {
    if (!isCrossSource(key) || p.accepted <= 0) continue;
    accepted += p.accepted;
    const fit = fitLowerMode(p.bestHistogram, summary.threshold);
    if (fit) falseLinks += Math.min(p.accepted, fit.tail / 2);
  }
  return accepted === 0 ? null : falseLinks / accepted;
}

// ---------------------------------------------------------------------------------------------------
// Formatting

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const int = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const pct = (x: number, digits = 1) => (Number.isFinite(x) ? `${(100 * x).toFixed(digits)} %` : '–');
const dec = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const secs = (x: number) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(1)} s` : '–');
/** SVG coordinates: two decimals are below a printer's dot */
const px = (x: number) => x.toFixed(2);
const pairLabel = (key: string) => key.replace('-', ' – ');

/** Known sources first, in protocol order, then any other key. */
function bySource(m: Record<string, number>): [string, number][] {
  const keys = [
    ...SOURCES.filter((s) => s in m),
    ...Object.keys(m).filter((k) => !(SOURCES as readonly string[]).includes(k)),
  ];
  return keys.map((k) => [k, m[k] ?? 0]);
}

/** Figures (digits, "≈ …", "–") are right-aligned, words left-aligned. */
const isFigure = (text: string) => /^[≈–\d]/.test(text);

/** A table of text cells, escaped here; a column's heading is aligned as its first cell. */
function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (tag: 'th' | 'td', text: string, figure: boolean) =>
    `<${tag}${figure ? ' class="num"' : ''}>${escapeHtml(text)}</${tag}>`;
  const headRow = `<tr>${head.map((h, j) => cell('th', h, isFigure(rows[0]?.[j] ?? ''))).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => cell('td', c, isFigure(c))).join('')}</tr>`).join('\n');
  return `<table>\n<thead>${headRow}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

// ---------------------------------------------------------------------------------------------------
// Charts

export interface HistogramOptions {
  readonly title: string;
  /** what is counted, shown on the y axis with "(log scale)" */
  readonly counted: string;
  /** a vertical line at this score */
  readonly threshold?: number;
  /** left end of the x axis (bins below are not drawn), e.g. the floor */
  readonly xMin?: number;
  /** expected counts per bin, drawn as a dashed line (where > 0) */
  readonly curve?: readonly number[];
  readonly width?: number;
  readonly height?: number;
}

const M = { left: 60, right: 14, top: 22, bottom: 40 } as const;

/** Log-scale tick values: 0 and the powers of ten up to max. */
function logTicks(max: number): number[] {
  const ticks = [0];
  for (let v = 1; v <= max; v *= 10) ticks.push(v);
  return ticks;
}

const tickLabel = (v: number) => (v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : String(v));

/**
 * A histogram over [xMin, 1] as an inline SVG, counts on a log scale (log10(1 + count), so that a single
 * pair stays visible next to millions of non-matches), with an optional threshold line.
 */
export function svgHistogram(bins: readonly number[], opts: HistogramOptions): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 220;
  const n = bins.length;
  const first = Math.max(0, Math.min(n - 1, Math.floor((opts.xMin ?? 0) * n + 1e-9)));
  const plotW = width - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const bottom = M.top + plotH;
  const bw = plotW / Math.max(1, n - first);
  const xOf = (binPos: number) => M.left + (binPos - first) * bw;
  const max = Math.max(1, ...bins.map(count), ...(opts.curve ?? []).map(count));
  const yOf = (c: number) => bottom - (Math.log10(1 + c) / Math.log10(1 + max)) * plotH;
  const out: string[] = [];
  for (let i = first; i < n; i++) {
    const c = count(bins[i]);
    if (c === 0) continue;
    const y = yOf(c);
    out.push(
      `<rect class="bar" data-bin="${i}" x="${px(xOf(i))}" y="${px(y)}" width="${px(bw)}" height="${px(bottom - y)}"/>`,
    );
  }
  if (opts.curve) {
    const points = opts.curve
      .map((c, i) => (i >= first && count(c) > 0 ? `${px(xOf(i + 0.5))},${px(yOf(count(c)))}` : ''))
      .filter((p) => p !== '');
    if (points.length > 1) out.push(`<polyline class="fit" points="${points.join(' ')}"/>`);
  }
  for (const v of logTicks(max)) {
    const y = px(yOf(v));
    out.push(`<line class="grid" x1="${M.left}" x2="${M.left + plotW}" y1="${y}" y2="${y}"/>`);
    out.push(
      `<text class="tick" x="${M.left - 4}" y="${y}" text-anchor="end" dy="0.3em">${tickLabel(v)}</text>`,
    );
  }
  for (let t = Math.ceil(first / 10) * 10; t <= n; t += 10) {
    const x = px(xOf(t));
    out.push(`<line class="axis" x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 4}"/>`);
    out.push(
      `<text class="tick" x="${x}" y="${bottom + 15}" text-anchor="middle">${(t / n).toFixed(1)}</text>`,
    );
  }
  out.push(`<line class="axis" x1="${M.left}" x2="${M.left + plotW}" y1="${bottom}" y2="${bottom}"/>`);
  if (opts.threshold !== undefined) {
    const x = px(xOf(opts.threshold * n));
    out.push(`<line class="threshold" x1="${x}" x2="${x}" y1="${M.top - 6}" y2="${bottom}"/>`);
    out.push(
      `<text class="label" x="${x}" y="${M.top - 9}" text-anchor="middle">threshold ${dec(opts.threshold, 2)}</text>`,
    );
  }
  out.push(
    `<text class="label" x="${M.left + plotW / 2}" y="${height - 6}" text-anchor="middle">score (Dice)</text>`,
  );
  out.push(
    `<text class="label" transform="translate(14 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(opts.counted)} (log scale)</text>`,
  );
  return svg(width, height, opts.title, out);
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** the value as shown next to the bar */
  readonly text: string;
}

/** Horizontal bars on a linear scale from 0 to `max` (default: the largest value). */
export function svgBars(
  bars: readonly Bar[],
  opts: { readonly title: string; readonly max?: number; readonly width?: number },
): string {
  const width = opts.width ?? 640;
  const rowH = 26;
  const left = 110;
  const textW = 110;
  const height = bars.length * rowH + 12;
  const max = Math.max(opts.max ?? 0, ...bars.map((b) => count(b.value))) || 1;
  const plotW = width - left - textW;
  const out = bars.map((b, i) => {
    const y = 6 + i * rowH;
    const w = (count(b.value) / max) * plotW;
    return [
      `<text class="tick" x="${left - 6}" y="${y + rowH / 2}" text-anchor="end" dy="0.3em">${escapeHtml(b.label)}</text>`,
      `<rect class="bar" x="${left}" y="${y + 4}" width="${px(w)}" height="${rowH - 8}"/>`,
      `<text class="tick" x="${px(left + w + 6)}" y="${y + rowH / 2}" dy="0.3em">${escapeHtml(b.text)}</text>`,
    ].join('');
  });
  out.push(`<line class="axis" x1="${left}" x2="${left}" y1="4" y2="${height - 4}"/>`);
  return svg(width, height, opts.title, out);
}

function svg(width: number, height: number, title: string, body: readonly string[]): string {
  const t = escapeHtml(title);
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${t}"><title>${t}</title>\n${body.join('\n')}\n</svg>`;
}

// ---------------------------------------------------------------------------------------------------
// The page

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; max-width: 960px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #999; padding-bottom: 0.2em; margin-top: 2em; }
.meta, .note, footer { color: #444; font-size: 0.92em; }
table { border-collapse: collapse; margin: 0.6em 0 1em; } th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #ddd; text-align: left; }
th { background: #f2f2f2; } .num { text-align: right; font-variant-numeric: tabular-nums; }
.figures { display: flex; flex-wrap: wrap; gap: 0 2em; } figure { margin: 0.5em 0 1.2em; } figcaption { font-size: 0.92em; color: #333; }
svg { max-width: 100%; height: auto; font-size: 11px; } svg .bar { fill: #4a6fa5; } svg .fit { fill: none; stroke: #222; stroke-width: 1.5; stroke-dasharray: 4 3; }
svg .axis { stroke: #333; } svg .grid { stroke: #ccc; stroke-width: 0.5; } svg .threshold { stroke: #c0392b; stroke-width: 2; stroke-dasharray: 6 3; }
svg .tick, svg .label { fill: #222; } svg .label { font-size: 12px; }
footer { margin-top: 3em; border-top: 1px solid #999; padding-top: 0.5em; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } section, figure, table { break-inside: avoid; } h2 { break-after: avoid; }
  svg .bar { fill: #555; } th { background: none; border-bottom: 1.5px solid #000; } }
`;

/**
 * The report as one self-contained HTML page (no script, no external resource).
 * @example writeFileSync('report.html', renderReportHtml(buildReport(runId, new Date().toISOString(), result.summary)))
 */
export function renderReportHtml(r: QualityReport): string {
  const title = `Linkage quality report — run ${r.run}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${CSS}</style></head>`,
    '<body>',
    `<h1>Linkage quality report</h1>\n<p class="meta">Run <code>${escapeHtml(r.run)}</code> · created ${escapeHtml(r.createdAt)} · ${escapeHtml(r.format)} v${r.version}</p>`,
    headline(r),
    matchesByType(r.summary),
    unlinked(r.summary),
    sourcePairs(r.summary),
    r.truth ? truthSection(r.truth, r.estimatedFalseMatchRate) : '',
    '<footer>Aggregates only: no record, pseudonym or person id. Generated by ldh-link.</footer>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const CHOSEN: Record<LinkSummary['thresholdChosen'], string> = {
  configured: 'configured',
  automatic: "automatic (Otsu's method on each record's best score)",
  default: 'default (no score distribution to choose from)',
};

function headline(r: QualityReport): string {
  const s = r.summary;
  const fmr = r.estimatedFalseMatchRate;
  const figures = table(
    ['Figure', 'Value'],
    [
      ['Records', int(s.records)],
      ...bySource(s.recordsBySource).map(([src, c]): string[] => [`Records, ${src}`, int(c)]),
      ['Persons', int(s.persons)],
      ['Links by NIR pseudonym', int(s.links.nir)],
      ['Links by secondary identity key', int(s.links.idkey)],
      ['Fuzzy links (CLK Dice)', int(s.links.fuzzy)],
      ['NIR conflicts refused', int(s.conflictsRefused)],
      ['Threshold', dec(s.threshold, 2)],
      ['Threshold chosen', CHOSEN[s.thresholdChosen] ?? s.thresholdChosen],
      [
        'Estimated false-match rate, cross-source fuzzy links',
        fmr === null ? 'n/a (no fuzzy links)' : `≈ ${pct(fmr, 2)}`,
      ],
    ],
  );
  const c = s.config;
  const config = table(
    ['Setting', 'Value'],
    [
      ['Threshold (configured)', c.threshold === null ? 'automatic' : dec(c.threshold, 2)],
      ['Score floor', dec(c.floor, 2)],
      ['Best candidates kept per record', int(c.topK)],
      ['LSH bucket size cap', int(c.bucketCap)],
      ['Exhaustive comparison up to', `${int(c.exhaustiveLimit)} pairs`],
      ['Candidate cap per source pair', `${int(c.maxPairs)} pairs`],
    ],
  );
  const stages = Object.entries(s.seconds);
  const total = stages.reduce((a, [, v]) => a + (Number.isFinite(v) ? v : 0), 0);
  const timings = table(['Stage', 'Time'], [...stages.map(([k, v]) => [k, secs(v)]), ['total', secs(total)]]);
  return `<section id="headline">
<h2>Headline figures</h2>
<div class="figures"><div>${figures}</div><div><h3>Stage timings</h3>${timings}<h3>Configuration</h3>${config}</div></div>
<p class="note">The false-match rate is estimated without ground truth: per cross-source pair, the lower (non-match) mode of the best-score histogram is fitted as a normal between its peak and the threshold, and half its tail above the threshold is counted as false links. It is an estimate; see the dashed fitted curve in each best-score chart.</p>
</section>`;
}

function matchesByType(s: LinkSummary): string {
  const bars: Bar[] = [
    { label: 'NIR', value: s.links.nir, text: int(s.links.nir) },
    { label: 'identity key', value: s.links.idkey, text: int(s.links.idkey) },
    { label: 'fuzzy', value: s.links.fuzzy, text: int(s.links.fuzzy) },
  ];
  return `<section id="types">
<h2>Matches by type</h2>
<figure>${svgBars(bars, { title: 'Links by type' })}<figcaption>Links made by each rule: shared NIR pseudonym, shared secondary identity key, CLK similarity at or above the threshold.</figcaption></figure>
</section>`;
}

function unlinked(s: LinkSummary): string {
  const bars = bySource(s.unlinkedShare).map(([src, v]): Bar => ({ label: src, value: v, text: pct(v) }));
  return `<section id="unlinked">
<h2>Unlinked share per source</h2>
<figure>${svgBars(bars, { title: 'Unlinked share per source', max: 1 })}<figcaption>Share of each source's records whose person has no record of another source (scale 0–100 %).</figcaption></figure>
</section>`;
}

function sourcePairs(s: LinkSummary): string {
  const entries = Object.entries(s.pairs);
  const rows = entries.map(([key, p]) => {
    const fit = isCrossSource(key) ? fitLowerMode(p.bestHistogram, s.threshold) : null;
    return [
      pairLabel(key),
      int(p.residualA),
      int(p.residualB),
      p.mode,
      int(p.candidates),
      int(p.comparisons),
      int(p.kept),
      int(p.accepted),
      p.capped ? 'yes' : 'no',
      int(p.skippedBuckets),
      fit ? int(fit.tail) : '–',
    ];
  });
  const head = [
    'Pair',
    'Residual A',
    'Residual B',
    'Mode',
    'Candidates',
    'Comparisons',
    'Kept',
    'Accepted',
    'Capped',
    'Skipped buckets',
    'Non-match tail',
  ];
  return `<section id="pairs">
<h2>Source pairs</h2>
${table(head, rows)}
<p class="note">Residual: records still lacking the other source after the exact links (within a source: records without a certified NIR, against the whole source). Kept: scored pairs at or above the floor, best ${int(s.config.topK)} per record. Non-match tail: records of the fitted lower mode expected above the threshold.</p>
${entries.map(([key, p]) => pairCharts(key, p, s)).join('\n')}
</section>`;
}

function pairCharts(key: string, p: PairStats, s: LinkSummary): string {
  const name = pairLabel(key);
  const has = (h: readonly number[]) => h.some((c) => count(c) > 0);
  if (!has(p.scoreHistogram) && !has(p.bestHistogram))
    return `<h3>${escapeHtml(name)}</h3>\n<p class="note">No kept scores.</p>`;
  const fit = isCrossSource(key) ? fitLowerMode(p.bestHistogram, s.threshold) : null;
  const common = { threshold: s.threshold, xMin: s.config.floor } as const;
  const kept = svgHistogram(p.scoreHistogram, { ...common, title: `${name}: kept scores`, counted: 'pairs' });
  const best = svgHistogram(p.bestHistogram, {
    ...common,
    title: `${name}: best score per record`,
    counted: 'records',
    ...(fit ? { curve: fitCurve(fit, p.bestHistogram.length) } : {}),
  });
  return `<h3>${escapeHtml(name)}</h3>
<figure>${kept}<figcaption>All kept scores of ${escapeHtml(name)}; the dashed vertical line is the threshold.</figcaption></figure>
<figure>${best}<figcaption>Each record's best score${fit ? `; dashed curve: the fitted non-match mode (mean ${dec(fit.mean, 3)}, sd ${dec(fit.sd, 3)})` : ''}.</figcaption></figure>`;
}

/** Expected counts per bin of the fitted normal, from its mean upwards. */
function fitCurve(fit: LowerModeFit, n: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    if ((i + 1) / n <= fit.mean) return 0;
    const c =
      fit.mass * (upperTail((i / n - fit.mean) / fit.sd) - upperTail(((i + 1) / n - fit.mean) / fit.sd));
    return c < 0.05 ? 0 : c; // stop the line where it would only run along the axis
  });
}

function truthSection(t: NonNullable<QualityReport['truth']>, fmr: number | null): string {
  const q = t.quality;
  const head = (first: string) => [first, 'TP', 'FP', 'FN', 'Precision', 'Recall', 'F1'];
  const row = (label: string, x: Scores) => [
    label,
    int(x.tp),
    int(x.fp),
    int(x.fn),
    dec(x.precision),
    dec(x.recall),
    dec(x.f1),
  ];
  const pairRows = Object.entries(q.bySourcePair).flatMap(([key, x]) => {
    const byType = q.bySourcePairAndType[key];
    return [
      row(pairLabel(key), x),
      ...(byType
        ? [row(`${pairLabel(key)} · exact`, byType.exact), row(`${pairLabel(key)} · fuzzy`, byType.fuzzy)]
        : []),
    ];
  });
  const typeRows = [
    row('overall', q.overall),
    row('exact (shared NIR or identity key)', q.byType.exact),
    row('fuzzy', q.byType.fuzzy),
    row('without valid NIR (either record)', q.withoutValidNir),
  ];
  const completeness = t.pairCompleteness
    ? table(
        ['Pair', 'Pair completeness'],
        Object.entries(t.pairCompleteness).map(([k, v]) => [pairLabel(k), pct(v, 2)]),
      )
    : '<p class="note">Pair completeness was not measured.</p>';
  return `<section id="truth">
<h2>Quality against truth</h2>
<p class="meta">Truth: ${escapeHtml(t.label)}. Pairwise counts: a pair of records is predicted when both are in one person, true when both belong to one entity.</p>
<h3>By source pair</h3>
${table(head('Source pair'), pairRows)}
<h3>By type</h3>
${table(head('Type'), typeRows)}
<p class="note">For comparison with the estimate (${fmr === null ? 'n/a' : pct(fmr, 2)}): 1 − precision of the fuzzy pairs is ${pct(1 - q.byType.fuzzy.precision, 2)} (pairs within persons, not links: not the same quantity, the same order of magnitude).</p>
<h3>Pair completeness of the LSH candidates</h3>
${completeness}
</section>`;
}
