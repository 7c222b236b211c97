import { LeadscoreError } from '@leadscore/core';

/** A stateful transform (encoder, fitted levels) was applied before `fit`. */
export class NotFittedError extends LeadscoreError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('NOT_FITTED', message, options);
  }
}
