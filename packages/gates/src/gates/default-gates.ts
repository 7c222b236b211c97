import type { Gate } from '../gate/define-gate.js';
import { declaredBaselinesGate, logisticBaselineGate } from './baseline-gates.js';
import { leakageProbeGate } from './leakage-probe-gate.js';
import {
  calibrationGate,
  leakageAuditGate,
  minPositivesPerFoldGate,
  missingRateDriftGate,
  missingRateGate,
  scoreDriftGate,
  segmentPerformanceGate,
  topDecileLiftGate,
} from './readiness-gates.js';
import {
  businessSignalGate,
  cvAveragePrecisionGate,
  cvCoefficientGate,
  trainTestGapGate,
} from './seed-gates.js';

/** The seed's four gates with their default thresholds. */
export function seedGates(): Gate[] {
  return [cvAveragePrecisionGate(), trainTestGapGate(), cvCoefficientGate(), businessSignalGate()];
}

/** The production-readiness gates with their default thresholds. */
export function readinessGates(): Gate[] {
  return [
    leakageAuditGate(),
    leakageProbeGate(),
    minPositivesPerFoldGate(),
    topDecileLiftGate(),
    calibrationGate(),
    scoreDriftGate(),
    missingRateGate(),
    missingRateDriftGate(),
    segmentPerformanceGate(),
    declaredBaselinesGate(),
    logisticBaselineGate(),
  ];
}

/** What `checkGates(undefined, input)` runs: the seed's gates, then production readiness. */
export function defaultGates(): Gate[] {
  return [...seedGates(), ...readinessGates()];
}
