import { join } from 'node:path';
import { parseWith, writeFileAtomic } from '@leadscore/core';
import type { CvResult, FeatureImportance, FoldList, GateReport } from '@leadscore/core/results';
import type { TopLevelSpec } from 'vega-lite';
import { z } from 'zod';
import type { ModelComparison } from '../compare/compare-models.js';
import type { LeakageProbeResult } from '../leakage/leakage-probe.js';
import {
  calibrationSpec,
  foldTimelineSpec,
  gainsSpec,
  importanceSpec,
  leakageProbeSpec,
  prCurvesSpec,
  type ShapRows,
  shapSummarySpec,
} from './chart-specs.js';
import { escapeHtml, figOrNa, mdCell, pctOrNa } from './html.js';
import { renderChart } from './render-chart.js';

/** What a report shows; only `cvResult` is required, each other part adds its section. */
export interface ReportInput {
  readonly cvResult: CvResult;
  readonly folds?: FoldList | undefined;
  readonly importance?: readonly FeatureImportance[] | undefined;
  /** Per-row SHAP contributions for the summary strip plot; without them the summary shows mean |SHAP|. */
  readonly shap?: ShapRows | undefined;
  readonly gates?: GateReport | undefined;
  readonly leakageProbe?: LeakageProbeResult | undefined;
  readonly comparison?: ModelComparison | undefined;
}

/** Options of {@link renderReport}. */
export interface RenderReportOptions {
  /** Report title. @default 'Model validation report' */
  title?: string | undefined;
  /** Directory to write `{baseName}.md`, `{baseName}.html` and one SVG per chart; nothing is written when absent. @default undefined */
  outDir?: string | undefined;
  /** File name stem. @default 'report' */
  baseName?: string | undefined;
}

/** Result of {@link renderReport}. */
export interface RenderReportResult {
  readonly markdown: string;
  /** One self-contained page: inline CSS and SVG, no script, no network. */
  readonly html: string;
  /** Each chart's SVG by chart id (`pr-curves`, `gains`, `calibration`, ...). */
  readonly charts: Readonly<Record<string, string>>;
  /** Paths written (empty without `outDir`). */
  readonly files: readonly string[];
}

const optionsSchema = z
  .object({
    title: z.string().min(1).default('Model validation report'),
    outDir: z.string().min(1).optional(),
    baseName: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'a file name stem (letters, digits, . _ -)')
      .default('report'),
  })
  .strict();

interface Section {
  readonly id: string;
  readonly title: string;
  readonly md: string;
  readonly html: string;
  readonly chart?: TopLevelSpec;
}

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:60rem;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
.pass{background:#e6f4ea}.warn{background:#fff4d6}.fail{background:#fde2e1}.skip{background:#eee}
figure{margin:.5rem 0}svg{max-width:100%;height:auto}`;

function table(header: string[], rows: string[][], classes?: string[]): { md: string; html: string } {
  const md = [
    `| ${header.map(mdCell).join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ].join('\n');
  const html = `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map(
      (r, i) =>
        `<tr${classes?.[i] ? ` class="${classes[i]}"` : ''}>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`,
    )
    .join('')}</tbody></table>`;
  return { md, html };
}

