/**
 * Benchmark of @leadscore/cv against a pandas + XGBoost 1.7 script doing the same work in the same run:
 * 30k leads of the synthetic world, point-in-time V7 features (+ lead_source), 5 temporal folds x 2
 * members (depth-wise and leaf-wise), early stopping on the same carved rows (exported as JSON), no
 * tuning; then the tuning wall time (5 folds x 2 members x --trials trials, median pruner).
 * Run: npx tsx --conditions=@leadscore/source bench/cv/run.ts   (or `pnpm bench:cv`)
 * Options: --leads N (30000), --threads N (2), --trials N (30), --no-xgb, --no-tune, --no-cv (tuning only),
 * --no-sequential (skip the one-fit-at-a-time comparison run).
 * Env LEADSCORE_PYTHON (default /usr/bin/python3). Writes bench/cv/results.json on a default run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { averagePrecision } from '../../packages/core/src/index.js';
import { carveEvalSet } from '../../packages/cv/src/cross-validate/eval-carve.js';
import {
  createCvCache,
  crossValidate,
  cvObjective,
  type Learner,
  lgbmLearner,
  targetOrderedLevels,
  tune,
  xgbLearner,
} from '../../packages/cv/src/index.js';
import { startFitWorkers } from '../../packages/cv/src/learner/fit-pool.js';
import { cvBenchData } from './bench-data.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : fallback;
};
const LEADS = Number(arg('leads', '30000'));
const THREADS = Number(arg('threads', '2'));
const TRIALS = Number(arg('trials', '30'));
const WITH_XGB = !args.includes('--no-xgb');
const WITH_TUNE = !args.includes('--no-tune');
const WITH_CV = !args.includes('--no-cv');
const DEFAULT_RUN = args.length === 0;
const PYTHON = process.env.LEADSCORE_PYTHON ?? '/usr/bin/python3';
const DAY_MS = 86_400_000;
const rssMiB = () => process.resourceUsage().maxRSS / 1024;

const { world, spec, table, matrix, labels, times, folds } = await cvBenchData(LEADS);
console.log(
  `data: ${matrix.nRows} rows x ${matrix.nCols} features, 5 folds, ${THREADS} threads (wall times: compare the load averages printed with each part; other load on the 2 cores contaminates them)`,
);

const members: Learner[] = [xgbLearner({ nthread: THREADS }), lgbmLearner({ nthread: THREADS })];
const load = () => loadavg().map((x) => Number(x.toFixed(2)));
const rss0 = rssMiB();
interface OursRun {
  seconds: number;
  load: number[];
  members: { member: string; ap: number[]; trainAp: number[]; best: (number | null)[]; oof: number[] }[];
}
/**
 * Ours, each run with a fresh cache (so each pays its own row copies and binning). `parallel`: the two
 * members cross-validated at once, each with parallelFits 'auto' (its folds' fits on worker threads at
 * nthread / 2 threads each); otherwise one member and one fold at a time at `nthread` threads.
 */
async function runOurs(parallel: boolean): Promise<OursRun & { cache: ReturnType<typeof createCvCache> }> {
  const cache = createCvCache();
  const loadBefore = load();
  const t0 = performance.now();
  const cv = (learner: Learner) =>
    crossValidate({ learner, matrix, labels, folds, times, cache, ...(parallel ? {} : { parallelFits: 1 }) });
  const results = [];
  if (parallel) results.push(...(await Promise.all(members.map(cv))));
  else for (const learner of members) results.push(await cv(learner));
  const seconds = (performance.now() - t0) / 1000;
  return {
    seconds,
    load: loadBefore,
    cache,
    members: results.map((r, k) => ({
      member: members[k]!.name,
      ap: r.folds.map((f) => f.test.averagePrecision!),
      trainAp: r.folds.map((f) => f.train.averagePrecision!),
      best: r.folds.map((f) => f.bestIteration),
      oof: r.oof.predictions,
    })),
  };
}
let fitRows = 0;
// the pool's workers (two fits per member at once) load boost before the clock, as the Python script's
// imports precede its; their start-up is timed and reported on its own
const tw = performance.now();
if (WITH_CV) await startFitWorkers(2 * members.length);
const workerStartSeconds = (performance.now() - tw) / 1000;
const ourRun = WITH_CV ? await runOurs(true) : null;
const seqRun = WITH_CV && !args.includes('--no-sequential') ? await runOurs(false) : null;
const identical =
  ourRun !== null &&
  seqRun !== null &&
  ourRun.members.every((m, k) => JSON.stringify(m.oof) === JSON.stringify(seqRun.members[k]!.oof));
if (seqRun !== null && !identical)
  throw new Error('parallel fits gave other out-of-fold predictions than sequential ones');
