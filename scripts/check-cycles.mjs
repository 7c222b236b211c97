#!/usr/bin/env node
/**
 * Fails when the TypeScript sources have an import cycle: between files of a package (static
 * `import`/`export ... from`, type-only ones included, since they still tie the files together), or
 * between workspace packages (their package.json dependencies). Dynamic `import()` is not an edge: it
 * is how optional warehouses load on demand.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const STATIC_IMPORT = /^\s*(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]/gms;

function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Relative specifier -> source file (`./x.js` is `./x.ts`, a folder is its index). */
function resolveSpecifier(from, specifier) {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** The cycles of a directed graph, each reported once (Tarjan's strongly connected components). */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const meta = new Map();
  const found = [];
  const visit = (v) => {
    meta.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!meta.has(w)) {
        visit(w);
        meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
      } else if (meta.get(w).onStack) meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
    }
    if (meta.get(v).low === meta.get(v).index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        meta.get(w).onStack = false;
        component.push(w);
      } while (w !== v);
      const selfLoop = (graph.get(v) ?? new Set()).has(v);
      if (component.length > 1 || selfLoop) found.push(component.reverse());
    }
  };
  for (const v of graph.keys()) if (!meta.has(v)) visit(v);
  return found;
}

const problems = [];
const packageDirs = ['packages', 'examples']
  .flatMap((d) => readdirSync(join(root, d)).map((n) => join(root, d, n)))
  .filter((d) => existsSync(join(d, 'package.json')));

const fileGraph = new Map();
for (const dir of packageDirs) {
  const src = join(dir, 'src');
  if (!existsSync(src)) continue;
  for (const file of tsFiles(src)) {
    const edges = new Set();
    for (const m of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      if (!m[1].startsWith('.')) continue;
      const target = resolveSpecifier(file, m[1]);
      if (target) edges.add(target);
    }
    fileGraph.set(file, edges);
  }
}
for (const c of cycles(fileGraph))
  problems.push(`file import cycle: ${c.map((f) => relative(root, f)).join(' -> ')}`);

const packageGraph = new Map();
const byName = new Map();
for (const dir of packageDirs) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  byName.set(pkg.name, pkg);
}
for (const [name, pkg] of byName) {
  const deps = { ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies };
  packageGraph.set(name, new Set(Object.keys(deps).filter((d) => byName.has(d))));
}
for (const c of cycles(packageGraph)) problems.push(`package dependency cycle: ${c.join(' -> ')}`);

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`check-cycles: no import cycle among ${fileGraph.size} source files and ${byName.size} packages`);
