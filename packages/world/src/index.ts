/**
 * @leadscore/world: the synthetic "discovery world": a seeded generator of rep snapshots, leads and their ground truth.
 * @module
 */
export type {
  DiscoveryWorld,
  DiscoveryWorldParams,
  DiscoveryWorldTruth,
} from './generate-discovery-world.js';
export { generateDiscoveryWorld } from './generate-discovery-world.js';
export type { GenerateDiscoveryWorldOptions } from './options.js';
export { summarizeWorld, type WorldSummary } from './summarize-world.js';
export {
  type ParquetWarehouse,
  type WriteDiscoveryWorldOptions,
  type WriteDiscoveryWorldResult,
  writeDiscoveryWorld,
} from './write-discovery-world.js';
