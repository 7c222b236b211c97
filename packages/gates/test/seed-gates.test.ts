import { describe, expect, it } from 'vitest';
import {
  businessSignalGate,
  checkGates,
  cvAveragePrecisionGate,
  cvCoefficientGate,
  type Gate,
  type GateInput,
  trainTestGapGate,
} from '../src/index.js';
import { importance, makeCvResult } from './make-inputs.js';

const run = (gate: Gate, input: GateInput) => {
  const r = checkGates([gate], input);
  return { status: r.outcomes[0]!.status, reason: r.outcomes[0]!.reason, codes: r.issues.map((i) => i.code) };
};

describe('cv_average_precision', () => {
  it('passes above 12 % and fails at or below it, with the figures in the reason', () => {
    expect(run(cvAveragePrecisionGate(), { cvResult: makeCvResult({ ap: 0.1492 }) })).toMatchInlineSnapshot(`
      {
        "codes": [],
        "reason": "mean CV AUC-PR 14.92 % is > 12.00 %",
        "status": "pass",
      }
    `);
    expect(run(cvAveragePrecisionGate(), { cvResult: makeCvResult({ ap: 0.12 }) })).toMatchInlineSnapshot(`
      {
        "codes": [
          "cv_ap_below_threshold",
        ],
        "reason": "mean CV AUC-PR 12.00 % is not > 12.00 %",
        "status": "fail",
      }
    `);
    expect(run(cvAveragePrecisionGate(), { cvResult: makeCvResult({ ap: null }) }).status).toBe('fail');
  });
  it('skips without a CV result instead of passing', () => {
    expect(run(cvAveragePrecisionGate(), {})).toMatchInlineSnapshot(`
      {
        "codes": [],
        "reason": "no cvResult given",
        "status": "skip",
      }
    `);
  });
  it('refuses a bad threshold naming the option and the value', () => {
    expect(() => cvAveragePrecisionGate({ min: 1.5 })).toThrowErrorMatchingInlineSnapshot(
      `[ValidationError: options.min: too big: expected number to be <=1, found 1.5]`,
    );
  });
});

describe('train_test_gap', () => {
  it('passes below 20 % and fails above it', () => {
    expect(run(trainTestGapGate(), { cvResult: makeCvResult({ gap: 0.19 }) })).toMatchInlineSnapshot(`
      {
        "codes": [],
        "reason": "train-test gap 19.00 % is < 20.00 %",
        "status": "pass",
      }
    `);
    expect(run(trainTestGapGate(), { cvResult: makeCvResult({ gap: 0.35 }) })).toMatchInlineSnapshot(`
      {
        "codes": [
          "train_test_gap_above_threshold",
        ],
        "reason": "train-test gap 35.00 % is not < 20.00 %",
        "status": "fail",
      }
    `);
  });
});

describe('cv_coefficient', () => {
  it('passes below 15 % and fails above it', () => {
    expect(run(cvCoefficientGate(), { cvResult: makeCvResult({ coefficient: 0.149 }) }).status).toBe('pass');
    expect(run(cvCoefficientGate(), { cvResult: makeCvResult({ coefficient: 0.3 }) })).toMatchInlineSnapshot(`
      {
        "codes": [
          "cv_coefficient_above_threshold",
        ],
        "reason": "CV coefficient 30.00 % is not < 15.00 %",
        "status": "fail",
      }
    `);
  });
});

describe('business_signal_top_k', () => {
  it('passes when a business signal is in the top 5 by mean |SHAP|, whatever the input order', () => {
    const rows = importance([
      ['aum', 0.1, false],
      ['a', 0.5, false],
      ['b', 0.4, false],
      ['tenure', 0.3, true],
      ['c', 0.2, false],
      ['d', 0.05, false],
    ]);
    expect(run(businessSignalGate(), { importance: rows })).toMatchInlineSnapshot(`
      {
        "codes": [],
        "reason": "1 business-signal feature(s) in the top 5: tenure",
        "status": "pass",
      }
    `);
  });
  it('fails when the only business signal ranks sixth', () => {
    const rows = importance([
      ['a', 0.5, false],
      ['b', 0.4, false],
      ['c', 0.3, false],
      ['d', 0.2, false],
      ['e', 0.1, false],
      ['tenure', 0.05, true],
    ]);
    const r = checkGates([businessSignalGate()], { importance: rows });
    expect(r.outcomes[0]!.reason).toMatchInlineSnapshot(
      `"0 business-signal feature(s) in the top 5 (a, b, c, d, e), need 1"`,
    );
    expect(r.issues).toMatchInlineSnapshot(`
      [
        {
          "code": "business_signal_not_in_top_k",
          "message": "business_signal_top_k must hold at least 1 business-signal feature(s) in the top 5 by mean |SHAP|, found ["a", "b", "c", "d", "e"]",
          "path": [
            "business_signal_top_k",
          ],
          "value": [
            "a",
            "b",
            "c",
            "d",
            "e",
          ],
        },
      ]
    `);
  });
});
