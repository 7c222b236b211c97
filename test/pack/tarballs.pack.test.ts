/**
 * Packages install from their tarballs: every public package is built and packed with pnpm (which
 * rewrites `workspace:*`), the tarballs are installed with npm into a scratch project outside the
 * workspace, and each `exports` subpath is imported from plain Node ESM (no custom condition) and
 * type-checked under `moduleResolution` node16 and bundler. Run by `npm run test:pack`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicPackages } from '../../scripts/public-packages.mjs';

const root = new URL('../..', import.meta.url).pathname;
const packages = publicPackages(root);
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};
const scratch = mkdtempSync(join(tmpdir(), 'leadscore-pack-'));
const tarballDir = join(scratch, 'tarballs');
const project = join(scratch, 'consumer');

function run(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** A tarball's `package/package.json`. */
function packedManifest(tarball: string): Record<string, unknown> {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
}

const tarballs = new Map<string, string>();

beforeAll(() => {
  run(join(root, 'node_modules/.bin/tsc'), ['--build'], root);
  mkdirSync(tarballDir);
  for (const pkg of packages) {
    const before = new Set(readdirSync(tarballDir));
    run('npx', ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', tarballDir], pkg.dir);
    const made = readdirSync(tarballDir).filter((f) => !before.has(f));
    expect(made, `pnpm pack of ${pkg.name}`).toHaveLength(1);
    tarballs.set(pkg.name, join(tarballDir, made[0]!));
  }
  // Overrides point every @leadscore dependency at its tarball, so nothing of ours comes from a registry.
  const local = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'leadscore-tarball-consumer',
        private: true,
        type: 'module',
        dependencies: local,
        devDependencies: {
          typescript: rootManifest.devDependencies.typescript,
          '@types/node': rootManifest.devDependencies['@types/node'],
        },
        overrides: local,
      },
      null,
      2,
    ),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project);
}, 600_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('packed manifests', () => {
  it('finds the public packages', () => {
    expect(packages.map((p) => p.name)).toEqual(
      expect.arrayContaining(['@leadscore/core', '@leadscore/boost']),
    );
  });

  for (const pkg of packages) {
    it(`${pkg.name}: workspace: ranges are rewritten and dist ships without build info`, () => {
      const manifest = packedManifest(tarballs.get(pkg.name)!);
      for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
        for (const [dep, range] of Object.entries((manifest[field] ?? {}) as Record<string, string>)) {
          expect(range, `${pkg.name} ${field}.${dep}`).not.toMatch(/^workspace:/);
        }
      }
      const files = execFileSync('tar', ['-tzf', tarballs.get(pkg.name)!], { encoding: 'utf8' }).split('\n');
      expect(files).toContain('package/dist/index.js');
      expect(files).toContain('package/dist/index.d.ts');
      expect(files.filter((f) => f.endsWith('.tsbuildinfo'))).toEqual([]);
    });
  }
});

describe('plain Node ESM imports every entry point of the installed tarballs', () => {
  const entryPoints = packages.flatMap((p) => p.entryPoints);
  // The export names of each entry point's TypeScript source (one tsx process for all), which the
  // packed dist must match: a stale or partial dist in a tarball fails here.
  let sourceKeys: Record<string, string[]> = {};
  beforeAll(() => {
    const withSource = entryPoints.filter((e) => e.source !== undefined);
    const script = `const out = {};\n${withSource
      .map(
        (e) =>
          `out[${JSON.stringify(e.specifier)}] = Object.keys(await import(${JSON.stringify(`file://${e.source}`)})).sort();`,
      )
      .join('\n')}\nconsole.log(JSON.stringify(out));`;
    sourceKeys = JSON.parse(
      run(
        process.execPath,
        ['--conditions=@leadscore/source', '--import', 'tsx', '--input-type=module', '-e', script],
        root,
      ),
    );
  }, 120_000);

  for (const { specifier, source } of entryPoints) {
    it(specifier, () => {
      const keys = JSON.parse(
        run(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `console.log(JSON.stringify(Object.keys(await import('${specifier}')).sort()))`,
          ],
          project,
        ),
      ) as string[];
      expect(source, `${specifier} has no @leadscore/source target to compare with`).toBeDefined();
      expect(keys).toEqual(sourceKeys[specifier]);
    });
  }

  it('@leadscore/boost trains and predicts on two threads from its dist (worker code included)', () => {
    const script = `
      import { train } from '@leadscore/boost';
      import { fromRows } from '@leadscore/core/matrix';
      const nRows = 200, nCols = 3;
      const data = new Float32Array(nRows * nCols);
      const labels = new Float64Array(nRows);
      for (let i = 0; i < nRows; i++) {
        for (let j = 0; j < nCols; j++) data[i * nCols + j] = ((i * 7919 + j * 104729) % 1000) / 1000;
        labels[i] = data[i * nCols] > 0.5 ? 1 : 0;
      }
      const x = fromRows(data, nRows);
      const booster = await train(x, labels, { numRounds: 5, maxDepth: 2, nthread: 2 });
      const p = booster.predict(x);
      let correct = 0;
      for (let i = 0; i < nRows; i++) correct += (p[i] > 0.5) === (labels[i] === 1) ? 1 : 0;
      console.log(JSON.stringify({ trees: booster.numTrees, correct }));
    `;
    const out = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], project)) as {
      trees: number;
      correct: number;
    };
    expect(out.trees).toBe(5);
    expect(out.correct).toBe(200);
  });
});

describe('TypeScript resolves the types of every entry point from the tarballs', () => {
  for (const resolution of ['node16', 'bundler'] as const) {
    it(`moduleResolution ${resolution}`, () => {
      const imports = packages
        .flatMap((p) => p.entryPoints)
        .map(
          ({ specifier }, i) =>
            `import * as m${i} from '${specifier}';\nexport type T${i} = keyof typeof m${i};`,
        );
      const dir = join(project, `check-${resolution}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'check.ts'), `${imports.join('\n')}\n`);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: resolution === 'node16' ? 'node16' : 'esnext',
            moduleResolution: resolution,
            target: 'es2022',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: ['node'],
            typeRoots: [join(project, 'node_modules/@types')],
          },
          files: ['check.ts'],
        }),
      );
      run(join(project, 'node_modules/.bin/tsc'), ['-p', dir], dir);
      // A specifier TypeScript could not type would have failed above; make sure each one was seen.
      expect(readFileSync(join(dir, 'check.ts'), 'utf8').match(/^import /gm)).toHaveLength(
        packages.flatMap((p) => p.entryPoints).length,
      );
    });
  }
});
