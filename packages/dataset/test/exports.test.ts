import { describe, expect, it } from 'vitest';

describe('@leadscore/dataset exports', () => {
  it('keeps its public export list (a change here is an API change: add a changeset)', async () => {
    const mod = await import('../src/index.js');
    expect(Object.keys(mod).sort()).toMatchInlineSnapshot(`
      [
        "BUILD_STEPS",
        "COHORT_STAT_KINDS",
        "CsvValueError",
        "DATASET_METADATA_FORMAT",
        "DATASET_METADATA_FORMAT_VERSION",
        "DuckDbWarehouse",
        "EXCLUSION_REASONS",
        "FEATURE_POLICIES",
        "LOGICAL_TYPES",
        "MAX_OFFENDING_IDS",
        "RESERVED_OUTPUT_COLUMNS",
        "VERIFY_ISSUE_CODES",
        "assertDatasetVerified",
        "auditDatasetLeakage",
        "bigqueryDialect",
        "buildDataset",
        "checkCsvValues",
        "cohortSource",
        "cohortStatSchema",
        "columnPolicies",
        "datasetMetadataFileName",
        "datasetMetadataSchema",
        "datasetSpecSchema",
        "duckdbDialect",
        "featureGroupSchema",
        "getDialect",
        "leakageExposedColumns",
        "openBigQueryWarehouse",
        "openDuckDbWarehouse",
        "openWarehouse",
        "outputColumns",
        "parseDatasetSpec",
        "quoteIdentifier",
        "readDatasetMetadata",
        "safeParseDatasetSpec",
        "safeVerifyDataset",
        "v7DatasetSpec",
        "verifyDataset",
        "verifyIssues",
      ]
    `);
  });

  it('keeps the not-semver-stable internal subpath to the plumbing', async () => {
    const mod = await import('../src/internal/index.js');
    expect(Object.keys(mod).sort()).toMatchInlineSnapshot(`
      [
        "BIGQUERY_PROJECT_ID",
        "DATA_END_PARAM",
        "IDENTIFIER_SEGMENT",
        "MAX_IDENTIFIER_LENGTH",
        "assertIdentifier",
        "compileDatasetSql",
        "parseIdentifier",
      ]
    `);
  });
});