function sections(input: ReportInput): Section[] {
  const cv = input.cvResult;
  const out: Section[] = [];
  const a = cv.aggregate;
  const summary = table(
    ['metric', 'test (mean over folds)', 'test std', 'train (mean)'],
    [
      [
        'AUC-PR',
        pctOrNa(a.test.averagePrecision),
        pctOrNa(a.testStd.averagePrecision),
        pctOrNa(a.train.averagePrecision),
      ],
      ['ROC AUC', figOrNa(a.test.rocAuc), figOrNa(a.testStd.rocAuc), figOrNa(a.train.rocAuc)],
      ['lift @ 10 %', figOrNa(a.test.liftAt10), figOrNa(a.testStd.liftAt10), figOrNa(a.train.liftAt10)],
      ['Brier', figOrNa(a.test.brier), figOrNa(a.testStd.brier), figOrNa(a.train.brier)],
      ['CV coefficient', pctOrNa(a.cvCoefficient), '', ''],
      ['train-test gap', pctOrNa(a.trainTestGap), '', ''],
      ['pooled out-of-fold AUC-PR', pctOrNa(a.oofAveragePrecision), '', ''],
    ],
  );
  out.push({
    id: 'summary',
    title: `Cross-validation: ${cv.learner.name}, ${cv.folds.length} folds`,
    ...summary,
  });
  const perFold = table(
    ['fold', 'test period', 'test rows', 'positives', 'test AUC-PR', 'train AUC-PR', 'lift @ 10 %'],
    cv.folds.map((f) => [
      String(f.index),
      f.testStart && f.testEnd ? `${f.testStart} .. ${f.testEnd}` : 'n/a',
      String(f.test.rows),
      String(f.test.positives),
      pctOrNa(f.test.averagePrecision),
      pctOrNa(f.train.averagePrecision),
      figOrNa(f.test.liftAt10),
    ]),
  );
  out.push({ id: 'pr-curves', title: 'Performance per fold', ...perFold, chart: prCurvesSpec(cv) });
  out.push({ id: 'gains', title: 'Lift and cumulative gains', md: '', html: '', chart: gainsSpec(cv) });
  out.push({ id: 'calibration', title: 'Calibration', md: '', html: '', chart: calibrationSpec(cv) });
  if (input.folds) {
    const hasDates = input.folds.folds.some((f) => f.testStart !== null);
    const t = table(
      ['fold', 'train', 'test', 'train rows', 'test rows', 'gap', 'purged', 'embargoed', 'group-excluded'],
      input.folds.folds.map((f) => [
        String(f.index),
        f.trainStart ? `${f.trainStart} .. ${f.trainEnd}` : 'n/a',
        f.testStart ? `${f.testStart} .. ${f.testEnd}` : 'n/a',
        String(f.counts.train),
        String(f.counts.test),
        String(f.counts.gap),
        String(f.counts.purged),
        String(f.counts.embargoed),
        String(f.counts.groupExcluded),
      ]),
    );
    out.push({
      id: 'fold-timeline',
      title: `Folds (${input.folds.method})`,
      ...t,
      ...(hasDates ? { chart: foldTimelineSpec(input.folds) } : {}),
    });
  }
  if (input.importance && input.importance.length > 0) {
    const rows = [...input.importance].sort((x, y) => x.rank - y.rank).slice(0, 20);
    const t = table(
      ['rank', 'feature', 'group', 'business signal', 'mean |SHAP|', 'total gain'],
      rows.map((f) => [
        String(f.rank),
        f.feature,
        f.group,
        f.businessSignal ? 'yes' : 'no',
        f.meanAbsShap.toFixed(5),
        f.totalGain.toFixed(2),
      ]),
    );
    out.push({
      id: 'importance',
      title: 'Feature importance',
      ...t,
      chart: importanceSpec(input.importance),
    });
    out.push({
      id: 'shap-summary',
      title: 'SHAP summary',
      md: '',
      html: '',
      chart: shapSummarySpec(input.importance, input.shap),
    });
  }
  if (input.gates) {
    const g = input.gates;
    const t = table(
      ['status', 'gate', 'value', 'threshold', 'reason'],
      g.outcomes.map((o) => [o.status.toUpperCase(), o.id, short(o.value), short(o.threshold), o.reason]),
      g.outcomes.map((o) => o.status),
    );
    out.push({ id: 'gates', title: `Validation gates: ${g.success ? 'PASSED' : 'FAILED'}`, ...t });
  }
  if (input.leakageProbe) {
    const p = input.leakageProbe;
    const t = table(
      ['status', 'column', 'changed', 'AUC-PR of change', 'lift', 'direction'],
      p.columns.map((c) => [
        c.status.toUpperCase(),
        c.name,
        pctOrNa(c.changedShare),
        pctOrNa(c.averagePrecision),
        c.lift.toFixed(2),
        c.direction,
      ]),
      p.columns.map((c) => c.status),
    );
    const lead = `Base rate ${pctOrNa(p.baseRate)} over ${p.rows} rows; current rows post-dating the contact: ${pctOrNa(p.postDatedShare)}.`;
    out.push({
      id: 'leakage-probe',
      title: `Leakage probe: ${p.status.toUpperCase()}`,
      md: `${lead}\n\n${t.md}`,
      html: `<p>${escapeHtml(lead)}</p>${t.html}`,
      ...(p.columns.length > 0 ? { chart: leakageProbeSpec(p) } : {}),
    });
  }
  if (input.comparison) {
    const c = input.comparison;
    const t = table(
      ['baseline', 'metric', 'candidate', 'baseline value', 'change', 'result'],
      c.rows.map((r) => [
        r.baseline,
        r.metric,
        figOrNa(r.candidate),
        figOrNa(r.value),
        figOrNa(r.absoluteChange),
        r.passed ? 'pass' : 'fail',
      ]),
      c.rows.map((r) => (r.passed ? 'pass' : 'fail')),
    );
    const note = c.note ? `\n\n${c.note}` : '';
    out.push({
      id: 'comparison',
      title: `Comparison: ${c.candidate}`,
      md: t.md + note,
      html: t.html + (c.note ? `<p>${escapeHtml(c.note)}</p>` : ''),
    });
  }
  return out;
}

