/**
 * Dataset-builder benchmark: reps x 12 quarters x leads (generated world), V7 spec. Default 20k reps x
 * 30k leads; --leads N scales reps in proportion (2 reps per 3 leads) unless --reps is given.
 *
 * 1. Generates the world and writes rep_snapshots / rep_current / leads as CSV (via DuckDB COPY).
 * 2. In a fresh child process (so peak RSS is the build's own): loads the CSVs into an in-memory
 *    DuckDB warehouse with explicit column types and runs `buildDataset`.
 * 3. Runs the same point-in-time build in pandas 1.5 (`merge_asof`, bench/dataset/pandas_anchor.py,
 *    the Python of scripts/python.mjs: LEADSCORE_PYTHON, default /usr/bin/python3) on the same CSVs
 *    and prints wall and CPU times, the ratio and a row/label cross-check.
 *
 * Targets: build <= 1.0 x pandas's build on the same work (ratio pandas/DuckDB >= 1), build < 5 s and
 * peak RSS < 1 GiB. A complete default run (no flags) writes bench/dataset/results.json.
 *
 * Usage: pnpm bench:dataset [--leads 30000] [--reps N] [--sizes 30000,300000] [--quarters 12]
 *        [--seed 7] [--threads N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LEAD_COLUMNS, SNAPSHOT_COLUMNS } from '../../packages/core/src/contract/columns.js';
import { buildDataset, v7DatasetSpec } from '../../packages/dataset/src/builder/index.js';
import { openDuckDbWarehouse } from '../../packages/dataset/src/warehouse/duckdb.js';
import { generateDiscoveryWorld } from '../../packages/world/src/index.js';
import { pythonPath } from '../../scripts/python.mjs';
import { contractColumnTypes, writeWorldCsv } from '../world-csv.js';

const here = dirname(fileURLToPath(import.meta.url));

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

interface ChildResult {
  loadMs: number;
  buildMs: number;
  loadCpuMs: number;
  buildCpuMs: number;
  steps: Record<string, number>;
  stepsCpu: Record<string, number>;
  rows: number;
  positives: number;
  withPit: number;
  maxRssMiB: number;
}

async function child(dir: string, dataEndDate: string, threads: number | undefined): Promise<void> {
  const wh = await openDuckDbWarehouse({ path: ':memory:', ...(threads ? { threads } : {}) });
  const snapTypes = contractColumnTypes(SNAPSHOT_COLUMNS);
  const leadTypes = contractColumnTypes(LEAD_COLUMNS);
  const cpu = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const c0 = cpu();
  const t0 = performance.now();
  await wh.createTableFromFile('rep_snapshots', join(dir, 'rep_snapshots.csv'), {
    columnTypes: snapTypes,
  });
  await wh.createTableFromFile('rep_current', join(dir, 'rep_current.csv'), {
    columnTypes: snapTypes,
  });
  await wh.createTableFromFile('leads', join(dir, 'leads.csv'), { columnTypes: leadTypes });
  const t1 = performance.now();
  const c1 = cpu();
  const steps: Record<string, number> = {};
  const stepsCpu: Record<string, number> = {};
  let last = t1;
  let lastCpu = c1;
  let lastStep = '';
  const r = await buildDataset(wh, v7DatasetSpec({ dataEndDate, version: '20260101_01' }), {
    onProgress: (p) => {
      const now = performance.now();
      const nowCpu = cpu();
      if (lastStep) {
        steps[lastStep] = now - last;
        stepsCpu[lastStep] = nowCpu - lastCpu;
      }
      last = now;
      lastCpu = nowCpu;
      lastStep = p.step;
    },
  });
  const t2 = performance.now();
  const c2 = cpu();
  steps[lastStep] = t2 - last;
  stepsCpu[lastStep] = c2 - lastCpu;
  const table = r.table;
  let withPit = 0;
  const pit = table?.getChild('pit_snapshot_date');
  for (let i = 0; i < (table?.numRows ?? 0); i++) if (pit?.get(i) !== null) withPit++;
  await wh.close();
  const result: ChildResult = {
    loadMs: t1 - t0,
    buildMs: t2 - t1,
    loadCpuMs: c1 - c0,
    buildCpuMs: c2 - c1,
    steps,
    stepsCpu,
    rows: r.metadata.counts.leadsOut,
    positives: r.metadata.positives,
    withPit,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

interface PandasResult {
  readMs: number;
  buildMs: number;
  readCpuMs: number;
  buildCpuMs: number;
  rows: number;
  positives: number;
  withPit: number;
  maxRssMiB: number;
  pandas: string;
}

interface SizeResult {
  reps: number;
  leads: number;
  quarters: number;
  snapshots: number;
  duckdb: ChildResult;
  pandas: PandasResult;
  /** pandas build / DuckDB build, wall and CPU. */
  buildRatio: number;
  buildCpuRatio: number;
  agree: boolean;
}

