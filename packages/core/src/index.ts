/**
 * @leadscore/core: data contracts, errors, seeded RNG, metrics, the synthetic discovery world,
 * warehouses and the dataset builder.
 * @module
 */
export * from './contract/index.js';
export * from './dataset/index.js';
export * from './errors/index.js';
export * from './io/index.js';
export * from './issues/index.js';
export * from './matrix/index.js';
export * from './metrics/index.js';
export * from './results/index.js';
export * from './rng/index.js';
export * from './warehouse/index.js';
export * from './world/index.js';
