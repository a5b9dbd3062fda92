/**
 * The remediation path shared by the event handlers, the sweep and the API: read the role's
 * current state, evaluate it with the engine, then fix / tag / report per mode, journaling every
 * change before it is made, and say what happened once.
 */
import { DuplicateEventError, FlappingError } from '../aws/errors';
import { evaluate } from '../engine';
import { parseArn } from '../policy/query';
import type { EvaluationContext, EvaluationResult, Finding, PodIdentityAssociation, PolicyDocument, RuleId, RoleFacts } from '../policy/types';
import type { RemediationMode, ServiceConfig } from './config';
import { buildNotification, type Outcome, type Trigger } from './notification';
import type { ChangeJournal, ClusterDirectory, EvaluationBus, Log, Notifier, RoleState, RoleStore } from './ports';
import { decideStatusTags, EXEMPT_UNTIL_TAG, FINDINGS_TAG, findingsTagValue, parseFindingsTag, PAUSED_TAG } from './tags';

/** Fixes of one role within this window that make it "flapping". */
export const FLAP_WINDOW_HOURS = 24;
export const FLAP_LIMIT = 3;
const CFN_STACK_TAG = 'aws:cloudformation:stack-name';

export interface RemediationReport {
  roleName: string;
  roleArn?: string;
  /** `compliant`: nothing found; `missing`: the role does not exist (any more). */
  outcome: Outcome | 'compliant' | 'missing';
  findings: Finding[];
  changed: boolean;
  notified: boolean;
  reason?: string;
  /**
   * True when the event already caused a fix of this role (a second delivery of it): nothing was
   * changed, tagged or announced now. `outcome` is the event's outcome, 'fixed' (by the first
   * delivery), as an idempotency store would replay it; `changed` is false; `reason` names the event.
   */
  duplicate?: boolean;
  originalPolicy?: PolicyDocument | null;
  newPolicy?: PolicyDocument | null;
  /** Rule ids of the role's findings still open after this run. */
  openRuleIds?: string[];
}

export interface RemediatorDeps {
  roles: RoleStore;
  /** EKS in each configured region (Fargate profile lookups, association reads and tags). */
  clusters: ClusterDirectory[];
  journal: ChangeJournal;
  notifier?: Notifier;
  bus?: EvaluationBus;
  config: ServiceConfig;
  log: Log;
  /** Name prefix of the guardrail's own roles: never changed. */
  selfRolePrefix?: string;
  account: string;
  now?: () => Date;
}

export interface RoleRequest {
  trigger: Trigger;
  mode?: RemediationMode;
  /** Role state read already (sweep): saves the GetRole call. */
  role?: RoleState;
  attachedPolicies?: string[];
  knownNodeRole?: boolean;
  knownFargateRole?: boolean;
  /** Sweep: do not publish per-role notifications for findings already on the role's tags. */
  quiet?: boolean;
}

export class Remediator {
  private readonly now: () => Date;

