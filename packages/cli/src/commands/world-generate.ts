import { openWarehouse } from '@leadscore/dataset';
import { generateDiscoveryWorld, summarizeWorld, writeDiscoveryWorld } from '@leadscore/world';
import type { CommandDefinition } from '../cli/command.js';
import { intFlag, stringFlag } from '../cli/flags.js';

/** `leadscore world generate`: the synthetic discovery world written as CSV or Parquet files. */
export const worldGenerateCommand: CommandDefinition = {
  words: ['world', 'generate'],
  summary: 'generate the synthetic discovery world (--reps --quarters --leads --seed --out DIR --format)',
  options: {
    reps: { type: 'string' },
    quarters: { type: 'string' },
    leads: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
  },
  overrides: (flags) => ({
    world: {
      reps: intFlag(flags, 'reps', 1),
      quarters: intFlag(flags, 'quarters', 3),
      leads: intFlag(flags, 'leads', 1),
      seed: intFlag(flags, 'seed', 0),
      out: stringFlag(flags, 'out'),
      format: stringFlag(flags, 'format'),
    },
  }),
  async run(ctx) {
    const w = ctx.config.world;
    ctx.log(`world: seed ${w.seed}, ${w.reps} reps x ${w.quarters} quarters, ${w.leads} leads`);
    const world = generateDiscoveryWorld({
      reps: w.reps,
      quarters: w.quarters,
      leads: w.leads,
      seed: w.seed,
    });
    // Parquet is written by a warehouse: a throwaway in-memory DuckDB keeps the configured one untouched.
    const writer = w.format === 'parquet' ? await openWarehouse({ kind: 'duckdb', path: ':memory:' }) : null;
    const written = await writeDiscoveryWorld(
      world,
      w.out,
      writer === null ? { format: w.format } : { format: w.format, warehouse: writer },
    ).finally(() => writer?.close());
    const s = summarizeWorld(world);
    ctx.log(`  snapshots     ${s.snapshotRows} rows, ${s.firstSnapshotDate} .. ${s.dataEndDate}`);
    ctx.log(
      `  leads         ${s.leads}, label rate ${(100 * s.baseRate).toFixed(2)} % (${s.positives} positives)`,
    );
    ctx.log(`  oracle AUC-PR ${s.oracleAucPr.toFixed(3)}`);
    ctx.log(`  written to    ${w.out} (${written.format})`);
    return {
      exitCode: 0,
      result: {
        dir: w.out,
        format: written.format,
        files: written.files,
        dataEndDate: s.dataEndDate,
        reps: s.reps,
        snapshotRows: s.snapshotRows,
        leads: s.leads,
        positives: s.positives,
        baseRate: s.baseRate,
        oracleAucPr: s.oracleAucPr,
      },
    };
  },
};
