import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import {
  ArtifactError,
  CancelledError,
  type CvResult,
  InvalidArgumentError,
  type MetricSet,
  parseWith,
} from '@leadscore/core';
import { createRng } from '@leadscore/core/rng';
import { z } from 'zod';
import { CvStoppedError } from '../cross-validate/cross-validate.js';
import { type MedianPrunerOptions, medianShouldPrune } from './median-pruner.js';
import { sampleRandom, sampleTpe, type TpeOptions } from './samplers.js';
import { type Trial, TrialImpl, TrialPruned } from './trial.js';
import { type ParamValue, rankTrials, type TrialRecord } from './trial-record.js';

/** A constraint on a trial's CV result: feasible when it returns a number <= 0. */
export type Constraint = (result: CvResult) => number;

/** The V7 gates as constraints: train-test gap < 20 % and CV coefficient < 15 % (undefined counts as violated). */
export const V7_CONSTRAINTS: readonly Constraint[] = Object.freeze([
  (r: CvResult) => (r.aggregate.trainTestGap ?? Infinity) - 0.2,
  (r: CvResult) => (r.aggregate.cvCoefficient ?? Infinity) - 0.15,
]);

/** Options of {@link tune}. */
export interface TuneOptions<P> {
  /** Suggests one trial's parameters (define-by-run, Optuna vocabulary). */
  space: (trial: Trial) => P;
  /** Scores parameters: a number, or a CV result (its test AUC-PR is the value, constraints read it). */
  objective: (params: P, trial: Trial) => Promise<number | CvResult> | number | CvResult;
  /** Trials in total, counting those resumed from `storage`. @default 30 */
  nTrials?: number;
  /** `'tpe'` (seeded univariate TPE), `'random'`, or TPE options. @default 'tpe' */
  sampler?: 'tpe' | 'random' | ({ type: 'tpe' } & TpeOptions);
  /** Seed; each trial's draws depend only on it, the trial number and the trials before. @default 0 */
  seed?: number;
  /** @default 'maximize' */
  direction?: 'maximize' | 'minimize';
  /** `'median'` (folds as steps), `'none'`, or median-pruner options. @default 'median' */
  pruner?: 'median' | 'none' | ({ type: 'median' } & MedianPrunerOptions);
  /** Constraints on a CV result; infeasible trials rank below every feasible one. @default V7_CONSTRAINTS */
  constraints?: readonly Constraint[];
  /** JSON-lines file: trials are appended as they finish and a rerun resumes from it. @default none */
  storage?: string;
  /** Scores the chosen parameters once on untouched data (e.g. {@link scoreHoldout}). @default none */
  holdout?: (params: P) => Promise<MetricSet>;
  /** Aborts between trials (and inside them, if the objective passes it on). @default none */
  signal?: AbortSignal;
  /** Called after each trial. @default none */
  onTrial?: (trial: TrialRecord) => void;
}

/** The outcome of {@link tune}. */
export interface TuneResult<P> {
  /** The best trial: best feasible, else least infeasible; `null` if every trial was pruned. */
  readonly best: TrialRecord | null;
  /** The parameters of `best` as the space built them. */
  readonly bestParams: P | null;
  /** Every trial, in order (resumed ones included). */
  readonly trials: readonly TrialRecord[];
  /** The CV estimate of `best` (its value) next to the single holdout score, when `holdout` was given. */
  readonly holdout: MetricSet | null;
}

const optionsSchema = z
  .object({
    space: z.function(),
    objective: z.function(),
    nTrials: z.number().int().min(1).default(30),
    sampler: z
      .union([
        z.literal('tpe'),
        z.literal('random'),
        z
          .object({
            type: z.literal('tpe'),
            nStartupTrials: z.number().int().min(0).optional(),
            nEiCandidates: z.number().int().min(1).optional(),
            priorWeight: z.number().positive().optional(),
          })
          .strict(),
      ])
      .default('tpe'),
    seed: z.number().int().default(0),
    direction: z.enum(['maximize', 'minimize']).default('maximize'),
    pruner: z
      .union([
        z.literal('median'),
        z.literal('none'),
        z
          .object({
            type: z.literal('median'),
            nStartupTrials: z.number().int().min(0).optional(),
            nWarmupSteps: z.number().int().min(0).optional(),
            nMinTrials: z.number().int().min(1).optional(),
          })
          .strict(),
      ])
      .default('median'),
    constraints: z.array(z.function()).optional(),
    storage: z.string().min(1).optional(),
    holdout: z.function().optional(),
    signal: z.instanceof(AbortSignal).optional(),
    onTrial: z.function().optional(),
  })
  .strict();

const HEADER = 'leadscore.tune-trials';

function finiteOr<T>(x: number, fallback: T): number | T {
  return Number.isFinite(x) ? x : fallback;
}

function isCvResult(v: unknown): v is CvResult {
  return typeof v === 'object' && v !== null && (v as { format?: unknown }).format === 'leadscore.cv-result';
}

