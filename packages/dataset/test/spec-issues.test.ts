import { InvalidArgumentError, ValidationError } from '@leadscore/core';
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
    expect(() => parseDatasetSpec({ ...base, historyQuarters: 0 })).toThrow(InvalidArgumentError);
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
