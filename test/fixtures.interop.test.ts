/**
 * The committed Python fixtures are what their generators write today with the Debian sklearn and
 * XGBoost: each `packages/<pkg>/test/fixtures/make_*.py` runs in a scratch folder and every file it
 * writes is compared with the committed one, byte for byte; a JSON file that differs may differ only in
 * the last bits of its numbers (1e-14 relative: scipy's optimisers end a few ulps apart on different
 * CPUs, e.g. the Platt fits of make_calibration.py). Regenerate with `npm run fixtures`.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_MODULES, fixtureGenerators } from '../scripts/fixture-generators.mjs';
import { requirePython } from '../scripts/python.mjs';

const root = new URL('..', import.meta.url).pathname;

/** The first path where `fresh` and `committed` differ beyond 1e-14 relative on numbers, or null. */
function jsonDifference(fresh: unknown, committed: unknown, path = '$'): string | null {
  if (typeof fresh === 'number' && typeof committed === 'number') {
    const scale = Math.max(1, Math.abs(fresh), Math.abs(committed));
    return Math.abs(fresh - committed) <= 1e-14 * scale ? null : `${path}: ${fresh} vs ${committed}`;
  }
  if (Array.isArray(fresh) && Array.isArray(committed)) {
    if (fresh.length !== committed.length) return `${path}: ${fresh.length} vs ${committed.length} entries`;
    for (const [i, v] of fresh.entries()) {
      const d = jsonDifference(v, committed[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if (typeof fresh === 'object' && fresh !== null && typeof committed === 'object' && committed !== null) {
    const keys = Object.keys(fresh);
    if (keys.join() !== Object.keys(committed).join()) return `${path}: keys differ`;
    for (const k of keys) {
      const d = jsonDifference(
        (fresh as Record<string, unknown>)[k],
        (committed as Record<string, unknown>)[k],
        `${path}.${k}`,
      );
      if (d !== null) return d;
    }
    return null;
  }
  return Object.is(fresh, committed)
    ? null
    : `${path}: ${JSON.stringify(fresh)} vs ${JSON.stringify(committed)}`;
}
const generators = fixtureGenerators(root);

describe('committed fixtures match their generators', () => {
  it('finds the generators', () => {
    expect(generators.map((g) => `${g.pkg}/${g.file}`)).toEqual(
      expect.arrayContaining(['boost/make_xgb_models.py', 'core/make_metrics.py']),
    );
  });

  for (const { pkg, dir, file } of generators) {
    it(`${pkg}/${file}`, () => {
      const python = requirePython(FIXTURE_MODULES);
      const scratch = mkdtempSync(join(tmpdir(), 'leadscore-fixtures-'));
      try {
        copyFileSync(join(dir, file), join(scratch, file));
        execFileSync(python, [file], { cwd: scratch, stdio: ['ignore', 'ignore', 'pipe'] });
        const written = readdirSync(scratch).filter((f) => f !== file);
        expect(written.length).toBeGreaterThan(0);
        for (const out of written) {
          const fresh = readFileSync(join(scratch, out));
          const committed = readFileSync(join(dir, out));
          const difference = fresh.equals(committed)
            ? null
            : out.endsWith('.json')
              ? jsonDifference(JSON.parse(fresh.toString('utf8')), JSON.parse(committed.toString('utf8')))
              : 'bytes differ';
          expect(
            difference,
            `${pkg}/test/fixtures/${out} differs from a fresh run of ${file}: ${difference}`,
          ).toBeNull();
        }
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });
  }
});
