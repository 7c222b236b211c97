import { ValidationError } from '@leadscore/core';
import { fromRows } from '@leadscore/core/matrix';
import { describe, expect, it } from 'vitest';
import { resolveParams, safeResolveParams } from '../src/train/params.js';
import { train } from '../src/train/train.js';

describe('train params', () => {
  it('applies the XGBoost 1.7 defaults (floats stored as float32)', () => {
    const p = resolveParams({}, 3);
    expect(p).toMatchObject({
      numRounds: 100,
      learningRate: Math.fround(0.3),
      maxDepth: 6,
      maxLeaves: 0,
      growPolicy: 'depthwise',
      lambda: 1,
      subsample: 1,
      baseScore: 'mean',
      maxBin: 256,
      monotoneConstraints: [],
      seed: 0,
      nthread: 1,
    });
    expect(resolveParams({ maxDepth: 0, maxLeaves: 8, growPolicy: 'lossguide' }, 3).maxDepth).toBe(0);
  });

  // One bad value per parameter: the issue's code, path and the value passed.
  it.each([
    ['numRounds', 0, 'too_small'],
    ['learningRate', 0, 'too_small'],
    ['maxDepth', 31, 'too_big'],
    ['maxLeaves', -1, 'too_small'],
    ['growPolicy', 'leafwise', 'invalid_value'],
    ['lambda', -1, 'too_small'],
    ['alpha', Number.NaN, 'invalid_type'],
    ['gamma', Number.POSITIVE_INFINITY, 'invalid_type'],
    ['minChildWeight', -0.5, 'too_small'],
    ['maxDeltaStep', '1', 'invalid_type'],
    ['subsample', 0, 'too_small'],
    ['colsampleByTree', 1.5, 'too_big'],
    ['colsampleByNode', -1, 'too_small'],
    ['scalePosWeight', 0, 'too_small'],
    ['baseScore', 1, 'too_big'],
    ['baseScore', 'median', 'invalid_union'],
    ['maxBin', 1, 'too_small'],
    ['monotoneConstraints', 'up', 'invalid_type'],
    ['seed', 0.5, 'invalid_type'],
    ['nthread', 65, 'too_big'],
    ['eta', 0.1, 'unrecognized_key'],
  ] as const)('params.%s = %o -> %s', (key, value, code) => {
    const r = safeResolveParams({ [key]: value }, 3);
    expect(r.success).toBe(false);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ code, path: [key] });
    expect(r.issues[0]!.value).toStrictEqual(code === 'unrecognized_key' ? key : value);
    expect(r.issues[0]!.message.startsWith(`params.${key}`)).toBe(true);
  });

  it('names a bad constraint entry, a wrong constraint count and an unbounded tree', () => {
    expect(safeResolveParams({ monotoneConstraints: [1, 2, 0] }, 3).issues).toMatchObject([
      { code: 'invalid_union', path: ['monotoneConstraints', 1], value: 2 },
    ]);
    expect(safeResolveParams({ monotoneConstraints: [1, 0] }, 3).issues).toMatchObject([
      { code: 'monotone_length_mismatch', path: ['monotoneConstraints'], value: 2 },
    ]);
    expect(safeResolveParams({ maxDepth: 0 }, 3).issues).toMatchObject([
      { code: 'unbounded_tree', path: ['maxDepth'], value: 0 },
    ]);
    expect(safeResolveParams({ maxDepth: 0, maxLeaves: 4 }, 3).issues).toMatchObject([
      { code: 'unbounded_tree', path: ['maxDepth'], value: 0 },
    ]);
  });

  it('resolveParams throws a ValidationError listing every problem', () => {
    let error: unknown;
    try {
      resolveParams({ numRounds: 0, subsample: 2, eta: 1 } as never, 3);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toMatchInlineSnapshot(`
      "3 problems:
      - params.numRounds: must be an integer >= 1, found 0
      - params.subsample: must be a number in (0, 1], found 2
      - params.eta is not a known option, found "eta""
    `);
  });
});

describe('train options', () => {
  const m = fromRows([1, 2, 3, 4], 4);
  const y = [0, 1, 0, 1];
  // One bad value per option: refused before any work, with the issue's code, path and value.
  it.each([
    ['weights', 3, 'custom'],
    ['evalSet', { labels: [0, 1] }, 'custom'],
    ['evalMetric', 'auc', 'invalid_value'],
    ['earlyStoppingRounds', -1, 'too_small'],
    ['onRound', 'log', 'custom'],
    ['signal', { aborted: true }, 'custom'],
    ['binMapper', 'cuts', 'custom'],
    ['categoricalAsCodes', 1, 'invalid_type'],
    ['nRounds', 10, 'unrecognized_key'],
  ] as const)('options.%s = %o -> %s', async (key, value, code) => {
    const error = await train(m, y, { numRounds: 1 }, { [key]: value } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code, path: [key] });
    expect(issues[0]!.value).toStrictEqual(code === 'unrecognized_key' ? key : value);
    expect(issues[0]!.message.startsWith(`options.${key}`)).toBe(true);
  });
});

describe('prediction and export options', () => {
  const m = fromRows([1, 2, 3, 4], 4);
  const y = [0, 1, 0, 1];
  const issueOf = (f: () => unknown) => {
    let error: unknown;
    try {
      f();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues).toHaveLength(1);
    return issues[0]!;
  };
  it.each([
    ['iterationRange', 2, 'invalid_type', ['iterationRange']],
    ['iterationRange', [0, 1.5], 'invalid_type', ['iterationRange', 1]],
    ['iterationRange', [-1, 1], 'too_small', ['iterationRange', 0]],
    ['nthread', 0, 'too_small', ['nthread']],
    ['nthread', 65, 'too_big', ['nthread']],
    ['threads', 2, 'unrecognized_key', ['threads']],
  ] as const)('predict/predictContributions options.%s = %o -> %s', async (key, value, code, path) => {
    const booster = await train(m, y, { numRounds: 2 });
    for (const call of [
      () => booster.predict(m, { [key]: value } as never),
      () => booster.predictContributions(m, { [key]: value } as never),
    ]) {
      const i = issueOf(call);
      expect(i).toMatchObject({ code, path: [...path] });
      let expected: unknown = { [key]: value };
      for (const p of path) expected = (expected as Record<string | number, unknown>)[p];
      expect(i.value).toStrictEqual(code === 'unrecognized_key' ? key : expected);
    }
  });

  it.each([
    ['featureNames', 'yes', 'invalid_type'],
    ['featureName', true, 'unrecognized_key'],
  ] as const)('toXGBoostJSON options.%s = %o -> %s', async (key, value, code) => {
    const booster = await train(m, y, { numRounds: 1 });
    const i = issueOf(() => booster.toXGBoostJSON({ [key]: value } as never));
    expect(i).toMatchObject({ code, path: [key] });
    expect(i.value).toStrictEqual(code === 'unrecognized_key' ? key : value);
  });
});
