/**
 * @leadscore/test-utils (private): fixtures shared by several packages' tests, so no package's tests
 * import another package's test files.
 * @module
 */
export * from './learning-world.js';
export * from './python.js';
export * from './training-table.js';
