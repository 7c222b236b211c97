/**
 * Reason codes in words: the first sentence of the feature's description, the lead's value and the
 * signed contribution to the log-odds, e.g. `"Assets under management in the $50M-$500M sweet spot:
 * yes (+0.41)"`.
 * @module
 */
import type { ModelColumn } from '../model-file/schema.js';

/**
 * The label of a feature in reason codes: the first sentence of its description, cut before a
 * parenthesis or colon (the formula or the aside), without its final period.
 */
export function firstSentence(description: string): string {
  const m = /^(.*?[^A-Z0-9.])\.(\s|$)/s.exec(description);
  let s = (m ? m[1]! : description).trim();
  const cut = s.search(/ \(|: /);
  if (cut > 0) s = s.slice(0, cut);
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

function formatNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toPrecision(3)}B`;
  if (a >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${(v / 1e3).toPrecision(3)}k`;
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(3)));
}

/** A model column's value as words: a level, yes/no, a compact number, or "missing". */
export function formatFeatureValue(
  column: ModelColumn,
  kind: 'numeric' | 'categorical' | 'boolean',
  v: number,
): string {
  if (Number.isNaN(v)) return 'missing';
  if (column.levels !== null) return column.levels[v] ?? 'unseen level';
  if (kind === 'boolean') return v === 1 ? 'yes' : 'no';
  return formatNumber(v);
}

/** One reason code's text. */
export function reasonText(label: string, value: string, contribution: number): string {
  const sign = contribution >= 0 ? '+' : '-';
  return `${label}: ${value} (${sign}${Math.abs(contribution).toFixed(2)})`;
}
