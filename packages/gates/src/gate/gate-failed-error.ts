import { LeadscoreError } from '@leadscore/core';
import type { Issue } from '@leadscore/core/issues';

/** Thrown by `assertGates` when a gate fails; `issues` lists every failure, not only the first. */
export class GateFailedError extends LeadscoreError {
  /** One issue per failed gate (or more, when a gate names several columns). */
  readonly issues: readonly Issue[];

  constructor(issues: readonly Issue[], options: { details?: Record<string, unknown> } = {}) {
    const lines = issues.map((i) => i.message);
    const message =
      lines.length === 1
        ? `1 gate failed: ${lines[0]}`
        : `${lines.length} gate failures:\n- ${lines.join('\n- ')}`;
    super('GATE_FAILED', message, { details: { ...(options.details ?? {}), issues } });
    this.issues = Object.freeze([...issues]);
  }
}
