/**
 * The account sweep: every role, then every Pod Identity association of the configured regions'
 * clusters, through the same remediation path as the event handlers, with one summary at the end.
 *
 * - Roles are read a page at a time with GetAccountAuthorizationDetails (trust policy, path, tags
 *   and attached managed policies in one call per 1,000 roles), and handed to the remediator
 *   prefetched, so no role costs a further read.
 * - At most `concurrency` roles are remediated at once (the SDK retries throttled calls with
 *   adaptive backoff on top); a role whose remediation throws is retried once, then counted as
 *   failed, and the sweep goes on.
 * - Work is done in units (an IAM page, a cluster's associations). Before each unit after the
 *   first, the remaining Lambda time is checked: when it is below the safety margin, the sweep
 *   hands a checkpoint to a new invocation of itself and stops. The invocation that finishes
 *   publishes the summary, once.
 */
import { randomUUID } from 'node:crypto';
import type { PodIdentityAssociation } from '../policy/types';
import type { RemediationMode } from '../remediation/config';
import type { Trigger } from '../remediation/notification';
import type { Log, Notifier } from '../remediation/ports';
import type { RemediationReport } from '../remediation/remediator';
import { readInventory, roleKey } from './inventory';
import { forEachLimited } from './pool';
import type { Continuation, Inventory, RegionReader, RoleDetails, RoleSource, SweepRemediator } from './ports';
import { buildSweepSummary, type SweepSummary } from './summary';
import { emptyTally, record, recordFailure, type Tally } from './tally';

export const CHECKPOINT_KIND = 'eks-trust-guard/sweep-checkpoint@1';
export const DEFAULT_CONCURRENCY = 4;
/** IAM's largest page for GetAccountAuthorizationDetails. */
export const DEFAULT_PAGE_SIZE = 1000;
/** Time kept back for the last unit's stragglers, the continuation call and the summary. */
export const DEFAULT_SAFETY_MARGIN_MS = 90_000;
/** A runaway guard: a sweep never hands itself on more often than this. */
export const DEFAULT_MAX_INVOCATIONS = 50;
/** Asynchronous Lambda payloads may be 256 KB; the inventory is left out of larger checkpoints. */
export const DEFAULT_MAX_CHECKPOINT_BYTES = 200_000;

export interface SweepCheckpoint {
  kind: typeof CHECKPOINT_KIND;
  sweepId: string;
  account: string;
  startedAt: string;
  /** Number of the invocation this checkpoint starts (the first continuation is 2). */
  invocation: number;
  phase: 'roles' | 'associations';
  /** roles: IAM marker of the next page (absent: the first page). */
  marker?: string;
  /** associations: index in inventory.clusters of the next cluster. */
  cluster?: number;
  pages: number;
  tally: Tally;
  /** Absent when it would make the payload too large: read again. */
  inventory?: Inventory;
  warnings: string[];
}

export interface SweepDeps {
  account: string;
  region: string;
  mode: RemediationMode;
  roles: RoleSource;
  /** EKS in each configured region (the function's own region first). */
  regions: RegionReader[];
  /** The remediation path, built once the inventory is known (Fargate profiles answered from it). */
  remediator: (inventory: Inventory) => SweepRemediator;
  /** Summary publisher (the evaluations' topic); absent: the summary is only logged and returned. */
  notifier?: Notifier;
  /** Absent (in-process runs): the sweep never hands on and runs to the end. */
  continuation?: Continuation;
  /** Lambda's context.getRemainingTimeInMillis; absent: no deadline. */
  remainingMs?: () => number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  log: Log;
}

export interface SweepOptions {
  sweepId?: string;
  checkpoint?: SweepCheckpoint;
  concurrency?: number;
  pageSize?: number;
  safetyMarginMs?: number;
  maxInvocations?: number;
  maxCheckpointBytes?: number;
  /** Pause before retrying a role whose remediation threw a retryable error. */
  retryDelayMs?: number;
}

export interface SweepResult {
  sweepId: string;
  account: string;
  startedAt: string;
  /** Set by the invocation that finished. */
  finishedAt?: string;
  roles: number;
  byOutcome: Record<string, number>;
  byRule: Record<string, number>;
  bySeverity: Record<string, number>;
  worst: SweepSummary['worst'];
  associations: SweepSummary['associations'];
  failures: SweepSummary['failures'];
  warnings: string[];
  pages: number;
  invocation: number;
  /** True: this invocation stopped early and handed a checkpoint to the next one. */
  continued: boolean;
  summaryPublished: boolean;
}

export function isCheckpoint(value: unknown): value is SweepCheckpoint {
  const v = value as Partial<SweepCheckpoint> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.kind === CHECKPOINT_KIND &&
    typeof v.sweepId === 'string' &&
    typeof v.startedAt === 'string' &&
    typeof v.invocation === 'number' &&
    (v.phase === 'roles' || v.phase === 'associations') &&
    typeof v.tally === 'object' &&
    v.tally !== null
  );
}

