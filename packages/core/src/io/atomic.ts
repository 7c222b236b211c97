import { randomBytes } from 'node:crypto';
import { access, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ArtifactError, formatValue } from '../errors/index.js';

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** Create missing parent directories. @default true */
  mkdirs?: boolean;
  /** Refuse to replace an existing file (checked before writing). @default false */
  exclusive?: boolean;
}

/**
 * Writes a file so readers see either the old or the new complete content: the data goes to a temp
 * file in the same directory, is fsynced, then renamed over the target.
 * @example await writeFileAtomic('out/meta.json', JSON.stringify(meta))
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const dir = dirname(path);
  if (options.mkdirs ?? true) await mkdir(dir, { recursive: true });
  if (options.exclusive) {
    const exists = await access(path).then(
      () => true,
      () => false,
    );
    if (exists) {
      throw new ArtifactError(`path already exists and exclusive is set, found ${formatValue(path)}`, {
        details: { path },
      });
    }
  }
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw new ArtifactError(`path could not be written atomically: ${formatValue(path)}`, {
      cause: error,
      details: { path },
    });
  }
}
