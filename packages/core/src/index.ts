/**
 * @leadscore/core: the zero-dependency base (zod only): errors, typed issues, the data contract, seeded
 * RNG, metrics, the shared matrix type, versioned result schemas, content hashing and atomic I/O.
 * @module
 */
export * from './contract/index.js';
export * from './errors/index.js';
export * from './io/index.js';
export * from './issues/index.js';
export * from './matrix/index.js';
export * from './metrics/index.js';
export * from './results/index.js';
export * from './rng/index.js';
