/**
 * Benchmark of @leadscore/core metrics on 1e6 rows against sklearn 1.2 on the same rows.
 * Imports the source by relative path because the workspace root does not depend on @leadscore/core.
 * Run: npx tsx --conditions=@leadscore/source bench/metrics/run.ts  (or `pnpm bench:metrics`)
 * Env: METRICS_BENCH_ROWS (default 1e6), METRICS_BENCH_REPEATS (default 5), LEADSCORE_PYTHON
 * (default /usr/bin/python3). Writes bench/metrics/results.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  averagePrecision,
  brierScore,
  calibrationCurve,
  expectedCalibrationError,
  liftAt,
  logLoss,
  precisionAt,
  psi,
  rocAuc,
} from '../../packages/core/src/metrics/index.js';
import { lcgRows } from '../../packages/core/test/fixtures/lcg-rows.js';
import { pythonPath } from '../../scripts/python.mjs';
import { median } from '../stats.js';

const ROWS = Number(process.env.METRICS_BENCH_ROWS ?? 1_000_000);
const REPEATS = Number(process.env.METRICS_BENCH_REPEATS ?? 5);
const PYTHON = pythonPath();
const here = fileURLToPath(new URL('.', import.meta.url));

interface Timing {
  /** Median wall time. */
  ms: number;
  minMs: number;
  /** Median process CPU time (user + system): less sensitive to other jobs on a shared machine. */
  cpuMs: number;
  value: number;
}

function time(fn: () => unknown): Timing {
  const wall: number[] = [];
  const cpu: number[] = [];
  let value = 0;
  for (let r = 0; r < REPEATS; r++) {
    const c = process.cpuUsage();
    const t = process.hrtime.bigint();
    const out = fn();
    wall.push(Number(process.hrtime.bigint() - t) / 1e6);
    const dc = process.cpuUsage(c);
    cpu.push((dc.user + dc.system) / 1e3);
    value = typeof out === 'number' ? out : Number.NaN;
  }
  return { ms: median(wall), minMs: Math.min(...wall), cpuMs: median(cpu), value };
}

const { labels, scores, weights } = lcgRows(42, ROWS);
const actual = lcgRows(43, ROWS).scores.map((v) => Math.min(v * 1.1, 1));
const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;

const ours: Record<string, Timing> = {
  averagePrecision: time(() => averagePrecision(labels, scores)),
  rocAuc: time(() => rocAuc(labels, scores)),
  'averagePrecision (weighted)': time(() => averagePrecision(labels, scores, { sampleWeight: weights })),
  'rocAuc (weighted)': time(() => rocAuc(labels, scores, { sampleWeight: weights })),
  precisionAt: time(() => precisionAt(labels, scores, { fraction: 0.1 })),
  liftAt: time(() => liftAt(labels, scores, { fraction: 0.1 })),
  brierScore: time(() => brierScore(labels, scores)),
  logLoss: time(() => logLoss(labels, scores)),
  'calibrationCurve (quantile 10)': time(
    () => calibrationCurve(labels, scores, { nBins: 10, strategy: 'quantile' }).probTrue[0],
  ),
  expectedCalibrationError: time(() => expectedCalibrationError(labels, scores)),
  psi: time(() => psi(scores, actual)),
};
const peakRssMb = process.resourceUsage().maxRSS / 1024;

// The same rows go to Python as raw float64 so both sides time identical inputs.
const dir = mkdtempSync(join(tmpdir(), 'leadscore-metrics-bench-'));
let anchor:
  | {
      sklearn: string;
      timings: Record<string, number>;
      cpu: Record<string, number>;
      values: Record<string, number>;
    }
  | undefined;
try {
  for (const [name, arr] of Object.entries({ labels, scores, weights, actual })) {
    writeFileSync(join(dir, `${name}.f64`), new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
  }
  const py = spawnSync(PYTHON, [join(here, 'sklearn_anchor.py'), dir, String(REPEATS)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (py.status === 0) anchor = JSON.parse(py.stdout);
  else console.warn(`sklearn anchor failed (${PYTHON}): ${py.stderr.slice(0, 500)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const anchorKey: Record<string, string> = {
  precisionAt: 'precisionAt (numpy)',
  expectedCalibrationError: 'expectedCalibrationError (numpy)',
  psi: 'psi (numpy)',
};
const ms = (seconds: number | undefined) =>
  seconds === undefined ? null : Number((seconds * 1000).toFixed(1));
const ratio = (ref: number | null, ours: number) => (ref === null ? null : Number((ref / ours).toFixed(2)));
const rows = Object.entries(ours).map(([metric, t]) => {
  const key = anchorKey[metric] ?? metric;
  const referenceMs = ms(anchor?.timings[key]);
  const referenceCpuMs = ms(anchor?.cpu[key]);
  const refValue = anchor?.values[key];
  return {
    metric,
    ms: Number(t.ms.toFixed(1)),
    minMs: Number(t.minMs.toFixed(1)),
    cpuMs: Number(t.cpuMs.toFixed(1)),
    rowsPerSecond: Math.round(ROWS / (t.ms / 1000)),
    reference: referenceMs === null ? null : key,
    referenceMs,
    referenceCpuMs,
    speedup: ratio(referenceMs, t.ms),
    cpuSpeedup: ratio(referenceCpuMs, t.cpuMs),
    absDiff: refValue === undefined ? null : Math.abs(refValue - t.value),
  };
});

const cell = (v: number | null, width: number, suffix = '') =>
  (v === null ? '-' : `${v}${suffix}`).padStart(width);
console.log(
  `metrics on ${ROWS.toLocaleString('en-US')} rows, median of ${REPEATS} (Node ${process.version}` +
    `${anchor ? `, sklearn ${anchor.sklearn}` : ''}); ratio = reference time / ours`,
);
console.log(
  `${'metric'.padEnd(31)}${'wall ms'.padStart(9)}${'(min)'.padStart(9)}${'cpu ms'.padStart(9)}${'rows/s'.padStart(9)}` +
    `${'ref wall'.padStart(10)}${'ref cpu'.padStart(9)}${'ratio'.padStart(8)}${'cpu ratio'.padStart(10)}  |diff|`,
);
for (const r of rows) {
  console.log(
    `${r.metric.padEnd(31)}${cell(r.ms, 9)}${`(${r.minMs})`.padStart(9)}${cell(r.cpuMs, 9)}` +
      `${`${(r.rowsPerSecond / 1e6).toFixed(1)}M`.padStart(9)}${cell(r.referenceMs, 10)}${cell(r.referenceCpuMs, 9)}` +
      `${cell(r.speedup, 8, 'x')}${cell(r.cpuSpeedup, 10, 'x')}  ${r.absDiff === null ? '-' : r.absDiff.toExponential(1)}`,
  );
}
console.log(
  `load average (1 min) ${loadavg()[0]!.toFixed(1)}; RSS after generating inputs ${rssBeforeMb.toFixed(0)} MiB, ` +
    `peak RSS ${peakRssMb.toFixed(0)} MiB`,
);

writeFileSync(
  join(here, 'results.json'),
  `${JSON.stringify(
    {
      rows: ROWS,
      repeats: REPEATS,
      node: process.version,
      sklearn: anchor?.sklearn ?? null,
      date: new Date().toISOString(),
      loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
      rssAfterInputsMb: Math.round(rssBeforeMb),
      peakRssMb: Math.round(peakRssMb),
      metrics: rows,
    },
    null,
    2,
  )}\n`,
);
