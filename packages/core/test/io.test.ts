import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/internal/index.js';
import { hashJson, sha256Hex, writeFileAtomic } from '../src/io/index.js';

describe('hashing', () => {
  it('sha256Hex matches the FIPS 180-2 test vector for "abc"', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('canonicalJson sorts keys recursively and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }], u: undefined })).toBe(
      '{"a":[2,{"c":4,"d":3}],"b":1}',
    );
    expect(hashJson({ x: 1, y: 2 })).toBe(hashJson({ y: 2, x: 1 }));
    expect(hashJson({ x: 1 })).not.toBe(hashJson({ x: 2 }));
  });

  it('refuses non-finite numbers with the path of the value', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: value.a[1] must be a finite number for canonical JSON, found NaN]`,
    );
  });
});

describe('writeFileAtomic', () => {
  it('writes the content, creates parents and leaves no temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-io-'));
    const path = join(dir, 'nested', 'meta.json');
    await writeFileAtomic(path, '{"a":1}');
    await writeFileAtomic(path, '{"a":2}');
    expect(readFileSync(path, 'utf8')).toBe('{"a":2}');
    expect(readdirSync(join(dir, 'nested'))).toEqual(['meta.json']);
  });

  it('refuses to replace an existing file when exclusive, keeping the old content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-io-'));
    const path = join(dir, 'model.json');
    writeFileSync(path, 'old');
    await expect(writeFileAtomic(path, 'new', { exclusive: true })).rejects.toThrow(/exclusive/);
    expect(readFileSync(path, 'utf8')).toBe('old');
  });

  it('wraps a failure in an ArtifactError and cleans up its temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-io-'));
    // The target is a directory, so the final rename fails after the temp file was written.
    const target = join(dir, 'taken');
    await writeFileAtomic(join(target, 'x'), 'x');
    const err = await writeFileAtomic(target, 'data').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ARTIFACT', name: 'ArtifactError' });
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});

describe('canonicalJson refuses values it cannot tell apart', () => {
  it('throws on Maps, Sets, typed arrays, bigints and functions instead of printing {}', () => {
    for (const v of [new Map([['a', 1]]), new Set([1]), new Float32Array(2), 1n, () => 1]) {
      expect(() => canonicalJson({ spec: v }), String(v)).toThrow(/^value\.spec must be a plain object/);
    }
    expect(canonicalJson(Object.freeze({ b: null, a: [new Date(0)] }))).toBe(
      '{"a":["1970-01-01T00:00:00.000Z"],"b":null}',
    );
  });
});