const oursSeconds = ourRun?.seconds ?? 0;
const ours = ourRun?.members.map(({ oof: _, ...m }) => m) ?? [];
// as trainEnsemble does: the tuning shares the cross-validation's cache (fold rows copied and binned once)
const cache = ourRun?.cache ?? createCvCache();
const carved = folds.folds.map((f) => ({
  index: f.index,
  train: f.train,
  ...carveEvalSet(f.train, times, 0.15, spec.labelHorizonDays * DAY_MS),
  test: f.test,
}));
for (const c of carved) fitRows += c.fit.length * members.length;
if (WITH_CV) {
  console.log(
    `ours   : ${oursSeconds.toFixed(2)} s (members at once, parallel fits at 1 thread each; load ${ourRun!.load.join(' ')}; + ${workerStartSeconds.toFixed(2)} s starting ${2 * members.length} workers before), ${(fitRows / oursSeconds).toFixed(0)} fit rows/s, peak RSS ${rssMiB().toFixed(0)} MiB (before CV ${rss0.toFixed(0)})`,
  );
  if (seqRun !== null)
    console.log(
      `         ${seqRun.seconds.toFixed(2)} s one fit at a time at ${THREADS} threads (load ${seqRun.load.join(' ')}); out-of-fold predictions identical: ${identical}`,
    );
  for (const o of ours)
    console.log(
      `  ${o.member.padEnd(5)} test AP ${o.ap.map((x) => x.toFixed(4)).join(' ')}  best ${o.best.join(' ')}`,
    );
}

