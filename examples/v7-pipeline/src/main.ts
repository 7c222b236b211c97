/**
 * The V7 reference pipeline, end to end on an embedded DuckDB warehouse:
 *   1. generate the synthetic discovery world and write it as Parquet,
 *   2. load it into a DuckDB file,
 *   3. build the point-in-time training table (metadata, leakage audit, verify),
 *   4. compute the V7 feature catalog,
 *   5. train a gradient-boosted model on a temporal split and evaluate it on the later leads,
 *   6. compare with a fully point-in-time table: current-policy columns are exposed to the leakage trap,
 *   7. `leadscore run` on the point-in-time policy (5 temporal folds, tuned ensemble, gates, docs), its
 *      gate table, and the HTML/Markdown report rendered from its artifacts.
 * Sub-steps are numbered under their step (3.1 ... for the dataset build, 7.1 ... for the CLI's steps).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Booster, train } from '@leadscore/boost';
import { type CliIo, createProgress, processIo, runCli } from '@leadscore/cli';
import {
  averagePrecision,
  type GateReport,
  liftAt,
  readCvResult,
  readFoldList,
  rocAuc,
} from '@leadscore/core';
import { type Matrix, takeRows } from '@leadscore/core/matrix';
import {
  buildDataset,
  type DatasetSpec,
  openWarehouse,
  v7DatasetSpec,
  verifyDataset,
} from '@leadscore/dataset';
import { computeFeatures, defineFeature, featureSet, v7Features } from '@leadscore/features';
import { renderReport } from '@leadscore/gates';
import { generateDiscoveryWorld, summarizeWorld, writeDiscoveryWorld } from '@leadscore/world';
import { leakageProbeLines } from './leakage-probe-step.js';

const SIZE = { reps: 20_000, quarters: 12, leads: 30_000, seed: 7 } as const;
const DAY_MS = 86_400_000;

const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)} %`;
const int = (x: number): string => x.toLocaleString('en-US');
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** lead_source is known at contact time; the catalog leaves it to each pipeline, so V7 adds it here. */
const leadSource = defineFeature({
  name: 'lead_source',
  description: 'Channel the lead came from (referral, event, inbound, ...)',
  group: 'custom',
  kind: 'categorical',
  businessSignal: true,
  inputs: ['lead_source'],
  inputTypes: { lead_source: 'string' },
  compute: (row) => row.lead_source as string | null,
});
const features = featureSet([v7Features, leadSource]);

