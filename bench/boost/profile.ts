/**
 * Profiling entry: trains once on the benchmark data (no XGBoost) and times prediction.
 * Run: node --cpu-prof --import tsx bench/boost/profile.ts [rows] [rounds] [nthread]
 */

import { train } from '../../packages/boost/src/train/train.js';
import { fromRows } from '../../packages/core/src/matrix/index.js';
import { makeData } from './data.js';

const rows = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 50);
const nthread = Number(process.argv[4] ?? 1);
const { x, y } = makeData(rows, 60, 20261126);
const m = fromRows(x, rows);
const c0 = process.cpuUsage();
const t0 = performance.now();
const b = await train(m, y, { maxDepth: 6, learningRate: 0.1, numRounds: rounds, nthread, baseScore: 0.04 });
const t1 = performance.now();
const cpu = process.cpuUsage(c0);
b.predict(m);
const t2 = performance.now();
console.log(
  `train ${((t1 - t0) / 1000).toFixed(2)} s (cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s), predict ${((t2 - t1) / 1000).toFixed(3)} s for ${rows} rows`,
);
