import { DataError, formatValue, InvalidArgumentError, SchemaError } from '@leadscore/core/errors';
import { parseWith } from '@leadscore/core/issues';
import type { Matrix } from '@leadscore/core/matrix';
import type { Table } from 'apache-arrow';
import { z } from 'zod';
import { type AnyFeature, type FeatureGroup, type FeatureKind, MISSING_LEVEL } from '../define/feature.js';
import { type FeatureSet, featureSet } from '../define/feature-set.js';
import { historyColumnName, historyTypeOf, type InputType, inputTypeOf } from '../define/input-types.js';
import {
  arrowTypeFits,
  type DecodedColumn,
  decodeBooleanVector,
  decodeNumberVector,
  decodeStringVector,
  FLOAT32_MAX,
  normalizeInput,
  StringInterner,
} from './columns.js';

/**
 * Feature values of many leads: the core {@link Matrix} (so boost trains on it and cv slices it with
 * `takeRows` as is) plus the feature metadata per column. Categorical columns hold level codes:
 * `levels[j][code]` is the level, `"__missing__"` included, and `"__unseen__"` last when the levels were
 * fitted on other rows.
 */
export interface FeatureMatrix extends Matrix {
  readonly kinds: readonly FeatureKind[];
  readonly groups: readonly FeatureGroup[];
  readonly businessSignal: readonly boolean[];
  /** Per column: rows whose level was not among the fitted levels (coded `"__unseen__"`); 0 otherwise. */
  readonly unseen: readonly number[];
}

/** Options of {@link computeFeatures} and {@link computeFeaturesForRow}. */
export interface ComputeFeaturesOptions {
  /** Quarters per history series: columns `{series}_q0` (newest) to `{series}_q{n-1}`. @default 8 */
  historyQuarters?: number;
  /**
   * Levels fitted on training rows by {@link fitFeatures}: codes then mean the same level on every
   * table. @default undefined (the sorted levels present in this table)
   */
  fitted?: FittedFeatures;
}

/** Level of a categorical value absent from the fitted levels; kept apart from `"__missing__"`. */
export const UNSEEN_LEVEL = '__unseen__';

/**
 * The state fitted on training rows (plain, frozen, JSON-serialisable): the sorted levels of every
 * categorical feature, applied unchanged to other rows.
 */
export interface FittedFeatures {
  readonly schema: 'leadscore.fitted-features';
  readonly version: 1;
  /** Per categorical feature name: its levels, sorted, `"__missing__"` included when seen. */
  readonly levels: Readonly<Record<string, readonly string[]>>;
}

/** One lead's feature values: numbers as stored in a matrix (Float32, NaN = missing), categoricals as levels. */
export type FeatureRow = Readonly<Record<string, number | string>>;

interface Requirement {
  readonly type: InputType;
  readonly feature: string;
  /** History series this column belongs to; string history is interned per series. */
  readonly series: string | null;
}

const requirementCache = new WeakMap<FeatureSet, Map<number, Map<string, Requirement>>>();

/** {@link requirements}, cached per validated (frozen) set and history length. */
function cachedRequirements(set: FeatureSet, quarters: number): Map<string, Requirement> {
  let byQuarters = requirementCache.get(set);
  if (byQuarters === undefined) {
    byQuarters = new Map();
    requirementCache.set(set, byQuarters);
  }
  let needs = byQuarters.get(quarters);
  if (needs === undefined) {
    needs = requirements(set, quarters);
    byQuarters.set(quarters, needs);
  }
  return needs;
}

/**
 * Lists every table column the set reads with its input type and the first feature that needs it.
 * Conflicting types for the same column are an {@link InvalidArgumentError}.
 */
function requirements(set: FeatureSet, quarters: number): Map<string, Requirement> {
  const out = new Map<string, Requirement>();
  const need = (column: string, type: InputType, feature: string, series: string | null): void => {
    const prev = out.get(column);
    if (prev === undefined) out.set(column, { type, feature, series });
    else if (prev.type !== type) {
      throw new InvalidArgumentError(
        `${column}: feature ${formatValue(feature)} reads it as ${type} but feature ${formatValue(prev.feature)} as ${prev.type}`,
        { details: { column, feature } },
      );
    }
  };
  for (const f of set) {
    for (const input of f.inputs) need(input, inputTypeOf(input, f.inputTypes), f.name, null);
    for (const series of f.history) {
      const type = historyTypeOf(series, f.inputTypes);
      for (let k = 0; k < quarters; k++) need(historyColumnName(series, k), type, f.name, series);
    }
  }
  return out;
}

