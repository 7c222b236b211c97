/** Where progress is written: a stream with an optional `isTTY` (process.stdout fits). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * Progress for long steps: a redrawn bar on a TTY, a plain line every few seconds elsewhere (CI logs).
 */
export interface Progress {
  /** Reports `done` of `total` units, with an optional short note (e.g. the current metric). */
  update(done: number, total: number, note?: string): void;
  /** Finishes the bar (or prints nothing more in plain mode). */
  end(): void;
}

/** Options of {@link createProgress}. */
export interface CreateProgressOptions {
  /** Minimum time between two redraws or lines. @default 100 on a TTY, 5000 otherwise */
  intervalMs?: number;
  /** Where to write. @default process.stdout */
  stream?: ProgressStream;
  /** Draw a bar (true) or plain lines (false). @default stream.isTTY and no CI environment variable */
  tty?: boolean;
}

/**
 * Creates a progress reporter labelled `label`.
 * @example const p = createProgress('training'); p.update(10, 400, 'AUC-PR 0.21'); p.end();
 */
export function createProgress(label: string, options: CreateProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stdout;
  const tty = options.tty ?? (stream.isTTY === true && process.env.CI === undefined);
  const intervalMs = options.intervalMs ?? (tty ? 100 : 5000);
  // -Infinity so the first update always shows: a step that finishes quickly still leaves one line.
  let last = Number.NEGATIVE_INFINITY;
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
        stream.write(`\r    ${label} [${bar}] ${done}/${total} ${note}\x1b[K`);
        drawn = true;
      } else {
        stream.write(`${`    ${label} ${done}/${total} (${Math.round(share * 100)} %) ${note}`.trimEnd()}\n`);
      }
    },
    end() {
      if (tty && drawn) stream.write('\n');
      drawn = false;
    },
  };
}
