import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';
import {
  assertDeclaredInputs,
  defineFeature,
  evaluateFeature,
  expectFeature,
  testFeature,
} from '../src/index.js';

const perClient = defineFeature({
  name: 'aum_per_client_t',
  description: 'test feature',
  group: 'custom',
  kind: 'numeric',
  inputs: ['aum', 'num_clients'],
  businessSignal: true,
  compute: (r) => (r.num_clients === 0 ? Number.NaN : r.aum / r.num_clients),
});

/** Reads `years_at_firm` without declaring it, only for big books. */
const sneaky = defineFeature({
  name: 'sneaky',
  description: 'reads an undeclared input on one branch',
  group: 'custom',
  kind: 'numeric',
  inputs: ['aum'],
  businessSignal: false,
  compute: (r) => (r.aum > 1e7 ? (r as unknown as { years_at_firm: number }).years_at_firm : r.aum),
});

describe('expectFeature', () => {
  it('passes on equal values, NaN equal to NaN, within the tolerance', () => {
    expectFeature(perClient).given({ aum: 100, num_clients: 3 }).toEqual(33.333333333333336);
    expectFeature(perClient).given({ aum: 100, num_clients: 3 }).toEqual(33.33, { tolerance: 1e-3 });
    expectFeature(perClient).given({ aum: 100, num_clients: 0 }).toEqual(Number.NaN);
    expectFeature(perClient).given({ aum: 100 }).toBeMissing();
    expect(expectFeature(perClient).given({ aum: 8, num_clients: 2 }).value).toBe(4);
  });

  it('throws plain AssertionErrors with the inputs, expected and actual values', () => {
    const run = () => expectFeature(perClient).given({ aum: 100, num_clients: 4 }).toEqual(24);
    expect(run).toThrow(AssertionError);
    expect(run).toThrowErrorMatchingInlineSnapshot(
      `[AssertionError: feature "aum_per_client_t" given {"aum":100,"num_clients":4}: expected 24, got 25]`,
    );
    expect(() =>
      expectFeature(perClient).given({ aum: 1, num_clients: 0 }).toEqual(0),
    ).toThrowErrorMatchingInlineSnapshot(
      `[AssertionError: feature "aum_per_client_t" given {"aum":1,"num_clients":0}: expected 0, got NaN]`,
    );
    expect(() => expectFeature(perClient).given({ aum: 1, num_clients: 1 }).toBeMissing()).toThrow(
      AssertionError,
    );
  });

  it('fails when the feature reads an undeclared input, and rejects undeclared test inputs', () => {
    expect(() => expectFeature(sneaky).given({ aum: 2e7 }).toEqual(0)).toThrowErrorMatchingInlineSnapshot(
      `[AssertionError: feature "sneaky" read undeclared input "years_at_firm"; declared: aum]`,
    );
    expect(() =>
      expectFeature(perClient).given({ aum: 1, num_client: 2 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: row.num_client is not an input of feature "aum_per_client_t" (inputs: aum, num_clients)]`,
    );
  });
});

describe('testFeature', () => {
  it('runs all cases and reports every failure at once', () => {
    testFeature(perClient, [
      { row: { aum: 10, num_clients: 5 }, expected: 2 },
      { row: { aum: 10, num_clients: 0 }, expected: null },
    ]);
    expect(() =>
      testFeature(perClient, [
        { name: 'ok', row: { aum: 10, num_clients: 5 }, expected: 2 },
        { name: 'wrong', row: { aum: 10, num_clients: 5 }, expected: 3 },
        { row: { aum: 10, num_clients: 0 }, expected: 1 },
      ]),
    ).toThrowErrorMatchingInlineSnapshot(`
      [AssertionError: 2 of 3 cases failed for feature "aum_per_client_t":
      wrong: feature "aum_per_client_t" given {"aum":10,"num_clients":5}: expected 3, got 2
      case 2: feature "aum_per_client_t" given {"aum":10,"num_clients":0}: expected 1, got NaN]
    `);
  });
});

describe('evaluateFeature', () => {
  it('pads short histories with missing older quarters and codes string series by equality', () => {
    const seen = defineFeature({
      name: 'seen',
      description: 'echoes its history',
      group: 'custom',
      kind: 'categorical',
      history: ['firm_id'],
      businessSignal: false,
      compute: (_r, h) => [...h.firm_id].map((v) => (Number.isNaN(v) ? '.' : String(v))).join(''),
    });
    expect(evaluateFeature(seen, {}, { firm_id: ['X', 'Y', null, 'X'] })).toBe('....01.0');
  });

  it('refuses a feature that writes to its row', () => {
    const writer = defineFeature({
      name: 'writer',
      description: 'mutates its row',
      group: 'custom',
      kind: 'numeric',
      inputs: ['aum'],
      businessSignal: false,
      compute: (r) => {
        (r as { aum: number }).aum = 0;
        return 1;
      },
    });
    expect(() => evaluateFeature(writer, { aum: 1 })).toThrowErrorMatchingInlineSnapshot(
      `[AssertionError: feature "writer" wrote input "aum"; features must not modify their inputs]`,
    );
  });
});

describe('assertDeclaredInputs', () => {
  it('finds undeclared reads on rarely taken branches', () => {
    expect(() => assertDeclaredInputs(sneaky)).toThrowErrorMatchingInlineSnapshot(
      `[AssertionError: feature "sneaky" read undeclared input "years_at_firm"; declared: aum]`,
    );
    assertDeclaredInputs(perClient);
  });

  it('finds non-deterministic features and features that throw', () => {
    const random = defineFeature({ ...perClient, name: 'random', compute: () => Math.random() });
    expect(() => assertDeclaredInputs(random)).toThrow(/is not deterministic/);
    const thrower = defineFeature({
      ...perClient,
      name: 'thrower',
      compute: (r) => {
        if (r.num_clients === 0) throw new Error('boom');
        return 1;
      },
    });
    expect(() => assertDeclaredInputs(thrower)).toThrow(/feature "thrower" threw on row .*boom/);
  });
});
