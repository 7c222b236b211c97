import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../src/index.js';
import { reportInput } from './report-inputs.js';

const run = promisify(execFile);
const chromium = process.env.LEADSCORE_CHROMIUM ?? 'chromium';
/** Screenshots land here for CI to keep (git-ignored). */
const artifacts = process.env.LEADSCORE_ARTIFACTS ?? join(process.cwd(), '.out', 'artifacts');

// Runs after load in a copy of the page only (the report itself has no script): records, per chart, how
// many data marks have a non-empty box on screen, plus every error and any resource fetched.
const PROBE = `<script>
const errors = [];
window.addEventListener('error', (e) => errors.push(String(e.message)));
window.addEventListener('load', () => {
  const charts = {};
  for (const fig of document.querySelectorAll('figure[data-chart]')) {
    let drawn = 0;
    for (const el of fig.querySelectorAll('.role-mark path, .role-mark line, .role-mark circle')) {
      const b = el.getBoundingClientRect();
      if (b.width > 0 || b.height > 0) drawn++;
    }
    charts[fig.dataset.chart] = drawn;
  }
  const resources = performance.getEntriesByType('resource').map((r) => r.name);
  const pre = document.createElement('pre');
  pre.id = 'probe-result';
  pre.textContent = JSON.stringify({ charts, errors, resources });
  document.body.appendChild(pre);
});
</script>`;

describe('HTML report in headless Chromium', () => {
  it('draws marks in every chart, logs no console error, loads nothing, and saves a screenshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-browser-'));
    try {
      const { html, charts } = await renderReport(reportInput(), { title: 'V7 validation' });
      const page = join(dir, 'report.html');
      writeFileSync(page, html);
      const probed = join(dir, 'probed.html');
      writeFileSync(probed, html.replace('</head>', `${PROBE}</head>`));
      const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions'];
      const dom = await run(
        chromium,
        [
          ...flags,
          '--enable-logging=stderr',
          '--v=0',
          '--virtual-time-budget=5000',
          '--dump-dom',
          `file://${probed}`,
        ],
        {
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      const match = /<pre id="probe-result">(.*?)<\/pre>/s.exec(dom.stdout);
      expect(match, 'probe result in the dumped DOM').not.toBeNull();
      const text = match![1]!
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>');
      const result = JSON.parse(text) as {
        charts: Record<string, number>;
        errors: string[];
        resources: string[];
      };
      expect(Object.keys(result.charts).sort()).toEqual(Object.keys(charts).sort());
      for (const [id, drawn] of Object.entries(result.charts)) expect(drawn, id).toBeGreaterThan(0);
      expect(result.errors).toEqual([]);
      expect(result.resources).toEqual([]);
      const consoleErrors = dom.stderr.split('\n').filter((l) => /CONSOLE/.test(l) && /error/i.test(l));
      expect(consoleErrors).toEqual([]);

      mkdirSync(artifacts, { recursive: true });
      const shot = join(artifacts, 'gates-report.png');
      await run(chromium, [
        ...flags,
        '--hide-scrollbars',
        '--window-size=1280,6000',
        `--screenshot=${shot}`,
        `file://${page}`,
      ]);
      expect(statSync(shot).size).toBeGreaterThan(20_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
