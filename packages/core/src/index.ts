/**
 * @leadscore/core: data contracts, errors, seeded RNG, metrics, the synthetic discovery world,
 * warehouses and the dataset builder.
 * @module
 */
export * from './contract/index.js';
export * from './errors/index.js';
export * from './rng/index.js';
