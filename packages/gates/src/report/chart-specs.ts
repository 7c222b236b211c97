import { calibrationCurve } from '@leadscore/core';
import type { CvResult, FeatureImportance, FoldList } from '@leadscore/core/results';
import type { TopLevelSpec } from 'vega-lite';
import type { LeakageProbeResult } from '../leakage/leakage-probe.js';
import { gainsPoints, precisionRecallPoints } from './curves.js';

const WIDTH = 420;
const HEIGHT = 260;

/** Per-row SHAP contributions for the summary plot (row-major, `names.length` or `names.length + 1` wide). */
export interface ShapRows {
  readonly names: readonly string[];
  readonly contributions: ArrayLike<number>;
  /** The features' values, same layout without the bias column; colours the points by value rank. */
  readonly values?: ArrayLike<number> | undefined;
  readonly nRows: number;
}

function oofByFold(cv: CvResult): Map<number, { labels: number[]; scores: number[] }> {
  const out = new Map<number, { labels: number[]; scores: number[] }>();
  cv.oof.fold.forEach((f, i) => {
    let entry = out.get(f);
    if (!entry) {
      entry = { labels: [], scores: [] };
      out.set(f, entry);
    }
    entry.labels.push(cv.oof.labels[i]!);
    entry.scores.push(cv.oof.predictions[i]!);
  });
  return out;
}

/** Precision-recall curve of each fold's out-of-fold predictions. */
export function prCurvesSpec(cv: CvResult): TopLevelSpec {
  const values: { fold: string; recall: number; precision: number }[] = [];
  for (const [fold, d] of [...oofByFold(cv)].sort((a, b) => a[0] - b[0])) {
    for (const p of precisionRecallPoints(d.labels, d.scores)) values.push({ fold: `fold ${fold}`, ...p });
  }
  return {
    title: 'Precision-recall per fold (out of fold)',
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'recall', type: 'quantitative', scale: { domain: [0, 1] } },
      y: { field: 'precision', type: 'quantitative', scale: { domain: [0, 1] } },
      color: { field: 'fold', type: 'nominal' },
    },
  };
}

/** Cumulative gains of the pooled out-of-fold predictions against random targeting, with the lift. */
export function gainsSpec(cv: CvResult): TopLevelSpec {
  const points = gainsPoints(cv.oof.labels, cv.oof.predictions);
  const values = [
    { share: 0, gain: 0, curve: 'model' },
    ...points.map((p) => ({ share: p.share, gain: p.gain, curve: 'model' })),
    { share: 0, gain: 0, curve: 'random' },
    { share: 1, gain: 1, curve: 'random' },
  ];
  const top = points.find((p) => p.share >= 0.1);
  return {
    title: `Cumulative gains (lift at top 10 %: ${top ? top.lift.toFixed(2) : 'n/a'})`,
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', point: false },
    encoding: {
      x: {
        field: 'share',
        type: 'quantitative',
        title: 'share of leads contacted (by score)',
        axis: { format: '%' },
      },
      y: {
        field: 'gain',
        type: 'quantitative',
        title: 'share of conversions captured',
        axis: { format: '%' },
      },
      color: { field: 'curve', type: 'nominal' },
      strokeDash: { field: 'curve', type: 'nominal' },
    },
  };
}

/** Reliability diagram of the out-of-fold predictions (10 quantile bins). */
export function calibrationSpec(cv: CvResult): TopLevelSpec {
  const curve = calibrationCurve(cv.oof.labels, cv.oof.predictions, { nBins: 10, strategy: 'quantile' });
  const bins = curve.probPred.map((p, i) => ({
    predicted: p,
    observed: curve.probTrue[i]!,
    rows: curve.counts[i]!,
  }));
  const hi = Math.max(0.01, ...curve.probPred, ...curve.probTrue);
  return {
    title: 'Calibration (out of fold, quantile bins)',
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: {
          values: [
            { x: 0, y: 0 },
            { x: hi, y: hi },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values: bins },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'predicted', type: 'quantitative', title: 'mean predicted probability' },
          y: { field: 'observed', type: 'quantitative', title: 'observed conversion rate' },
          tooltip: [{ field: 'rows', type: 'quantitative' }],
        },
      },
    ],
  };
}

/** Total gain per feature (top 20). */
export function importanceSpec(importance: readonly FeatureImportance[]): TopLevelSpec {
  const values = [...importance]
    .sort((a, b) => b.totalGain - a.totalGain)
    .slice(0, 20)
    .map((f) => ({ feature: f.feature, gain: f.totalGain, group: f.group }));
  return {
    title: 'Feature importance (total gain, top 20)',
    width: WIDTH,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'feature', type: 'nominal', sort: '-x' },
      x: { field: 'gain', type: 'quantitative', title: 'total gain' },
      color: { field: 'group', type: 'nominal' },
    },
  };
}

