import { parseWith } from '@leadscore/core/issues';
import type { FeatureGroup, FeatureKind } from '../define/feature.js';
import { type FeatureSet, featureSet } from '../define/feature-set.js';
import { historyColumnName } from '../define/input-types.js';
import { historyOptionsSchema } from '../testing/options-schema.js';

/** One row of the feature catalog table. */
export interface FeatureDescription {
  readonly name: string;
  readonly group: FeatureGroup;
  readonly kind: FeatureKind;
  readonly description: string;
  /** Scalar inputs, then history series as `{series}_q0..q{n-1}`. */
  readonly inputs: readonly string[];
  readonly businessSignal: boolean;
}

/** What {@link describeFeatures} returns. */
export interface DescribeFeaturesResult {
  readonly rows: readonly FeatureDescription[];
  /** A Markdown table of the rows, for reports and documentation. */
  readonly markdown: string;
}

/** Options of {@link describeFeatures}. */
export interface DescribeFeaturesOptions {
  /** Quarters per history series, shown in the inputs column. @default 8 */
  historyQuarters?: number;
}

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/**
 * The catalog table of a feature set (name, group, kind, description, inputs, business signal) as rows
 * and as Markdown.
 * @example console.log(describeFeatures(v7Features).markdown);
 */
export function describeFeatures(
  set: FeatureSet,
  options: DescribeFeaturesOptions = {},
): DescribeFeaturesResult {
  const quarters = parseWith(historyOptionsSchema, options, 'options').historyQuarters;
  const rows = featureSet(set).map((f) =>
    Object.freeze({
      name: f.name,
      group: f.group,
      kind: f.kind,
      description: f.description,
      inputs: Object.freeze([
        ...f.inputs,
        ...f.history.map((s) => `${historyColumnName(s, 0)}..${historyColumnName(s, quarters - 1)}`),
      ]),
      businessSignal: f.businessSignal,
    }),
  );
  const lines = [
    '| name | group | kind | description | inputs | business signal |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| \`${r.name}\` | ${r.group} | ${r.kind} | ${cell(r.description)} | ${r.inputs.map((i) => `\`${i}\``).join(', ')} | ${r.businessSignal ? 'yes' : 'no'} |`,
    ),
  ];
  return Object.freeze({ rows: Object.freeze(rows), markdown: `${lines.join('\n')}\n` });
}
