export * from './bigquery.js';
export * from './dialect.js';
export * from './duckdb.js';
export * from './identifiers.js';
export * from './open.js';
export type * from './types.js';
