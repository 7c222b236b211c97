import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateModelDocs } from '../src/index.js';
import { reportInput } from './report-inputs.js';

const metadata = {
  leakage: {
    exposedColumns: ['aum', 'num_clients'],
    currentRowsAfterCutoff: 600,
    audit: {
      passed: true,
      checkedValues: 1200,
      violations: 0,
      lookbackViolations: 0,
      undatedValues: 0,
      offendingLeadIds: [],
    },
  },
  nullRates: { aum: 0.1, tenure: 0.09, lead_id: 0 },
  labelRate: 0.25,
  positives: 150,
  spec: {
    featureGroups: [
      { name: 'career', policy: 'pointInTime', columns: ['tenure'] },
      { name: 'financial', policy: 'current', columns: ['aum', 'num_clients'] },
    ],
  },
};

describe('generateModelDocs', () => {
  it('writes every section of MODEL_DOCUMENTATION.md from the plain inputs', async () => {
    const input = reportInput();
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-docs-'));
    try {
      const r = await generateModelDocs(
        {
          model: {
            name: 'V7',
            version: '7.0.0',
            summary: 'Ranks recruiter leads by the chance they convert within 30 days.',
          },
          cvResult: input.cvResult,
          folds: input.folds,
          metadata,
          features: [
            {
              name: 'tenure',
              description: 'Years at the current firm',
              group: 'career',
              kind: 'numeric',
              businessSignal: true,
              inputs: ['years_at_firm'],
            },
            { name: 'aum', description: 'Assets | under management', group: 'financial', kind: 'numeric' },
          ],
          importance: input.importance,
          gates: input.gates,
          comparison: input.comparison,
          leakageProbe: input.leakageProbe,
          deployment: { modelFile: 'v7_model.xgboost.json', scoresTable: 'ml.lead_scores' },
        },
        { outDir: dir, date: '2026-12-02' },
      );
      expect(r.path).toBe(join(dir, 'MODEL_DOCUMENTATION.md'));
      expect(readFileSync(r.path!, 'utf8')).toBe(r.markdown);
      expect(r.markdown.match(/^## .*/gm)).toMatchInlineSnapshot(`
        [
          "## 1. Overview",
          "## 2. Data and leakage policy",
          "## 3. Feature catalog",
          "## 4. Performance per fold",
          "## 5. Validation gates",
          "## 6. Comparison",
          "## 7. Deployment guide",
          "## 8. Monitoring",
          "## 9. Limitations",
        ]
      `);
      expect(r.markdown).toContain('| financial | current | aum, num_clients |');
      expect(r.markdown).toContain('Assets \\| under management');
      expect(r.markdown).toContain(
        "Booster.fromXGBoostJSON(await readFile('v7_model.xgboost.json', 'utf8'))",
      );
      expect(r.markdown).toContain('`ml.lead_scores`');
      expect(r.markdown).toContain('the change since the contact predicts the label in `aum`');
      expect(r.markdown).toContain(
        '- Current-policy columns (aum, num_clients) are read from the latest snapshot',
      );
      // lead_id is not a model feature, so it is not a monitoring reference.
      expect(r.markdown).not.toContain('| lead_id |');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what is missing instead of leaving sections out', async () => {
    const { cvResult } = reportInput();
    const r = await generateModelDocs(
      { model: { name: 'V7', version: '7.0.0' }, cvResult },
      { date: '2026-12-02' },
    );
    expect(r.path).toBeNull();
    expect(r.markdown).toContain('No dataset metadata was given');
    expect(r.markdown).toContain('The gates were not run for this document.');
    await expect(
      generateModelDocs({ model: { name: 'V7', version: '1' }, cvResult }, { fileName: 'docs.txt' }),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[ValidationError: options.fileName: a Markdown file name (letters, digits, . _ -, ending in .md), found "docs.txt"]`,
    );
  });
});
