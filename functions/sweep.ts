/**
 * `sweep`: evaluates every role of the account and the Pod Identity associations of the
 * configured regions' clusters, on a schedule, on demand (`{ "sweepId"?: string }`) or as its own
 * continuation (`{ "checkpoint": … }`). Thin by design: see lib/sweep and lib/handler/scheduled.ts.
 *
 * In-process use (the API's POST /sweep locally): `runSweep(buildSweepDeps(account), { sweepId })`.
 */
import { sweepHandler } from '../lib/handler/scheduled';

export { buildSweepDeps, parseSweepEvent } from '../lib/handler/scheduled';
export { runSweep } from '../lib/sweep/sweep';
export type { SweepDeps, SweepOptions, SweepResult } from '../lib/sweep/sweep';

export const handler = sweepHandler();
