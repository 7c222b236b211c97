import { InvalidArgumentError } from '@leadscore/core';
import type { Issue } from '@leadscore/core/issues';
import type { GateOutcome } from '@leadscore/core/results';
import type { GateInput } from './gate-input.js';

/** What a gate's `evaluate` returns: the outcome without its identity, plus issues when it fails. */
export interface GateEvaluation {
  readonly status: GateOutcome['status'];
  readonly value: GateOutcome['value'];
  readonly threshold: GateOutcome['threshold'];
  /** One human-readable sentence with the figures (TFX #2376: a verdict without a reason is useless). */
  readonly reason: string;
  /** Typed issues for a `fail` or `warn`; when absent, `checkGates` makes one with code `gate_failed`. */
  readonly issues?: readonly Issue[] | undefined;
}

/** A validation gate: a plain object, composed with others in a list. */
export interface Gate<I = GateInput> {
  /** Stable identifier, unique within a list: `'cv_average_precision'`. */
  readonly id: string;
  /** What the gate checks, one sentence. */
  readonly description: string;
  /** `'error'` failures fail the check; a `'warning'` gate's failure is reported as `warn`. */
  readonly severity: 'error' | 'warning';
  /** Reads the input and decides. Must not mutate it. */
  readonly evaluate: (input: I) => GateEvaluation;
}

const ID = /^[a-z][a-z0-9_]*$/;

/**
 * Defines a gate (validated, frozen).
 * @example defineGate({ id: 'min_rows', description: 'at least 1000 rows', severity: 'error', evaluate: (i) => ... })
 */
export function defineGate<I = GateInput>(gate: Gate<I>): Gate<I> {
  if (typeof gate !== 'object' || gate === null)
    throw new InvalidArgumentError(`gate must be an object, found ${String(gate)}`);
  if (typeof gate.id !== 'string' || !ID.test(gate.id))
    throw new InvalidArgumentError(
      `gate.id must be snake_case (/^[a-z][a-z0-9_]*$/), found ${JSON.stringify(gate.id)}`,
    );
  if (typeof gate.description !== 'string' || gate.description.length === 0)
    throw new InvalidArgumentError(
      `gate.description of ${JSON.stringify(gate.id)} must be a non-empty string, found ${JSON.stringify(gate.description)}`,
    );
  if (gate.severity !== 'error' && gate.severity !== 'warning')
    throw new InvalidArgumentError(
      `gate.severity of ${JSON.stringify(gate.id)} must be 'error' or 'warning', found ${JSON.stringify(gate.severity)}`,
    );
  if (typeof gate.evaluate !== 'function')
    throw new InvalidArgumentError(`gate.evaluate of ${JSON.stringify(gate.id)} must be a function`);
  return Object.freeze({ ...gate });
}
