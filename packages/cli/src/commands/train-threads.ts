import { availableParallelism } from 'node:os';
import type { CliConfig } from '../config/config.js';

/** Most threads `train` takes by default: beyond this, fold fits wait on memory more than on cores. */
const DEFAULT_MAX_THREADS = 8;

/** Threads of `train`'s fits: `train.threads` (`--threads`), else the machine's cores up to 8. */
export function trainThreads(config: CliConfig): number {
  return config.train.threads ?? Math.min(DEFAULT_MAX_THREADS, availableParallelism());
}
