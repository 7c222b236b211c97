import { ArtifactError } from '@leadscore/core/errors';
import { describe, expect, it } from 'vitest';
import {
  defineFeature,
  featureManifest,
  featureSet,
  resolveFeatureManifest,
  v7Features,
} from '../src/index.js';

const custom = defineFeature({
  name: 'aum_per_year',
  description: 'AUM per career year',
  group: 'custom',
  kind: 'numeric',
  inputs: ['aum', 'years_in_industry'],
  businessSignal: true,
  compute: (r) => r.aum / Math.max(r.years_in_industry, 1),
});

describe('feature manifests', () => {
  const set = featureSet([
    custom,
    v7Features.filter((f) => f.name === 'state' || f.name === 'aum_growth_4q'),
  ]);

  it('records the set without code and survives JSON', () => {
    const manifest = JSON.parse(JSON.stringify(featureManifest(set)));
    expect(manifest.features.map((f: { name: string }) => f.name)).toEqual([
      'aum_per_year',
      'state',
      'aum_growth_4q',
    ]);
    expect(manifest.features[2]).toMatchObject({
      kind: 'numeric',
      inputs: [],
      history: ['aum'],
      businessSignal: true,
    });
    expect(JSON.stringify(manifest)).not.toContain('compute');
    const resolved = resolveFeatureManifest(manifest, [v7Features, custom]);
    expect(resolved.map((f) => f.name)).toEqual(['aum_per_year', 'state', 'aum_growth_4q']);
    expect(resolved[0]).toBe(custom);
  });

  it('refuses missing or changed definitions and malformed manifests', () => {
    const manifest = featureManifest(set);
    expect(() => resolveFeatureManifest(manifest, [v7Features])).toThrowErrorMatchingInlineSnapshot(
      `[ArtifactError: manifest.features[0]: feature "aum_per_year" is not among the available definitions]`,
    );
    const changed = defineFeature({
      name: 'aum_per_year',
      description: 'AUM per career year, now without tenure',
      group: 'custom',
      kind: 'numeric',
      inputs: ['aum'],
      businessSignal: true,
      compute: (r) => r.aum,
    });
    expect(() => resolveFeatureManifest(manifest, [v7Features, changed])).toThrowErrorMatchingInlineSnapshot(
      `[ArtifactError: manifest.features[0].inputs: feature "aum_per_year" was trained with ["aum", "years_in_industry"], the available definition has ["aum"]]`,
    );
    expect(() => resolveFeatureManifest({ ...manifest, version: 2 }, [v7Features])).toThrow(ArtifactError);
    expect(() =>
      resolveFeatureManifest({ ...manifest, features: [{ ...manifest.features[0], kind: 'text' }] }, [
        custom,
      ]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[ArtifactError: manifest.features.0.kind: Invalid option: expected one of "numeric"|"categorical"|"boolean"]`,
    );
  });
});
