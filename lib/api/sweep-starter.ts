/**
 * POST /sweep: start a sweep of the account.
 *
 * - Deployed (`SWEEP_FUNCTION_NAME` set): an asynchronous invocation (InvocationType Event) of the
 *   sweep function with `{ sweepId }`, answered at once with 202. The sweep runs up to 15 minutes
 *   and continues itself from a checkpoint, far beyond an HTTP API's 30-second limit; its summary
 *   arrives on the notification topic. The sweep function has a reserved concurrency of 1, so a
 *   start while another sweep runs waits in Lambda's queue rather than running beside it.
 * - Local stage (serverless-offline, no `SWEEP_FUNCTION_NAME`): the sweep runs here, in-process,
 *   with the same wiring as the sweep function (runSweep over buildSweepDeps) and no
 *   continuation, and the answer (200) carries its summary. Meant for an emulator's few roles.
 */
import type { Context } from 'aws-lambda';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { FunctionInvoker, lambdaClientFor } from '../aws/lambda';
import { buildSweepDeps } from '../handler/scheduled';
import { serviceConfig } from '../handler/runtime';
import { runSweep, type SweepResult } from '../sweep/sweep';

export interface SweepStarted {
  sweepId: string;
  started: 'async' | 'inline';
  /** Inline runs only: the finished sweep's result (the summary's counts and more). */
  summary?: SweepResult;
}

/** What parseSweepEvent accepts as a sweep id (lib/handler/scheduled.ts). */
const SWEEP_ID_CHARS = /[^A-Za-z0-9._:-]/g;
const MAX_SWEEP_ID = 128;

/**
 * `sweep-<requestId>`: traceable to the API request (and its access log line). API Gateway
 * request ids may contain `=`, which sweep ids do not allow: such characters become `-`.
 */
export function sweepIdFor(requestId: string): string {
  const cleaned = requestId.replace(SWEEP_ID_CHARS, '-') || `${Date.now()}`;
  return `sweep-${cleaned}`.slice(0, MAX_SWEEP_ID);
}

export interface SweepStarterOptions {
  /** Default: process.env. */
  env?: Record<string, string | undefined>;
  /** Default: one client per cold start in the service's region. */
  lambdaClient?: LambdaClient;
  /** Default: runSweep(buildSweepDeps(account), { sweepId }). */
  runInline?: (account: string, sweepId: string) => Promise<SweepResult>;
}

let cachedClient: LambdaClient | undefined;

function lambdaClient(): LambdaClient {
  cachedClient ??= lambdaClientFor(serviceConfig().region);
  return cachedClient;
}

/** For tests: forget the cached Lambda client (new environment, new mock). */
export function resetSweepStarter(): void {
  cachedClient = undefined;
}

export async function startSweep(
  account: string,
  requestId: string,
  _actor: string | undefined,
  _context: Context | undefined,
  opts: SweepStarterOptions = {},
): Promise<SweepStarted> {
  const env = opts.env ?? process.env;
  const sweepId = sweepIdFor(requestId);
  const functionName = env.SWEEP_FUNCTION_NAME?.trim();
  if (functionName) {
    await new FunctionInvoker(opts.lambdaClient ?? lambdaClient()).invokeAsync(functionName, { sweepId });
    return { sweepId, started: 'async' };
  }
  const run = opts.runInline ?? ((acct: string, id: string) => runSweep(buildSweepDeps(acct), { sweepId: id }));
  const summary = await run(account, sweepId);
  return { sweepId, started: 'inline', summary };
}
