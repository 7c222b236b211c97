import { describe, expect, it } from 'vitest';

describe('@leadscore/world exports', () => {
  it('keeps its public export list (a change here is an API change: add a changeset)', async () => {
    const mod = await import('../src/index.js');
    expect(Object.keys(mod).sort()).toMatchInlineSnapshot(`
      [
        "generateDiscoveryWorld",
        "summarizeWorld",
        "writeDiscoveryWorld",
      ]
    `);
  });
});
