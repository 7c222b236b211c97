import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

describe('README example', () => {
  it('runs as written', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    // The example imports the published name; the copy binds it to the source.
    const file = new URL(`./readme-example-${process.pid}.tmp.ts`, import.meta.url);
    writeFileSync(file, code.replace("from '@leadscore/gates'", "from '../src/index.js'"));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import(file.href);
      const lines = log.mock.calls.map((c) => c.map(String).join(' '));
      expect(lines.some((l) => /^(pass|fail) cv_average_precision/.test(l))).toBe(true);
      expect(lines.at(-1)).toBe('pr-curves, gains, calibration true');
    } finally {
      log.mockRestore();
      rmSync(file, { force: true });
    }
  });
});
