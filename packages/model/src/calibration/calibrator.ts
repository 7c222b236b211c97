/**
 * The calibrator of a model: isotonic, Platt or none, fitted on out-of-fold ensemble margins and stored
 * in the model file as plain JSON.
 * @module
 */
import { formatValue, InvalidArgumentError } from '@leadscore/core/errors';
import { applyIsotonic, fitIsotonic, type IsotonicCalibrator } from './isotonic.js';
import { applyPlatt, fitPlatt, type PlattCalibrator } from './platt.js';

/** A fitted calibrator (plain JSON); `none` maps a margin to its sigmoid. */
export type Calibrator = IsotonicCalibrator | PlattCalibrator | { readonly method: 'none' };

/** Calibration methods. */
export type CalibrationMethod = Calibrator['method'];

/**
 * Fits a calibrator of `method` on margins (log-odds) and 0/1 labels.
 * @example const cal = fitCalibrator('isotonic', oofMargins, labels);
 */
export function fitCalibrator(
  method: CalibrationMethod,
  margins: ArrayLike<number>,
  labels: ArrayLike<number>,
): Calibrator {
  if (method === 'isotonic') return fitIsotonic(margins, labels);
  if (method === 'platt') return fitPlatt(margins, labels);
  if (method === 'none') return Object.freeze({ method: 'none' as const });
  throw new InvalidArgumentError(
    `calibration must be 'isotonic', 'platt' or 'none', found ${formatValue(method)}`,
    { details: { parameter: 'calibration', value: method } },
  );
}

/** Probabilities of margins under a calibrator (a new array). */
export function calibrate(calibrator: Calibrator, margins: ArrayLike<number>): Float64Array {
  const out = new Float64Array(margins.length);
  for (let i = 0; i < out.length; i++) {
    const m = margins[i]!;
    if (calibrator.method === 'isotonic') out[i] = applyIsotonic(calibrator, m);
    else if (calibrator.method === 'platt') out[i] = applyPlatt(calibrator, m);
    else out[i] = 1 / (1 + Math.exp(-m));
  }
  return out;
}
