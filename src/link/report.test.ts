import { describe, expect, it } from 'vitest';
import { DEFAULT_LINK_CONFIG, type LinkConfig, type LinkSummary, type PairStats } from './engine.js';
import { type QualityAgainstTruth, scores } from './metrics.js';
import {
  buildReport,
  escapeHtml,
  estimateFalseMatchRate,
  fitLowerMode,
  type QualityReport,
  renderReportHtml,
  svgHistogram,
} from './report.js';

const BINS = 100;
const CONFIG: LinkConfig = DEFAULT_LINK_CONFIG;

/** Expected counts per bin of total·N(mean, sd) over [0, 1], integrated numerically, scores below floor dropped. */
function normalBins(total: number, mean: number, sd: number, floor = 0.5): number[] {
  const dens = (x: number) => Math.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
  return Array.from({ length: BINS }, (_, i) => {
    if (i < floor * BINS) return 0;
    let mass = 0;
    for (let j = 0; j < 50; j++) mass += dens((i + (j + 0.5) / 50) / BINS) / (50 * BINS);
    return Math.round(total * mass);
  });
}

const add = (...hs: number[][]) =>
  Array.from({ length: BINS }, (_, i) => hs.reduce((s, h) => s + (h[i] ?? 0), 0));
const sum = (h: readonly number[], from = 0) => h.slice(from).reduce((a, b) => a + b, 0);

function pair(over: Partial<PairStats>): PairStats {
  return {
    residualA: 0,
    residualB: 0,
    mode: 'none',
    candidates: 0,
    comparisons: 0,
    kept: 0,
    scoreHistogram: [],
    bestHistogram: [],
    runnerUpHistogram: [],
    accepted: 0,
    capped: false,
    skippedBuckets: 0,
    ...over,
  };
}

/** Two cross-source pairs and one within-source pair, a non-match mode at `low` and a match mode at 0.93. */
function summary(low: { mean: number; sd: number }, fuzzyAccepted = [2400, 900]): LinkSummary {
  const lowA = normalBins(4000, low.mean, low.sd);
  const lowB = normalBins(1500, low.mean, low.sd);
  const bestA = add(lowA, normalBins(4800, 0.93, 0.03));
  const bestB = add(lowB, normalBins(1800, 0.93, 0.03));
  const keptA = add(normalBins(180_000, low.mean - 0.04, low.sd), normalBins(2600, 0.93, 0.03));
  const keptB = add(normalBins(40_000, low.mean - 0.04, low.sd), normalBins(950, 0.93, 0.03));
  const [accA = 0, accB = 0] = fuzzyAccepted;
  return {
    records: 30_000,
    recordsBySource: { pe: 12_000, dsn: 10_000, cnaf: 8_000 },
    persons: 17_500,
    threshold: 0.8,
    thresholdChosen: 'automatic',
    links: { nir: 9_800, idkey: 1_200, fuzzy: accA + accB + 40 },
    conflictsRefused: 7,
    pairs: {
      'pe-dsn': pair({
        residualA: 5200,
        residualB: 4100,
        mode: 'partitioned',
        candidates: 2_400_000,
        comparisons: 2_400_000,
        kept: sum(keptA),
        scoreHistogram: keptA,
        bestHistogram: bestA,
        accepted: accA,
        skippedBuckets: 3,
      }),
      'pe-cnaf': pair({
        residualA: 2100,
        residualB: 1900,
        mode: 'exhaustive',
        candidates: 3_990_000,
        comparisons: 3_990_000,
        kept: sum(keptB),
        scoreHistogram: keptB,
        bestHistogram: bestB,
        accepted: accB,
      }),
      'dsn-cnaf': pair({}),
      'pe-pe': pair({
        residualA: 300,
        residualB: 12_000,
        mode: 'exhaustive',
        candidates: 3_600_000,
        comparisons: 3_600_000,
        kept: 200,
        scoreHistogram: add(normalBins(160, 0.6, 0.04), normalBins(40, 0.95, 0.02)),
        bestHistogram: add(normalBins(100, 0.62, 0.04), normalBins(40, 0.95, 0.02)),
        accepted: 40,
      }),
    },
    unlinkedShare: { pe: 0.21, dsn: 0.334, cnaf: 0.125 },
    config: CONFIG,
    seconds: { load: 1.234, exact: 0.2, candidates: 14.5, assign: 0.3, persons: 0.1 },
  };
}

