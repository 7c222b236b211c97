import { describe, expect, it } from 'vitest';
import { createProgress } from '../src/index.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (t: string) => chunks.push(t) }, chunks };
}

describe('createProgress', () => {
  it('writes plain lines off a TTY, throttled but always showing the first and the last update', () => {
    const s = sink(false);
    const p = createProgress('train', { stream: s.stream, intervalMs: 60_000 });
    p.update(1, 4, 'a');
    p.update(2, 4, 'b');
    p.update(4, 4, 'done');
    p.end();
    expect(s.chunks).toEqual(['    train 1/4 (25 %) a\n', '    train 4/4 (100 %) done\n']);
  });

  it('redraws one bar on a TTY and ends it with a newline', () => {
    const s = sink(true);
    const p = createProgress('build', { stream: s.stream, tty: true, intervalMs: 0 });
    p.update(5, 10);
    p.end();
    expect(s.chunks[0]).toBe(`\r    build [${'#'.repeat(15)}${'.'.repeat(15)}] 5/10 \x1b[K`);
    expect(s.chunks.at(-1)).toBe('\n');
    expect(s.chunks).toHaveLength(2);
  });

  it('prints no newline at the end when nothing was drawn', () => {
    const s = sink(true);
    createProgress('x', { stream: s.stream, tty: true }).end();
    expect(s.chunks).toEqual([]);
  });
});
