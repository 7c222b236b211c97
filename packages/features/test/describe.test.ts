import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defineFeature, describeFeatures, featureSet, v7Features } from '../src/index.js';

describe('describeFeatures', () => {
  it('lists name, group, kind, description, inputs and business signal for every feature', () => {
    const { rows } = describeFeatures(v7Features);
    expect(rows).toHaveLength(42);
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
    expect(describeFeatures(v7Features).markdown.split('\n')).toHaveLength(45);
  });

  it('matches the catalog table in the README', () => {
    // The formatter pads Markdown tables: compare cell contents only.
    const cells = (markdown: string) =>
      markdown
        .split('\n')
        .filter((line) => line.startsWith('|'))
        .map((line) =>
          line
            .split(/(?<!\\)\|/)
            .map((cell) => cell.trim().replace(/^-+$/, '---'))
            .join('|'),
        );
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const table = cells(describeFeatures(v7Features).markdown);
    const lines = cells(readme);
    const start = lines.indexOf(table[0]!);
    expect(lines.slice(start, start + table.length)).toEqual(table);
  });
});
