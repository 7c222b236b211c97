import { expect, it } from 'vitest';
import * as cli from '../src/index.js';

it('exports a stable public API', () => {
  expect(Object.keys(cli).sort()).toMatchInlineSnapshot(`
    [
      "COMMANDS",
      "CONFIG_FILE_NAME",
      "EXIT_CODES",
      "FEATURE_MANIFEST_FILE",
      "cliConfigSchema",
      "createProgress",
      "datasetSpecFor",
      "exitCodeFor",
      "loadConfig",
      "parseColumnTypes",
      "processIo",
      "runCli",
      "summarizeFeatureMatrix",
    ]
  `);
});