let theirs: {
  cvSeconds: number;
  /** The same run's clock without the train-row predictions and metric sets (test AP only). */
  testOnlySeconds: number;
  loadSeconds: number;
  peakRssMiB: number;
  xgboost: string;
  runs: {
    member: string;
    ap: number;
    bestIteration: number;
    train: { averagePrecision: number };
    test: { averagePrecision: number };
  }[];
} | null = null;
let theirsLoad: number[] = [];
if (WITH_XGB && WITH_CV) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cv-'));
  try {
    writeFileSync(
      join(dir, 'matrix.f32'),
      new Uint8Array(matrix.values.buffer, matrix.values.byteOffset, matrix.values.byteLength),
    );
    writeFileSync(join(dir, 'labels.u8'), labels);
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ nRows: matrix.nRows, names: matrix.names }));
    writeFileSync(
      join(dir, 'folds.json'),
      JSON.stringify(
        carved.map((c) => ({ index: c.index, train: c.train, fit: c.fit, eval: c.evalRows, test: c.test })),
      ),
    );
    theirsLoad = load();
    const p = spawnSync(PYTHON, [join(here, 'xgb_cv.py'), dir, String(THREADS)], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (p.status !== 0) throw new Error(`python failed: ${p.stderr}`);
    theirs = JSON.parse(p.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const t = theirs!;
  console.log(
    `theirs : ${t.cvSeconds.toFixed(2)} s (+ ${t.loadSeconds.toFixed(2)} s pandas load; load ${theirsLoad.join(' ')}), ${(fitRows / t.cvSeconds).toFixed(0)} fit rows/s, peak RSS ${t.peakRssMiB.toFixed(0)} MiB, XGBoost ${t.xgboost}`,
  );
  for (const m of ['xgb', 'lgbm']) {
    const runs = t.runs.filter((r) => r.member === m);
    console.log(
      `  ${m.padEnd(5)} test AP ${runs.map((r) => r.ap.toFixed(4)).join(' ')}  best ${runs.map((r) => r.bestIteration).join(' ')}  train AP ${runs.map((r) => r.train.averagePrecision.toFixed(4)).join(' ')}`,
    );
  }
  for (const o of ours) {
    const mine = ourRun!.members.find((m) => m.member === o.member)!;
    console.log(`  ours ${o.member.padEnd(5)} train AP ${mine.trainAp.map((x) => x.toFixed(4)).join(' ')}`);
  }
  console.log(
    `ratio  : ours / theirs = ${(oursSeconds / t.cvSeconds).toFixed(2)}x wall time (<= 1.0 is the target; both sides produce per-fold train and test metric sets and out-of-fold AUC-PR); ${((oursSeconds + workerStartSeconds) / t.cvSeconds).toFixed(2)}x with the workers' start-up; ${(oursSeconds / t.testOnlySeconds).toFixed(2)}x against their test predictions alone (${t.testOnlySeconds.toFixed(2)} s)`,
  );
}

let tuneSeconds: number | null = null;
let tuneLoad: number[] = [];
let tuneSummary: Record<string, unknown> | null = null;
if (WITH_TUNE) {
  tuneLoad = load();
  // levels ordered by positive rate inside each fold, as trainEnsemble does by default; fitted once per
  // fold through the cache, so the trials still share the fold matrices and their bins
  const transform = targetOrderedLevels();
  const t1 = performance.now();
  const r = await tune({
    space: (t) => ({
      maxDepth: t.suggestInt('maxDepth', 2, 6),
      maxLeaves: t.suggestInt('maxLeaves', 7, 31),
      learningRate: t.suggestFloat('learningRate', 0.02, 0.2, { log: true }),
      minChildWeight: t.suggestFloat('minChildWeight', 0.5, 20, { log: true }),
      subsample: t.suggestFloat('subsample', 0.6, 1),
    }),
    objective: async (p, trial) => {
      // the two members cross-validated on the same folds; the trial's value is their mean test AP
      const a = await cvObjective(() => xgbLearner({ ...p, maxLeaves: 0, nthread: THREADS }), {
        matrix,
        labels,
        folds,
        times,
        transform,
        cache,
      })(p, trial);
      const b = await crossValidate({
        learner: lgbmLearner({ ...p, maxDepth: 0, nthread: THREADS }),
        matrix,
        labels,
        folds,
        times,
        transform,
        cache,
      });
      return {
        ...a,
        aggregate: {
          ...a.aggregate,
          test: {
            ...a.aggregate.test,
            averagePrecision: (a.aggregate.test.averagePrecision! + b.aggregate.test.averagePrecision!) / 2,
          },
        },
      };
    },
    nTrials: TRIALS,
    seed: 1,
  });
  tuneSeconds = (performance.now() - t1) / 1000;
  const pruned = r.trials.filter((t) => t.state === 'pruned').length;
  tuneSummary = {
    trials: TRIALS,
    pruned,
    best: r.best?.value ?? null,
    feasible: r.trials.filter((t) => t.feasible).length,
  };
  console.log(
    `tune   : ${TRIALS} trials x 5 folds x 2 members in ${tuneSeconds.toFixed(1)} s (${pruned} pruned; target < 300 s on 2 cores; load ${tuneLoad.join(' ')} -> ${load().join(' ')}), best mean AP ${r.best?.value?.toFixed(4)}`,
  );
}

const oracle = folds.folds.map((f) => {
  const truth = new Map<string, number>();
  for (const [i, id] of (world.leads.getChild('lead_id')!.toArray() as string[]).entries()) {
    truth.set(id, world.truth.probability[i]!);
  }
  const ids = table!.getChild('lead_id')!.toArray() as string[];
  return averagePrecision(
    f.test.map((i) => labels[i]!),
    f.test.map((i) => truth.get(ids[i]!)!),
  );
});
console.log(
  `oracle : mean test AP ${(oracle.reduce((a, b) => a + b) / oracle.length).toFixed(4)} on the same folds`,
);

if (DEFAULT_RUN) {
  const ratio = theirs === null ? null : oursSeconds / theirs.cvSeconds;
  writeFileSync(
    join(here, 'results.json'),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        note: 'loadAvg = 1/5/15-min load when each part started (2 cores); the benchmark itself runs two threads, so load above ~2.5 means other work contaminated the wall times',
        rows: matrix.nRows,
        cols: matrix.nCols,
        threads: THREADS,
        cv: {
          oursSeconds,
          workerStartSeconds,
          ratioWithWorkerStart:
            theirs === null ? null : (oursSeconds + workerStartSeconds) / theirs.cvSeconds,
          oursLoadAvg: ourRun?.load ?? null,
          oursFitRowsPerSecond: fitRows / oursSeconds,
          sequentialSeconds: seqRun?.seconds ?? null,
          sequentialLoadAvg: seqRun?.load ?? null,
          parallelIdenticalToSequential: identical,
          theirsSeconds: theirs?.cvSeconds ?? null,
          theirsTestOnlySeconds: theirs?.testOnlySeconds ?? null,
          ratioToTestOnly: theirs === null ? null : oursSeconds / theirs.testOnlySeconds,
          theirsLoadAvg: theirsLoad,
          theirsFitRowsPerSecond: theirs === null ? null : fitRows / theirs.cvSeconds,
          ratio,
          target: 'ours / theirs <= 1.0',
          fitRows,
        },
        peakRssMiB: rssMiB(),
        theirsPeakRssMiB: theirs?.peakRssMiB ?? null,
        tune: { seconds: tuneSeconds, loadAvg: tuneLoad, target: '< 300 s', ...tuneSummary },
        ours,
        theirs: theirs === null ? null : { xgboost: theirs.xgboost, runs: theirs.runs },
        oracle,
      },
      null,
      2,
    )}\n`,
  );
}
