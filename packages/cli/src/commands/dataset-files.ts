import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatValue, InvalidArgumentError } from '@leadscore/core';

interface MetadataHead {
  readonly file: string;
  readonly table: string;
  readonly createdAt: string;
}

function metadataFiles(dir: string): MetadataHead[] {
  if (!existsSync(dir)) return [];
  const out: MetadataHead[] = [];
  for (const name of readdirSync(dir)) {
    if (!/_metadata_.+\.json$/.test(name)) continue;
    const file = join(dir, name);
    try {
      const json = JSON.parse(readFileSync(file, 'utf8')) as {
        output?: { name?: unknown };
        createdAt?: unknown;
      };
      if (typeof json.output?.name === 'string' && typeof json.createdAt === 'string') {
        out.push({ file, table: json.output.name, createdAt: json.createdAt });
      }
    } catch {
      // Not a dataset metadata file; verify reads the chosen one strictly.
    }
  }
  return out;
}

/**
 * Finds the metadata JSON of `table` among the dataset metadata files in `dir`, or of the most recently
 * built dataset when `table` is undefined.
 * @throws InvalidArgumentError naming the table (or the directory) when none matches.
 */
export function findDatasetMetadata(dir: string, table: string | undefined): { file: string; table: string } {
  const all = metadataFiles(dir).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const hit = table === undefined ? all.at(-1) : all.filter((m) => m.table === table).at(-1);
  if (hit === undefined) {
    const what =
      table === undefined
        ? `artifactsDir must hold a dataset metadata file (run \`leadscore dataset build\`), found none in ${formatValue(dir)}`
        : `--table must name a dataset built into ${formatValue(dir)} (or pass --metadata FILE), found ${formatValue(table)}`;
    throw new InvalidArgumentError(what, {
      details: { parameter: table === undefined ? 'artifactsDir' : '--table', value: table ?? dir },
    });
  }
  return { file: hit.file, table: hit.table };
}
