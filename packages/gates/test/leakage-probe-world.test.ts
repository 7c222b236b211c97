import { describe, expect, it } from 'vitest';
import { checkGates, leakageProbeGate, probeLeakage } from '../src/index.js';
import { worldTables } from './world-table.js';

describe('leakage probe on the discovery world', () => {
  it('fires on the V7 hybrid table (the audit passes) and stays quiet point-in-time', async () => {
    const w = await worldTables(true);
    expect(w.hybrid.leakage.audit.passed).toBe(true);
    const probe = probeLeakage(w.probe);
    expect(probe.status).toBe('fail');
    const byName = Object.fromEntries(probe.columns.map((c) => [c.name, c]));
    // Converted reps' books moved with them to the recruiter: the financial columns give it away.
    for (const name of ['aum', 'num_clients', 'num_accounts', 'fee_based_pct']) {
      expect(byName[name]!.status, name).toBe('fail');
      expect(byName[name]!.lift, name).toBeGreaterThan(1.5);
    }
    expect(probe.postDatedShare).toBe(1);
    const gate = checkGates([leakageProbeGate()], { leakageProbe: probe, metadata: w.hybrid });
    expect(gate.success).toBe(false);
    expect(gate.outcomes[0]!.reason).toContain('fee_based_pct (AUC-PR');
    expect(gate.issues.map((i) => i.path[1])).toContain('num_clients');

    // Point-in-time, no column comes from the current snapshot: nothing for the probe to flag.
    expect(w.pointInTime.leakage.exposedColumns).toEqual([]);
    const quiet = checkGates([leakageProbeGate()], { metadata: w.pointInTime });
    expect(quiet.outcomes[0]).toMatchObject({
      status: 'pass',
      reason: 'the dataset has no current-policy column',
    });
  });

  it('does not flag the trap columns of a world without the trap', async () => {
    const w = await worldTables(false);
    const byName = Object.fromEntries(probeLeakage(w.probe).columns.map((c) => [c.name, c]));
    for (const name of ['num_clients', 'num_accounts', 'fee_based_pct', 'pct_hnw_clients']) {
      expect(byName[name]!.status, name).toBe('pass');
      expect(byName[name]!.lift, name).toBeLessThan(1.25);
    }
  });
});