const HISTORY_QUARTERS = 'must be an integer in [1, 64]';

/** The one list of {@link ComputeFeaturesOptions}' keys; `fitted` is checked against the set later. */
const computeFeaturesOptionsSchema = z
  .object({
    historyQuarters: z
      .number(HISTORY_QUARTERS)
      .int(HISTORY_QUARTERS)
      .min(1, HISTORY_QUARTERS)
      .max(64, HISTORY_QUARTERS)
      .default(8),
    fitted: z
      .custom<FittedFeatures>(
        (v) => typeof v === 'object' && v !== null,
        'must be fitted features (from fitFeatures)',
      )
      .optional(),
  })
  .strict();

function resolveOptions(options: ComputeFeaturesOptions): number {
  return parseWith(computeFeaturesOptionsSchema, options, 'options').historyQuarters;
}

/** The fitted levels per column of `set` (null for non-categorical ones), checked against the set. */
function fittedLevels(
  set: FeatureSet,
  fitted: FittedFeatures | undefined,
): (readonly string[] | null)[] | null {
  if (fitted === undefined) return null;
  if (
    typeof fitted !== 'object' ||
    fitted === null ||
    fitted.schema !== 'leadscore.fitted-features' ||
    fitted.version !== 1 ||
    typeof fitted.levels !== 'object' ||
    fitted.levels === null
  ) {
    throw new InvalidArgumentError(
      `options.fitted must be the result of fitFeatures (schema 'leadscore.fitted-features' v1), found ${formatValue(fitted)}`,
      { details: { parameter: 'options.fitted' } },
    );
  }
  return set.map((f) => {
    if (f.kind !== 'categorical') return null;
    const levels = Object.hasOwn(fitted.levels, f.name) ? fitted.levels[f.name] : undefined;
    if (!Array.isArray(levels) || !levels.every((l) => typeof l === 'string')) {
      throw new InvalidArgumentError(
        `options.fitted.levels must list the levels of categorical feature ${formatValue(f.name)}, found ${formatValue(levels)}`,
        { details: { parameter: 'options.fitted.levels', feature: f.name } },
      );
    }
    return levels;
  });
}

/**
 * Fits the levels of every categorical feature of `set` on the training rows of `table`, to pass as
 * `computeFeatures(other, set, { fitted })` so a level has the same code on every fold and at scoring.
 * @example const fitted = fitFeatures(trainTable, v7Features); computeFeatures(testTable, v7Features, { fitted });
 */
export function fitFeatures(
  table: Table,
  set: FeatureSet,
  options: Omit<ComputeFeaturesOptions, 'fitted'> = {},
): FittedFeatures {
  const matrix = computeFeatures(table, set, options);
  const levels: Record<string, readonly string[]> = {};
  matrix.names.forEach((name, j) => {
    const lv = matrix.levels[j];
    if (lv !== null && lv !== undefined) levels[name] = Object.freeze([...lv]);
  });
  return Object.freeze({
    schema: 'leadscore.fitted-features' as const,
    version: 1 as const,
    levels: Object.freeze(levels),
  });
}

/**
 * Computes every feature of `set` for every row of `table` (the training table of the dataset builder,
 * or any Arrow table with the declared input columns).
 * @throws SchemaError naming the missing column and the feature that needs it.
 * @example const matrix = computeFeatures(trainingTable, v7Features);
 */
