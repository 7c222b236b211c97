/**
 * Installing boost or features must not pull native DuckDB or the BigQuery client: their production
 * dependency closure, read from the workspace package.json files and pnpm-lock.yaml, holds neither.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../../', import.meta.url);
const HEAVY = /^(@duckdb\/|@google-cloud\/bigquery$)/;

interface Lock {
  /** importer path -> production dependency name -> version or `link:` path */
  readonly importers: Map<string, Map<string, string>>;
  /** `name@version` -> dependencies (`name` -> version), optional ones included */
  readonly snapshots: Map<string, Map<string, string>>;
}

const unquote = (s: string): string => s.trim().replace(/^'(.*)'$/, '$1');
const stripPeers = (version: string): string => version.replace(/\(.*$/, '');

/** Reads the parts of a pnpm v9 lockfile (possibly several YAML documents) this check needs. */
function readLock(text: string): Lock {
  const importers = new Map<string, Map<string, string>>();
  const snapshots = new Map<string, Map<string, string>>();
  let section = '';
  let entry: Map<string, string> | null = null;
  let block = '';
  let depName = '';
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) {
      section = line.replace(/:.*$/, '');
      entry = null;
      continue;
    }
    const indent = line.length - line.trimStart().length;
    const body = line.trim();
    if (body === '') continue;
    if (indent === 2) {
      entry = new Map();
      const key = unquote(body.replace(/:$/, ''));
      if (section === 'importers') importers.set(key, entry);
      else if (section === 'snapshots') snapshots.set(stripPeers(key), entry);
      block = '';
    } else if (indent === 4 && entry) {
      block = body.replace(/:.*$/, '');
    } else if (entry && (block === 'dependencies' || block === 'optionalDependencies')) {
      if (section === 'snapshots' && indent === 6) {
        const [name, version] = body.split(/:\s+/);
        entry.set(unquote(name!), stripPeers(unquote(version!)));
      } else if (section === 'importers' && block === 'dependencies') {
        if (indent === 6) depName = unquote(body.replace(/:$/, ''));
        else if (indent === 8 && body.startsWith('version:')) {
          entry.set(depName, stripPeers(unquote(body.slice('version:'.length))));
        }
      }
    }
  }
  return { importers, snapshots };
}

/** Every package name a workspace importer pulls in production, transitively. */
function productionClosure(lock: Lock, importer: string): Set<string> {
  const seen = new Set<string>();
  const visitedImporters = new Set<string>();
  const visitedSnapshots = new Set<string>();
  const walkImporter = (path: string): void => {
    if (visitedImporters.has(path)) return;
    visitedImporters.add(path);
    const deps = lock.importers.get(path);
    if (!deps) throw new Error(`pnpm-lock.yaml has no importer ${path}`);
    for (const [name, version] of deps) {
      seen.add(name);
      if (version.startsWith('link:')) {
        const target = new URL(version.slice('link:'.length), new URL(`${path}/`, ROOT));
        walkImporter(target.pathname.slice(ROOT.pathname.length).replace(/\/$/, ''));
      } else walkSnapshot(`${name}@${version}`);
    }
  };
  const walkSnapshot = (key: string): void => {
    if (visitedSnapshots.has(key)) return;
    visitedSnapshots.add(key);
    for (const [name, version] of lock.snapshots.get(key) ?? []) {
      seen.add(name);
      walkSnapshot(`${name}@${version}`);
    }
  };
  walkImporter(importer);
  return seen;
}

const lock = readLock(readFileSync(new URL('pnpm-lock.yaml', ROOT), 'utf8'));

describe('production dependency tree', () => {
  it('boost and features pull neither DuckDB nor the BigQuery client', () => {
    for (const pkg of ['packages/boost', 'packages/features', 'packages/core']) {
      const heavy = [...productionClosure(lock, pkg)].filter((n) => HEAVY.test(n));
      expect({ pkg, heavy }).toEqual({ pkg, heavy: [] });
    }
  });

  it('sees them where they are (dataset pulls both, transitively through the lockfile)', () => {
    const closure = productionClosure(lock, 'packages/dataset');
    expect(closure.has('@duckdb/node-api')).toBe(true);
    expect(closure.has('@google-cloud/bigquery')).toBe(true);
    // A transitive dependency of the BigQuery client, only reachable through the snapshots section.
    expect(closure.has('@google-cloud/common')).toBe(true);
    const viaTestUtils = productionClosure(lock, 'packages/test-utils');
    expect(viaTestUtils.has('@duckdb/node-api')).toBe(true);
  });
});
