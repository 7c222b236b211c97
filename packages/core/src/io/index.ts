export * from './atomic.js';
export { hashJson, sha256Hex } from './hash.js';
