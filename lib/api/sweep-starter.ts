/** POST /sweep: start a sweep (asynchronously in AWS; inline on a local stage). */
import type { Context } from 'aws-lambda';
import { ApiError } from './router';

export async function startSweep(
  _account: string,
  _requestId: string,
  _actor: string | undefined,
  _context: Context,
): Promise<{ sweepId: string; started: 'async' | 'inline'; summary?: unknown }> {
  throw new ApiError(501, 'NotImplemented', 'sweeps cannot be started yet');
}
