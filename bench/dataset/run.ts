/**
 * Dataset-builder benchmark: 20k reps x 12 quarters x 30k leads (generated world), V7 spec.
 *
 * 1. Generates the world and writes rep_snapshots / rep_current / leads as CSV (via DuckDB COPY).
 * 2. In a fresh child process (so peak RSS is the build's own): loads the CSVs into an in-memory
 *    DuckDB warehouse with explicit column types and runs `buildDataset` (targets: < 5 s, < 1 GiB).
 * 3. Runs the same point-in-time build in pandas 1.5 (`merge_asof`, bench/dataset/pandas_anchor.py,
 *    Debian's /usr/bin/python3) on the same CSVs and prints the time ratio and a row/label cross-check.
 *
 * Usage: pnpm bench:dataset [--reps 20000] [--leads 30000] [--quarters 12] [--seed 7] [--threads N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LEAD_COLUMNS, SNAPSHOT_COLUMNS } from '../../packages/core/src/contract/columns.js';
import { buildDataset, v7DatasetSpec } from '../../packages/dataset/src/builder/index.js';
import { openDuckDbWarehouse } from '../../packages/dataset/src/warehouse/duckdb.js';
import { generateDiscoveryWorld } from '../../packages/world/src/index.js';
import { contractColumnTypes, writeWorldCsv } from '../world-csv.js';

const here = dirname(fileURLToPath(import.meta.url));

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

interface ChildResult {
  loadMs: number;
  buildMs: number;
  steps: Record<string, number>;
  rows: number;
  positives: number;
  withPit: number;
  maxRssMiB: number;
}

async function child(dir: string, dataEndDate: string, threads: number | undefined): Promise<void> {
  const wh = await openDuckDbWarehouse({ path: ':memory:', ...(threads ? { threads } : {}) });
  const snapTypes = contractColumnTypes(SNAPSHOT_COLUMNS);
  const leadTypes = contractColumnTypes(LEAD_COLUMNS);
  const t0 = performance.now();
  await wh.createTableFromFile('rep_snapshots', join(dir, 'rep_snapshots.csv'), {
    columnTypes: snapTypes,
  });
  await wh.createTableFromFile('rep_current', join(dir, 'rep_current.csv'), {
    columnTypes: snapTypes,
  });
  await wh.createTableFromFile('leads', join(dir, 'leads.csv'), { columnTypes: leadTypes });
  const t1 = performance.now();
  const steps: Record<string, number> = {};
  let last = t1;
  let lastStep = '';
  const r = await buildDataset(wh, v7DatasetSpec({ dataEndDate, version: '20260101_01' }), {
    onProgress: (p) => {
      const now = performance.now();
      if (lastStep) steps[lastStep] = now - last;
      last = now;
      lastStep = p.step;
    },
  });
  const t2 = performance.now();
  steps[lastStep] = t2 - last;
  const table = r.table;
  let withPit = 0;
  const pit = table?.getChild('pit_snapshot_date');
  for (let i = 0; i < (table?.numRows ?? 0); i++) if (pit?.get(i) !== null) withPit++;
  await wh.close();
  const result: ChildResult = {
    loadMs: t1 - t0,
    buildMs: t2 - t1,
    steps,
    rows: r.metadata.counts.leadsOut,
    positives: r.metadata.positives,
    withPit,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function main(): Promise<void> {
  const reps = arg('reps', 20_000);
  const leads = arg('leads', 30_000);
  const quarters = arg('quarters', 12);
  const seed = arg('seed', 7);
  const threads = process.argv.includes('--threads') ? arg('threads', 0) : undefined;
  const dir = await mkdtemp(join(tmpdir(), 'leadscore-bench-dataset-'));
  try {
    let t = performance.now();
    const world = generateDiscoveryWorld({ reps, leads, quarters, seed });
    const genMs = performance.now() - t;
    const dataEndDate = world.truth.params.dataEndDate;
    t = performance.now();
    await writeWorldCsv(world, dir);
    const csvMs = performance.now() - t;
    console.log(
      `world: ${reps} reps x ${quarters} quarters (${world.repSnapshots.numRows} snapshots), ${leads} leads; generated in ${genMs.toFixed(0)} ms, CSV written in ${csvMs.toFixed(0)} ms`,
    );

    const self = fileURLToPath(import.meta.url);
    const c = spawnSync(
      process.execPath,
      [...process.execArgv, self, '--child', dir, dataEndDate, String(threads ?? 0)],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      },
    );
    if (c.status !== 0) throw new Error(`DuckDB child failed: ${c.stderr}`);
    const duck = JSON.parse(c.stdout.trim().split('\n').pop() as string) as ChildResult;

    const py = spawnSync('/usr/bin/python3', [join(here, 'pandas_anchor.py'), dir, dataEndDate], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (py.status !== 0) throw new Error(`pandas anchor failed: ${py.stderr}`);
    const pandas = JSON.parse(py.stdout.trim().split('\n').pop() as string) as {
      readMs: number;
      buildMs: number;
      rows: number;
      positives: number;
      withPit: number;
      maxRssMiB: number;
      pandas: string;
    };

    const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log('\n| step | DuckDB (leadscore) | pandas merge_asof |');
    console.log('|---|---|---|');
    console.log(`| load CSV files | ${fmt(duck.loadMs)} | ${fmt(pandas.readMs)} |`);
    console.log(
      `| build (PIT + current + 8q history + cohort stats) | ${fmt(duck.buildMs)} | ${fmt(pandas.buildMs)} |`,
    );
    console.log(
      `| load + build | ${fmt(duck.loadMs + duck.buildMs)} | ${fmt(pandas.readMs + pandas.buildMs)} |`,
    );
    console.log(`| peak RSS | ${duck.maxRssMiB.toFixed(0)} MiB | ${pandas.maxRssMiB.toFixed(0)} MiB |`);
    console.log(
      `| rows / positives / with PIT snapshot | ${duck.rows} / ${duck.positives} / ${duck.withPit} | ${pandas.rows} / ${pandas.positives} / ${pandas.withPit} |`,
    );
    console.log(
      `\nbuild ratio pandas/DuckDB: ${(pandas.buildMs / duck.buildMs).toFixed(2)}x; load+build ratio: ${((pandas.readMs + pandas.buildMs) / (duck.loadMs + duck.buildMs)).toFixed(2)}x (pandas ${pandas.pandas})`,
    );
    console.log(
      `DuckDB build steps (ms): ${Object.entries(duck.steps)
        .map(([k, v]) => `${k} ${v.toFixed(0)}`)
        .join(', ')}`,
    );
    const agree =
      duck.rows === pandas.rows && duck.positives === pandas.positives && duck.withPit === pandas.withPit;
    console.log(`cross-check with pandas (rows, positives, PIT matches): ${agree ? 'agree' : 'DISAGREE'}`);
    console.log(
      `targets: build < 5 s: ${duck.buildMs < 5000 ? 'met' : 'MISSED'}; peak RSS < 1 GiB: ${duck.maxRssMiB < 1024 ? 'met' : 'MISSED'}`,
    );
    if (!agree) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
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
