import type { FileFormat } from './types.js';

/** File extension (lower case, without the dot) -> format; the one map both warehouses use. */
export const FILE_EXTENSION_FORMATS: Readonly<Record<string, FileFormat>> = Object.freeze({
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  parquet: 'parquet',
  pq: 'parquet',
});

/** The format a path's extension names (a trailing `.gz` is looked through for CSV), or undefined. */
export function formatOfPath(path: string): FileFormat | undefined {
  const m = /\.([a-z0-9]+)(\.gz)?$/.exec(path.toLowerCase());
  if (!m) return undefined;
  const format = FILE_EXTENSION_FORMATS[m[1]!];
  return m[2] && format !== 'csv' ? undefined : format;
}
