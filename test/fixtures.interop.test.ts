/**
 * The committed Python fixtures are byte for byte what their generators write today with the Debian
 * sklearn and XGBoost: each `packages/<pkg>/test/fixtures/make_*.py` runs in a scratch folder and every
 * file it writes is compared with the committed one. Regenerate with `npm run fixtures`.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_MODULES, fixtureGenerators } from '../scripts/fixture-generators.mjs';
import { requirePython } from '../scripts/python.mjs';

const root = new URL('..', import.meta.url).pathname;
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
          expect(
            fresh.equals(committed),
            `${pkg}/test/fixtures/${out} differs from a fresh run of ${file}`,
          ).toBe(true);
        }
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });
  }
});
