import { InvalidArgumentError } from '@leadscore/core';
import { type Issue, issue } from '@leadscore/core/issues';
import type { GateOutcome, GateReport } from '@leadscore/core/results';
import { defaultGates } from '../gates/default-gates.js';
import type { Gate, GateEvaluation } from './define-gate.js';
import { GateFailedError } from './gate-failed-error.js';
import type { GateInput } from './gate-input.js';

/** Result of {@link checkGates}: Zod's `safeParse` shape plus the `leadscore.gate-report` v1 document. */
export interface CheckGatesResult {
  /** No gate reported `fail` (warnings and skips do not fail the check). */
  readonly success: boolean;
  /** One outcome per gate, in list order. */
  readonly outcomes: readonly GateOutcome[];
  /** Issues of the failed and warning gates, in list order. */
  readonly issues: readonly Issue[];
  /** Issues of the failed gates only (what `assertGates` throws with). */
  readonly failures: readonly Issue[];
  /** The same as plain JSON (`leadscore.gate-report` v1), for CI and other tools. */
  readonly report: GateReport;
}

function evaluateOne<I>(gate: Gate<I>, input: I): GateEvaluation {
  try {
    return gate.evaluate(input);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    // A gate that cannot decide must not pass: report the failure with what went wrong.
    return {
      status: 'fail',
      value: null,
      threshold: null,
      reason: `the gate threw: ${text}`,
      issues: [issue('gate_error', [gate.id], 'threw while evaluating', text)],
    };
  }
}

/**
 * Runs every gate on the input. Without gates (`undefined`) the defaults run (the seed's four gates and
 * the production-readiness checks); an empty list is refused so a configuration error cannot mean "no gates".
 * @example const { success, outcomes } = checkGates(undefined, { cvResult, importance, metadata });
 */
export function checkGates<I = GateInput>(gates: readonly Gate<I>[] | undefined, input: I): CheckGatesResult {
  const list = (gates ?? (defaultGates() as unknown as readonly Gate<I>[])) as readonly Gate<I>[];
  if (!Array.isArray(list) || list.length === 0)
    throw new InvalidArgumentError(
      'gates must be a non-empty list (pass undefined for the default gates), found []',
    );
  const seen = new Set<string>();
  for (const g of list) {
    if (seen.has(g.id)) throw new InvalidArgumentError(`gates holds the id ${JSON.stringify(g.id)} twice`);
    seen.add(g.id);
  }
  const outcomes: GateOutcome[] = [];
  const issues: Issue[] = [];
  const failures: Issue[] = [];
  for (const gate of list) {
    const e = evaluateOne(gate, input);
    const status = e.status === 'fail' && gate.severity === 'warning' ? 'warn' : e.status;
    outcomes.push({
      id: gate.id,
      description: gate.description,
      severity: gate.severity,
      status,
      value: e.value,
      threshold: e.threshold,
      reason: e.reason,
    });
    if (status === 'fail' || status === 'warn') {
      const own = e.issues ?? [issue('gate_failed', [gate.id], e.reason, e.value)];
      issues.push(...own);
      if (status === 'fail') failures.push(...own);
    }
  }
  const success = outcomes.every((o) => o.status !== 'fail');
  const report: GateReport = {
    format: 'leadscore.gate-report',
    version: 1,
    success,
    outcomes,
    issues: issues.map((i) => ({ ...i, path: [...i.path] })),
  };
  return { success, outcomes, issues, failures, report };
}

/**
 * Runs the gates like {@link checkGates} and throws a {@link GateFailedError} listing every failure.
 * @example assertGates(undefined, { cvResult, importance });
 */
export function assertGates<I = GateInput>(
  gates: readonly Gate<I>[] | undefined,
  input: I,
): CheckGatesResult {
  const result = checkGates(gates, input);
  if (!result.success) {
    throw new GateFailedError(result.failures, { details: { report: result.report } });
  }
  return result;
}
