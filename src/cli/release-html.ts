/**
 * A released query as one self-contained HTML page (no script, no external resource): the cohort and its
 * outcomes, charts of the shares over the horizons (one line per category of the first breakdown, the
 * other breakdowns at their total), the Kaplan–Meier curves of time to the first contract with their
 * at-risk counts, and the full table with suppressed values marked. Everything drawn comes from the
 * release itself — aggregates that passed disclosure control; a suppressed value is a gap, never a guess.
 * Pure.
 */
import type { ReleasedTables } from '../disclosure/release.js';
import type { SurvivalStep } from '../disclosure/survival.js';
import { escapeHtml } from '../link/report.js';

export interface ReleaseDocument {
  readonly id: string;
  readonly study: string;
  readonly created_at?: string;
  readonly query?: unknown;
  readonly result: ReleasedTables;
  readonly curve?: readonly SurvivalStep[];
  readonly curves?: Readonly<Record<string, readonly SurvivalStep[]>>;
}

const PALETTE = ['#1f5fa5', '#c0392b', '#2e8b57', '#8e44ad', '#d68910', '#17a2b8', '#6d4c41', '#555555'];
const px = (x: number) => x.toFixed(2);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** `employed_cdi_12m` → kind `employed_cdi`, horizon 12 */
function splitOutcome(name: string): { kind: string; k: number } | null {
  const m = /^(.*)_(\d+)m$/.exec(name);
  return m ? { kind: m[1] as string, k: Number(m[2]) } : null;
}

interface Series {
  readonly label: string;
  /** x, y; y null = suppressed or withheld (a gap) */
  readonly points: readonly (readonly [number, number | null])[];
}

