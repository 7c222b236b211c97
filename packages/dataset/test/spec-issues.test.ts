import { ValidationError } from '@leadscore/core';
import { describe, expect, it } from 'vitest';
import { buildDataset } from '../src/builder/build.js';
import { parseDatasetSpec, safeParseDatasetSpec, v7DatasetSpec } from '../src/builder/spec.js';

const base = v7DatasetSpec({ dataEndDate: '2025-12-31' });

import type { Warehouse } from '../src/warehouse/types.js';

describe('safeParseDatasetSpec', () => {
  it('reports every problem as a typed issue with a code, a path under spec and the value', () => {
    const r = safeParseDatasetSpec({
      dataEndDate: '2025-12-31',
      historyQuarters: 0,
      maxLookbackDays: -1,
      colour: 1,
    });
    expect(r.success).toBe(false);
    const byPath = Object.fromEntries(r.issues.map((i) => [i.path.join('.'), i]));
    expect(byPath.historyQuarters).toMatchObject({ code: 'too_small', value: 0 });
    expect(byPath.maxLookbackDays).toMatchObject({ code: 'too_small', value: -1 });
    expect(byPath.colour).toMatchObject({ code: 'unrecognized_key', value: 'colour' });
    expect(byPath.historyQuarters!.message).toMatch(/^spec\.historyQuarters: .*found 0$/);
    expect(r.issues.every((i) => i.message.startsWith('spec'))).toBe(true);
  });

  it('returns the same frozen spec as parseDatasetSpec when it is valid, and parseDatasetSpec still throws', () => {
    const r = safeParseDatasetSpec(base);
    expect(r.success).toBe(true);
    if (!r.success) return;
    expect(r.data).toEqual(parseDatasetSpec(base));
    expect(Object.isFrozen(r.data.featureGroups)).toBe(true);
    expect(() => parseDatasetSpec({ ...base, historyQuarters: 0 })).toThrow(ValidationError);
    const err = (() => {
      try {
        parseDatasetSpec({ ...base, historyQuarters: 0, labelHorizonDays: -1 });
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(err?.code).toBe('INVALID_ARGUMENT');
    expect(err?.issues.map((i) => [i.code, i.path.join('.'), i.value])).toEqual([
      ['too_small', 'historyQuarters', 0],
      ['too_small', 'labelHorizonDays', -1],
    ]);
  });
});

describe('buildDataset options', () => {
  it('are validated by one schema before the warehouse is touched: every problem, typed', async () => {
    const untouched = new Proxy({} as Warehouse, {
      get: () => {
        throw new Error('the warehouse must not be used');
      },
    });
    const error = await buildDataset(untouched, base, {
      outdir: 'x',
      returnTable: 'yes',
    } as never).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues.map((i) => [i.code, i.path.join('.')]);
    expect(issues).toEqual(
      expect.arrayContaining([
        ['unrecognized_key', 'outdir'],
        ['invalid_type', 'returnTable'],
      ]),
    );
    expect((error as ValidationError).message).toMatch(/options\.outdir is not a known option/);
  });
});

describe('v7DatasetSpec options', () => {
  // One bad value per option: the issue's code, path (under options) and value.
  it.each([
    ['dataEndDate', '2025-02-30', 'custom', ['dataEndDate']],
    ['tables', { leads: 'leads; DROP' }, 'invalid_format', ['tables', 'leads']],
    ['columnMap', { snapshot: { aum: 7 } }, 'invalid_type', ['columnMap', 'snapshot', 'aum']],
    ['outputBase', 'out put', 'invalid_format', ['outputBase']],
    ['version', '2026-11-26', 'invalid_format', ['version']],
    ['overwrite', 'yes', 'invalid_type', ['overwrite']],
    ['availabilityLagDays', -1, 'too_small', ['availabilityLagDays']],
    ['maxLookbackDays', 1.5, 'invalid_type', ['maxLookbackDays']],
    ['historyQuarters', 0, 'too_small', ['historyQuarters']],
    ['labelHorizonDays', 4000, 'too_big', ['labelHorizonDays']],
    ['outputbase', 'mine', 'unrecognized_key', ['outputbase']],
  ] as const)('options.%s = %o -> %s', (key, value, code, path) => {
    let error: unknown;
    try {
      v7DatasetSpec({ dataEndDate: '2025-12-31', [key]: value } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code, path: [...path] });
    let expected: unknown = { [key]: value };
    for (const p of path) expected = (expected as Record<string, unknown>)[p];
    expect(issues[0]!.value).toStrictEqual(code === 'unrecognized_key' ? key : expected);
    expect(issues[0]!.message.startsWith(`options.${key}`)).toBe(true);
  });
});
