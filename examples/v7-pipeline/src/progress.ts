/**
 * Progress for long steps: a redrawn bar on a TTY, a plain line every few seconds elsewhere (CI logs).
 */
export interface Progress {
  /** Reports `done` of `total` units, with an optional short note (e.g. the current metric). */
  update(done: number, total: number, note?: string): void;
  /** Finishes the bar (or prints nothing more in plain mode). */
  end(): void;
}

/** Creates a progress reporter labelled `label` writing to stdout. */
export function createProgress(label: string, options: { intervalMs?: number } = {}): Progress {
  const tty = process.stdout.isTTY === true && process.env.CI === undefined;
  const intervalMs = options.intervalMs ?? (tty ? 100 : 5000);
  let last = 0;
  let drawn = false;
  return {
    update(done, total, note = '') {
      const now = performance.now();
      if (now - last < intervalMs && done < total) return;
      last = now;
      const share = total > 0 ? Math.min(1, done / total) : 0;
      if (tty) {
        const width = 30;
        const filled = Math.round(share * width);
        const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
        process.stdout.write(`\r    ${label} [${bar}] ${done}/${total} ${note}\x1b[K`);
        drawn = true;
      } else {
        console.log(`    ${label} ${done}/${total} (${Math.round(share * 100)} %) ${note}`.trimEnd());
      }
    },
    end() {
      if (tty && drawn) process.stdout.write('\n');
    },
  };
}
