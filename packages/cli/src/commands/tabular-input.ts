import { DataError, formatValue } from '@leadscore/core';
import { openWarehouse, type Warehouse } from '@leadscore/dataset';
import { FEATURE_KINDS, type FeatureKind } from '@leadscore/features';
import type { LoadedModel, ModelFile } from '@leadscore/model';

type ArrowTable = Awaited<ReturnType<Warehouse['query']>>;

/** Arrow type ids (apache-arrow's `Type` enum) DuckDB's CSV sniffer produces, by feature kind. */
const ARROW_TYPE_IDS: Readonly<Record<FeatureKind, ReadonlySet<number>>> = {
  numeric: new Set([2, 3, 7]), // Int, Float, Decimal
  categorical: new Set([5, 20]), // Utf8, LargeUtf8
  boolean: new Set([6]),
};
const SQL_TYPE = { numeric: 'DOUBLE', categorical: 'VARCHAR', boolean: 'BOOLEAN' } as const;

/** The feature kind the generic tabular mode gives a column of this Arrow type; `undefined`: not a feature. */
export function kindOfArrowType(type: unknown): FeatureKind | undefined {
  const typeId = (type as { typeId: number }).typeId;
  for (const kind of FEATURE_KINDS) if (ARROW_TYPE_IDS[kind].has(typeId)) return kind;
  return undefined;
}

/**
 * Reads a CSV or Parquet file for a tabular (v2) model through an in-memory DuckDB: CSV types are sniffed
 * as on import, then every model column the sniffer typed differently from training (an all-empty numeric
 * column read as text, a categorical of digits read as numbers) is cast to its trained type; a value that
 * does not cast fails naming the column. Missing columns are left for `computeFeatures` to name.
 */
async function readTabularFile(path: string, flag: string, file: ModelFile): Promise<ArrowTable> {
  const local = await openWarehouse({ kind: 'duckdb', path: ':memory:' });
  try {
    await local.createTableFromFile('tabular_input', path);
    const schema = (await local.query('SELECT * FROM tabular_input LIMIT 0')).schema;
    const kindOf = new Map(schema.fields.map((f) => [f.name, kindOfArrowType(f.type)]));
    for (const column of file.columns) {
      if (!kindOf.has(column.name) || kindOf.get(column.name) === column.kind) continue;
      const ref = local.quoteIdentifier(column.name);
      try {
        await local.execute(
          `CREATE OR REPLACE TABLE tabular_input AS SELECT * REPLACE (CAST(${ref} AS ${SQL_TYPE[column.kind]}) AS ${ref}) FROM tabular_input`,
        );
      } catch (error) {
        throw new DataError(
          `${column.name}: column of ${flag} ${formatValue(path)} must hold ${column.kind} values as in training, and a value does not convert: ${(error as Error).message}`,
          { cause: error, details: { column: column.name, parameter: flag, value: path } },
        );
      }
    }
    return await local.query('SELECT * FROM tabular_input');
  } finally {
    await local.close();
  }
}

/**
 * Reads a CSV or Parquet file to score with `model`: a tabular model's columns are cast to their trained
 * types ({@link readTabularFile}); other files are read as sniffed (as `warehouse import` would).
 */
export async function readModelInputFile(
  path: string,
  flag: string,
  model: LoadedModel,
): Promise<ArrowTable> {
  if (model.file.tabular !== undefined) return readTabularFile(path, flag, model.file);
  const local = await openWarehouse({ kind: 'duckdb', path: ':memory:' });
  try {
    await local.createTableFromFile('score_input', path);
    return await local.query('SELECT * FROM score_input');
  } finally {
    await local.close();
  }
}
