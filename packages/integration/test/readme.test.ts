import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliConfigSchema } from '@leadscore/cli';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_NOTES,
  cliOutput,
  cliReference,
  configKeys,
  configReference,
  README_PATH,
  readmeExample,
  readSection,
} from './readme-sections.js';

const readme = readFileSync(README_PATH, 'utf8');

describe('README.md', () => {
  it('runs its library example as written', () => {
    const code = readmeExample(readme);
    expect(
      code.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('import ')).length,
    ).toBeLessThanOrEqual(22);
    // Written under this package's node_modules so the example's bare imports resolve to the workspace
    // packages, as in a project that installed them; .mts because the block uses top-level await.
    const dir = fileURLToPath(new URL('../node_modules/.cache/readme-example', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'example.mts');
    writeFileSync(file, code);
    const run = spawnSync(process.execPath, ['--conditions=@leadscore/source', '--import', 'tsx', file], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 170_000,
    });
    expect(run.status, run.stderr).toBe(0);
    // console.log(gates.success, scores.probability[0], <the first lead's first reason>)
    const [success, probability, ...reason] = run.stdout.trim().split(' ');
    expect(['true', 'false']).toContain(success);
    expect(Number(probability)).toBeGreaterThan(0);
    expect(Number(probability)).toBeLessThan(1);
    expect(reason.join(' ')).toMatch(/: .+ \([+-]\d\.\d\d\)$/);
  }, 180_000);

  it("holds the CLI reference generated from leadscore's own help", async () => {
    expect(readSection(readme, 'cli-reference')).toBe(await cliReference());
    // The block is the help text verbatim.
    expect(readSection(readme, 'cli-reference')).toContain(
      `$ leadscore --help\n${await cliOutput(['--help'])}\`\`\``,
    );
  });

  it('holds the config reference generated from the zod schema, every key described', () => {
    expect(readSection(readme, 'config-reference')).toBe(configReference());
    const keys = configKeys().map((k) => k.key);
    expect(Object.keys(CONFIG_NOTES).sort()).toEqual([...new Set(keys)].sort());
    // Each documented default is what the schema applies to an empty config.
    const defaults = cliConfigSchema.parse({});
    expect(readme).toContain(`| \`train.cvFolds\` | integer 2..50 | \`${defaults.train.cvFolds}\` |`);
    expect(readme).toContain(
      `| \`dataset.policy\` | \`"hybrid"\` \\| \`"point-in-time"\` | \`"${defaults.dataset.policy}"\` |`,
    );
  });

  it('keeps the two commands of the quick start', () => {
    expect(readme).toContain('npm run demo ');
    expect(readme).toContain('npm test ');
  });
});
