import { InvalidArgumentError } from '@leadscore/core';
import { checkRange, type Distribution } from './distributions.js';
import type { ParamValue } from './trial-record.js';

/** Thrown from an objective (after `trial.shouldPrune()` said so) to stop a trial as pruned. */
export class TrialPruned extends Error {
  constructor(message = 'trial pruned') {
    super(message);
    this.name = 'TrialPruned';
  }
}

/** What a running trial gives the objective: Optuna's `Trial` vocabulary. */
export interface Trial {
  readonly number: number;
  /** The parameters suggested so far. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** A float in [low, high]; `log` samples on a log scale, `step` on a grid from `low`. */
  suggestFloat(name: string, low: number, high: number, options?: { log?: boolean; step?: number }): number;
  /** An integer in [low, high]. */
  suggestInt(name: string, low: number, high: number, options?: { log?: boolean }): number;
  /** One of `choices`. */
  suggestCategorical<T extends ParamValue>(name: string, choices: readonly T[]): T;
  /** Reports an intermediate value at `step` (for CV: the running mean test score after fold `step`). */
  report(value: number, step: number): void;
  /** Whether the pruner would stop this trial at its last reported step. */
  shouldPrune(): boolean;
}

/** The sampler and pruner hooks a {@link TrialImpl} calls. */
export interface TrialHooks {
  sample(name: string, d: Distribution): ParamValue;
  shouldPrune(step: number, value: number): boolean;
}

/** The trial object handed to objectives. */
export class TrialImpl implements Trial {
  readonly params: Record<string, ParamValue> = {};
  readonly distributions: Record<string, Distribution> = {};
  readonly intermediate: [number, number][] = [];

  constructor(
    readonly number: number,
    private readonly hooks: TrialHooks,
  ) {}

  private suggest(name: string, d: Distribution): ParamValue {
    const known = this.distributions[name];
    if (known !== undefined) {
      if (JSON.stringify(known) !== JSON.stringify(d)) {
        throw new InvalidArgumentError(
          `${name} was already suggested with another range in trial ${this.number}`,
          {
            details: { parameter: name },
          },
        );
      }
      return this.params[name]!;
    }
    const v = this.hooks.sample(name, d);
    this.distributions[name] = d;
    this.params[name] = v;
    return v;
  }

  suggestFloat(
    name: string,
    low: number,
    high: number,
    options: { log?: boolean; step?: number } = {},
  ): number {
    const log = options.log ?? false;
    checkRange(name, low, high, log, false);
    const step = options.step ?? null;
    if (step !== null && (log || !(step > 0))) {
      throw new InvalidArgumentError(`${name}: step must be > 0 and not combined with log, found ${step}`, {
        details: { parameter: name, step },
      });
    }
    return this.suggest(name, { type: 'float', low, high, log, step }) as number;
  }

  suggestInt(name: string, low: number, high: number, options: { log?: boolean } = {}): number {
    const log = options.log ?? false;
    checkRange(name, low, high, log, true);
    return this.suggest(name, { type: 'int', low, high, log }) as number;
  }

  suggestCategorical<T extends ParamValue>(name: string, choices: readonly T[]): T {
    if (!Array.isArray(choices) || choices.length === 0) {
      throw new InvalidArgumentError(
        `${name}: choices must be a non-empty array, found ${JSON.stringify(choices)}`,
        {
          details: { parameter: name },
        },
      );
    }
    return this.suggest(name, { type: 'categorical', choices: [...choices] }) as T;
  }

  report(value: number, step: number): void {
    if (!Number.isInteger(step) || step < 0) {
      throw new InvalidArgumentError(`step must be an integer >= 0, found ${step}`, {
        details: { parameter: 'step' },
      });
    }
    if (this.intermediate.some(([s]) => s === step)) return;
    this.intermediate.push([step, value]);
  }

  shouldPrune(): boolean {
    const last = this.intermediate[this.intermediate.length - 1];
    return last === undefined ? false : this.hooks.shouldPrune(last[0], last[1]);
  }
}