const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));
const isRetryable = (e: unknown) => typeof e === 'object' && e !== null && (e as { retryable?: unknown }).retryable === true;

interface State {
  sweepId: string;
  startedAt: string;
  invocation: number;
  phase: 'roles' | 'associations' | 'done';
  marker?: string;
  cluster: number;
  pages: number;
  tally: Tally;
  warnings: string[];
}

export async function runSweep(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepResult> {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const safetyMarginMs = options.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
  const maxInvocations = options.maxInvocations ?? DEFAULT_MAX_INVOCATIONS;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const cp = options.checkpoint;
  const { log } = deps;

  const state: State = cp
    ? {
        sweepId: cp.sweepId,
        startedAt: cp.startedAt,
        invocation: cp.invocation,
        phase: cp.phase,
        marker: cp.marker,
        cluster: cp.cluster ?? 0,
        pages: cp.pages,
        tally: structuredClone(cp.tally),
        warnings: [...cp.warnings],
      }
    : {
        sweepId: options.sweepId ?? randomUUID(),
        startedAt: now().toISOString(),
        invocation: 1,
        phase: 'roles',
        cluster: 0,
        pages: 0,
        tally: emptyTally(),
        warnings: [],
      };
  log.info(cp ? 'sweep continues from a checkpoint' : 'sweep started', {
    sweepId: state.sweepId,
    invocation: state.invocation,
    phase: state.phase,
    rolesSoFar: state.tally.roles.total,
  });

  const inventory = cp?.inventory ?? (await readInventory(deps.regions, log));
  if (!cp?.inventory) for (const w of inventory.warnings) if (!state.warnings.includes(w)) state.warnings.push(w);
  const remediator = deps.remediator(inventory);
  const nodeRoles = new Set(inventory.nodeRoles);
  const trigger: Trigger = { source: 'sweep', eventName: 'Sweep', eventId: state.sweepId };

  // ---- the deadline -------------------------------------------------------------------------
  let unitsThisInvocation = 0;
  let slowestUnitMs = 0;
  let canHandOn = !!deps.continuation;
  const timeToHandOn = (): boolean => {
    if (!deps.remainingMs || !canHandOn || unitsThisInvocation === 0) return false;
    if (deps.remainingMs() >= Math.max(safetyMarginMs, 1.5 * slowestUnitMs)) return false;
    if (state.invocation >= maxInvocations) {
      log.error('the sweep has handed on too often; this invocation carries on to the end', { sweepId: state.sweepId, invocation: state.invocation });
      canHandOn = false;
      return false;
    }
    return true;
  };
  const unit = async (work: () => Promise<void>) => {
    const started = now().getTime();
    await work();
    slowestUnitMs = Math.max(slowestUnitMs, now().getTime() - started);
    unitsThisInvocation++;
  };

  // ---- one role / one association ------------------------------------------------------------
  const sweepRole = async ({ role, attachedPolicies }: RoleDetails): Promise<void> => {
    const key = roleKey(role.arn);
    const base = {
      trigger,
      attachedPolicies,
      knownNodeRole: nodeRoles.has(key) || undefined,
      knownFargateRole: key in inventory.fargateProfiles || undefined,
      quiet: true,
    };
    let report: RemediationReport;
    try {
      try {
        report = await remediator.remediateRole(role.name, { ...base, role });
      } catch (e) {
        if (!isRetryable(e)) throw e;
        log.warn('remediation failed with a retryable error; retrying once with a fresh read', { roleName: role.name, error: errorMessage(e) });
        await sleep(retryDelayMs);
        report = await remediator.remediateRole(role.name, base);
      }
    } catch (e) {
      log.error('role could not be remediated; counted as failed', { roleName: role.name, error: errorMessage(e) });
      recordFailure(state.tally, role.name, errorMessage(e));
      return;
    }
    record(state.tally, report);
  };

  const sweepAssociation = async (region: string, a: PodIdentityAssociation): Promise<void> => {
    const label = a.associationArn ?? `${a.clusterName}/${a.associationId}`;
    try {
      const report = await remediator.remediateAssociation(region, a, { trigger, quiet: true });
      record(state.tally, { ...report, roleName: report.roleName || `${a.namespace ?? '?'}/${a.serviceAccount ?? '?'}` }, label);
    } catch (e) {
      log.error('association could not be remediated; counted as failed', { association: label, error: errorMessage(e) });
      recordFailure(state.tally, a.roleArn ?? '', errorMessage(e), label);
    }
  };

  // ---- roles, page by page -------------------------------------------------------------------
  while (state.phase === 'roles') {
    if (timeToHandOn() && (await handOn())) return result({ continued: true, summaryPublished: false });
    await unit(async () => {
      const page = await deps.roles.roleDetailsPage(state.marker, pageSize);
      state.pages++;
      await forEachLimited(page.roles, concurrency, sweepRole);
      log.info('sweep page done', { sweepId: state.sweepId, page: state.pages, roles: page.roles.length, rolesSoFar: state.tally.roles.total });
      state.marker = page.marker;
      if (!page.marker) state.phase = 'associations';
    });
  }

  // ---- Pod Identity associations, cluster by cluster -----------------------------------------
  while (state.phase === 'associations') {
    if (state.cluster >= inventory.clusters.length) {
      state.phase = 'done';
      break;
    }
    if (timeToHandOn() && (await handOn())) return result({ continued: true, summaryPublished: false });
    await unit(async () => {
      const { region, name } = inventory.clusters[state.cluster];
      const eks = deps.regions.find((r) => r.region === region)?.eks;
      let associations: PodIdentityAssociation[] = [];
      try {
        associations = eks ? await eks.listPodIdentityAssociations(name) : [];
      } catch (e) {
        const w = `Pod Identity associations of cluster ${name} in ${region} could not be listed: ${errorMessage(e)}`;
        state.warnings.push(w);
        log.warn('could not list Pod Identity associations; the cluster is skipped', { region, cluster: name, error: errorMessage(e) });
      }
      await forEachLimited(associations, concurrency, (a) => sweepAssociation(region, { clusterName: name, ...a }));
      state.cluster++;
    });
  }

  // ---- finished: one summary -----------------------------------------------------------------
  const finishedAt = now().toISOString();
  const envelope = buildSweepSummary({
    sweepId: state.sweepId,
    account: deps.account,
    region: deps.region,
    mode: deps.mode,
    startedAt: state.startedAt,
    finishedAt,
    tally: state.tally,
    pages: state.pages,
    invocations: state.invocation,
    warnings: state.warnings,
  });
  log.info('sweep finished', {
    sweepId: state.sweepId,
    roles: envelope.message.roles,
    byOutcome: envelope.message.byOutcome,
    associations: envelope.message.associations.count,
    pages: state.pages,
    invocations: state.invocation,
  });
  let summaryPublished = false;
  if (deps.notifier) {
    await deps.notifier.publish(envelope);
    summaryPublished = true;
  }
  return result({ finishedAt, continued: false, summaryPublished });

  // ---- helpers (hoisted) ---------------------------------------------------------------------
  /** Start the next invocation; false (and carry on here) when that cannot be done. */
  async function handOn(): Promise<boolean> {
    const checkpoint: SweepCheckpoint = {
      kind: CHECKPOINT_KIND,
      sweepId: state.sweepId,
      account: deps.account,
      startedAt: state.startedAt,
      invocation: state.invocation + 1,
      phase: state.phase === 'associations' ? 'associations' : 'roles',
      ...(state.phase === 'roles' && state.marker !== undefined ? { marker: state.marker } : {}),
      ...(state.phase === 'associations' ? { cluster: state.cluster } : {}),
      pages: state.pages,
      tally: state.tally,
      inventory,
      warnings: state.warnings,
    };
    if (Buffer.byteLength(JSON.stringify(checkpoint)) > (options.maxCheckpointBytes ?? DEFAULT_MAX_CHECKPOINT_BYTES)) {
      delete checkpoint.inventory;
    }
    log.info('sweep hands on to a new invocation', {
      sweepId: state.sweepId,
      nextInvocation: checkpoint.invocation,
      phase: checkpoint.phase,
      rolesSoFar: state.tally.roles.total,
      remainingMs: deps.remainingMs?.(),
    });
    try {
      await deps.continuation!.continueFrom(checkpoint);
      return true;
    } catch (e) {
      log.error('could not start the next invocation; this one carries on', { sweepId: state.sweepId, error: errorMessage(e) });
      canHandOn = false;
      return false;
    }
  }

  function result(r: { finishedAt?: string; continued: boolean; summaryPublished: boolean }): SweepResult {
    const t = state.tally;
    return {
      sweepId: state.sweepId,
      account: deps.account,
      startedAt: state.startedAt,
      ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
      roles: t.roles.total,
      byOutcome: { ...t.roles.byOutcome },
      byRule: { ...t.roles.byRule },
      bySeverity: { ...t.roles.bySeverity },
      worst: t.worst,
      associations: { count: t.associations.total, byOutcome: t.associations.byOutcome, byRule: t.associations.byRule, bySeverity: t.associations.bySeverity },
      failures: t.failures,
      warnings: state.warnings,
      pages: state.pages,
      invocation: state.invocation,
      continued: r.continued,
      summaryPublished: r.summaryPublished,
    };
  }
}
