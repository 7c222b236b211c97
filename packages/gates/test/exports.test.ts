import { describe, expect, it } from 'vitest';

describe('@leadscore/gates exports', () => {
  it('keeps its public export list (a change here is an API change: add a changeset)', async () => {
    const mod = await import('../src/index.js');
    expect(Object.keys(mod).sort()).toMatchInlineSnapshot(`
      [
        "GateFailedError",
        "SEED_BASELINES",
        "assertGates",
        "businessSignalGate",
        "calibrationGate",
        "checkGates",
        "compareModels",
        "cvAveragePrecisionGate",
        "cvCoefficientGate",
        "declaredBaselinesGate",
        "defaultGates",
        "defineGate",
        "fitLogisticRegression",
        "generateModelDocs",
        "leakageAuditGate",
        "leakageProbeGate",
        "logisticBaselineCv",
        "logisticBaselineGate",
        "minPositivesPerFoldGate",
        "missingRateDriftGate",
        "missingRateGate",
        "predictLogistic",
        "probeInputFromTables",
        "probeLeakage",
        "readinessGates",
        "renderReport",
        "scoreDriftGate",
        "seedGates",
        "segmentPerformanceGate",
        "topDecileLiftGate",
        "trainTestGapGate",
      ]
    `);
  });
});
