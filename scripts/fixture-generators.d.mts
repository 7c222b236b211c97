/** Modules the fixture generators import. */
export const FIXTURE_MODULES: readonly string[];
/** One generator script: its package, its folder and its file name. */
export interface FixtureGenerator {
  pkg: string;
  dir: string;
  file: string;
}
/** Every `packages/<pkg>/test/fixtures/make_*.py` under `root`, in a stable order. */
export function fixtureGenerators(root: string): FixtureGenerator[];
