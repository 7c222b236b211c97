import { issue } from '@leadscore/core/issues';
import { defineGate, type Gate } from '../gate/define-gate.js';
import { fig, pct, skipped } from './gate-helpers.js';

/**
 * Current-policy columns whose change since the cutoff predicts the label (see `probeLeakage`). Without
 * a probe result, a dataset whose metadata lists current-policy columns is skipped with that list named.
 */
export function leakageProbeGate(): Gate {
  const id = 'leakage_probe';
  return defineGate({
    id,
    description: 'No current-policy column changes after the contact in a way that predicts the label',
    severity: 'error',
    evaluate: (input) => {
      const probe = input.leakageProbe;
      if (!probe) {
        const exposed = input.metadata?.leakage.exposedColumns;
        if (exposed && exposed.length === 0)
          return {
            status: 'pass',
            value: [],
            threshold: null,
            reason: 'the dataset has no current-policy column',
          };
        return skipped(
          exposed
            ? `no leakage probe given for the current-policy columns ${exposed.join(', ')}`
            : 'no leakage probe or dataset metadata given',
          null,
        );
      }
      const threshold = { warnLift: probe.thresholds.warnLift, failLift: probe.thresholds.failLift };
      const value = Object.fromEntries(probe.columns.map((c) => [c.name, c.lift]));
      const late =
        probe.postDatedShare === null
          ? ''
          : `; ${pct(probe.postDatedShare)} of leads' current rows post-date the contact`;
      const flagged = probe.columns.filter((c) => c.status !== 'pass').sort((a, b) => b.lift - a.lift);
      if (flagged.length === 0)
        return {
          status: 'pass',
          value,
          threshold,
          reason: `${probe.columns.length} current column(s) probed, highest change lift ${fig(Math.max(0, ...probe.columns.map((c) => c.lift)))}${late}`,
        };
      const listed = flagged.map(
        (c) =>
          `${c.name} (AUC-PR ${pct(c.averagePrecision)} = ${fig(c.lift)} x base rate, ${pct(c.changedShare)} changed)`,
      );
      return {
        status: probe.status,
        value,
        threshold,
        reason: `the change since the contact predicts the label in ${listed.join(', ')}${late}`,
        issues: flagged.map((c) =>
          issue(
            c.status === 'fail' ? 'leakage_probe_current_column' : 'leakage_probe_current_column_warning',
            [id, c.name],
            `change since the contact must not predict the label (lift < ${c.status === 'fail' ? probe.thresholds.failLift : probe.thresholds.warnLift})`,
            c.lift,
          ),
        ),
      };
    },
  });
}