const separated = summary({ mean: 0.625, sd: 0.035 });
const overlapping = summary({ mean: 0.705, sd: 0.06 });

const quality: QualityAgainstTruth = {
  overall: scores({ tp: 14_000, fp: 60, fn: 300 }),
  bySourcePair: {
    'pe-dsn': scores({ tp: 8000, fp: 40, fn: 200 }),
    'pe-cnaf': scores({ tp: 6000, fp: 20, fn: 100 }),
  },
  byType: { exact: scores({ tp: 11_000, fp: 5, fn: 10 }), fuzzy: scores({ tp: 3000, fp: 55, fn: 290 }) },
  withoutValidNir: scores({ tp: 2500, fp: 50, fn: 250 }),
  bySourcePairAndType: {
    'pe-dsn': { exact: scores({ tp: 6000, fp: 3, fn: 5 }), fuzzy: scores({ tp: 2000, fp: 37, fn: 195 }) },
    'pe-cnaf': { exact: scores({ tp: 5000, fp: 2, fn: 5 }), fuzzy: scores({ tp: 1000, fp: 18, fn: 95 }) },
  },
};
const truth: NonNullable<QualityReport['truth']> = {
  quality,
  pairCompleteness: { 'pe-dsn': 0.9912, 'pe-cnaf': 1 },
  label: 'synthetic, 30 000 records, seed 7',
};

