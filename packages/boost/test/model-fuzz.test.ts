/**
 * Hostile-input fuzzing of the model-file readers: any mutation of a valid file must either load as a
 * valid model or be refused with a ModelFormatError, never crash with another error or hang.
 */
import { ModelFormatError } from '@leadscore/core/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromLightGBMText, toLightGBMText } from '../src/io/lightgbm-text.js';
import { fromXGBoostJSON } from '../src/io/xgboost-json.js';
import { validateModel } from '../src/model/validate.js';
import { modelText } from './model-fixtures.js';

const json = modelText('named');
const doc = JSON.parse(json);
const lgb = toLightGBMText(fromXGBoostJSON(json));

const junk = fc.oneof(
  fc.integer({ min: -3, max: 40 }),
  fc.double({ noNaN: true }),
  fc.constantFrom(-1, 0, 1, 2147483647, '0', '1', '', 'x', '__proto__', null, true, [], {}),
);

type Path = (string | number)[];

function leafPaths(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) leafPaths(v, [...path, i], out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) leafPaths(v, [...path, k], out);
  }
  out.push(path);
  return out;
}

const paths = leafPaths(doc).filter((p) => p.length > 0);

function mutate(edits: { path: number; value: unknown; remove: boolean }[]): string {
  const copy = structuredClone(doc);
  for (const edit of edits) {
    const path = paths[edit.path % paths.length]!;
    let holder = copy as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) {
      const next = holder[key];
      if (typeof next !== 'object' || next === null) break;
      holder = next as Record<string | number, unknown>;
    }
    const last = path[path.length - 1]!;
    if (edit.remove && !Array.isArray(holder)) delete holder[last];
    else holder[last] = edit.value;
  }
  return JSON.stringify(copy);
}

function loadsOrRefuses(load: () => unknown): void {
  try {
    const model = load();
    validateModel(model as Parameters<typeof validateModel>[0]);
  } catch (error) {
    if (!(error instanceof ModelFormatError)) throw error;
  }
}

describe('model readers under random mutations (fast-check, seeded)', () => {
  it('fromXGBoostJSON loads a valid model or throws ModelFormatError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ path: fc.nat(), value: junk, remove: fc.boolean() }), {
          minLength: 1,
          maxLength: 3,
        }),
        (edits) => loadsOrRefuses(() => fromXGBoostJSON(mutate(edits))),
      ),
      { seed: 4242, numRuns: 400 },
    );
  });

  it('fromLightGBMText loads a valid model or throws ModelFormatError', () => {
    const lines = lgb.split('\n');
    const token = fc.constantFrom('0', '-1', '-7', '3', '99', '1e400', 'nan', '', ' ', '=', 'Tree=0', 'x y');
    fc.assert(
      fc.property(
        fc.array(fc.record({ line: fc.nat(), cut: fc.nat(), insert: token }), { minLength: 1, maxLength: 3 }),
        (edits) => {
          const copy = [...lines];
          for (const { line, cut, insert } of edits) {
            const i = line % copy.length;
            const text = copy[i]!;
            const at = cut % (text.length + 1);
            copy[i] = text.slice(0, at) + insert + text.slice(Math.min(text.length, at + 1));
          }
          loadsOrRefuses(() => fromLightGBMText(copy.join('\n')));
        },
      ),
      { seed: 4243, numRuns: 400 },
    );
  });
});

it('the fuzzed documents are valid to begin with', () => {
  expect(() => validateModel(fromXGBoostJSON(json))).not.toThrow();
  expect(() => validateModel(fromLightGBMText(lgb))).not.toThrow();
  expect(paths.length).toBeGreaterThan(100);
});