/** A line chart: x on a linear axis, y a share in [0, 1]; gaps where y is null, points marked. */
function lineChart(
  title: string,
  series: readonly Series[],
  xs: readonly number[],
  xLabel: string,
  opts: { step?: boolean; labelEvery?: number } = {},
): string {
  const width = 560;
  const height = 260;
  const left = 48;
  const right = 150;
  const top = 24;
  const bottom = 40;
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const sx = (x: number) => left + ((x - x0) / Math.max(1, x1 - x0)) * (width - left - right);
  const sy = (y: number) => top + (1 - y) * (height - top - bottom);
  const out: string[] = [];
  for (let t = 0; t <= 4; t++) {
    const y = t / 4;
    out.push(
      `<line class="grid" x1="${left}" x2="${width - right}" y1="${px(sy(y))}" y2="${px(sy(y))}"/>`,
      `<text class="tick" x="${left - 6}" y="${px(sy(y) + 4)}" text-anchor="end">${Math.round(100 * y)} %</text>`,
    );
  }
  const every = opts.labelEvery ?? 1;
  for (const x of xs.filter((_, i) => i % every === 0)) {
    out.push(
      `<text class="tick" x="${px(sx(x))}" y="${height - bottom + 16}" text-anchor="middle">${x}</text>`,
    );
  }
  out.push(
    `<line class="axis" x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}"/>`,
    `<text class="label" x="${px((left + width - right) / 2)}" y="${height - 6}" text-anchor="middle">${escapeHtml(xLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    let path = '';
    let pen = false;
    let last: number | null = null;
    for (const [x, y] of s.points) {
      if (y === null) {
        pen = false;
        last = null;
        continue;
      }
      if (!pen) path += `M${px(sx(x))},${px(sy(y))}`;
      else if (opts.step && last !== null) path += `H${px(sx(x))}V${px(sy(y))}`;
      else path += `L${px(sx(x))},${px(sy(y))}`;
      pen = true;
      last = y;
    }
    if (path) out.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    if (!opts.step) {
      for (const [x, y] of s.points) {
        if (y !== null) out.push(`<circle cx="${px(sx(x))}" cy="${px(sy(y))}" r="3" fill="${colour}"/>`);
        else
          out.push(
            `<text class="gap" x="${px(sx(x))}" y="${height - bottom - 4}" text-anchor="middle" fill="${colour}">…</text>`,
          );
      }
    }
    out.push(
      `<rect x="${width - right + 12}" y="${top + i * 16}" width="10" height="10" fill="${colour}"/>`,
      `<text class="tick" x="${width - right + 27}" y="${top + i * 16 + 9}">${escapeHtml(s.label)}</text>`,
    );
  });
  const t = escapeHtml(title);
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${t}"><title>${t}</title>\n${out.join('\n')}\n</svg>`;
}

/** Charts of each outcome kind's share over its horizons, by category of the first breakdown. */
function shareCharts(r: ReleasedTables): string {
  const names = Object.keys(r.cells[0]?.outcomes ?? {});
  const kinds = new Map<string, number[]>();
  for (const n of names) {
    const o = splitOutcome(n);
    if (!o) continue;
    kinds.set(o.kind, [...(kinds.get(o.kind) ?? []), o.k]);
  }
  const first = 0;
  const isTotal = (c: readonly string[], except: number) => c.every((x, d) => d === except || x === 'total');
  // the first breakdown's categories (others at total), then the total line
  const rows = r.cells.filter((c) => isTotal(c.coords, first));
  const figures: string[] = [];
  for (const [kind, ks] of kinds) {
    if (ks.length < 1) continue;
    const horizons = [...new Set(ks)].sort((a, b) => a - b);
    const series: Series[] = rows
      .filter((c) => c.count !== 0)
      .map((c) => ({
        label: c.coords[first] === 'total' ? 'all' : (c.coords[first] ?? 'all'),
        points: horizons.map((k) => [k, c.outcomes[`${kind}_${k}m`]?.share ?? null] as const),
      }))
      .slice(0, PALETTE.length);
    const by = r.breakdowns[first];
    figures.push(
      `<figure>${lineChart(`${kind}: share of the cohort`, series, horizons, 'months after the opening (k)')}<figcaption>Share of the cohort with <b>${escapeHtml(kind)}</b> at t + k${by && by !== 'all' ? `, by ${escapeHtml(by)} (other breakdowns at their total)` : ''}; … marks a suppressed or withheld value${series.length === PALETTE.length ? `; the first ${PALETTE.length} categories` : ''}.</figcaption></figure>`,
    );
  }
  return figures.length
    ? `<h2>Shares over the horizons</h2>\n<div class="figures">${figures.join('\n')}</div>`
    : '';
}

function survivalSection(curves: Readonly<Record<string, readonly SurvivalStep[]>>): string {
  const entries = Object.entries(curves).filter(([, steps]) => steps.some((s) => !s.suppressed));
  if (entries.length === 0) return '';
  const months = [...new Set(entries.flatMap(([, s]) => s.map((x) => x.month)))].sort((a, b) => a - b);
  const series: Series[] = entries.slice(0, PALETTE.length).map(([label, steps]) => ({
    label,
    points: steps.map((s) => [s.month, s.suppressed ? null : s.survival] as const),
  }));
  const chart = lineChart('Time to the first contract', series, months, 'months after the opening', {
    step: true,
    labelEvery: Math.max(1, Math.ceil(months.length / 12)),
  });
  const head = `<tr><th>month</th>${entries.map(([l]) => `<th class="num">${escapeHtml(l)}: at risk</th><th class="num">still without a contract</th>`).join('')}</tr>`;
  const body = months
    .map((m) => {
      const cells = entries.map(([, steps]) => {
        const s = steps.find((x) => x.month === m);
        if (!s || s.suppressed) return '<td class="num">…</td><td class="num">…</td>';
        return `<td class="num">${s.atRisk ?? '…'}</td><td class="num">${s.survival === null ? '…' : pct(s.survival)}</td>`;
      });
      return `<tr><td>${m}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<h2>Time to the first DSN contract (Kaplan–Meier)</h2>
<figure>${chart}<figcaption>Share still without a contract, month by month after the opening; a curve stops where the number at risk falls under the threshold.</figcaption></figure>
<table>${head}\n${body}</table>`;
}

function fullTable(r: ReleasedTables): string {
  const names = Object.keys(r.cells[0]?.outcomes ?? {});
  const head = `<tr>${r.breakdowns.map((b) => `<th>${escapeHtml(b)}</th>`).join('')}<th class="num">cohort</th>${names.map((n) => `<th class="num">${escapeHtml(n)}</th>`).join('')}</tr>`;
  const rows = r.cells.map((c) => {
    const values = names.map((n) => {
      const v = c.outcomes[n];
      if (c.suppressed || v?.suppressed) return '<td class="num sup">…</td>';
      if (!v || v.count === null) return '<td class="num">n/a</td>';
      return `<td class="num">${v.count}${v.share === null ? '' : ` <span class="share">(${pct(v.share)})</span>`}</td>`;
    });
    const margin = c.coords.includes('total') ? ' class="margin"' : '';
    return `<tr${margin}>${c.coords.map((x) => `<td>${escapeHtml(x)}</td>`).join('')}<td class="num${c.suppressed ? ' sup' : ''}">${c.suppressed ? '…' : c.count}</td>${values.join('')}</tr>`;
  });
  return `<h2>The released table</h2>\n<table>${head}\n${rows.join('\n')}</table>`;
}

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; max-width: 1000px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #999; padding-bottom: 0.2em; margin-top: 2em; }
.meta, .note { color: #444; font-size: 0.92em; }
table { border-collapse: collapse; margin: 0.6em 0 1em; } th, td { padding: 0.2em 0.6em; border-bottom: 1px solid #ddd; text-align: left; }
th { background: #f2f2f2; } .num { text-align: right; font-variant-numeric: tabular-nums; } .sup { color: #c0392b; }
tr.margin td { background: #fafafa; } .share { color: #555; }
.figures { display: flex; flex-wrap: wrap; gap: 0 2em; } figure { margin: 0.5em 0 1.2em; } figcaption { font-size: 0.92em; color: #333; max-width: 560px; }
svg { max-width: 100%; height: auto; font-size: 11px; } svg .axis { stroke: #333; } svg .grid { stroke: #ccc; stroke-width: 0.5; }
svg .tick, svg .label { fill: #222; } svg .label { font-size: 12px; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; } figure, table { break-inside: avoid; } }
`;

/** The page. */
export function renderReleaseHtml(d: ReleaseDocument): string {
  const r = d.result;
  const names = Object.keys(r.cells[0]?.outcomes ?? {});
  const values = r.cells.length * (1 + names.length);
  const hidden = r.cells.reduce(
    (n, c) => n + (c.suppressed ? 1 : 0) + names.filter((o) => c.outcomes[o]?.suppressed).length,
    0,
  );
  const total = r.cells.find((c) => c.coords.every((x) => x === 'total' || x === 'all'));
  const rules = Object.entries(r.suppression)
    .map(([k, v]) => `${escapeHtml(k)} ${v}`)
    .join(', ');
  const curves = d.curves ?? (d.curve ? { all: d.curve } : undefined);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Release ${escapeHtml(d.id)}</title><style>${CSS}</style></head>
<body>
<h1>Study ${escapeHtml(d.study)} — release ${escapeHtml(d.id)}</h1>
<p class="meta">${d.created_at ? `Released ${escapeHtml(d.created_at)}. ` : ''}Cohort: ${total?.count === null || total?.count === undefined ? 'suppressed' : total.count.toLocaleString('en-US')} (persons × quarters of ARE opening). Breakdowns: ${escapeHtml(r.breakdowns.join(' × ') || 'none')}. Outcomes: ${escapeHtml(names.join(', '))}.</p>
<p class="note">Aggregates only, after disclosure control: ${hidden} of ${values} values suppressed (${rules || 'none'})${r.withheld.length ? `; withheld because the horizon is after the end of the data: ${escapeHtml(r.withheld.join(', '))}` : ''}${r.rounding ? `; counts rounded to a multiple of ${r.rounding}` : ''}${r.noise ? `; counts carry ${escapeHtml(r.noise)} noise (differential privacy)` : ''}. <b>…</b> marks a suppressed value, <b>n/a</b> a withheld one, <i>total</i> a margin.</p>
${shareCharts(r)}
${curves ? survivalSection(curves) : ''}
${fullTable(r)}
${d.query ? `<h2>The query</h2>\n<pre>${escapeHtml(JSON.stringify(d.query, null, 2))}</pre>` : ''}
</body></html>
`;
}