describe('buildReport', () => {
  it('carries the summary, the estimate and the truth when given, and survives JSON', () => {
    const r = buildReport('run-42', '2025-03-01T10:00:00.000Z', separated, truth);
    expect(r.format).toBe('ldh-link/linkage-report');
    expect(r.version).toBe(1);
    expect(r.run).toBe('run-42');
    expect(r.createdAt).toBe('2025-03-01T10:00:00.000Z');
    expect(r.summary).toBe(separated);
    expect(r.estimatedFalseMatchRate).toBe(estimateFalseMatchRate(separated));
    expect(r.truth).toBe(truth);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('has no truth key without truth', () => {
    const r = buildReport('run-42', '2025-03-01T10:00:00.000Z', separated);
    expect('truth' in r).toBe(false);
  });
});

describe('fitLowerMode', () => {
  it('recovers a normal non-match mode and its tail above the threshold', () => {
    const low = normalBins(10_000, 0.705, 0.05);
    const fit = fitLowerMode(add(low, normalBins(5000, 0.95, 0.02)), 0.8);
    expect(fit).not.toBeNull();
    if (!fit) return;
    expect(fit.mean).toBeCloseTo(0.705, 3);
    expect(fit.sd).toBeGreaterThan(0.045);
    expect(fit.sd).toBeLessThan(0.055);
    const tail = sum(low, 80);
    expect(fit.tail).toBeGreaterThan(0.8 * tail);
    expect(fit.tail).toBeLessThan(1.2 * tail);
  });

  it('is null when nothing lies below the threshold', () => {
    expect(fitLowerMode(normalBins(100, 0.95, 0.02), 0.8)).toBeNull();
    expect(fitLowerMode([], 0.8)).toBeNull();
  });
});

describe('estimateFalseMatchRate', () => {
  it('is null without cross-source fuzzy links', () => {
    expect(estimateFalseMatchRate(summary({ mean: 0.625, sd: 0.035 }, [0, 0]))).toBeNull();
  });

  it('is small when the modes are well separated', () => {
    const rate = estimateFalseMatchRate(separated);
    expect(rate).not.toBeNull();
    expect(rate ?? 1).toBeGreaterThanOrEqual(0);
    expect(rate ?? 1).toBeLessThan(1e-3);
  });

  it('counts half the non-match tail above the threshold when the lower mode crosses it', () => {
    const rate = estimateFalseMatchRate(overlapping) ?? 0;
    // the records of the two lower modes above 0.80, two per false link, over 3300 accepted links
    const tail = sum(normalBins(4000, 0.705, 0.06), 80) + sum(normalBins(1500, 0.705, 0.06), 80);
    expect(tail).toBeGreaterThan(300);
    expect(rate).toBeGreaterThan((0.8 * tail) / 2 / 3300);
    expect(rate).toBeLessThan((1.2 * tail) / 2 / 3300);
    expect(rate).toBeGreaterThan(100 * (estimateFalseMatchRate(separated) ?? 1));
  });
});

describe('svgHistogram', () => {
  const bins = add(normalBins(1000, 0.62, 0.04), normalBins(300, 0.9, 0.04));
  const xOfBin = (svg: string, bin: number) => svg.match(new RegExp(`data-bin="${bin}" x="([0-9.]+)"`))?.[1];
  const xOfThreshold = (svg: string) => svg.match(/class="threshold" x1="([0-9.]+)"/)?.[1];

  it('draws the threshold at the left edge of the threshold bin', () => {
    for (const t of [0.8, 0.65, 0.93]) {
      const svg = svgHistogram(bins, { title: 't', counted: 'pairs', threshold: t, xMin: 0.5 });
      expect(xOfBin(svg, Math.round(t * 100))).toBeDefined();
      expect(xOfThreshold(svg)).toBe(xOfBin(svg, Math.round(t * 100)));
    }
  });

  it('places the threshold proportionally on the axis', () => {
    const svg = svgHistogram(bins, { title: 't', counted: 'pairs', threshold: 0.75, xMin: 0.5, width: 674 });
    // plot from x = 60 to 674 − 14 = 660, scores 0.5 to 1
    expect(Number(xOfThreshold(svg))).toBeCloseTo(60 + 0.5 * 600, 2);
  });

  it('says the count axis is logarithmic and skips empty bins', () => {
    const svg = svgHistogram(bins, { title: 't', counted: 'pairs' });
    expect(svg).toContain('pairs (log scale)');
    expect(svg.match(/class="bar"/g)?.length).toBe(bins.filter((c) => c > 0).length);
  });
});

describe('renderReportHtml', () => {
  const html = renderReportHtml(buildReport('run-42', '2025-03-01T10:00:00.000Z', overlapping, truth));
  const plain = renderReportHtml(buildReport('run-42', '2025-03-01T10:00:00.000Z', overlapping));

  it('has every section', () => {
    for (const h of [
      'Headline figures',
      'Stage timings',
      'Matches by type',
      'Unlinked share per source',
      'Source pairs',
      'Quality against truth',
      'Pair completeness of the LSH candidates',
    ]) {
      expect(html).toContain(`${h}</h`);
    }
    expect(html).toContain('Aggregates only: no record, pseudonym or person id');
  });

  it('draws one SVG per chart: two bar charts, two histograms per pair with scores', () => {
    // pe-dsn, pe-cnaf and pe-pe have scores; dsn-cnaf has none
    expect(html.match(/<svg/g)?.length).toBe(2 + 2 * 3);
    expect(html).toContain('No kept scores.');
    expect(html.match(/class="threshold"/g)?.length).toBe(2 * 3);
  });

  it('formats the headline figures', () => {
    expect(html).toContain('<td class="num">30,000</td>');
    expect(html).toContain('>33.4 %</text>'); // dsn's unlinked share, next to its bar
    expect(html).toContain('<td class="num">0.80</td>');
    expect(html).toContain('Otsu');
    expect(html).toContain(`≈ ${(100 * (estimateFalseMatchRate(overlapping) ?? 0)).toFixed(2)} %`);
    expect(html).toContain('<td class="num">14.5 s</td>');
  });

  it('shows precision, recall and F1 with four decimals, and the without-valid-NIR line, only with truth', () => {
    expect(html).toContain(`<td class="num">${quality.byType.fuzzy.f1.toFixed(4)}</td>`);
    expect(html).toContain('without valid NIR');
    expect(html).toContain('99.12 %');
    expect(plain).not.toContain('Quality against truth');
    expect(plain).not.toContain('without valid NIR');
    expect(plain.match(/<svg/g)?.length).toBe(2 + 2 * 3);
  });

  it('escapes every interpolated string', () => {
    const evil = '<script>alert("x")</script>';
    const s: LinkSummary = {
      ...overlapping,
      pairs: { ...overlapping.pairs, [`pe-${evil}`]: pair({ mode: 'none' }) },
      recordsBySource: { ...overlapping.recordsBySource, [evil]: 1 },
    };
    const out = renderReportHtml(buildReport(evil, evil, s, { ...truth, label: evil }));
    expect(out).not.toContain('<script');
    expect(out).toContain(escapeHtml(evil));
    expect(escapeHtml(`<a href="x" title='y'>&`)).toBe('&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;');
  });

  it('is self-contained', () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|@import|url\(/i);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });
});
