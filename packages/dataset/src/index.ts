/**
 * @leadscore/dataset: the warehouses (embedded DuckDB, BigQuery) and the point-in-time dataset builder,
 * its metadata, verification and leakage audit. Owns the native and cloud dependencies.
 * @module
 */
export * from './builder/index.js';
export * from './warehouse/index.js';
