/**
 * Benchmark of batch scoring with reason codes: 1M leads through `scoreTable` on DuckDB (features,
 * margins, TreeSHAP, blend, calibration, percentiles, top-3 reasons, write-back), next to XGBoost 1.7's
 * predict + pred_contribs on the same xgb member and the same rows, in the same run.
 * Run: npx tsx --conditions=@leadscore/source bench/score/run.ts   (or `pnpm bench:score`)
 * Options: --rows N (default 1000000), --batch N (50000), --no-xgb. Env LEADSCORE_PYTHON.
 * Phases run in separate processes so each peak RSS is its own: this file trains a model and stages the
 * rows in a DuckDB file, then re-runs itself with --score to time scoreTable alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildDataset,
  generateDiscoveryWorld,
  openWarehouse,
  v7DatasetSpec,
} from '../../packages/core/src/index.js';
import { computeFeatures, v7Features } from '../../packages/features/src/index.js';
import { loadModel, scoreTable, trainEnsemble } from '../../packages/model/src/index.js';
import { alignMatrix } from '../../packages/model/src/scoring/align.js';
import { blockFolds } from '../../packages/model/test/support/world.js';
import { pythonPath } from '../../scripts/python.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : fallback;
};
const ROWS = Number(arg('rows', '1000000'));
const BATCH = Number(arg('batch', '50000'));
const PYTHON = pythonPath();

async function scorePhase(dir: string): Promise<void> {
  const model = loadModel(readFileSync(join(dir, 'model.json'), 'utf8'));
  const wh = await openWarehouse({ kind: 'duckdb', path: join(dir, 'leads.duckdb'), threads: 1 });
  try {
    const t0 = performance.now();
    const r = await scoreTable(wh, model, {
      source: 'big',
      destination: 'scores',
      batchRows: BATCH,
      replace: true,
    });
    const seconds = (performance.now() - t0) / 1000;
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(
      JSON.stringify({ rows: r.rows, seconds, rowsPerSecond: r.rows / seconds, peakRssMiB }),
    );
  } finally {
    await wh.close();
  }
}

async function main(): Promise<void> {
  if (args.includes('--score')) return scorePhase(arg('dir', ''));
  const dir = mkdtempSync(join(tmpdir(), 'leadscore-bench-score-'));
  try {
    const world = generateDiscoveryWorld({ seed: 5, reps: 3000, leads: 6000 });
    const wh = await openWarehouse({ kind: 'duckdb', path: join(dir, 'leads.duckdb'), threads: 1 });
    let trees = 0;
    let nCols = 0;
    try {
      await wh.createTableFromArrow('rep_snapshots', world.repSnapshots);
      await wh.createTableFromArrow('rep_current', world.repCurrent);
      await wh.createTableFromArrow('leads', world.leads);
      const { table } = await buildDataset(
        wh,
        v7DatasetSpec({ dataEndDate: world.truth.params.dataEndDate }),
      );
      const matrix = computeFeatures(table!, v7Features);
      const labels = Float64Array.from(table!.getChild('label')!.toArray() as Int32Array);
      const times = Float64Array.from(table!.getChild('contacted_at')!.toArray() as BigInt64Array, Number);
      const trained = await trainEnsemble({
        matrix,
        features: v7Features,
        labels,
        folds: blockFolds(times, labels, 3),
        members: [
          {
            name: 'xgb',
            params: { growPolicy: 'depthwise', maxDepth: 4, learningRate: 0.1, numRounds: 150 },
          },
        ],
        earlyStoppingRounds: 40,
      });
      writeFileSync(join(dir, 'model.json'), trained.text);
      trees = trained.model.members[0]!.numTrees;
      await wh.createTableFromArrow('train', table!);
      const copies = Math.ceil(ROWS / table!.numRows);
      await wh.execute(
        `CREATE TABLE big AS SELECT * REPLACE (lead_id || '~' || CAST(k AS VARCHAR) AS lead_id) FROM train, range(${copies}) t(k) LIMIT ${ROWS}`,
      );
      // XGBoost gets the model's own feature matrix of the same rows (features are not part of its timing).
      const big = await wh.query('SELECT * FROM big');
      const x = alignMatrix(computeFeatures(big, v7Features), trained.file.columns);
      nCols = x.nCols;
      writeFileSync(
        join(dir, 'x.f32'),
        new Uint8Array(x.values.buffer, x.values.byteOffset, x.values.byteLength),
      );
      writeFileSync(join(dir, 'member.json'), trained.file.members[0]!.model);
      writeFileSync(
        join(dir, 'meta.json'),
        JSON.stringify({ nRows: x.nRows, nCols: x.nCols, names: x.names, nthread: 1 }),
      );
    } finally {
      await wh.close();
    }
    const ours = spawnSync(
      process.execPath,
      [
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        '--score',
        '--dir',
        dir,
        '--batch',
        String(BATCH),
      ],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      },
    );
    if (ours.status !== 0) throw new Error(`score phase failed:\n${ours.stderr}`);
    const leadscore = JSON.parse(ours.stdout);
    let xgboost = null;
    if (!args.includes('--no-xgb')) {
      const run = spawnSync(PYTHON, [join(here, 'xgb_score.py'), dir], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      if (run.status !== 0) throw new Error(`xgb_score.py failed:\n${run.stderr}`);
      xgboost = JSON.parse(run.stdout);
    }
    const result = {
      rows: ROWS,
      batchRows: BATCH,
      trees,
      columns: nCols,
      note: "measured on a shared 2-core machine under other engineers' load; compare the two sides of the same run only",
      leadscore: {
        what: 'scoreTable on DuckDB: features + margins + TreeSHAP + calibration + percentiles + top-3 reason texts + write-back, 1 thread',
        ...leadscore,
      },
      xgboost: xgboost && {
        what: 'DMatrix + predict + pred_contribs on the precomputed feature matrix, nthread=1',
        ...xgboost,
      },
      ratio: xgboost ? leadscore.rowsPerSecond / xgboost.rowsPerSecond : null,
    };
    console.log(JSON.stringify(result, null, 2));
    if (ROWS === 1_000_000 && xgboost)
      writeFileSync(join(here, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