  constructor(private readonly deps: RemediatorDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private get config(): ServiceConfig {
    return this.deps.config;
  }

  /** Why a role must not be changed, or null. */
  private exemptReason(role: RoleState): string | null {
    if (role.path.startsWith('/aws-service-role/')) return 'service-linked role (never modified)';
    if (this.deps.selfRolePrefix && role.name.startsWith(this.deps.selfRolePrefix)) return "the guardrail's own role (never modified)";
    if ((role.tags[this.config.exemptTagKey] ?? '').toLowerCase() === 'true') return `tagged ${this.config.exemptTagKey}=true`;
    const until = role.tags[EXEMPT_UNTIL_TAG];
    if (until && Date.parse(until) > this.now().getTime()) return `exempt until ${until} after a rollback`;
    return null;
  }

  private async fargateProfiles(roleArn: string): Promise<string[]> {
    const out: string[] = [];
    for (const c of this.deps.clusters) {
      try {
        out.push(...(await c.fargateProfileArnsForRole(roleArn)));
      } catch (e) {
        // The account-wide fix still applies; a missing EKS permission must not block the IAM fix.
        this.deps.log.warn('could not list Fargate profiles; using the account-wide fix', { roleArn, error: (e as Error).message });
      }
    }
    return out;
  }

  private baseContext(role: RoleState): EvaluationContext {
    return {
      roleArn: role.arn,
      rolePath: role.path,
      trustedAccounts: this.config.trustedAccounts,
      maxPolicyLength: this.config.maxPolicyLength,
    };
  }

  /** Evaluate and remediate one role (CreateRole / UpdateAssumeRolePolicy, sweep, API). */
  async remediateRole(roleName: string, req: RoleRequest): Promise<RemediationReport> {
    const mode = req.mode ?? this.config.mode;
    const role = req.role ?? (await this.deps.roles.getRole(roleName));
    if (!role) {
      this.deps.log.warn('role not found; it was deleted before the event was handled', { roleName });
      return { roleName, outcome: 'missing', findings: [], changed: false, notified: false, reason: 'role not found' };
    }
    const exempt = this.exemptReason(role);
    const ctx = this.baseContext(role);
    ctx.knownNodeRole = req.knownNodeRole;
    ctx.knownFargateRole = req.knownFargateRole;
    // Lookups only for roles that can need them, so a compliant ordinary role costs one GetRole.
    if (/eks-fargate-pods/i.test(role.trustPolicyText)) {
      ctx.attachedPolicies = req.attachedPolicies ?? (await this.deps.roles.listAttachedPolicyArns(role.name));
    } else if (req.attachedPolicies) ctx.attachedPolicies = req.attachedPolicies;
    let result = evaluate(role.trustPolicyText, ctx);
    if (!exempt && mode === 'fix' && result.findings.some((f) => f.ruleId === 'fargate-source-arn' && f.fixable)) {
      const profiles = await this.fargateProfiles(role.arn);
      if (profiles.length > 0) result = evaluate(role.trustPolicyText, { ...ctx, fargateProfileArns: profiles });
    }
    return this.apply(role, result, mode, req.trigger, exempt, { quiet: req.quiet });
  }

  /** Evaluate a Pod Identity association: its role, its target role and the association itself. */
  async remediateAssociation(input: PodIdentityAssociation, req: RoleRequest): Promise<RemediationReport> {
    let association = input;
    if ((!association.roleArn || association.targetRoleArn === undefined) && association.clusterName && association.associationId) {
      for (const c of this.deps.clusters) {
        const found = await c.describePodIdentityAssociation(association.clusterName, association.associationId).catch((e: Error) => {
          this.deps.log.warn('DescribePodIdentityAssociation failed', { error: e.message });
          return null;
        });
        if (found) {
          association = { ...found, ...stripUndefined(association) };
          break;
        }
      }
    }
    const roleName = association.roleArn ? roleNameOf(association.roleArn) : undefined;
    if (!association.roleArn || !roleName) {
      this.deps.log.warn('association without a role ARN; nothing to evaluate', { association: { ...association } });
      return { roleName: '', outcome: 'missing', findings: [], changed: false, notified: false, reason: 'association has no role' };
    }
    const mode = req.mode ?? this.config.mode;
    const role = parseArn(association.roleArn)?.account === this.deps.account ? await this.deps.roles.getRole(roleName) : null;
    const target = await this.readTarget(association.targetRoleArn);
    const clusterAccount = association.clusterAccount ?? (association.associationArn ? parseArn(association.associationArn)?.account : undefined);
    const ctx: EvaluationContext = {
      roleArn: association.roleArn,
      rolePath: role?.path,
      trustedAccounts: this.config.trustedAccounts,
      maxPolicyLength: this.config.maxPolicyLength,
      association: { ...association, clusterAccount },
      associationRole: { exists: role !== null },
      targetRole: target?.facts,
    };
    const result = evaluate(role ? role.trustPolicyText : undefined, ctx);
    const exempt = role ? this.exemptReason(role) : null;
    const roleForReport: RoleState = role ?? {
      name: roleName,
      arn: association.roleArn,
      path: '/',
      accountId: parseArn(association.roleArn)?.account ?? '',
      trustPolicyText: '',
      tags: {},
    };
    const report = await this.apply(roleForReport, result, mode, req.trigger, exempt, {
      association,
      roleExists: role !== null,
      target: target?.state ?? undefined,
    });
    // The association itself carries the status too, so it can be found from the EKS side.
    if (mode !== 'audit' && association.associationArn && !exempt) {
      const fixedIds = [...result.fixedRuleIds, ...(result.fixedTargetRuleIds ?? [])];
      const open = report.findings.filter((f) => !(report.outcome === 'fixed' && f.fixable && fixedIds.includes(f.ruleId)));
      if (open.length > 0) {
        const tags = decideStatusTags({}, open.map((f) => f.ruleId), false, this.now()).set;
        const cluster = this.clusterFor(association.associationArn);
        await cluster?.tagResource(association.associationArn, tags);
      }
    }
    return report;
  }

  private clusterFor(_arn: string): ClusterDirectory | undefined {
    // Events are handled in the association's region: the first directory is the local one.
    return this.deps.clusters[0];
  }

  private async readTarget(targetRoleArn: string | undefined): Promise<{ facts: RoleFacts; state: RoleState | null } | null> {
    if (!targetRoleArn) return null;
    const arn = parseArn(targetRoleArn);
    if (!arn || arn.account !== this.deps.account) return { facts: { readable: false }, state: null };
    const state = await this.deps.roles.getRole(roleNameOf(targetRoleArn) ?? '');
    if (!state) return { facts: { exists: false }, state: null };
    return { facts: { exists: true, readable: true, trustPolicy: state.trustPolicyText }, state };
  }

  /**
   * Journal, then write. The journal write is conditional: it throws FlappingError when the role
   * had FLAP_LIMIT fixes within FLAP_WINDOW_HOURS and DuplicateEventError when this event already
   * caused a fix of the role; then nothing is written.
   */
  private async writeFix(role: RoleState, fixed: PolicyDocument, ruleIds: RuleId[], trigger: Trigger): Promise<void> {
    const now = this.now();
    await this.deps.journal.recordFix(
      {
        roleArn: role.arn,
        changedAt: now.toISOString(),
        eventId: trigger.eventId ?? `${trigger.source}-${now.getTime()}`,
        kind: 'fix',
        originalPolicy: role.trustPolicyText,
        newPolicy: JSON.stringify(fixed),
        ruleIds,
        actor: trigger.actor,
        account: this.deps.account,
      },
      { sinceIso: new Date(now.getTime() - FLAP_WINDOW_HOURS * 3600_000).toISOString(), limit: FLAP_LIMIT },
    );
    await this.deps.roles.updateTrustPolicy(role.name, fixed);
  }

  private async apply(
    role: RoleState,
    result: EvaluationResult,
    mode: RemediationMode,
    trigger: Trigger,
    exempt: string | null,
    extra: { quiet?: boolean; association?: PodIdentityAssociation; roleExists?: boolean; target?: RoleState },
  ): Promise<RemediationReport> {
    const { findings } = result;
    const roleExists = extra.roleExists ?? true;
    const previous = parseFindingsTag(role.tags[FINDINGS_TAG]);
    let outcome: RemediationReport['outcome'];
    let changed = false;
    let reason: string | undefined;
    let newPolicy: PolicyDocument | null = null;
    let fixedRuleIds: RuleId[] = [];
    const tagExtra: Record<string, string> = {};
    let announce = false;

    if (exempt) {
      outcome = findings.length ? 'exempt' : 'compliant';
      reason = exempt;
    } else if (findings.length === 0) {
      outcome = 'compliant';
    } else if (mode === 'audit') {
      outcome = 'reported';
    } else {
      outcome = 'tagged';
      if (mode === 'fix' && (result.fixedPolicy || result.fixedTargetPolicy)) {
        if (role.tags[PAUSED_TAG] === 'flapping') {
          reason = `automatic fixing is paused (tag ${PAUSED_TAG}); fix the source, then remove the tag`;
        } else {
          try {
            if (result.fixedPolicy && roleExists) {
              await this.writeFix(role, result.fixedPolicy, result.fixedRuleIds, trigger);
              newPolicy = result.fixedPolicy;
            }
            if (result.fixedTargetPolicy && extra.target) {
              await this.writeFix(extra.target, result.fixedTargetPolicy, result.fixedTargetRuleIds ?? [], trigger);
              if (!newPolicy) newPolicy = result.fixedTargetPolicy;
            }
          } catch (e) {
            const err = e as Error & { retryable?: boolean };
            if (e instanceof DuplicateEventError && newPolicy === null) {
              // At-least-once delivery: this event was handled already. Change, tag and announce nothing.
              reason = `duplicate delivery of event ${trigger.eventId ?? ''}: it already caused a fix of this role`;
              this.deps.log.info('duplicate event ignored', { roleArn: role.arn, eventId: trigger.eventId, reason });
              return { roleName: role.name, roleArn: role.arn, outcome: 'fixed', findings, changed: false, notified: false, reason, duplicate: true, originalPolicy: result.originalPolicy, newPolicy: null };
            }
            if (e instanceof FlappingError) {
              const stack = role.tags[CFN_STACK_TAG];
              reason =
                `fixed ${FLAP_LIMIT} times in ${FLAP_WINDOW_HOURS} h and changed back each time: automatic fixing is paused for this role; ` +
                (stack ? `fix the trust policy in CloudFormation stack ${stack}` : 'fix the trust policy at its source (infrastructure as code)') +
                ` and remove the ${PAUSED_TAG} tag`;
              tagExtra[PAUSED_TAG] = 'flapping';
              announce = true;
            } else if (e instanceof DuplicateEventError) {
              this.deps.log.info('target role already fixed for this event', { roleArn: role.arn, eventId: trigger.eventId });
            } else {
              // Throttling and transient errors are thrown so EventBridge retries (then the DLQ).
              if (err.retryable) throw e;
              outcome = 'failed';
              reason = `the fix could not be written: ${err.message}`;
              this.deps.log.error('fix rejected by IAM', { roleArn: role.arn, error: err.message });
            }
          }
          changed = newPolicy !== null && outcome !== 'failed';
          if (changed) {
            outcome = 'fixed';
            fixedRuleIds = [...(result.fixedPolicy && roleExists ? result.fixedRuleIds : []), ...(result.fixedTargetPolicy && extra.target ? result.fixedTargetRuleIds ?? [] : [])];
          }
        }
      } else if (result.fixRejected) {
        reason = result.fixRejected;
      }
    }

    const fixed = new Set(fixedRuleIds);
    // The role's tags carry the role's own open findings; association and target-role findings
    // go on the association (EKS tags), so a role pass and an association pass agree on them.
    const open = findings.filter((f) => !(f.fixable && fixed.has(f.ruleId)) && !f.subject).map((f) => f.ruleId);
    const associationFindings = findings.filter((f) => f.subject === 'association' || f.subject === 'target-role');
    if (mode !== 'audit' && !exempt && roleExists) {
      const decision = decideStatusTags(role.tags, open, changed, this.now(), tagExtra);
      if (Object.keys(decision.set).length > 0) await this.deps.roles.tagRole(role.name, decision.set);
    }

    const findingsChanged = findingsTagValue(open) !== findingsTagValue(previous);
    const notifyNeeded =
      changed ||
      outcome === 'failed' ||
      announce ||
      // A sweep (quiet) announces only what is new; events announce every finding they see.
      (outcome !== 'compliant' && (extra.quiet ? findingsChanged && mode !== 'audit' && !exempt : findingsChanged || mode === 'audit' || !!exempt)) ||
      (associationFindings.length > 0 && !extra.quiet) ||
      (outcome === 'compliant' && previous.length > 0 && !exempt && mode !== 'audit');
    const envelope = buildNotification({
      account: this.deps.account,
      region: this.config.region,
      trigger,
      role: { name: role.name, arn: role.arn },
      association: null,
      associationInput: extra.association,
      mode,
      outcome: outcome === 'compliant' ? (mode === 'audit' ? 'reported' : 'tagged') : outcome,
      findings,
      fixedRuleIds,
      originalPolicy: result.originalPolicy,
      newPolicy,
      ...(reason ? { reason } : {}),
      ...(changed ? { rollback: `POST /roles/${role.name}/rollback restores the journaled original` } : {}),
    });
    let notified = false;
    if (notifyNeeded && this.deps.notifier) {
      await this.deps.notifier.publish(envelope);
      notified = true;
    }
    if (this.deps.bus) await this.deps.bus.put(envelope.message);
    this.deps.log.info('evaluated role', {
      roleArn: role.arn,
      outcome,
      ruleIds: envelope.ruleIds,
      changed,
      notified,
      ...(reason ? { reason } : {}),
    });
    return {
      roleName: role.name,
      roleArn: role.arn,
      outcome,
      findings,
      changed,
      notified,
      reason,
      originalPolicy: result.originalPolicy,
      newPolicy,
      openRuleIds: [...new Set(open)].sort(),
    };
  }
}

export function roleNameOf(roleArn: string): string | undefined {
  const arn = parseArn(roleArn);
  if (!arn || !arn.resource.startsWith('role/')) return undefined;
  return arn.resource.split('/').pop();
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
