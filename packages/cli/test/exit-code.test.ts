import { parseArgs } from 'node:util';
import {
  ArtifactError,
  DataError,
  InvalidArgumentError,
  LeakageError,
  ModelFormatError,
  SchemaError,
  ValidationError,
  WarehouseError,
} from '@leadscore/core';
import { GateFailedError } from '@leadscore/gates';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, exitCodeFor } from '../src/index.js';

describe('exitCodeFor', () => {
  it('maps bad input to 2', () => {
    expect(exitCodeFor(new InvalidArgumentError('x'))).toBe(2);
    expect(exitCodeFor(new DataError('x'))).toBe(2);
    expect(exitCodeFor(new SchemaError('x'))).toBe(2);
    expect(exitCodeFor(new ValidationError([]))).toBe(2);
    expect(exitCodeFor(new ModelFormatError('x'))).toBe(2);
    const enoent = Object.assign(new Error('no such file'), { code: 'ENOENT' });
    expect(exitCodeFor(enoent)).toBe(2);
  });

  it('maps node:util parseArgs errors (unknown flag, missing value) to 2', () => {
    let thrown: unknown;
    try {
      parseArgs({ args: ['--nope'], options: {}, strict: true });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect(exitCodeFor(thrown)).toBe(EXIT_CODES.badInput);
  });

  it('maps failed gates and the leakage audit to 1', () => {
    expect(
      exitCodeFor(new GateFailedError([{ code: 'cv_ap_below_threshold', path: [], message: 'x' }])),
    ).toBe(1);
    expect(exitCodeFor(new LeakageError('x'))).toBe(1);
  });

  it('maps everything else to 3', () => {
    expect(exitCodeFor(new WarehouseError('x'))).toBe(3);
    expect(exitCodeFor(new ArtifactError('x'))).toBe(3);
    expect(exitCodeFor(new Error('boom'))).toBe(3);
    expect(exitCodeFor('a string')).toBe(3);
  });
});
