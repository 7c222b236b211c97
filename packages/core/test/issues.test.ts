import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseWith, safeParseWith, ValidationError } from '../src/issues/index.js';
import { readFoldList, safeReadCvResult } from '../src/results/index.js';

describe('typed issues', () => {
  const schema = z.object({ nFolds: z.number().int().min(2), gapDays: z.number().min(0) }).strict();

  it('reports every problem with a code, path and the value found', () => {
    const r = safeParseWith(schema, { nFolds: 1, gapDays: -3, gapDay: 2 }, 'options');
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(r.issues.map((i) => [i.code, i.path.join('.'), i.value])).toEqual([
      ['too_small', 'nFolds', 1],
      ['too_small', 'gapDays', -3],
      ['unrecognized_key', 'gapDay', 'gapDay'],
    ]);
    expect(r.issues[2]!.message).toBe('options.gapDay is not a known option, found "gapDay"');
  });

  it('parseWith throws a ValidationError carrying the issues', () => {
    let caught: unknown;
    try {
      parseWith(schema, { nFolds: 1.5, gapDays: 0 }, 'options');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const err = caught as ValidationError;
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.issues).toHaveLength(1);
    expect(err.message).toMatch(/^options\.nFolds: .*found 1\.5$/);
    expect(parseWith(schema, { nFolds: 5, gapDays: 30 })).toEqual({ nFolds: 5, gapDays: 30 });
  });

  it('a refinement names its specific code through params.code; other custom issues stay custom', () => {
    const id = z
      .object({
        firmId: z.string().refine((v) => !/^F\d+$/.test(v), {
          params: { code: 'reserved_firm_id' },
          message: 'must not be a generated firm id',
        }),
        other: z.string().refine((v) => v !== 'x', 'must not be x'),
      })
      .strict();
    const r = safeParseWith(id, { firmId: 'F0001', other: 'x' }, 'options');
    expect(r.success).toBe(false);
    expect(r.issues.map((i) => [i.code, i.path.join('.'), i.value])).toEqual([
      ['reserved_firm_id', 'firmId', 'F0001'],
      ['custom', 'other', 'x'],
    ]);
    expect(r.issues[0]!.message).toBe('options.firmId: must not be a generated firm id, found "F0001"');
  });

  it('a bad record key is reported with the key as its value', () => {
    const types = z.object({
      columnTypes: z.record(z.string().regex(/^[a-z]+$/, 'must be a column name'), z.string()),
    });
    const r = safeParseWith(types, { columnTypes: { ok: 'int', 'x; DROP': 'int' } }, 'options');
    expect(r.issues).toEqual([
      {
        code: 'invalid_key',
        path: ['columnTypes', 'x; DROP'],
        value: 'x; DROP',
        message: 'options.columnTypes key must be a column name, found "x; DROP"',
      },
    ]);
  });

  it('result documents are checked by format and version', () => {
    expect(() => readFoldList({ format: 'leadscore.folds', version: 2 })).toThrow(ValidationError);
    const r = safeReadCvResult({ format: 'leadscore.cv-result', version: 1 });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.issues.map((i) => i.path[0])).toContain('folds');
  });
});
