export * from './bigquery.js';
export {
  type CheckCsvValuesOptions,
  type CheckCsvValuesResult,
  CsvValueError,
  checkCsvValues,
} from './csv-values.js';
export * from './dialect.js';
export * from './duckdb.js';
export { quoteIdentifier } from './identifiers.js';
export * from './open.js';
export type * from './types.js';
export { LOGICAL_TYPES } from './types.js';
