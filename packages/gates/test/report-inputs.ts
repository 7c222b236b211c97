import { readFileSync } from 'node:fs';
import { createMatrix, type FoldList } from '@leadscore/core';
import type { FeatureImportance } from '@leadscore/core/results';
import {
  checkGates,
  compareModels,
  fitLogisticRegression,
  logisticBaselineCv,
  probeLeakage,
  type ReportInput,
} from '../src/index.js';

/** A full report input from real computations on the logistic-regression fixture table (600 rows, 4 columns). */
export function reportInput(): ReportInput {
  const fixture = JSON.parse(
    readFileSync(new URL('./fixtures/logistic-regression.json', import.meta.url), 'utf8'),
  ) as { X: (number | null)[][]; y: number[] };
  const n = fixture.y.length;
  const names = ['tenure', 'aum', 'fee_based_pct', 'num_clients'];
  const values = new Float32Array(n * 4);
  for (let j = 0; j < 4; j++) for (let i = 0; i < n; i++) values[j * n + i] = fixture.X[i]![j] ?? Number.NaN;
  const matrix = createMatrix(values, n, names);
  const day = (d: number) => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
  const blocks = [0, 1, 2].map((k) => {
    const testStartRow = 240 + 120 * k;
    const train = Array.from({ length: testStartRow - 20 }, (_, i) => i);
    const test = Array.from({ length: 120 }, (_, i) => testStartRow + i);
    const pos = (r: number[]) => r.reduce((a, i) => a + fixture.y[i]!, 0);
    return {
      index: k,
      train,
      test,
      trainStart: day(0),
      trainEnd: day(testStartRow - 20),
      testStart: day(testStartRow),
      testEnd: day(testStartRow + 119),
      counts: {
        train: train.length,
        test: 120,
        trainPositives: pos(train),
        testPositives: pos(test),
        gap: 20,
        purged: 3,
        embargoed: 0,
        groupExcluded: 0,
      },
    };
  });
  const folds: FoldList = {
    format: 'leadscore.folds',
    version: 1,
    method: 'temporal',
    nRows: n,
    options: { gapDays: 20 },
    folds: blocks,
  };
  const cvResult = logisticBaselineCv(matrix, fixture.y, folds);
  const model = fitLogisticRegression(matrix, fixture.y);
  // A linear model's SHAP values with independent features: coefficient times the standardised value.
  const contributions = new Float64Array(n * 5);
  const rowValues = new Float64Array(n * 4);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < 4; j++) {
      const v = values[j * n + i]!;
      rowValues[i * 4 + j] = v;
      contributions[i * 5 + j] = Number.isNaN(v)
        ? 0
        : (model.coefficients[j]! * (v - model.means[j]!)) / model.scales[j]!;
    }
  const importance: FeatureImportance[] = names
    .map((feature, j) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.abs(contributions[i * 5 + j]!);
      return {
        feature,
        group: j < 1 ? 'career' : 'financial',
        businessSignal: j === 0,
        meanAbsShap: s / n,
        totalGain: (s / n) * 100,
        rank: 0,
      };
    })
    .sort((a, b) => b.meanAbsShap - a.meanAbsShap)
    .map((f, i) => ({ ...f, rank: i + 1 }));
  const labels = fixture.y;
  const pointInTime = Array.from(values.subarray(n, 2 * n), (v) => v);
  const leakageProbe = probeLeakage({
    labels,
    columns: [
      { name: 'aum', current: pointInTime.map((v, i) => v + (labels[i] ? 5 : 0)), pointInTime },
      { name: 'num_clients', current: pointInTime, pointInTime },
    ],
  });
  const gates = checkGates(undefined, { cvResult, folds, importance, leakageProbe }).report;
  return {
    cvResult,
    folds,
    importance,
    shap: { names, contributions, values: rowValues, nRows: n },
    gates,
    leakageProbe,
    comparison: compareModels(cvResult, { previous: cvResult, previousName: 'last release' }),
  };
}

/** Data marks of each `role-mark` group in a vega SVG: drawn paths (with a `d`), lines and circles. */
export function dataMarks(svg: string): number {
  let count = 0;
  const re = /class="mark-[a-z]+ role-mark[^"]*"[^>]*>/g;
  for (let m = re.exec(svg); m !== null; m = re.exec(svg)) {
    const rest = svg.slice(m.index + m[0].length);
    const end = rest.indexOf('</g>');
    const body = end < 0 ? rest : rest.slice(0, end);
    count +=
      (body.match(/<path[^>]* d="M[^"]+"/g) ?? []).length + (body.match(/<(line|circle)\b/g) ?? []).length;
  }
  return count;
}
