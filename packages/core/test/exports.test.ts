import { describe, expect, it } from 'vitest';

describe('@leadscore/core exports', () => {
  it('keeps its public export list (a change here is an API change: add a changeset)', async () => {
    const mod = await import('../src/index.js');
    expect(Object.keys(mod).sort()).toMatchInlineSnapshot(`
      [
        "ArtifactError",
        "COLUMN_GROUPS",
        "COLUMN_KINDS",
        "COLUMN_TYPES",
        "CancelledError",
        "DEFAULT_COLUMN_MAP",
        "DataError",
        "FIRM_TYPES",
        "InvalidArgumentError",
        "LEAD_COLUMNS",
        "LeadscoreError",
        "LeakageError",
        "ModelFormatError",
        "REGISTRATION_TYPES",
        "SNAPSHOT_COLUMNS",
        "SchemaError",
        "ValidationError",
        "WarehouseError",
        "averagePrecision",
        "brierScore",
        "calibrationCurve",
        "columnIndex",
        "columnMapOptionsSchema",
        "createColumnMap",
        "createMatrix",
        "createRng",
        "cvFoldResultSchema",
        "cvResultSchema",
        "expectedCalibrationError",
        "featureImportanceSchema",
        "foldListSchema",
        "foldSchema",
        "formatPath",
        "formatValue",
        "fromRows",
        "gateOutcomeSchema",
        "gateReportSchema",
        "hashJson",
        "issue",
        "issuesFromZod",
        "leadSchema",
        "liftAt",
        "logLoss",
        "matrixColumn",
        "metricSetSchema",
        "parseRows",
        "parseWith",
        "precisionAt",
        "psi",
        "psiTable",
        "readCvResult",
        "readFoldList",
        "repCurrentSchema",
        "repSnapshotSchema",
        "rocAuc",
        "safeParseRows",
        "safeParseWith",
        "safeReadCvResult",
        "safeReadFoldList",
        "selectColumns",
        "sha256Hex",
        "takeRows",
        "validateRows",
        "writeFileAtomic",
      ]
    `);
  });

  it('keeps the not-semver-stable internal subpath to the plumbing', async () => {
    expect(Object.keys(await import('../src/internal/index.js')).sort()).toMatchInlineSnapshot(`
      [
        "assertArg",
        "assertFinite",
        "assertInteger",
        "assertKnownKeys",
        "assertSameLength",
        "canonicalJson",
      ]
    `);
  });

  it('keeps the dependency-free subpaths small', async () => {
    expect(Object.keys(await import('../src/errors/index.js')).sort()).toMatchInlineSnapshot(`
      [
        "ArtifactError",
        "CancelledError",
        "DataError",
        "InvalidArgumentError",
        "LeadscoreError",
        "LeakageError",
        "ModelFormatError",
        "SchemaError",
        "WarehouseError",
        "formatValue",
      ]
    `);
    expect(Object.keys(await import('../src/rng/index.js')).sort()).toMatchInlineSnapshot(`
      [
        "createRng",
      ]
    `);
  });
});
