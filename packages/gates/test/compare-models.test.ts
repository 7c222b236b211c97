import { describe, expect, it } from 'vitest';
import { compareModels } from '../src/index.js';
import { makeCvResult } from './make-inputs.js';

describe('compareModels', () => {
  it("compares with the seed's declared results and skips change thresholds on a first run", () => {
    const r = compareModels(makeCvResult({ ap: 0.1 }), {}, { candidateName: 'V7' });
    expect(r.success).toBe(false);
    expect(r.note).toMatchInlineSnapshot(
      `"no previous model given: change thresholds not applied (first run)"`,
    );
    expect(r.rows.map((x) => [x.baseline, x.passed, x.reason])).toMatchInlineSnapshot(`
      [
        [
          "V6",
          true,
          "V7 AUC-PR 10.00 % beats V6 6.74 %",
        ],
        [
          "m5",
          false,
          "V7 AUC-PR 10.00 % does not beat m5 14.92 %",
        ],
      ]
    `);
    expect(r.rows[1]!.relativeChange).toBeCloseTo((0.1 - 0.1492) / 0.1492, 12);
  });

  it('applies change thresholds against a previous model in each metric direction', () => {
    const candidate = makeCvResult({ ap: 0.2, lift: 3 });
    const previous = makeCvResult({ ap: 0.19, lift: 3.2 });
    const r = compareModels(
      candidate,
      { declared: [], previous, previousName: 'v7.0' },
      { metrics: ['averagePrecision', 'liftAt10', 'brier'] },
    );
    expect(r.rows.map((x) => [x.metric, x.passed])).toEqual([
      ['averagePrecision', true],
      ['liftAt10', false],
      ['brier', true],
    ]);
    expect(r.rows[1]!.reason).toMatchInlineSnapshot(
      `"liftAt10 3.0000 vs v7.0 3.2000 (higher is better; change -0.2000, needs >= 0 in the better direction): fail"`,
    );
    const tolerant = compareModels(
      candidate,
      { declared: [], previous },
      { metrics: ['liftAt10'], minAbsoluteChange: -0.5 },
    );
    expect(tolerant.success).toBe(true);
    const strict = compareModels(
      candidate,
      { declared: [], previous },
      { metrics: ['averagePrecision'], minRelativeChange: 0.1 },
    );
    // +0.01 on 0.19 is +5.3 %, short of the required 10 %.
    expect(strict.success).toBe(false);
  });

  it('refuses unknown metrics naming the option', () => {
    expect(() =>
      compareModels(makeCvResult(), {}, { metrics: ['accuracy' as 'brier'] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[ValidationError: options.metrics[0]: invalid option: expected one of "averagePrecision"|"rocAuc"|"liftAt10"|"brier"|"logLoss", found "accuracy"]`,
    );
  });
});
