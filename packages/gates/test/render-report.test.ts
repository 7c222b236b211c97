import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../src/index.js';
import { dataMarks, reportInput } from './report-inputs.js';

describe('renderReport', () => {
  it('draws every chart with data marks and writes one self-contained HTML page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-report-'));
    try {
      const r = await renderReport(reportInput(), { outDir: dir, title: 'V7 validation' });
      expect(Object.keys(r.charts).sort()).toEqual([
        'calibration',
        'fold-timeline',
        'gains',
        'importance',
        'leakage-probe',
        'pr-curves',
        'shap-summary',
      ]);
      for (const [id, svg] of Object.entries(r.charts)) {
        expect(svg.startsWith('<svg'), id).toBe(true);
        expect(dataMarks(svg), id).toBeGreaterThan(0);
      }
      // 3 folds: three PR lines; 4 features: four importance bars; 3 folds x 3 blocks on the timeline.
      expect(dataMarks(r.charts['pr-curves']!)).toBe(3);
      expect(dataMarks(r.charts.importance!)).toBe(4);
      expect(dataMarks(r.charts['fold-timeline']!)).toBe(9);
      expect(dataMarks(r.charts['shap-summary']!)).toBe(4 * 600);
      expect(r.html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
      expect(r.html).toContain('<td>FAIL</td><td>leakage_probe</td>');
      expect(r.markdown).toContain('| FAIL | leakage_probe |');
      expect(r.markdown).toContain('![Calibration](report-calibration.svg)');
      expect(readdirSync(dir).sort()).toEqual([
        'report-calibration.svg',
        'report-fold-timeline.svg',
        'report-gains.svg',
        'report-importance.svg',
        'report-leakage-probe.svg',
        'report-pr-curves.svg',
        'report-shap-summary.svg',
        'report.html',
        'report.md',
      ]);
      expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe(r.html);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('falls back to mean |SHAP| bars without per-row contributions and skips absent sections', async () => {
    const { cvResult, importance } = reportInput();
    const r = await renderReport({ cvResult, importance });
    expect(Object.keys(r.charts).sort()).toEqual([
      'calibration',
      'gains',
      'importance',
      'pr-curves',
      'shap-summary',
    ]);
    expect(dataMarks(r.charts['shap-summary']!)).toBe(4);
    expect(r.markdown).not.toContain('Validation gates');
  });

  it('refuses a base name that is not a file name stem', async () => {
    const { cvResult } = reportInput();
    await expect(renderReport({ cvResult }, { baseName: '../x' })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[ValidationError: options.baseName: a file name stem (letters, digits, . _ -), found "../x"]`,
    );
  });
});
