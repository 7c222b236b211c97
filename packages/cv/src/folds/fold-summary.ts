import type { Fold, FoldList } from '@leadscore/core';

const HEAD = [
  'fold',
  'train from',
  'train to',
  'test from',
  'test to',
  'train',
  'pos',
  'test',
  'pos',
  'gap',
  'purged',
  'embargo',
  'group',
];

function row(label: string, f: Fold): string[] {
  const c = f.counts;
  return [
    label,
    f.trainStart ?? '-',
    f.trainEnd ?? '-',
    f.testStart ?? '-',
    f.testEnd ?? '-',
    String(c.train),
    String(c.trainPositives),
    String(c.test),
    String(c.testPositives),
    String(c.gap),
    String(c.purged),
    String(c.embargoed),
    String(c.groupExcluded),
  ];
}

/**
 * A printable table of a fold list: per fold its inclusive date ranges, rows and positives, and the rows
 * removed from training by gap, purge, embargo and group exclusion.
 * @example console.log(foldSummary(temporalFolds(times, { labels })));
 */
export function foldSummary(folds: FoldList): string {
  const rows = folds.folds.map((f) => row(String(f.index), f));
  if (folds.holdout) rows.push(row('holdout', folds.holdout));
  const table = [HEAD, ...rows];
  const widths = HEAD.map((_, j) => Math.max(...table.map((r) => r[j]!.length)));
  return table
    .map((r) => r.map((cell, j) => (j < 5 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!))).join('  '))
    .join('\n');
}
