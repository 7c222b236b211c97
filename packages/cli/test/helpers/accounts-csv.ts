/** mulberry32: a small seeded generator, so the files are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generated accounts CSV: its text and its positives. */
export interface AccountsCsv {
  readonly text: string;
  readonly positives: number;
}

/**
 * `n` accounts (`account,signed_up,spend,plan,converted`) over two years from 2023-01-01, converting with
 * log-odds -4 + 4 spend + 1.2 on plan "pro": a planted signal a model must find.
 */
export function accountsCsv(n: number, seed = 42): AccountsCsv {
  const r = rng(seed);
  const lines = ['account,signed_up,spend,plan,converted'];
  const start = Date.UTC(2023, 0, 1);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const spend = r();
    const plan = ['basic', 'pro', 'team'][Math.floor(r() * 3)]!;
    const p = 1 / (1 + Math.exp(-(-4 + 4 * spend + (plan === 'pro' ? 1.2 : 0))));
    const y = r() < p ? 1 : 0;
    positives += y;
    const day = new Date(start + Math.floor((i / n) * 730) * 86_400_000).toISOString().slice(0, 10);
    lines.push(`A${Math.floor(i / 5)},${day},${spend.toFixed(4)},${plan},${y}`);
  }
  return { text: `${lines.join('\n')}\n`, positives };
}

/** `train --csv` on an accounts file: temporal folds on signed_up, accounts kept on one side, 3 folds. */
export function trainAccountsArgs(file: string): string[] {
  return [
    'train',
    '--csv',
    file,
    '--label',
    'converted',
    '--time',
    'signed_up',
    '--group',
    'account',
    '--cv-folds',
    '3',
  ];
}