export function computeFeatures(
  table: Table,
  set: FeatureSet,
  options: ComputeFeaturesOptions = {},
): FeatureMatrix {
  const quarters = resolveOptions(options);
  const features = featureSet(set);
  const needs = cachedRequirements(features, quarters);
  const fields = new Map(table.schema.fields.map((f) => [f.name, f]));
  for (const [column, req] of needs) {
    const field = fields.get(column);
    if (field === undefined) {
      throw new SchemaError(
        `${column}: column is missing from the table, required by feature ${formatValue(req.feature)}`,
        { details: { column, feature: req.feature } },
      );
    }
    if (!arrowTypeFits(field.type, req.type)) {
      throw new SchemaError(
        `${column}: column has Arrow type ${String(field.type)}, but feature ${formatValue(req.feature)} reads it as a ${req.type}`,
        { details: { column, feature: req.feature, arrowType: String(field.type) } },
      );
    }
  }
  const n = table.numRows;
  const interners = new Map<string, StringInterner>();
  const columns = new Map<string, DecodedColumn>();
  for (const [column, req] of needs) {
    const vector = table.getChild(column)!;
    columns.set(column, decodeArrowColumn(vector, column, req, n, interners));
  }
  return evaluate(features, columns, n, quarters, fittedLevels(features, options.fitted));
}

function decodeArrowColumn(
  vector: NonNullable<ReturnType<Table['getChild']>>,
  column: string,
  req: Requirement,
  n: number,
  interners: Map<string, StringInterner>,
): DecodedColumn {
  if (req.type === 'number') {
    const values = new Float64Array(n);
    decodeNumberVector(vector, column, values);
    return { type: 'number', values };
  }
  if (req.type === 'boolean') {
    const values = new Int8Array(n);
    decodeBooleanVector(vector, values);
    return { type: 'boolean', values };
  }
  const interner = internerFor(interners, req.series ?? column);
  if (req.series !== null) {
    // String history reaches features as numeric equality codes.
    const values = new Float64Array(n);
    decodeStringVector(vector, column, interner, values);
    return { type: 'number', values };
  }
  const codes = new Int32Array(n);
  decodeStringVector(vector, column, interner, codes);
  return { type: 'string', codes, interner };
}

function internerFor(interners: Map<string, StringInterner>, key: string): StringInterner {
  let interner = interners.get(key);
  if (interner === undefined) {
    interner = new StringInterner();
    interners.set(key, interner);
  }
  return interner;
}

/**
 * Computes the features of one lead (online scoring). `record` holds the same columns as a training
 * table row (`{series}_q{k}` for history): numbers, bigints, Dates, strings or booleans, with null or
 * undefined for missing values. The values equal the batch path's row for the same data.
 * @throws SchemaError when a declared input column is absent from `record`.
 * @example computeFeaturesForRow(table.get(0)!.toJSON(), v7Features)
 */
export function computeFeaturesForRow(
  record: Readonly<Record<string, unknown>>,
  set: FeatureSet,
  options: ComputeFeaturesOptions = {},
): FeatureRow {
  const quarters = resolveOptions(options);
  const features = featureSet(set);
  if (typeof record !== 'object' || record === null) {
    throw new InvalidArgumentError(`record must be an object, found ${formatValue(record)}`, {
      details: { parameter: 'record', value: record },
    });
  }
  const needs = cachedRequirements(features, quarters);
  const interners = new Map<string, StringInterner>();
  const columns = new Map<string, DecodedColumn>();
  for (const [column, req] of needs) {
    if (!Object.hasOwn(record, column)) {
      throw new SchemaError(
        `${column}: column is missing from the record, required by feature ${formatValue(req.feature)}`,
        { details: { column, feature: req.feature } },
      );
    }
    columns.set(column, decodeRecordValue(record[column], column, req, interners));
  }
  const matrix = evaluate(features, columns, 1, quarters, fittedLevels(features, options.fitted));
  const out: Record<string, number | string> = {};
  for (let j = 0; j < matrix.nCols; j++) {
    const levels = matrix.levels[j];
    const v = matrix.values[j]!;
    out[matrix.names[j]!] = levels ? levels[v]! : v;
  }
  return Object.freeze(out);
}