function take(values: ArrayLike<number>, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

interface SplitResult {
  readonly train: Int32Array;
  readonly valid: Int32Array;
  readonly test: Int32Array;
  readonly purged: number;
  readonly testStart: number;
}

/**
 * Temporal split on contacted_at: the last `testShare` of the contact period is the test block; the
 * last `validShare` of what precedes it is the early-stopping block. Rows whose label window
 * (contacted_at + horizon) reaches into the next block are purged, so no label from the future trains.
 */
function temporalSplit(
  contacted: Float64Array,
  horizonDays: number,
  testShare = 0.2,
  validShare = 0.15,
): SplitResult {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const t of contacted) {
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  const testStart = hi - (hi - lo) * testShare;
  const validStart = lo + (testStart - lo) * (1 - validShare);
  const gap = horizonDays * DAY_MS;
  const train: number[] = [];
  const valid: number[] = [];
  const test: number[] = [];
  let purged = 0;
  contacted.forEach((t, i) => {
    if (t >= testStart) test.push(i);
    else if (t >= validStart && t + gap < testStart) valid.push(i);
    else if (t < validStart && t + gap < validStart) train.push(i);
    else purged++;
  });
  return {
    train: Int32Array.from(train),
    valid: Int32Array.from(valid),
    test: Int32Array.from(test),
    purged,
    testStart,
  };
}

interface Evaluation {
  readonly booster: Booster;
  readonly ap: number;
  readonly auc: number;
  readonly lift10: number;
  readonly dense: Matrix;
  readonly split: SplitResult;
  readonly labels: Float64Array;
  readonly trainMs: number;
}

/** A timestamp column as epoch milliseconds, whatever its Arrow time unit (DuckDB returns microseconds). */
function epochMs(table: ArrowTable, name: string): Float64Array {
  const column = table.getChild(name)!;
  const unit = (column.type as { unit?: number }).unit ?? 1;
  const perMs = [1 / 1000, 1, 1000, 1_000_000][unit]!;
  return Float64Array.from(column.toArray() as ArrayLike<number | bigint>, (v) => Number(v) / perMs);
}

type ArrowTable = NonNullable<Awaited<ReturnType<typeof buildDataset>>['table']>;

async function trainAndEvaluate(
  table: ArrowTable,
  horizonDays: number,
  verbose: boolean,
): Promise<Evaluation> {
  // Categorical levels are sorted strings seen in the table (no label involved), used as ordinal codes.
  const dense = computeFeatures(table, features);
  const labels = Float64Array.from(table.getChild('label')!.toArray() as ArrayLike<number>);
  const contacted = epochMs(table, 'contacted_at');
  const split = temporalSplit(contacted, horizonDays);
  const t0 = performance.now();
  const progress = createProgress('training');
  const booster = await train(
    takeRows(dense, split.train),
    take(labels, split.train),
    {
      numRounds: 400,
      maxDepth: 4,
      learningRate: 0.05,
      minChildWeight: 5,
      subsample: 0.8,
      colsampleByTree: 0.8,
      seed: 7,
    },
    {
      evalSet: { data: takeRows(dense, split.valid), labels: take(labels, split.valid) },
      evalMetric: 'aucpr',
      earlyStoppingRounds: 40,
      categoricalAsCodes: true,
      onRound: (r) => {
        if (verbose)
          progress.update(r.iteration + 1, r.numRounds, `validation AUC-PR ${r.evalScore?.toFixed(4)}`);
        return undefined;
      },
    },
  );
  progress.end();
  const trainMs = performance.now() - t0;
  const testLabels = take(labels, split.test);
  const p = booster.predict(takeRows(dense, split.test));
  return {
    booster,
    ap: averagePrecision(testLabels, p),
    auc: rocAuc(testLabels, p),
    lift10: liftAt(testLabels, p, { fraction: 0.1 }),
    dense,
    split,
    labels,
    trainMs,
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const log = (line: string) => console.log(line);
  log('leadscore V7 pipeline demo');
  log('');
  log(
    `[1/7] discovery world (seed ${SIZE.seed}, ${int(SIZE.reps)} reps x ${SIZE.quarters} quarters, ${int(SIZE.leads)} leads)`,
  );
  const t0 = performance.now();
  const world = generateDiscoveryWorld(SIZE);
  const generated = performance.now() - t0;
  // Artifacts go to examples/v7-pipeline/out (git-ignored), replaced on every run.
  const dir = join(import.meta.dirname, '..', 'out');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t1 = performance.now();
  // Parquet is written by a warehouse; a throwaway in-memory DuckDB keeps the file warehouse clean.
  const writer = await openWarehouse({ kind: 'duckdb', path: ':memory:' });
  const written = await writeDiscoveryWorld(world, dir, { format: 'parquet', warehouse: writer }).finally(
    () => writer.close(),
  );
  const wrote = performance.now() - t1;
  const s = summarizeWorld(world);
  const p = world.truth.params;

  log(`  generated in ${secs(generated)}, written as Parquet in ${secs(wrote)} to ${dir}`);
  log(`  firms           ${int(s.firms)} (incl. recruiter ${p.recruiterFirmId})`);
  log(
    `  reps            ${int(s.reps)}; snapshots ${int(s.snapshotRows)} (${int(s.missingSnapshots)} rep-quarters missing: vendor gaps)`,
  );
  log(`  snapshot dates  ${s.firstSnapshotDate} .. ${s.dataEndDate} (data end = vendor's latest snapshot)`);
  log(
    `  leads           ${int(s.leads)} contacted ${s.firstContactDate} .. ${s.lastContactDate}; ${int(s.repeatContactedReps)} reps contacted more than once`,
  );
  log(
    `  label rate      ${pct(s.baseRate, 2)} (${int(s.positives)} positives); ${int(s.lateConversions)} late conversions count as 0`,
  );
  log(
    `  oracle AUC-PR   ${s.oracleAucPr.toFixed(3)} (true probabilities; base rate ${s.baseRate.toFixed(3)} = random)`,
  );
  log(
    `  leakage trap    converted reps join ${p.recruiterFirmId} 30-90 days after converting: ` +
      `${pct(s.leakageTrap.convertedRepsAtRecruiter)} of converted vs ${pct(s.leakageTrap.otherRepsAtRecruiter)} of other contacted reps show it in rep_current`,
  );

  log('');
  log('[2/7] warehouse: embedded DuckDB file, tables loaded from the Parquet files');
  const wh = await openWarehouse({ kind: 'duckdb', path: join(dir, 'warehouse.duckdb') });
  try {
    const t2 = performance.now();
    await wh.createTableFromFile('rep_snapshots', written.files.repSnapshots);
    await wh.createTableFromFile('rep_current', written.files.repCurrent);
    await wh.createTableFromFile('leads', written.files.leads);
    for (const name of ['rep_snapshots', 'rep_current', 'leads']) {
      const d = await wh.describeTable(name);
      log(
        `  ${name.padEnd(14)} ${int(d.rowCount).padStart(8)} rows, ${d.columns.length} columns, fingerprint ${d.fingerprint.slice(0, 12)}`,
      );
    }
    log(`  loaded in ${secs(performance.now() - t2)}`);

    log('');
    log(
      '[3/7] training table: point-in-time career/market columns, current financial columns, 8-quarter history',
    );
    const spec = v7DatasetSpec({ dataEndDate: p.dataEndDate });
    const t3 = performance.now();
    const built = await buildDataset(wh, spec, {
      outDir: dir,
      onProgress: (pr) => log(`  3.${pr.index} ${pr.step}`),
    });
    const m = built.metadata;
    log(
      `  ${built.tableName}: ${int(m.counts.leadsOut)} of ${int(m.counts.leadsIn)} leads, built in ${secs(performance.now() - t3)}`,
    );
    const excluded = Object.entries(m.counts.excluded)
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => `${reason} ${int(n)}`);
    log(`  excluded        ${int(m.counts.excludedTotal)}: ${excluded.join(', ') || 'none'}`);
    log(
      `  kept with nulls no snapshot within lookback ${int(m.counts.keptWithNulls.noSnapshotWithinLookback)}, ` +
        `incomplete history ${int(m.counts.keptWithNulls.incompleteHistory)}`,
    );
    log(`  label rate      ${pct(m.labelRate, 2)} (${int(m.positives)} positives)`);
    log(
      `  leakage audit   ${m.leakage.audit.passed ? 'passed' : 'FAILED'}: no point-in-time value dated after its lead's cutoff`,
    );
    log(`  leakage-exposed ${m.leakage.exposedColumns.join(', ')} (current policy, as in production)`);
    log(`  metadata        ${built.metadataPath}`);
    const verified = await verifyDataset(wh, built.tableName, built.metadataPath!);
    log(
      `  verify          ${verified.ok ? 'ok' : 'FAILED'} (${verified.checks.length} checks re-run without rebuilding)`,
    );

    log('');
    log(`[4/7] features: ${features.length} (V7 catalog + lead_source)`);
    const t4 = performance.now();
    const matrix = computeFeatures(built.table!, features);
    log(`  ${int(matrix.nRows)} x ${matrix.nCols} matrix in ${secs(performance.now() - t4)}`);

    log('');
    log(
      '[5/7] model: depth-wise boosted trees, temporal split (train | 30-day purge | validation | purge | test)',
    );
    const ev = await trainAndEvaluate(built.table!, spec.labelHorizonDays, true);
    const leadIds = world.leads.getChild('lead_id')!.toArray() as string[];
    const truthById = new Map<string, number>();
    for (const [i, id] of leadIds.entries()) truthById.set(id, world.truth.probability[i]!);
    const builtIds = built.table!.getChild('lead_id')!.toArray() as string[];
    const testLabels = take(ev.labels, ev.split.test);
    const oracle = Float64Array.from(ev.split.test, (i) => truthById.get(builtIds[i]!)!);
    const baseRate = testLabels.reduce((a, b) => a + b, 0) / testLabels.length;
    log(
      `  rows            train ${int(ev.split.train.length)}, validation ${int(ev.split.valid.length)}, test ${int(ev.split.test.length)} ` +
        `(from ${new Date(ev.split.testStart).toISOString().slice(0, 10)}), purged ${int(ev.split.purged)}`,
    );
    log(
      `  trained         ${ev.booster.numTrees} trees (best iteration ${ev.booster.bestIteration + 1}) in ${secs(ev.trainMs)}`,
    );
    const oracleAp = averagePrecision(testLabels, oracle);
    log(
      `  test AUC-PR     ${ev.ap.toFixed(4)}   oracle ${oracleAp.toFixed(4)}   base rate ${baseRate.toFixed(4)}`,
    );
    log(`  test ROC AUC    ${ev.auc.toFixed(4)}   oracle ${rocAuc(testLabels, oracle).toFixed(4)}`);
    log(
      `  lift @ top 10 % ${ev.lift10.toFixed(2)}x   oracle ${liftAt(testLabels, oracle, { fraction: 0.1 }).toFixed(2)}x`,
    );
    const testMatrix = takeRows(ev.dense, ev.split.test);
    const phi = ev.booster.predictContributions(testMatrix);
    const width = testMatrix.nCols + 1;
    const meanAbs = new Float64Array(testMatrix.nCols);
    for (let i = 0; i < testMatrix.nRows; i++) {
      for (let j = 0; j < testMatrix.nCols; j++)
        meanAbs[j]! += Math.abs(phi[i * width + j]!) / testMatrix.nRows;
    }
    const order = Array.from(meanAbs.keys()).sort((a, b) => meanAbs[b]! - meanAbs[a]!);
    log('  top features by mean |SHAP| on the test block:');
    for (const j of order.slice(0, 8)) {
      const bar = '#'.repeat(Math.max(1, Math.round((meanAbs[j]! / meanAbs[order[0]!]!) * 30)));
      const business = matrix.businessSignal[j] ? ' (business signal)' : '';
      log(`    ${matrix.names[j]!.padEnd(28)} ${meanAbs[j]!.toFixed(4)} ${bar}${business}`);
    }
    const modelPath = join(dir, 'v7_model.xgboost.json');
    writeFileSync(modelPath, ev.booster.toXGBoostJSON());
    log(`  model           ${modelPath} (loads in Python: xgboost.Booster(model_file=...))`);

    log('');
    log('[6/7] the same pipeline with every column point-in-time (financial columns too)');
    const pitSpec: DatasetSpec = v7DatasetSpec({
      dataEndDate: p.dataEndDate,
      outputBase: 'training_dataset_all_point_in_time',
    });
    const pit = await buildDataset(wh, {
      ...pitSpec,
      featureGroups: pitSpec.featureGroups.map((g) =>
        g.policy === 'current' ? { ...g, policy: 'pointInTime' as const } : g,
      ),
    });
    const pev = await trainAndEvaluate(pit.table!, spec.labelHorizonDays, false);
    log(
      `  leakage-exposed ${pit.metadata.leakage.exposedColumns.length} columns; audit ${pit.metadata.leakage.audit.passed ? 'passed' : 'FAILED'}`,
    );
    log(
      `  test AUC-PR     ${pev.ap.toFixed(4)}   oracle ${oracleAp.toFixed(4)}   (V7 hybrid ${ev.ap.toFixed(4)})`,
    );
    log(`  lift @ top 10 % ${pev.lift10.toFixed(2)}x`);
    for (const line of leakageProbeLines(
      { table: built.table!, metadata: m },
      { table: pit.table!, metadata: pit.metadata },
    ))
      log(line);
    if (ev.ap > oracleAp) {
      log('');
      log(
        `  ! The V7 hybrid model scores above the oracle, which no honest model can: its current-policy columns ` +
          `(${m.leakage.exposedColumns.slice(0, 5).join(', ')}, ...) come from rep_current, written after converted reps moved. ` +
          `${int(m.leakage.currentRowsAfterCutoff)} leads' current row post-dates their contact. The point-in-time model's ` +
          'figure is the one to expect in production.',
      );
    }
  } finally {
    await wh.close();
  }
  const full = await fullPipeline(log);
  log('');
  log(`done in ${secs(performance.now() - started)}`);
  log(`  gates           ${full.gates} (${full.gateReport})`);
  for (const o of full.outcomes) {
    log(`    ${o.status.toUpperCase().padEnd(5)} ${o.id.padEnd(26)} ${o.reason.slice(0, 100)}`);
  }
  log(`  report          ${full.report.join(', ')}`);
  log(`  documentation   ${full.docs}`);
  log(`  artifacts       ${dir} (steps 1-6) and ${ARTIFACTS} (step 7)`);
}

/**
 * The process's streams with the CLI's own step lines (`[k/n] name`) renumbered as sub-steps of demo step
 * `step` (`7.k name`) and every line indented, so the output has one numbering. Progress bars redraw
 * after `\r`, so a line starts after `\r` as well as after `\n`.
 */
function nestedIo(step: number): CliIo {
  const io = processIo();
  const out = process.stdout;
  let atLineStart = true;
  const write = (text: string) => {
    let shaped = '';
    for (const part of text.split(/(\r|\n)/)) {
      if (part === '\r' || part === '\n') {
        shaped += part;
        atLineStart = true;
      } else if (part !== '') {
        shaped += atLineStart ? `  ${part.replace(/^\[(\d+)\/\d+\] /, `${step}.$1 `)}` : part;
        atLineStart = false;
      }
    }
    return out.write(shaped);
  };
  return { ...io, stdout: { isTTY: out.isTTY, write } };
}

/** Where `leadscore run` writes the model, folds, CV result, gate report, report and documentation. */
const ARTIFACTS = join(process.cwd(), 'artifacts');

/**
 * Step 7: the product's pipeline as a user runs it, `leadscore run` on the point-in-time policy (5
 * temporal folds with 30-day gaps and label-horizon purge, tuned XGB + LGBM ensemble, calibration,
 * gates), then the HTML/Markdown report from the plain-JSON artifacts it wrote.
 */
async function fullPipeline(log: (line: string) => void): Promise<{
  outcomes: GateReport['outcomes'];
  gates: string;
  gateReport: string;
  report: string[];
  docs: string;
}> {
  log('');
  log('[7/7] leadscore run: 5 temporal folds (30-day gap), tuned XGB + LGBM ensemble, gates, report');
  rmSync(ARTIFACTS, { recursive: true, force: true });
  const work = join(ARTIFACTS, 'work');
  mkdirSync(work, { recursive: true });
  const argv = [
    'run',
    '--policy',
    'point-in-time',
    '--reps',
    String(SIZE.reps),
    '--leads',
    String(SIZE.leads),
    '--seed',
    String(SIZE.seed),
    '--trials',
    '4',
    '--cv-folds',
    '5',
    '--gap-days',
    '30',
    '--out',
    join(work, 'world'),
    '--duckdb',
    join(work, 'leadscore.duckdb'),
    '--artifacts',
    ARTIFACTS,
  ];
  const code = await runCli(argv, nestedIo(7));
  const read = (name: string): unknown => JSON.parse(readFileSync(join(ARTIFACTS, name), 'utf8'));
  const gates = read('gate_report.json') as GateReport;
  const report = await renderReport(
    { cvResult: readCvResult(read('cv_result.json')), folds: readFoldList(read('folds.json')), gates },
    { outDir: ARTIFACTS, title: 'V7 lead model (point-in-time)' },
  );
  log(
    `  leadscore run exited ${code} (${code === 0 ? 'every gate passed' : 'a gate failed: see the table'})`,
  );
  const count = (status: string) => gates.outcomes.filter((o) => o.status === status).length;
  return {
    outcomes: gates.outcomes,
    gates: `${count('pass')} pass, ${count('warn')} warn, ${count('fail')} fail, ${count('skip')} skip`,
    gateReport: join(ARTIFACTS, 'gate_report.json'),
    report: report.files.filter((f) => f.endsWith('.html') || f.endsWith('.md')),
    docs: join(ARTIFACTS, 'MODEL_DOCUMENTATION.md'),
  };
}

await main();
