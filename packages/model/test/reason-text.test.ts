import { describe, expect, it } from 'vitest';
import { firstSentence, formatFeatureValue, reasonText } from '../src/scoring/reason-text.js';

describe('reason text', () => {
  it('labels a feature by the first sentence of its description, before asides', () => {
    expect(
      firstSentence(
        'Yes when AUM is in the recruiting sweet spot of $50M to $500M (both edges included): big enough to matter.',
      ),
    ).toBe('Yes when AUM is in the recruiting sweet spot of $50M to $500M');
    expect(
      firstSentence(
        'Average assets managed per client, in USD (AUM / number of clients). Missing when zero.',
      ),
    ).toBe('Average assets managed per client, in USD');
    expect(firstSentence('Years at the current firm')).toBe('Years at the current firm');
  });
  it('formats values and the signed contribution', () => {
    const numeric = { name: 'aum', kind: 'numeric' as const, levels: null };
    expect(formatFeatureValue(numeric, 'numeric', 123_456_789)).toBe('123M');
    expect(formatFeatureValue(numeric, 'numeric', 0.4567)).toBe('0.457');
    expect(formatFeatureValue(numeric, 'numeric', Number.NaN)).toBe('missing');
    expect(formatFeatureValue(numeric, 'boolean', 1)).toBe('yes');
    expect(
      formatFeatureValue({ name: 's', kind: 'categorical', levels: ['CA', 'NY'] }, 'categorical', 1),
    ).toBe('NY');
    expect(reasonText('AUM in the sweet spot', 'yes', 0.4149)).toBe('AUM in the sweet spot: yes (+0.41)');
    expect(reasonText('Years at firm', '2', -0.056)).toBe('Years at firm: 2 (-0.06)');
  });
});