function decodeRecordValue(
  value: unknown,
  column: string,
  req: Requirement,
  interners: Map<string, StringInterner>,
): DecodedColumn {
  const v = normalizeInput(value, req.type, column);
  if (req.type === 'boolean') return { type: 'boolean', values: Int8Array.of(v === null ? -1 : v ? 1 : 0) };
  if (req.type === 'string') {
    const interner = internerFor(interners, req.series ?? column);
    const code = v === null ? -1 : interner.intern(v as string);
    if (req.series !== null) return { type: 'number', values: Float64Array.of(code < 0 ? Number.NaN : code) };
    return { type: 'string', codes: Int32Array.of(code), interner };
  }
  return { type: 'number', values: Float64Array.of(v as number) };
}

/** Cursor shared by the row views of one evaluation: the index of the current row. */
interface Cursor {
  i: number;
}

function makeRowView(feature: AnyFeature, columns: Map<string, DecodedColumn>, cursor: Cursor): object {
  const view: object = {};
  for (const input of feature.inputs) {
    const col = columns.get(input)!;
    let get: () => unknown;
    if (col.type === 'number') {
      const values = col.values;
      get = () => values[cursor.i];
    } else if (col.type === 'boolean') {
      const values = col.values;
      get = () => {
        const v = values[cursor.i]!;
        return v < 0 ? null : v === 1;
      };
    } else {
      const codes = col.codes;
      const levels = col.interner.levels;
      get = () => {
        const c = codes[cursor.i]!;
        return c < 0 ? null : levels[c];
      };
    }
    Object.defineProperty(view, input, { get, enumerable: true });
  }
  return Object.freeze(view);
}

function fail(feature: AnyFeature, row: number, value: unknown, expected: string): never {
  throw new DataError(
    `feature ${formatValue(feature.name)} returned ${formatValue(value)} at row ${row}; ${feature.kind} features return ${expected}`,
    { details: { feature: feature.name, row, value } },
  );
}

/** Everything one feature's pass over the rows needs, built once per feature. */
interface Pass {
  readonly feature: AnyFeature;
  readonly compute: (row: object, history: object) => unknown;
  readonly view: object;
  readonly history: object;
  readonly cursor: Cursor;
  readonly quarters: number;
  /** Reused oldest-first arrays, one per series. */
  readonly historyArrays: readonly Float64Array[];
  /** Source columns: series s, quarter k (0 newest) at s * quarters + k. */
  readonly sources: readonly Float64Array[];
}

function makePass(
  feature: AnyFeature,
  columns: Map<string, DecodedColumn>,
  cursor: Cursor,
  quarters: number,
): Pass {
  const historyArrays: Float64Array[] = [];
  const sources: Float64Array[] = [];
  const history: Record<string, Float64Array> = {};
  for (const series of feature.history) {
    const arr = new Float64Array(quarters);
    historyArrays.push(arr);
    history[series] = arr;
    for (let k = 0; k < quarters; k++) {
      const col = columns.get(historyColumnName(series, k))!;
      sources.push((col as { values: Float64Array }).values);
    }
  }
  return {
    feature,
    compute: feature.compute as Pass['compute'],
    view: makeRowView(feature, columns, cursor),
    history: Object.freeze(history),
    cursor,
    quarters,
    historyArrays,
    sources,
  };
}

/** Moves the pass to row `i`: sets the cursor and refills the history arrays oldest first. */
function moveTo(p: Pass, i: number): void {
  p.cursor.i = i;
  const q = p.quarters;
  for (let s = 0; s < p.historyArrays.length; s++) {
    const arr = p.historyArrays[s]!;
    const base = s * q;
    for (let k = 0; k < q; k++) arr[q - 1 - k] = p.sources[base + k]![i]!;
  }
}

// One kernel per kind keeps each loop small and type-stable for the JIT.
function runNumeric(p: Pass, n: number, out: Float32Array, offset: number): void {
  const { compute, view, history } = p;
  for (let i = 0; i < n; i++) {
    moveTo(p, i);
    const v = compute(view, history);
    if (typeof v === 'number') {
      if (v > FLOAT32_MAX || v < -FLOAT32_MAX) fail(p.feature, i, v, 'a finite Float32 number, NaN or null');
      out[offset + i] = v;
    } else if (v === null) out[offset + i] = Number.NaN;
    else fail(p.feature, i, v, 'a finite Float32 number, NaN or null');
  }
}

