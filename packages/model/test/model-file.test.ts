import { canonicalJson } from '@leadscore/core/internal';
import { hashJson } from '@leadscore/core/io';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src/index.js';
import { trainedEnsemble } from './support/world.js';

function rehash(doc: Record<string, unknown>): string {
  const { hash: _hash, ...body } = doc;
  return `${canonicalJson({ ...body, hash: hashJson(body) })}\n`;
}

describe('loadModel', () => {
  it('loads its own file and scores the same members', async () => {
    const r = await trainedEnsemble();
    const m = loadModel(r.text);
    expect(m.file.hash).toBe(r.file.hash);
    expect(m.members.map((b) => b.numTrees)).toEqual(r.model.members.map((b) => b.numTrees));
    expect(m.features.map((f) => f.name)).toEqual(r.file.columns.map((c) => c.name));
  }, 120_000);

  it('refuses a changed byte', async () => {
    const { text } = await trainedEnsemble();
    // flip a digit inside the calibrator: still valid JSON and schema, but the hash no longer matches
    const at = text.indexOf('"calibrator"') + 40;
    const i = text.slice(at).search(/[0-8]/) + at;
    const tampered = text.slice(0, i) + String(Number(text[i]) + 1) + text.slice(i + 1);
    expect(() => loadModel(tampered)).toThrow(/hash must match the model body's SHA-256/);
    // a whitespace change keeps the content and hash but not the bytes
    expect(() => loadModel(text.replace('{"blend"', '{ "blend"'))).toThrow(/byte-identical/);
    expect(() => loadModel(text.slice(0, -2))).toThrow(/not valid JSON/);
  }, 120_000);

  it('refuses __proto__ keys, unknown member formats, versions and features, even with a valid hash', async () => {
    const { text } = await trainedEnsemble();
    const doc = JSON.parse(text) as Record<string, unknown> & { members: Record<string, unknown>[] };
    const proto = text.replace('{"blend":', '{"__proto__":{"polluted":1},"blend":');
    expect(() => loadModel(proto)).toThrowErrorMatchingInlineSnapshot(
      `[ModelFormatError: model file must not contain the key "__proto__"]`,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const pickle = rehash({ ...doc, members: [{ ...doc.members[0]!, format: 'python-pickle' }] });
    expect(() => loadModel(pickle)).toThrow(
      /^model\.members\[0\]\.format: invalid option: .*found "python-pickle"$/,
    );

    expect(() => loadModel(rehash({ ...doc, version: 2 }))).toThrowErrorMatchingInlineSnapshot(
      `[ModelFormatError: version must be 1 (this library reads leadscore.model v1), found 2]`,
    );
    const features = doc.features as { features: { name: string }[] };
    const renamed = {
      ...doc,
      features: {
        ...features,
        features: [{ ...features.features[0]!, name: 'secret_sauce' }, ...features.features.slice(1)],
      },
    };
    expect(() => loadModel(rehash(renamed))).toThrow(
      /feature "secret_sauce" is not among the available definitions/,
    );
    expect(() => loadModel(rehash({ ...doc, hash: undefined, extra: 1 }))).toThrow(/extra/);
  }, 120_000);
});
