import { canonicalJson } from '@leadscore/core/internal';
import { hashJson } from '@leadscore/core/io';
import { columnFeature, computeFeatures } from '@leadscore/features';
import { describe, expect, it } from 'vitest';
import { loadModel, scoreLeads, trainEnsemble } from '../src/index.js';
import { ensembleOptions, trainedEnsemble, trainingWorld } from './support/world.js';

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

    expect(() => loadModel(rehash({ ...doc, version: 3 }))).toThrowErrorMatchingInlineSnapshot(
      `[ModelFormatError: version must be 1 or 2 (this library reads leadscore.model v1 and v2), found 3]`,
    );
    // v2 is v1 plus `tabular`: one without the other is refused either way round.
    expect(() => loadModel(rehash({ ...doc, version: 2 }))).toThrowErrorMatchingInlineSnapshot(
      `[ModelFormatError: model.version: must be 1 when tabular is absent, found 2]`,
    );
    const tabular = { label: 'converted', time: null, group: null };
    expect(() => loadModel(rehash({ ...doc, tabular }))).toThrowErrorMatchingInlineSnapshot(
      `[ModelFormatError: model.version: must be 2 when tabular is present, found 1]`,
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

describe('tabular (v2) model files', () => {
  // The shared world's training table, three of its columns as column features (the generic CSV mode).
  async function tabularEnsemble() {
    const w = await trainingWorld();
    const features = [
      columnFeature('years_in_industry', 'numeric'),
      columnFeature('lead_source', 'categorical'),
      columnFeature('has_series_65', 'boolean'),
    ];
    const matrix = computeFeatures(w.table, features);
    const r = await trainEnsemble(
      ensembleOptions(w, {
        matrix,
        features,
        tabular: { label: 'label', time: 'contacted_at', group: null },
      }),
    );
    return { w, r, features };
  }

  it('are written as v2 with tabular, load without feature definitions and score like the trained model', async () => {
    const { w, r } = await tabularEnsemble();
    expect(r.file.version).toBe(2);
    expect(r.file.tabular).toEqual({ label: 'label', time: 'contacted_at', group: null });
    // No feature code is passed: the loader rebuilds the column features from the manifest.
    const m = loadModel(r.text, { features: [] });
    expect(m.features.map((f) => [f.name, f.kind, f.inputs])).toEqual([
      ['years_in_industry', 'numeric', ['years_in_industry']],
      ['lead_source', 'categorical', ['lead_source']],
      ['has_series_65', 'boolean', ['has_series_65']],
    ]);
    expect(Array.from(scoreLeads(m, w.table).probability)).toEqual(
      Array.from(scoreLeads(r.model, w.table).probability),
    );
  }, 120_000);

  it('stay v1 for models of feature definitions, so v1 readers still read them', async () => {
    const { file, text } = await trainedEnsemble();
    expect(file.version).toBe(1);
    expect('tabular' in file).toBe(false);
    expect(text).not.toContain('"tabular"');
  }, 120_000);

  it('refuses a tabular manifest entry that reads another column, and non-column features for tabular training', async () => {
    const { r, w } = await tabularEnsemble();
    const doc = JSON.parse(r.text) as Record<string, unknown> & {
      features: { features: Record<string, unknown>[] };
    };
    const entries = doc.features.features;
    const moved = {
      ...doc,
      features: { ...doc.features, features: [{ ...entries[0]!, inputs: ['aum'] }, ...entries.slice(1)] },
    };
    expect(() => loadModel(rehash(moved))).toThrowErrorMatchingInlineSnapshot(
      `[ArtifactError: manifest.features[0].inputs: feature "years_in_industry" was trained with ["aum"], the available definition has ["years_in_industry"]]`,
    );
    await expect(
      trainEnsemble(ensembleOptions(w, { tabular: { label: 'label', time: null, group: null } })),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: features[0] must be a columnFeature (one input named like the feature) when options.tabular is given, found "aum_per_client" reading ["aum", "num_clients"]]`,
    );
  }, 120_000);
});
