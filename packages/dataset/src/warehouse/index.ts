export * from './bigquery.js';
export * from './dialect.js';
export * from './duckdb.js';
export { quoteIdentifier } from './identifiers.js';
export * from './open.js';
export type * from './types.js';
export { LOGICAL_TYPES } from './types.js';