/** SHAP summary: a strip of per-row contributions when given, else mean |SHAP| bars marking business signals. */
export function shapSummarySpec(importance: readonly FeatureImportance[], rows?: ShapRows): TopLevelSpec {
  const top = [...importance].sort((a, b) => b.meanAbsShap - a.meanAbsShap).slice(0, 15);
  if (!rows) {
    return {
      title: 'SHAP summary (mean |SHAP|, top 15)',
      width: WIDTH,
      data: {
        values: top.map((f) => ({
          feature: f.feature,
          meanAbsShap: f.meanAbsShap,
          signal: f.businessSignal ? 'business signal' : 'other',
        })),
      },
      mark: 'bar',
      encoding: {
        y: { field: 'feature', type: 'nominal', sort: '-x' },
        x: { field: 'meanAbsShap', type: 'quantitative', title: 'mean |SHAP|' },
        color: { field: 'signal', type: 'nominal' },
      },
    };
  }
  const width = rows.contributions.length / rows.nRows;
  const stride = Math.max(1, Math.floor(rows.nRows / 400));
  const values: { feature: string; shap: number; value: number }[] = [];
  for (const f of top) {
    const j = rows.names.indexOf(f.feature);
    if (j < 0) continue;
    const picked: { shap: number; raw: number }[] = [];
    for (let i = 0; i < rows.nRows; i += stride) {
      const raw = rows.values ? rows.values[i * rows.names.length + j]! : Number.NaN;
      picked.push({ shap: rows.contributions[i * width + j]!, raw });
    }
    // Colour by the value's rank within the feature so features on different scales share one legend.
    const ranked = picked
      .map((p) => p.raw)
      .filter((v) => !Number.isNaN(v))
      .sort((a, b) => a - b);
    for (const p of picked) {
      const rank =
        Number.isNaN(p.raw) || ranked.length < 2 ? 0.5 : lowerBound(ranked, p.raw) / (ranked.length - 1);
      values.push({ feature: f.feature, shap: p.shap, value: rank });
    }
  }
  return {
    title: 'SHAP summary (per-row contributions, top 15 by mean |SHAP|)',
    width: WIDTH,
    data: { values },
    mark: { type: 'circle', size: 14, opacity: 0.6 },
    encoding: {
      y: { field: 'feature', type: 'nominal', sort: top.map((f) => f.feature) },
      x: { field: 'shap', type: 'quantitative', title: 'SHAP value (log-odds)' },
      yOffset: { field: 'value', type: 'quantitative', scale: { range: [-6, 6] } },
      color: {
        field: 'value',
        type: 'quantitative',
        title: 'feature value (rank)',
        scale: { scheme: 'redblue', reverse: true },
      },
    },
  } as TopLevelSpec;
}

function lowerBound(sorted: number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Train / gap-and-purge / test (and embargo) blocks of each fold on the calendar. */
export function foldTimelineSpec(folds: FoldList): TopLevelSpec {
  const values: { fold: string; block: string; start: string; end: string; rows: string }[] = [];
  for (const f of folds.folds) {
    if (!f.trainStart || !f.trainEnd || !f.testStart || !f.testEnd) continue;
    const fold = `fold ${f.index}`;
    values.push({
      fold,
      block: 'train',
      start: f.trainStart,
      end: f.trainEnd,
      rows: `${f.counts.train} rows`,
    });
    values.push({
      fold,
      block: 'gap / purge',
      start: f.trainEnd,
      end: f.testStart,
      rows: `${f.counts.gap} in gap, ${f.counts.purged} purged`,
    });
    values.push({
      fold,
      block: 'test',
      start: f.testStart,
      end: f.testEnd,
      rows: `${f.counts.test} rows, ${f.counts.testPositives} positives`,
    });
  }
  return {
    title: 'Fold timeline',
    width: WIDTH,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'fold', type: 'nominal' },
      x: { field: 'start', type: 'temporal', title: 'date' },
      x2: { field: 'end' },
      color: {
        field: 'block',
        type: 'nominal',
        scale: { domain: ['train', 'gap / purge', 'test'], range: ['#4c78a8', '#bab0ac', '#f58518'] },
      },
      tooltip: [{ field: 'block' }, { field: 'rows' }, { field: 'start' }, { field: 'end' }],
    },
  };
}

/** Lift of each probed column's change against the probe's warn / fail lines. */
export function leakageProbeSpec(probe: LeakageProbeResult): TopLevelSpec {
  return {
    title: 'Leakage probe: how well each current column change predicts the label',
    width: WIDTH,
    layer: [
      {
        data: { values: probe.columns.map((c) => ({ column: c.name, lift: c.lift, status: c.status })) },
        mark: 'bar',
        encoding: {
          y: { field: 'column', type: 'nominal', sort: '-x' },
          x: { field: 'lift', type: 'quantitative', title: 'AUC-PR of the change / base rate' },
          color: {
            field: 'status',
            type: 'nominal',
            scale: { domain: ['pass', 'warn', 'fail'], range: ['#54a24b', '#eeca3b', '#e45756'] },
          },
        },
      },
      {
        data: {
          values: [
            { at: probe.thresholds.warnLift, line: 'warn' },
            { at: probe.thresholds.failLift, line: 'fail' },
          ],
        },
        mark: { type: 'rule', strokeDash: [4, 3] },
        encoding: { x: { field: 'at', type: 'quantitative' } },
      },
    ],
  };
}
