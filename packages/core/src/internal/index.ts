/**
 * Plumbing shared by the leadscore packages: argument assertions and canonical JSON. Not part of the
 * semver-stable API; it may change in any release.
 * @module
 */

export { canonicalJson } from '../io/hash.js';
export { assertArg, assertFinite, assertInteger, assertKnownKeys, assertSameLength } from './assert.js';
