import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CvResult } from '@leadscore/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type Trial, TrialPruned, tune } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'cv-tune-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Branin-Hoo, minimum 0.397887 at (-pi, 12.275), (pi, 2.275), (9.42478, 2.475). */
function branin(x1: number, x2: number): number {
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
}
const CENTRE = [1.3, -2.1, 0.4, 3.2, -0.7];
const quadratic = (x: number[]) => x.reduce((a, v, i) => a + (v - CENTRE[i]!) ** 2, 0);

async function bestOf(
  sampler: 'tpe' | 'random',
  seed: number,
  nTrials: number,
  space: (t: Trial) => number[],
  f: (x: number[]) => number,
): Promise<number> {
  const r = await tune({
    space,
    objective: (x) => f(x),
    nTrials,
    sampler,
    seed,
    direction: 'minimize',
    pruner: 'none',
  });
  return r.best!.value!;
}

describe('tune: TPE against random search (averaged over seeds)', () => {
  const seeds = Array.from({ length: 8 }, (_, i) => i + 1);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

  it('finds a lower Branin value in 60 trials', async () => {
    const space = (t: Trial) => [t.suggestFloat('x1', -5, 10), t.suggestFloat('x2', 0, 15)];
    const f = (x: number[]) => branin(x[0]!, x[1]!);
    const tpe = await Promise.all(seeds.map((s) => bestOf('tpe', s, 60, space, f)));
    const rnd = await Promise.all(seeds.map((s) => bestOf('random', s, 60, space, f)));
    expect(mean(tpe) - 0.397887).toBeLessThan(0.6 * (mean(rnd) - 0.397887));
  });

  it('finds a lower 5-D quadratic value in 80 trials', async () => {
    const space = (t: Trial) => CENTRE.map((_, i) => t.suggestFloat(`x${i}`, -5, 5));
    const tpe = await Promise.all(seeds.map((s) => bestOf('tpe', s, 80, space, quadratic)));
    const rnd = await Promise.all(seeds.map((s) => bestOf('random', s, 80, space, quadratic)));
    expect(mean(tpe)).toBeLessThan(0.5 * mean(rnd));
  });
});

describe('tune: storage and resume', () => {
  const space = (t: Trial) => ({
    lr: t.suggestFloat('lr', 1e-3, 1, { log: true }),
    depth: t.suggestInt('depth', 1, 10),
    policy: t.suggestCategorical('policy', ['depthwise', 'lossguide']),
  });
  const objective = (p: ReturnType<typeof space>) =>
    -((Math.log10(p.lr) + 1.5) ** 2) - (p.depth - 4) ** 2 / 10 + (p.policy === 'lossguide' ? 0.3 : 0);

  it('a search interrupted after 12 trials and resumed is identical to an uninterrupted one', async () => {
    const full = await tune({ space, objective, nTrials: 25, seed: 9, storage: join(dir, 'full.jsonl') });
    const path = join(dir, 'resumed.jsonl');
    await tune({ space, objective, nTrials: 12, seed: 9, storage: path });
    // a crash mid-write leaves a truncated last line; it is dropped and that trial reruns
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"number":12,"sta`);
    const resumed = await tune({ space, objective, nTrials: 25, seed: 9, storage: path });
    expect(resumed.trials).toEqual(full.trials);
    expect(resumed.bestParams).toEqual(full.bestParams);
    expect(full.best!.value).toBe(Math.max(...full.trials.map((t) => t.value!)));
    const lines = readFileSync(join(dir, 'full.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(26);
    expect(JSON.parse(lines[0]!).format).toBe('leadscore.tune-trials');
  });

  it('refuses to resume a study with other settings', async () => {
    const path = join(dir, 'other.jsonl');
    await tune({ space, objective, nTrials: 2, seed: 1, storage: path });
    await expect(tune({ space, objective, nTrials: 4, seed: 2, storage: path })).rejects.toThrow(
      /holds a study with other settings/,
    );
  });

  it('same seed, same trials; another seed, other trials', async () => {
    const a = await tune({ space, objective, nTrials: 15, seed: 3 });
    const b = await tune({ space, objective, nTrials: 15, seed: 3 });
    const c = await tune({ space, objective, nTrials: 15, seed: 4 });
    expect(b.trials).toEqual(a.trials);
    expect(c.trials[0]!.params).not.toEqual(a.trials[0]!.params);
  });
});

describe('tune: pruning and constraints', () => {
  it('median pruner stops trials worse than the median at a step', async () => {
    let steps = 0;
    const r = await tune({
      space: (t) => t.suggestFloat('q', 0, 1),
      objective: (q, trial) => {
        for (let step = 0; step < 5; step++) {
          steps++;
          trial.report(q, step);
          if (trial.shouldPrune()) throw new TrialPruned();
        }
        return q;
      },
      nTrials: 30,
      seed: 5,
      sampler: 'random',
    });
    const pruned = r.trials.filter((t) => t.state === 'pruned');
    expect(pruned.length).toBeGreaterThan(5);
    expect(steps).toBeLessThan(30 * 5);
    for (const t of pruned) {
      const earlier = r.trials
        .filter((u) => u.number < t.number && u.state === 'complete')
        .map((u) => u.value!);
      const sorted = earlier.sort((a, b) => a - b);
      const m = sorted.length >> 1;
      const median = sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
      expect(t.value!).toBeLessThan(median);
    }
    expect(r.best!.state).toBe('complete');
  });

  it('ranks infeasible trials (V7 gates on the CV result) below every feasible one', async () => {
    const fake = (ap: number, gap: number, cvc: number) =>
      ({
        format: 'leadscore.cv-result',
        aggregate: { test: { averagePrecision: ap }, trainTestGap: gap, cvCoefficient: cvc },
        folds: [],
      }) as unknown as CvResult;
    const r = await tune({
      space: (t) => t.suggestFloat('x', 0, 1),
      // high x scores best but overfits (gap grows with x): the best feasible trial has x < 0.5
      objective: (x) => fake(0.3 + 0.5 * x, 0.4 * x, 0.1),
      nTrials: 20,
      seed: 2,
      pruner: 'none',
    });
    const feasible = r.trials.filter((t) => t.feasible);
    const infeasible = r.trials.filter((t) => !t.feasible);
    expect(feasible.length).toBeGreaterThan(0);
    expect(infeasible.length).toBeGreaterThan(0);
    expect(r.best!.feasible).toBe(true);
    expect(r.best!.value).toBe(Math.max(...feasible.map((t) => t.value!)));
    expect(Math.max(...infeasible.map((t) => t.value!))).toBeGreaterThan(r.best!.value!);
  });

  it('names a bad suggestion', async () => {
    await expect(
      tune({ space: (t) => t.suggestFloat('lr', 0, 1, { log: true }), objective: () => 1, nTrials: 1 }),
    ).rejects.toThrow(/lr: a log scale needs low > 0, found low = 0, high = 1/);
  });
});
