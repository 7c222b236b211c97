import { createRng } from '@leadscore/core';

console.log(`leadscore demo: seeded RNG ready (first draw ${createRng(42).next().toFixed(6)})`);
