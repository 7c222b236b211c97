import { join } from 'node:path';
import { parseWith, writeFileAtomic } from '@leadscore/core';
import type { CvResult, FeatureImportance, FoldList, GateReport } from '@leadscore/core/results';
import { z } from 'zod';
import type { ModelComparison } from '../compare/compare-models.js';
import type { GateDatasetMetadata } from '../gate/gate-input.js';
import type { LeakageProbeResult } from '../leakage/leakage-probe.js';
import { figOrNa, mdCell, pctOrNa } from '../report/html.js';

/** One feature of the catalog, as the feature definitions describe it (plain rows). */
export interface FeatureDescription {
  readonly name: string;
  readonly description: string;
  readonly group?: string | undefined;
  readonly kind?: string | undefined;
  readonly businessSignal?: boolean | undefined;
  /** Source columns the feature reads. */
  readonly inputs?: readonly string[] | undefined;
}

/** How the model is deployed; each field replaces the generated default. */
export interface DeploymentNotes {
  /** The model file the scorer loads. */
  readonly modelFile?: string | undefined;
  /** TypeScript that scores rows with the model file. */
  readonly scoringSnippet?: string | undefined;
  /** How scores reach the warehouse (e.g. `scoreTable` into BigQuery). */
  readonly warehouseSnippet?: string | undefined;
  /** Destination table of the scores. */
  readonly scoresTable?: string | undefined;
}

/** What the documentation is written from; only `model` and `cvResult` are required. */
export interface ModelDocsInput {
  readonly model: { readonly name: string; readonly version: string; readonly summary?: string | undefined };
  readonly cvResult: CvResult;
  readonly folds?: FoldList | undefined;
  readonly metadata?: (GateDatasetMetadata & { readonly spec?: unknown }) | undefined;
  readonly features?: readonly FeatureDescription[] | undefined;
  readonly importance?: readonly FeatureImportance[] | undefined;
  readonly gates?: GateReport | undefined;
  readonly comparison?: ModelComparison | undefined;
  readonly leakageProbe?: LeakageProbeResult | undefined;
  readonly deployment?: DeploymentNotes | undefined;
  /** Known limitations, added to the ones derived from the inputs. */
  readonly limitations?: readonly string[] | undefined;
}

/** Options of {@link generateModelDocs}. */
export interface GenerateModelDocsOptions {
  /** Directory to write the file into; nothing is written when absent. @default undefined */
  outDir?: string | undefined;
  /** File name. @default 'MODEL_DOCUMENTATION.md' */
  fileName?: string | undefined;
  /** Date written in the header (ISO). @default today (UTC) */
  date?: string | undefined;
}

/** Result of {@link generateModelDocs}. */
export interface GenerateModelDocsResult {
  readonly markdown: string;
  /** The file written, `null` without `outDir`. */
  readonly path: string | null;
}

const optionsSchema = z
  .object({
    outDir: z.string().min(1).optional(),
    fileName: z
      .string()
      .regex(/^[A-Za-z0-9._-]+\.md$/, 'a Markdown file name (letters, digits, . _ -, ending in .md)')
      .default('MODEL_DOCUMENTATION.md'),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'an ISO date (YYYY-MM-DD)')
      .optional(),
  })
  .strict();

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.map(mdCell).join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ].join('\n');
}

function policyOf(spec: unknown): { group: string; policy: string; columns: string }[] {
  const groups = (
    spec as { featureGroups?: { name: string; policy: string; columns: string[] }[] } | undefined
  )?.featureGroups;
  return (groups ?? []).map((g) => ({ group: g.name, policy: g.policy, columns: g.columns.join(', ') }));
}

const DEFAULT_SCORING = (file: string) => `\`\`\`ts
import { readFile } from 'node:fs/promises';
import { Booster } from '@leadscore/boost';

const booster = Booster.fromXGBoostJSON(await readFile('${file}', 'utf8'));
// rows: the same engineered features, in the training column order, point-in-time at the contact date
const scores = booster.predict({ data: rows, nRows, nCols, layout: 'row' });
\`\`\``;

const DEFAULT_WAREHOUSE = (table: string) =>
  `Score the leads table in the warehouse with \`scoreTable\` (BigQuery or DuckDB): it computes the features with ` +
  `the same definitions, scores every row and writes \`lead_id, score, model_version, scored_at\` to \`${table}\` ` +
  'with a write-then-rename, so a failed run leaves the previous scores in place.';

