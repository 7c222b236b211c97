export * from './atomic.js';
export * from './hash.js';
