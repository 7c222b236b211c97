/**
 * Plumbing of the dataset builder and the warehouses that tests and tools reach into: the SQL compiler,
 * its parameter name and identifier validation. Not part of the semver-stable API; it may change in any
 * release.
 * @module
 */
export { compileDatasetSql, DATA_END_PARAM, type DatasetSql } from '../builder/sql.js';
export {
  assertIdentifier,
  BIGQUERY_PROJECT_ID,
  IDENTIFIER_SEGMENT,
  MAX_IDENTIFIER_LENGTH,
  parseIdentifier,
} from '../warehouse/identifiers.js';