/** Ours <= 1.0 x pandas on the build: pandas / ours >= 1. */
const TARGET_RATIO = 1.0;
const DEFAULT_LEADS = 30_000;
const DEFAULT_REPS = 20_000;

async function runSize(
  reps: number,
  leads: number,
  quarters: number,
  seed: number,
  threads: number | undefined,
): Promise<SizeResult> {
  const dir = await mkdtemp(join(tmpdir(), 'leadscore-bench-dataset-'));
  try {
    let t = performance.now();
    const world = generateDiscoveryWorld({ reps, leads, quarters, seed });
    const genMs = performance.now() - t;
    const dataEndDate = world.truth.params.dataEndDate;
    const snapshots = world.repSnapshots.numRows;
    t = performance.now();
    await writeWorldCsv(world, dir);
    const csvMs = performance.now() - t;
    console.log(
      `\nworld: ${reps} reps x ${quarters} quarters (${snapshots} snapshots), ${leads} leads; generated in ${genMs.toFixed(0)} ms, CSV written in ${csvMs.toFixed(0)} ms`,
    );

    const self = fileURLToPath(import.meta.url);
    const c = spawnSync(
      process.execPath,
      [...process.execArgv, self, '--child', dir, dataEndDate, String(threads ?? 0)],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    );
    if (c.status !== 0) throw new Error(`DuckDB child failed: ${c.stderr}`);
    const duck = JSON.parse(c.stdout.trim().split('\n').pop() as string) as ChildResult;

    const python = pythonPath();
    const py = spawnSync(python, [join(here, 'pandas_anchor.py'), dir, dataEndDate], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (py.status !== 0) {
      throw new Error(`pandas anchor (${python}) failed: ${py.error?.message ?? py.stderr}`);
    }
    const pandas = JSON.parse(py.stdout.trim().split('\n').pop() as string) as PandasResult;

    const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const both = (wall: number, cpu: number) => `${fmt(wall)} (CPU ${fmt(cpu)})`;
    console.log('\n| step | DuckDB (leadscore) | pandas merge_asof |');
    console.log('|---|---|---|');
    console.log(
      `| load CSV files | ${both(duck.loadMs, duck.loadCpuMs)} | ${both(pandas.readMs, pandas.readCpuMs)} |`,
    );
    console.log(
      `| build (PIT + current + 8q history + cohort stats) | ${both(duck.buildMs, duck.buildCpuMs)} | ${both(pandas.buildMs, pandas.buildCpuMs)} |`,
    );
    console.log(
      `| load + build | ${fmt(duck.loadMs + duck.buildMs)} | ${fmt(pandas.readMs + pandas.buildMs)} |`,
    );
    console.log(`| peak RSS | ${duck.maxRssMiB.toFixed(0)} MiB | ${pandas.maxRssMiB.toFixed(0)} MiB |`);
    console.log(
      `| rows / positives / with PIT snapshot | ${duck.rows} / ${duck.positives} / ${duck.withPit} | ${pandas.rows} / ${pandas.positives} / ${pandas.withPit} |`,
    );
    const buildRatio = pandas.buildMs / duck.buildMs;
    const buildCpuRatio = pandas.buildCpuMs / duck.buildCpuMs;
    console.log(
      `\nbuild ratio pandas/DuckDB: ${buildRatio.toFixed(2)}x wall, ${buildCpuRatio.toFixed(2)}x CPU (DuckDB may use every core, pandas one); load+build ratio: ${((pandas.readMs + pandas.buildMs) / (duck.loadMs + duck.buildMs)).toFixed(2)}x (pandas ${pandas.pandas}, ${python})`,
    );
    console.log(
      `DuckDB build steps (ms): ${Object.entries(duck.steps)
        .map(([k, v]) => `${k} ${v.toFixed(0)} (CPU ${(duck.stepsCpu[k] ?? 0).toFixed(0)})`)
        .join(', ')}`,
    );
    const agree =
      duck.rows === pandas.rows && duck.positives === pandas.positives && duck.withPit === pandas.withPit;
    console.log(`cross-check with pandas (rows, positives, PIT matches): ${agree ? 'agree' : 'DISAGREE'}`);
    console.log(
      `targets: build <= ${TARGET_RATIO.toFixed(1)} x pandas (ratio >= ${TARGET_RATIO.toFixed(2)}): ${buildRatio >= TARGET_RATIO ? 'met' : 'MISSED'} (${buildRatio.toFixed(2)}); build < 5 s: ${duck.buildMs < 5000 ? 'met' : 'MISSED'}; peak RSS < 1 GiB: ${duck.maxRssMiB < 1024 ? 'met' : 'MISSED'}`,
    );
    return { reps, leads, quarters, snapshots, duckdb: duck, pandas, buildRatio, buildCpuRatio, agree };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const flags = process.argv.slice(2);
  const quarters = arg('quarters', 12);
  const seed = arg('seed', 7);
  const threads = flags.includes('--threads') ? arg('threads', 0) : undefined;
  const sizesAt = flags.indexOf('--sizes');
  const sizes =
    sizesAt >= 0
      ? String(flags[sizesAt + 1] ?? '')
          .split(',')
          .map(Number)
      : [arg('leads', DEFAULT_LEADS)];
  for (const n of sizes) {
    if (!Number.isInteger(n) || n < 100)
      throw new Error(`--leads / --sizes must be integers >= 100, found ${n}`);
  }
  const results: SizeResult[] = [];
  for (const leads of sizes) {
    const reps = flags.includes('--reps')
      ? arg('reps', DEFAULT_REPS)
      : Math.round((DEFAULT_REPS * leads) / DEFAULT_LEADS);
    results.push(await runSize(reps, leads, quarters, seed, threads));
  }
  if (results.length > 1) {
    console.log(
      '\n| leads | reps | DuckDB build | pandas build | ratio pandas/DuckDB (target >= 1.00) | peak RSS DuckDB / pandas |',
    );
    console.log('|---|---|---|---|---|---|');
    for (const r of results) {
      console.log(
        `| ${r.leads} | ${r.reps} | ${(r.duckdb.buildMs / 1000).toFixed(2)} s | ${(r.pandas.buildMs / 1000).toFixed(2)} s | ${r.buildRatio.toFixed(2)}x ${r.buildRatio >= TARGET_RATIO ? 'met' : 'MISSED'} | ${r.duckdb.maxRssMiB.toFixed(0)} / ${r.pandas.maxRssMiB.toFixed(0)} MiB |`,
      );
    }
  }
  const agree = results.every((r) => r.agree);
  if (!agree) process.exitCode = 1;
  if (flags.length === 0 && agree) {
    await writeFile(
      join(here, 'results.json'),
      `${JSON.stringify({ date: new Date().toISOString(), targetRatio: TARGET_RATIO, results }, null, 2)}\n`,
    );
    console.log('\nwrote bench/dataset/results.json');
  } else {
    console.log('\nnot a complete default run (flags given or a disagreement): results.json not written');
  }
}

if (process.argv.includes('--child')) {
  const i = process.argv.indexOf('--child');
  const threads = Number(process.argv[i + 3]);
  await child(
    process.argv[i + 1] as string,
    process.argv[i + 2] as string,
    threads > 0 ? threads : undefined,
  );
} else {
  await main();
}
