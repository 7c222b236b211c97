import { describe, expect, it } from 'vitest';
import { defineFeature, describeFeatures, featureSet, v7Features } from '../src/index.js';

describe('describeFeatures', () => {
  it('lists name, group, kind, description, inputs and business signal for every feature', () => {
    const { rows } = describeFeatures(v7Features);
    expect(rows).toHaveLength(40);
    expect(rows.find((r) => r.name === 'firm_aum_share')).toEqual({
      name: 'firm_aum_share',
      group: 'market_position',
      kind: 'numeric',
      description: expect.stringContaining('rep AUM / firm total AUM'),
      inputs: ['aum', 'firm_total_aum'],
      businessSignal: true,
    });
    expect(rows.find((r) => r.name === 'aum_growth_4q')?.inputs).toEqual(['aum_q0..aum_q7']);
  });

  it('renders a Markdown table, escaping pipes', () => {
    const f = defineFeature({
      name: 'pipe_feature',
      description: 'a | b',
      group: 'custom',
      kind: 'boolean',
      inputs: ['has_cfp'],
      businessSignal: false,
      compute: (r) => r.has_cfp,
    });
    expect(describeFeatures(featureSet([f])).markdown).toBe(
      '| name | group | kind | description | inputs | business signal |\n' +
        '|---|---|---|---|---|---|\n' +
        '| `pipe_feature` | custom | boolean | a \\| b | `has_cfp` | no |\n',
    );
    expect(describeFeatures(v7Features).markdown.split('\n')).toHaveLength(43);
  });
});
