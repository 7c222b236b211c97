import { describe, expect, it } from 'vitest';
import { SNAPSHOT_COLUMNS } from '../src/contract/columns.js';
import { leadSchema, repSnapshotSchema } from '../src/contract/rows.js';
import { validateRows } from '../src/contract/validate.js';
import { generateDiscoveryWorld } from '../src/world/index.js';

const small = generateDiscoveryWorld({ reps: 300, quarters: 8, leads: 400, seed: 11 });

function rowsOf(table: typeof small.leads, limit: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < Math.min(limit, table.numRows); i++) {
    const row = table.get(i)!.toJSON() as Record<string, unknown>;
    for (const [k, v] of Object.entries(row)) {
      // Arrow returns dates and timestamps as epoch milliseconds.
      if (['snapshot_date', 'contacted_at', 'converted_at'].includes(k) && typeof v === 'number') {
        row[k] = new Date(v);
      }
    }
    out.push(row);
  }
  return out;
}

describe('generateDiscoveryWorld contract', () => {
  it('has the contract columns in order', () => {
    expect(small.repSnapshots.schema.fields.map((f) => f.name)).toEqual([...SNAPSHOT_COLUMNS]);
    expect(small.repCurrent.schema.fields.map((f) => f.name)).toEqual([...SNAPSHOT_COLUMNS]);
  });

  it('rows pass the zod schemas', () => {
    const snaps = validateRows(repSnapshotSchema, rowsOf(small.repSnapshots, 2000));
    expect(snaps.issues).toEqual([]);
    const leads = validateRows(leadSchema, rowsOf(small.leads, 400));
    expect(leads.issues).toEqual([]);
  });
});
