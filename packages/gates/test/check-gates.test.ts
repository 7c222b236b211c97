import { gateReportSchema } from '@leadscore/core/results';
import { describe, expect, it } from 'vitest';
import {
  assertGates,
  checkGates,
  cvAveragePrecisionGate,
  defaultGates,
  defineGate,
  GateFailedError,
  trainTestGapGate,
} from '../src/index.js';
import { makeCvResult } from './make-inputs.js';

describe('checkGates', () => {
  it('runs the defaults without configuration (never "no gates") and refuses an empty list', () => {
    const r = checkGates(undefined, { cvResult: makeCvResult() });
    expect(r.outcomes.map((o) => o.id)).toEqual(defaultGates().map((g) => g.id));
    expect(r.outcomes.map((o) => o.id).slice(0, 4)).toMatchInlineSnapshot(`
      [
        "cv_average_precision",
        "train_test_gap",
        "cv_coefficient",
        "business_signal_top_k",
      ]
    `);
    expect(() => checkGates([], {})).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: gates must be a non-empty list (pass undefined for the default gates), found []]`,
    );
  });

  it('reports skip for gates whose input is absent, never pass', () => {
    const r = checkGates(undefined, {});
    expect(new Set(r.outcomes.map((o) => o.status))).toEqual(new Set(['skip']));
    expect(r.success).toBe(true);
  });

  it('writes a leadscore.gate-report v1 document that its schema accepts', () => {
    const r = checkGates(undefined, { cvResult: makeCvResult({ ap: 0.05, gap: 0.5 }) });
    const parsed = gateReportSchema.parse(JSON.parse(JSON.stringify(r.report)));
    expect(parsed.success).toBe(false);
    expect(parsed.issues.map((i) => i.code)).toContain('cv_ap_below_threshold');
  });

  it('reports a failing warning-severity gate as warn and does not fail the check', () => {
    const soft = defineGate({
      id: 'soft',
      description: 'always unhappy',
      severity: 'warning',
      evaluate: () => ({ status: 'fail', value: 1, threshold: 0, reason: 'value 1 is above 0' }),
    });
    const r = checkGates([soft], {});
    expect(r.success).toBe(true);
    expect(r.outcomes[0]!.status).toBe('warn');
    expect(r.issues).toMatchInlineSnapshot(`
      [
        {
          "code": "gate_failed",
          "message": "soft value 1 is above 0, found 1",
          "path": [
            "soft",
          ],
          "value": 1,
        },
      ]
    `);
  });

  it('turns a gate that throws into a failure with the error in the reason', () => {
    const broken = defineGate({
      id: 'broken',
      description: 'throws',
      severity: 'error',
      evaluate: () => {
        throw new Error('no such column "x"');
      },
    });
    const r = checkGates([broken], {});
    expect(r.success).toBe(false);
    expect(r.outcomes[0]!.reason).toMatchInlineSnapshot(`"the gate threw: no such column "x""`);
  });

  it('refuses duplicate ids and malformed gates, naming them', () => {
    expect(() => checkGates([trainTestGapGate(), trainTestGapGate()], {})).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: gates holds the id "train_test_gap" twice]`,
    );
    expect(() =>
      defineGate({ id: 'Bad Id', description: 'x', severity: 'error', evaluate: () => ({}) as never }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: gate.id must be snake_case (/^[a-z][a-z0-9_]*$/), found "Bad Id"]`,
    );
    expect(() =>
      defineGate({ id: 'ok', description: 'x', severity: 'fatal' as 'error', evaluate: () => ({}) as never }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: gate.severity of "ok" must be 'error' or 'warning', found "fatal"]`,
    );
  });
});

describe('assertGates', () => {
  it('throws a GateFailedError listing every failure, not only the first', () => {
    const input = { cvResult: makeCvResult({ ap: 0.05, gap: 0.5 }) };
    let caught: unknown;
    try {
      assertGates([cvAveragePrecisionGate(), trainTestGapGate()], input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GateFailedError);
    const e = caught as GateFailedError;
    expect(e.code).toBe('GATE_FAILED');
    expect(e.issues.map((i) => i.code)).toEqual(['cv_ap_below_threshold', 'train_test_gap_above_threshold']);
    expect(e.message).toMatchInlineSnapshot(`
      "2 gate failures:
      - cv_average_precision must be > 0.12, found 0.05
      - train_test_gap must be < 0.2, found 0.5"
    `);
  });
  it('throws the issues of a custom gate whatever their path, but not the warnings', () => {
    const custom = defineGate({
      id: 'row_count',
      description: 'at least 1000 rows',
      severity: 'error',
      evaluate: () => ({
        status: 'fail',
        value: 10,
        threshold: 1000,
        reason: '10 rows',
        issues: [
          { code: 'too_few_rows', path: ['rows'], value: 10, message: 'rows must be >= 1000, found 10' },
        ],
      }),
    });
    const soft = defineGate({
      id: 'soft',
      description: 'warns',
      severity: 'warning',
      evaluate: () => ({ status: 'fail', value: 1, threshold: 0, reason: 'soft' }),
    });
    expect(() => assertGates([custom, soft], {})).toThrowErrorMatchingInlineSnapshot(
      `[GateFailedError: 1 gate failed: rows must be >= 1000, found 10]`,
    );
  });
  it('returns the result when every gate passes', () => {
    const r = assertGates([cvAveragePrecisionGate()], { cvResult: makeCvResult({ ap: 0.2 }) });
    expect(r.success).toBe(true);
  });
});