function readStorage(path: string, header: Record<string, unknown>): TrialRecord[] {
  if (!existsSync(path)) {
    appendFileSync(path, `${JSON.stringify(header)}\n`);
    return [];
  }
  const lines = readFileSync(path, 'utf8').split('\n');
  const first = lines[0] ?? '';
  let found: unknown;
  try {
    found = JSON.parse(first);
  } catch (cause) {
    throw new ArtifactError(`storage ${JSON.stringify(path)} does not start with a ${HEADER} header line`, {
      cause,
    });
  }
  if (JSON.stringify(found) !== JSON.stringify(header)) {
    throw new ArtifactError(
      `storage ${JSON.stringify(path)} holds a study with other settings: found ${first}, expected ${JSON.stringify(header)}`,
      { details: { path } },
    );
  }
  const trials: TrialRecord[] = [];
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    // a line cut short by a crash is the only unreadable one: it is the last and its trial reruns
    let t: TrialRecord;
    try {
      t = JSON.parse(line) as TrialRecord;
    } catch {
      break;
    }
    if (t.number !== trials.length) {
      throw new ArtifactError(
        `storage ${JSON.stringify(path)}: trial ${trials.length} expected, found ${t.number}`,
      );
    }
    trials.push(t);
  }
  return trials;
}

/**
 * Hyperparameter search in Optuna's vocabulary: seeded TPE (or random) sampling, a median pruner over
 * reported steps (folds), constraints on the CV result, trials appended as JSON lines to `storage` and
 * resumed from it so that an interrupted search continues exactly as an uninterrupted one would.
 * @example const r = await tune({ space: (t) => ({ maxDepth: t.suggestInt('maxDepth', 2, 8) }), objective, seed: 1 });
 */
export async function tune<P>(options: TuneOptions<P>): Promise<TuneResult<P>> {
  const o = parseWith(optionsSchema, options, 'options');
  const space = options.space;
  const objective = options.objective;
  const constraints = options.constraints ?? V7_CONSTRAINTS;
  const ts: { [K in keyof TpeOptions]?: number | undefined } = typeof o.sampler === 'object' ? o.sampler : {};
  const tpe: Required<TpeOptions> | null =
    o.sampler === 'random'
      ? null
      : {
          nStartupTrials: ts.nStartupTrials ?? 10,
          nEiCandidates: ts.nEiCandidates ?? 24,
          priorWeight: ts.priorWeight ?? 1,
        };
  const po: { [K in keyof MedianPrunerOptions]?: number | undefined } =
    typeof o.pruner === 'object' ? o.pruner : {};
  const median: Required<MedianPrunerOptions> | null =
    o.pruner === 'none'
      ? null
      : {
          nStartupTrials: po.nStartupTrials ?? 5,
          nWarmupSteps: po.nWarmupSteps ?? 0,
          nMinTrials: po.nMinTrials ?? 1,
        };
  const header = {
    format: HEADER,
    version: 1,
    sampler: tpe === null ? { type: 'random' } : { type: 'tpe', ...tpe },
    pruner: median === null ? { type: 'none' } : { type: 'median', ...median },
    seed: o.seed,
    direction: o.direction,
    constraints: constraints.length,
  };
  const trials = o.storage === undefined ? [] : readStorage(o.storage, header);

  while (trials.length < o.nTrials) {
    if (options.signal?.aborted) {
      throw new CancelledError(`tune was aborted before trial ${trials.length}`, {
        cause: options.signal.reason,
      });
    }
    const number = trials.length;
    // a fresh stream per trial number: draws must not depend on how many trials this process ran
    const rng = createRng(o.seed).fork(number);
    const history = trials.slice();
    const trial = new TrialImpl(number, {
      sample: (name, d) =>
        tpe === null ? sampleRandom(d, rng) : sampleTpe(name, d, history, o.direction, tpe, rng),
      shouldPrune: (step, value) =>
        median !== null && medianShouldPrune(history, step, value, o.direction, median),
    });
    const params = space(trial);
    let state: TrialRecord['state'] = 'complete';
    let value: number | null = null;
    let cv: CvResult | null = null;
    try {
      const out = await objective(params, trial);
      if (isCvResult(out)) {
        cv = out;
        value = out.aggregate.test.averagePrecision;
      } else if (typeof out === 'number') value = out;
      else
        throw new InvalidArgumentError(`objective must return a number or a CV result, found ${typeof out}`);
    } catch (e) {
      if (!(e instanceof TrialPruned || e instanceof CvStoppedError)) throw e;
      state = 'pruned';
      value = trial.intermediate[trial.intermediate.length - 1]?.[1] ?? null;
    }
    // non-finite values would not survive JSON, and a resumed search must see exactly what this one saw
    const c = cv === null ? [] : constraints.map((f) => finiteOr(f(cv), Number.MAX_VALUE));
    const record: TrialRecord = {
      number,
      state,
      params: { ...trial.params },
      distributions: { ...trial.distributions },
      value: value === null ? null : finiteOr(value, null),
      constraints: c,
      feasible: state === 'complete' && c.every((x) => x <= 0),
      intermediate: trial.intermediate.map(([s, v]) => [s, v] as const),
      cv: cv === null ? null : { ...cv.aggregate, bestIterations: cv.folds.map((f) => f.bestIteration) },
    };
    trials.push(JSON.parse(JSON.stringify(record)) as TrialRecord);
    if (o.storage !== undefined) appendFileSync(o.storage, `${JSON.stringify(record)}\n`);
    options.onTrial?.(record);
  }
  const ranked = rankTrials(trials, o.direction).filter((t) => t.state === 'complete');
  const best = ranked[0] ?? null;
  let bestParams: P | null = null;
  if (best !== null) {
    // Replays the space with the stored values so `bestParams` has the user's shape.
    bestParams = space(
      new TrialImpl(best.number, {
        sample: (name) => best.params[name] as ParamValue,
        shouldPrune: () => false,
      }),
    );
  }
  const holdout =
    best !== null && options.holdout !== undefined ? await options.holdout(bestParams as P) : null;
  return { best, bestParams, trials, holdout };
}
