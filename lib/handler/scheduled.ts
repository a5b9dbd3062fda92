/**
 * The sweep's Lambda plumbing: what it accepts (the schedule's EventBridge event, an on-demand
 * `{ "sweepId"?: string }`, its own continuation `{ "checkpoint": … }`), the wiring of runSweep's
 * dependencies from the runtime (the same adapters and remediation path as the event handlers),
 * and the middy stack with the Powertools logger.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EksInventory } from '../aws/eks';
import { IamInventory } from '../aws/iam';
import { FunctionInvoker, lambdaClientFor } from '../aws/lambda';
import { ACCOUNT_ID, parseArn } from '../policy/query';
import { Remediator } from '../remediation/remediator';
import { PrefetchedClusterDirectory } from '../sweep/inventory';
import type { Inventory, SweepRemediator } from '../sweep/ports';
import { isCheckpoint, runSweep, type SweepCheckpoint, type SweepDeps, type SweepResult } from '../sweep/sweep';
import { clientFactory, logger, remediatorDeps, serviceConfig } from './runtime';

export type SweepRequest =
  | { kind: 'scheduled'; sweepId: string; account?: string }
  | { kind: 'on-demand'; sweepId?: string }
  | { kind: 'continuation'; checkpoint: SweepCheckpoint }
  | { kind: 'invalid'; reason: string };

const SWEEP_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Tell the three kinds of invocation apart; anything else is `invalid` with the reason. */
export function parseSweepEvent(event: unknown): SweepRequest {
  if (event === undefined || event === null || (isObject(event) && Object.keys(event).length === 0)) return { kind: 'on-demand' };
  if (!isObject(event)) return { kind: 'invalid', reason: 'the event must be a JSON object' };
  if ('checkpoint' in event) {
    return isCheckpoint(event.checkpoint)
      ? { kind: 'continuation', checkpoint: event.checkpoint }
      : { kind: 'invalid', reason: 'checkpoint is not a sweep checkpoint' };
  }
  if (event.source === 'aws.events' || event['detail-type'] === 'Scheduled Event') {
    const id = typeof event.id === 'string' && SWEEP_ID.test(`scheduled-${event.id}`) ? `scheduled-${event.id}` : `scheduled-${Date.now()}`;
    const account = typeof event.account === 'string' && ACCOUNT_ID.test(event.account) ? event.account : undefined;
    return account ? { kind: 'scheduled', sweepId: id, account } : { kind: 'scheduled', sweepId: id };
  }
  if ('sweepId' in event && event.sweepId !== undefined) {
    if (typeof event.sweepId !== 'string' || !SWEEP_ID.test(event.sweepId)) {
      return { kind: 'invalid', reason: 'sweepId must be 1 to 128 letters, digits or . _ : -' };
    }
    return { kind: 'on-demand', sweepId: event.sweepId };
  }
  return { kind: 'on-demand' };
}

/** The account to sweep: the checkpoint's, the scheduled event's, else the function's own. */
export function accountFor(request: SweepRequest, context?: Pick<Context, 'invokedFunctionArn'>): string | undefined {
  if (request.kind === 'continuation') return request.checkpoint.account;
  if (request.kind === 'scheduled' && request.account) return request.account;
  const fromArn = context?.invokedFunctionArn ? parseArn(context.invokedFunctionArn)?.account : undefined;
  return fromArn && ACCOUNT_ID.test(fromArn) ? fromArn : undefined;
}

export interface SweepWiringOptions {
  /** Lambda's remaining time (context.getRemainingTimeInMillis). */
  remainingMs?: () => number;
  /** Own function name: enables the continuation (asynchronous self-invoke). */
  functionName?: string;
}

/**
 * runSweep's dependencies from the runtime configuration and client factory: the same adapters
 * and Remediator as the event handlers, except that Fargate profile lookups are answered from the
 * sweep's EKS inventory. Associations are remediated by a Remediator whose first cluster
 * directory is the association's region (where it is tagged).
 */
export function buildSweepDeps(account: string, opts: SweepWiringOptions = {}): SweepDeps {
  const cfg = serviceConfig();
  const factory = clientFactory();
  const home = factory.forTarget({ region: cfg.region, accountId: account });
  const iam = new IamInventory(home.iam);
  const eks = cfg.eksRegions.map((region) => ({ region, adapter: new EksInventory(factory.forTarget({ region, accountId: account }).eks) }));
  // The event handlers' dependencies, with the sweep's readers: roles from the page reader, Fargate
  // profiles from the sweep's EKS inventory.
  const shared = remediatorDeps(account);
  const { notifier } = shared;
  const remediatorFor = (inventory: Inventory, firstRegion?: string) => {
    const ordered = firstRegion ? [...eks.filter((e) => e.region === firstRegion), ...eks.filter((e) => e.region !== firstRegion)] : eks;
    return new Remediator({ ...shared, roles: iam, clusters: ordered.map((e) => new PrefetchedClusterDirectory(e.adapter, e.region, inventory)) });
  };

  const functionName = opts.functionName;
  return {
    account,
    region: cfg.region,
    mode: cfg.mode,
    roles: iam,
    regions: eks.map((e) => ({ region: e.region, eks: e.adapter })),
    remediator: (inventory): SweepRemediator => {
      const forRoles = remediatorFor(inventory);
      const byRegion = new Map<string, Remediator>();
      return {
        remediateRole: (roleName, req) => forRoles.remediateRole(roleName, req),
        remediateAssociation: (region, association, req) => {
          let r = byRegion.get(region);
          if (!r) byRegion.set(region, (r = remediatorFor(inventory, region)));
          return r.remediateAssociation(association, req);
        },
      };
    },
    notifier,
    continuation: functionName
      ? { continueFrom: (checkpoint) => new FunctionInvoker(lambdaClientFor(cfg.region)).invokeAsync(functionName, { checkpoint }) }
      : undefined,
    remainingMs: opts.remainingMs,
    log: logger,
  };
}

export interface SweepRejected {
  error: { code: 'InvalidSweepRequest'; message: string };
}

export type SweepLambda = (event: unknown, context: Context) => Promise<SweepResult | SweepRejected>;

/** The sweep Lambda: parse, wire, run. A bad payload is answered, not thrown (no retries). */
export function sweepHandler(): SweepLambda {
  const handler = middy()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event: unknown, context: Context): Promise<SweepResult | SweepRejected> => {
      const request = parseSweepEvent(event);
      if (request.kind === 'invalid') {
        logger.warn('sweep request rejected', { reason: request.reason });
        return { error: { code: 'InvalidSweepRequest', message: request.reason } };
      }
      const account = accountFor(request, context);
      if (!account) {
        const message = 'the account to sweep is unknown (no checkpoint, scheduled event or function ARN names it)';
        logger.warn('sweep request rejected', { reason: message });
        return { error: { code: 'InvalidSweepRequest', message } };
      }
      const sweepId = request.kind === 'continuation' ? request.checkpoint.sweepId : request.sweepId;
      if (sweepId) logger.setCorrelationId(sweepId);
      logger.appendKeys({ sweepKind: request.kind });
      const deps = buildSweepDeps(account, {
        remainingMs: () => context.getRemainingTimeInMillis(),
        functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      });
      return runSweep(deps, request.kind === 'continuation' ? { checkpoint: request.checkpoint } : { sweepId });
    });
  return handler as unknown as SweepLambda;
}