/**
 * Writes `MODEL_DOCUMENTATION.md` (the seed's step 5): overview, data and leakage policy, feature catalog,
 * performance per fold, gates, comparison, deployment guide, monitoring and limitations.
 * @example await generateModelDocs({ model: { name: 'V7', version: '7.0.0' }, cvResult, gates }, { outDir: 'out' })
 */
export async function generateModelDocs(
  input: ModelDocsInput,
  options: GenerateModelDocsOptions = {},
): Promise<GenerateModelDocsResult> {
  const o = parseWith(optionsSchema, options, 'options');
  const cv = input.cvResult;
  const a = cv.aggregate;
  const date = o.date ?? new Date().toISOString().slice(0, 10);
  const md: string[] = [];
  const push = (...lines: string[]) => md.push(...lines, '');
  push(
    `# ${input.model.name} ${input.model.version}: model documentation`,
    `Generated ${date} by @leadscore/gates.`,
  );

  push('## 1. Overview');
  if (input.model.summary) push(input.model.summary);
  push(
    `Learner \`${cv.learner.name}\` on ${cv.features.length} features, cross-validated on ${cv.folds.length} folds: ` +
      `mean test AUC-PR ${pctOrNa(a.test.averagePrecision)} (std ${pctOrNa(a.testStd.averagePrecision)}), ROC AUC ${figOrNa(a.test.rocAuc)}, ` +
      `top-decile lift ${figOrNa(a.test.liftAt10)}, Brier ${figOrNa(a.test.brier)}.` +
      (input.gates ? ` Validation gates: **${input.gates.success ? 'passed' : 'failed'}**.` : ''),
  );

  push('## 2. Data and leakage policy');
  const m = input.metadata;
  if (m) {
    const counts = m.counts;
    if (counts)
      push(
        `${counts.leadsOut} of ${counts.leadsIn} leads kept (${counts.excludedTotal} excluded: ${
          Object.entries(counts.excluded)
            .filter(([, v]) => v > 0)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || 'none'
        }); ${m.positives ?? 'n/a'} positives, label rate ${pctOrNa(m.labelRate)}.`,
      );
    const policies = policyOf(m.spec);
    if (policies.length > 0)
      push(
        table(
          ['group', 'policy', 'columns'],
          policies.map((p) => [p.group, p.policy, p.columns]),
        ),
      );
    push(
      `Point-in-time audit: **${m.leakage.audit.passed ? 'clean' : 'FAILED'}** (${m.leakage.audit.checkedValues} dated values checked, ` +
        `${m.leakage.audit.violations} after their cutoff). Current-policy (leakage-exposed) columns: ${m.leakage.exposedColumns.length === 0 ? 'none' : m.leakage.exposedColumns.map((c) => `\`${c}\``).join(', ')}.`,
    );
  } else push('No dataset metadata was given: the data section and its leakage audit are not documented.');
  if (input.leakageProbe) {
    const p = input.leakageProbe;
    const flagged = p.columns.filter((c) => c.status !== 'pass');
    push(
      `Leakage probe (current columns vs the same columns point-in-time): **${p.status}**; ` +
        (flagged.length === 0
          ? 'no column change predicts the label.'
          : `the change since the contact predicts the label in ${flagged.map((c) => `\`${c.name}\` (lift ${c.lift.toFixed(2)})`).join(', ')}.`) +
        (p.postDatedShare === null
          ? ''
          : ` ${pctOrNa(p.postDatedShare)} of leads' current rows post-date the contact.`),
    );
  }

  push('## 3. Feature catalog');
  if (input.features && input.features.length > 0) {
    const rank = new Map((input.importance ?? []).map((f) => [f.feature, f]));
    push(
      table(
        ['feature', 'group', 'kind', 'business signal', 'mean abs SHAP', 'description', 'inputs'],
        input.features.map((f) => [
          f.name,
          f.group ?? '',
          f.kind ?? '',
          f.businessSignal ? 'yes' : 'no',
          rank.has(f.name) ? `${rank.get(f.name)!.meanAbsShap.toFixed(5)} (#${rank.get(f.name)!.rank})` : '',
          f.description,
          (f.inputs ?? []).join(', '),
        ]),
      ),
    );
  } else push(`Features (no descriptions given): ${cv.features.map((f) => `\`${f}\``).join(', ')}.`);

  push('## 4. Performance per fold');
  const folds = new Map((input.folds?.folds ?? []).map((f) => [f.index, f]));
  push(
    table(
      [
        'fold',
        'train period',
        'test period',
        'test rows',
        'positives',
        'test AUC-PR',
        'train AUC-PR',
        'ROC AUC',
        'lift @ 10 %',
      ],
      cv.folds.map((f) => {
        const fl = folds.get(f.index);
        return [
          String(f.index),
          fl?.trainStart ? `${fl.trainStart} .. ${fl.trainEnd}` : 'n/a',
          f.testStart ? `${f.testStart} .. ${f.testEnd}` : 'n/a',
          String(f.test.rows),
          String(f.test.positives),
          pctOrNa(f.test.averagePrecision),
          pctOrNa(f.train.averagePrecision),
          figOrNa(f.test.rocAuc),
          figOrNa(f.test.liftAt10),
        ];
      }),
    ),
    `CV coefficient ${pctOrNa(a.cvCoefficient)}, train-test gap ${pctOrNa(a.trainTestGap)}, pooled out-of-fold AUC-PR ${pctOrNa(a.oofAveragePrecision)}.`,
  );

  push('## 5. Validation gates');
  if (input.gates)
    push(
      table(
        ['status', 'gate', 'reason'],
        input.gates.outcomes.map((g) => [g.status.toUpperCase(), g.id, g.reason]),
      ),
    );
  else push('The gates were not run for this document.');

  push('## 6. Comparison');
  if (input.comparison) {
    push(
      table(
        ['baseline', 'metric', 'candidate', 'baseline value', 'result'],
        input.comparison.rows.map((r) => [
          r.baseline,
          r.metric,
          figOrNa(r.candidate),
          figOrNa(r.value),
          r.passed ? 'pass' : 'fail',
        ]),
      ),
    );
    if (input.comparison.note) push(input.comparison.note);
  } else push('No comparison was given.');

  const d = input.deployment ?? {};
  const modelFile = d.modelFile ?? 'model.xgboost.json';
  push(
    '## 7. Deployment guide',
    '### Scoring in TypeScript',
    d.scoringSnippet ?? DEFAULT_SCORING(modelFile),
    '### Scoring into the warehouse',
    d.warehouseSnippet ?? DEFAULT_WAREHOUSE(d.scoresTable ?? 'lead_scores'),
    'Features must be computed exactly as in training: point-in-time columns as of the contact date; ' +
      'current-policy columns from the latest snapshot (which is what training saw, and what the leakage checks are about).',
  );

  push('## 8. Monitoring');
  const rates = m?.nullRates ? Object.entries(m.nullRates).filter(([c]) => cv.features.includes(c)) : [];
  push(
    'Recompute on every scoring run and alert through the gates: `score_psi` (PSI of the scores against the ' +
      'out-of-fold training scores; warn > 0.1, fail > 0.25), `missing_rate_drift` (per-feature missing rate against training, ' +
      'fail beyond 10 points) and, once outcomes arrive (30-day label horizon), `cv_average_precision` and `calibration` on the new cohort.',
  );
  if (rates.length > 0)
    push(
      'Training missing rates (the reference for drift):',
      table(
        ['feature', 'missing'],
        rates.sort((x, y) => y[1] - x[1]).map(([c, r]) => [c, pctOrNa(r)]),
      ),
    );

  push('## 9. Limitations');
  const limits = [...(input.limitations ?? [])];
  if (m && m.leakage.exposedColumns.length > 0)
    limits.push(
      `Current-policy columns (${m.leakage.exposedColumns.join(', ')}) are read from the latest snapshot, not as of the contact: offline figures can be optimistic if they changed after the outcome.`,
    );
  for (const g of input.gates?.outcomes ?? []) {
    if (g.status === 'fail' || g.status === 'warn') limits.push(`Gate \`${g.id}\` ${g.status}: ${g.reason}.`);
    if (g.status === 'skip') limits.push(`Gate \`${g.id}\` was not evaluated: ${g.reason}.`);
  }
  push(limits.length === 0 ? 'None recorded.' : limits.map((l) => `- ${l}`).join('\n'));

  const markdown = `${md.join('\n').trimEnd()}\n`;
  let path: string | null = null;
  if (o.outDir) {
    path = join(o.outDir, o.fileName);
    await writeFileAtomic(path, markdown);
  }
  return { markdown, path };
}
