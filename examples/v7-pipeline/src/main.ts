/**
 * The V7 reference pipeline, end to end on an embedded warehouse. Step 0 (this version): generate the
 * synthetic discovery world, write it as Parquet and describe it. Later steps (dataset, features,
 * training, gates) plug in after it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDiscoveryWorld, summarizeWorld, writeDiscoveryWorld } from '@leadscore/core';

const SIZE = { reps: 20_000, quarters: 12, leads: 30_000, seed: 7 } as const;

const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)} %`;
const int = (x: number): string => x.toLocaleString('en-US');
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const started = performance.now();
  console.log('leadscore V7 pipeline demo');
  console.log('');
  console.log(
    `[1/1] discovery world (seed ${SIZE.seed}, ${int(SIZE.reps)} reps x ${SIZE.quarters} quarters, ${int(SIZE.leads)} leads)`,
  );
  const t0 = performance.now();
  const world = generateDiscoveryWorld(SIZE);
  const generated = performance.now() - t0;
  const dir = mkdtempSync(join(tmpdir(), 'leadscore-v7-'));
  const t1 = performance.now();
  const written = await writeDiscoveryWorld(world, dir, { format: 'parquet' });
  const wrote = performance.now() - t1;
  const s = summarizeWorld(world);
  const p = world.truth.params;

  console.log(`  generated in ${secs(generated)}, written as Parquet in ${secs(wrote)} to ${dir}`);
  console.log(`  firms           ${int(s.firms)} (incl. recruiter ${p.recruiterFirmId})`);
  console.log(
    `  reps            ${int(s.reps)}; snapshots ${int(s.snapshotRows)} (${int(s.missingSnapshots)} rep-quarters missing: vendor gaps)`,
  );
  console.log(
    `  snapshot dates  ${s.firstSnapshotDate} .. ${s.dataEndDate} (data end = vendor's latest snapshot)`,
  );
  console.log(
    `  leads           ${int(s.leads)} contacted ${s.firstContactDate} .. ${s.lastContactDate}; ${int(s.repeatContactedReps)} reps contacted more than once`,
  );
  console.log(
    `  labels          ${int(s.labelledLeads)} labelled (converted within ${s.labelHorizonDays} days), ` +
      `${int(s.openHorizonLeads)} excluded: horizon still open at data end`,
  );
  console.log(
    `  label rate      ${pct(s.baseRate, 2)} (${int(s.positives)} positives); ${int(s.lateConversions)} late conversions count as 0`,
  );
  console.log(
    `  oracle AUC-PR   ${s.oracleAucPr.toFixed(3)} (true probabilities; base rate ${s.baseRate.toFixed(3)} = random)`,
  );
  const nulls = Object.entries(s.nullRates)
    .filter(([, r]) => r > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([c, r]) => `${c} ${pct(r)}`);
  const lines: string[] = [];
  for (const item of nulls) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + item.length < 88) lines[last] += `, ${item}`;
    else lines.push(item);
  }
  for (const [i, line] of lines.entries()) {
    console.log(`  ${i === 0 ? 'null rates    ' : '              '}  ${line}`);
  }
  console.log(
    `  leakage trap    converted reps join ${p.recruiterFirmId} 30-90 days after converting: ` +
      `${pct(s.leakageTrap.convertedRepsAtRecruiter)} of converted vs ${pct(s.leakageTrap.otherRepsAtRecruiter)} of other contacted reps ` +
      'show it in rep_current, so current-snapshot features leak the label',
  );
  console.log(
    `  files           ${Object.values(written.files)
      .map((f) => f.slice(dir.length + 1))
      .join(', ')}`,
  );
  console.log('');
  console.log(`done in ${secs(performance.now() - started)}`);
}

await main();
