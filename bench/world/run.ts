/**
 * Benchmark of generateDiscoveryWorld at the size (20k reps x 12 quarters x 30k leads; target
 * < 5 s) and of writing the world as CSV and as Parquet (through DuckDB).
 * Imports the source by relative path because the workspace root does not depend on @leadscore/core.
 * Run: npx tsx --conditions=@leadscore/source bench/world/run.ts  (or `pnpm bench:world`)
 * Env: WORLD_BENCH_REPS (default 20000), WORLD_BENCH_QUARTERS (12), WORLD_BENCH_LEADS (30000),
 * WORLD_BENCH_REPEATS (3). Writes bench/world/results.json.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  generateDiscoveryWorld,
  summarizeWorld,
  writeDiscoveryWorld,
} from '../../packages/world/src/index.js';

const REPS = Number(process.env.WORLD_BENCH_REPS ?? 20_000);
const QUARTERS = Number(process.env.WORLD_BENCH_QUARTERS ?? 12);
const LEADS = Number(process.env.WORLD_BENCH_LEADS ?? 30_000);
const REPEATS = Number(process.env.WORLD_BENCH_REPEATS ?? 3);
const TARGET_MS = 5000;
const here = fileURLToPath(new URL('.', import.meta.url));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024;

const generateMs: number[] = [];
// CPU time (user + system) is less sensitive than wall time to other jobs on a shared machine.
const generateCpuMs: number[] = [];
let world = generateDiscoveryWorld({ reps: REPS, quarters: QUARTERS, leads: LEADS, seed: 7 });
for (let k = 0; k < REPEATS; k++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  world = generateDiscoveryWorld({ reps: REPS, quarters: QUARTERS, leads: LEADS, seed: 7 });
  const cpu = process.cpuUsage(c0);
  generateMs.push(performance.now() - t0);
  generateCpuMs.push((cpu.user + cpu.system) / 1000);
}
const rssAfterGenerate = peakRssMiB();
const rows = world.repSnapshots.numRows + world.repCurrent.numRows + world.leads.numRows;
const t1 = performance.now();
const summary = summarizeWorld(world);
const summarizeMs = performance.now() - t1;

const dir = mkdtempSync(join(tmpdir(), 'leadscore-world-bench-'));
let csvMs = 0;
let parquetMs = 0;
try {
  const t2 = performance.now();
  await writeDiscoveryWorld(world, join(dir, 'csv'), { format: 'csv' });
  csvMs = performance.now() - t2;
  const t3 = performance.now();
  await writeDiscoveryWorld(world, join(dir, 'parquet'), { format: 'parquet' });
  parquetMs = performance.now() - t3;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const med = median(generateMs);
const results = {
  size: { reps: REPS, quarters: QUARTERS, leads: LEADS },
  rows: {
    repSnapshots: world.repSnapshots.numRows,
    repCurrent: world.repCurrent.numRows,
    leads: world.leads.numRows,
  },
  generateMs: { median: Math.round(med), runs: generateMs.map(Math.round), targetMs: TARGET_MS },
  generateCpuMs: { median: Math.round(median(generateCpuMs)), runs: generateCpuMs.map(Math.round) },
  rowsPerSecond: Math.round(rows / (med / 1000)),
  summarizeMs: Math.round(summarizeMs),
  writeCsvMs: Math.round(csvMs),
  writeParquetMs: Math.round(parquetMs),
  peakRssMiB: { afterGenerate: Math.round(rssAfterGenerate), afterWrites: Math.round(peakRssMiB()) },
  world: { baseRate: summary.baseRate, oracleAucPr: summary.oracleAucPr, positives: summary.positives },
  machine: { node: process.version, cpus: cpus().length, note: 'shared machine; timings are noisy' },
};
writeFileSync(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
console.log(`generateDiscoveryWorld ${REPS} reps x ${QUARTERS} quarters x ${LEADS} leads`);
console.log(
  `  generate   ${fmt(med)} median of ${REPEATS} (${generateMs.map((m) => fmt(m)).join(', ')}); target < ${fmt(TARGET_MS)}: ${med < TARGET_MS ? 'PASS' : 'FAIL'}`,
);
console.log(
  `  CPU time   ${fmt(median(generateCpuMs))} median (user + system; less sensitive to other jobs)`,
);
console.log(
  `  rows       ${rows.toLocaleString('en-US')} (${results.rowsPerSecond.toLocaleString('en-US')} rows/s)`,
);
console.log(`  summarize  ${fmt(summarizeMs)}`);
console.log(`  write CSV  ${fmt(csvMs)}   write Parquet ${fmt(parquetMs)} (CSV staging + DuckDB COPY)`);
console.log(
  `  peak RSS   ${results.peakRssMiB.afterGenerate} MiB after generation, ${results.peakRssMiB.afterWrites} MiB after writes`,
);
console.log(
  `  world      base rate ${(summary.baseRate * 100).toFixed(2)} %, oracle AUC-PR ${summary.oracleAucPr.toFixed(3)}`,
);