function short(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(4);
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  const text = JSON.stringify(v, (_k, x) =>
    typeof x === 'number' && !Number.isInteger(x) ? Number(x.toFixed(4)) : x,
  );
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * Renders the validation report as Markdown and as one self-contained HTML page whose charts (PR curves
 * per fold, gains, calibration, importance, SHAP summary, fold timeline, leakage probe) are inline SVG
 * drawn in Node by vega-lite + vega.
 * @example const { html } = await renderReport({ cvResult, folds, importance, gates: check.report }, { outDir: 'out' });
 */
export async function renderReport(
  input: ReportInput,
  options: RenderReportOptions = {},
): Promise<RenderReportResult> {
  const o = parseWith(optionsSchema, options, 'options');
  const parts = sections(input);
  const charts: Record<string, string> = {};
  for (const s of parts) if (s.chart) charts[s.id] = await renderChart(s.chart);
  const md: string[] = [`# ${o.title}`, ''];
  const body: string[] = [`<h1>${escapeHtml(o.title)}</h1>`];
  for (const s of parts) {
    md.push(`## ${s.title}`, '');
    if (s.md) md.push(s.md, '');
    if (charts[s.id]) md.push(`![${s.title}](${o.baseName}-${s.id}.svg)`, '');
    body.push(`<section id="${s.id}"><h2>${escapeHtml(s.title)}</h2>${s.html}`);
    if (charts[s.id]) body.push(`<figure data-chart="${s.id}">${charts[s.id]}</figure>`);
    body.push('</section>');
  }
  const markdown = `${md.join('\n').trimEnd()}\n`;
  const html = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(o.title)}</title><style>${STYLE}</style></head><body>${body.join('\n')}</body></html>\n`;
  const files: string[] = [];
  if (o.outDir) {
    const write = async (name: string, text: string) => {
      const path = join(o.outDir!, name);
      await writeFileAtomic(path, text);
      files.push(path);
    };
    await write(`${o.baseName}.md`, markdown);
    await write(`${o.baseName}.html`, html);
    for (const [id, svg] of Object.entries(charts)) await write(`${o.baseName}-${id}.svg`, svg);
  }
  return { markdown, html, charts, files };
}