function runBoolean(p: Pass, n: number, out: Float32Array, offset: number): void {
  const { compute, view, history } = p;
  for (let i = 0; i < n; i++) {
    moveTo(p, i);
    const v = compute(view, history);
    if (v === true) out[offset + i] = 1;
    else if (v === false) out[offset + i] = 0;
    else if (v === null) out[offset + i] = Number.NaN;
    else fail(p.feature, i, v, 'true, false or null');
  }
}

/**
 * Writes the codes of `fitted` levels (`"__unseen__"`, appended last, for others) and returns the levels
 * and the unseen count.
 */
function runFittedCategorical(
  p: Pass,
  n: number,
  out: Float32Array,
  offset: number,
  fitted: readonly string[],
): { levels: readonly string[]; unseen: number } {
  const { compute, view, history } = p;
  const codeOf = new Map<string, number>(fitted.map((level, code) => [level, code]));
  const unseenCode = fitted.length;
  let unseen = 0;
  for (let i = 0; i < n; i++) {
    moveTo(p, i);
    const v = compute(view, history);
    let level: string;
    if (v === null) level = MISSING_LEVEL;
    else if (typeof v === 'string') level = v;
    else fail(p.feature, i, v, 'a string or null');
    const code = codeOf.get(level);
    if (code === undefined) unseen++;
    out[offset + i] = code ?? unseenCode;
  }
  return { levels: Object.freeze([...fitted, UNSEEN_LEVEL]), unseen };
}

/** Writes sorted-level codes and returns the sorted levels (`"__missing__"` for null). */
function runCategorical(p: Pass, n: number, out: Float32Array, offset: number): readonly string[] {
  const { compute, view, history } = p;
  const codes = new Int32Array(n);
  const levelCodes = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    moveTo(p, i);
    const v = compute(view, history);
    let level: string;
    if (v === null) level = MISSING_LEVEL;
    else if (typeof v === 'string') level = v;
    else fail(p.feature, i, v, 'a string or null');
    let code = levelCodes.get(level);
    if (code === undefined) {
      code = levelCodes.size;
      levelCodes.set(level, code);
    }
    codes[i] = code;
  }
  // Sorted levels make codes independent of row order.
  const sorted = [...levelCodes.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const remap = new Int32Array(sorted.length);
  sorted.forEach((level, rank) => {
    remap[levelCodes.get(level)!] = rank;
  });
  for (let i = 0; i < n; i++) out[offset + i] = remap[codes[i]!]!;
  return Object.freeze(sorted);
}

/** The shared kernel of the batch and row paths: one pass per feature over typed columns. */
function evaluate(
  features: FeatureSet,
  columns: Map<string, DecodedColumn>,
  n: number,
  quarters: number,
  fitted: readonly (readonly string[] | null)[] | null,
): FeatureMatrix {
  const nCols = features.length;
  const values = new Float32Array(n * nCols);
  const levels: (readonly string[] | null)[] = [];
  const unseen = new Array<number>(nCols).fill(0);
  const cursor: Cursor = { i: 0 };
  for (let j = 0; j < nCols; j++) {
    const feature = features[j]!;
    const pass = makePass(feature, columns, cursor, quarters);
    if (feature.kind === 'numeric') runNumeric(pass, n, values, j * n);
    else if (feature.kind === 'boolean') runBoolean(pass, n, values, j * n);
    const fixed = fitted?.[j] ?? null;
    if (feature.kind !== 'categorical') levels.push(null);
    else if (fixed === null) levels.push(runCategorical(pass, n, values, j * n));
    else {
      const r = runFittedCategorical(pass, n, values, j * n, fixed);
      levels.push(r.levels);
      unseen[j] = r.unseen;
    }
  }
  return Object.freeze({
    nRows: n,
    nCols,
    values,
    names: Object.freeze(features.map((f) => f.name)),
    kinds: Object.freeze(features.map((f) => f.kind)),
    groups: Object.freeze(features.map((f) => f.group)),
    businessSignal: Object.freeze(features.map((f) => f.businessSignal)),
    levels: Object.freeze(levels),
    unseen: Object.freeze(unseen),
  });
}
