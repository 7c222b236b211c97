// The workspace's publishable packages, found from `packages/<name>/package.json` (every one not marked
// private), so the package lint and the tarball test cover a new package without being told of it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every non-private package under `<root>/packages`, by folder name, with its entry points. */
export function publicPackages(root) {
  const found = [];
  for (const folder of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', folder);
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    if (manifest.private === true) continue;
    const entryPoints = Object.entries(manifest.exports ?? { '.': {} }).map(([key, targets]) => {
      const source = typeof targets === 'object' ? targets['@leadscore/source'] : undefined;
      return {
        specifier: key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`,
        source: source === undefined ? undefined : join(dir, source),
      };
    });
    found.push({ name: manifest.name, version: manifest.version, dir, entryPoints });
  }
  return found;
}
