/**
 * Roll back the guardrail's last change to a role: restore the journaled original, journal the
 * rollback itself, and exempt the role for a while so the guardrail does not immediately undo
 * the person's decision. Said in a notification.
 */
import { evaluate } from '../engine';
import type { PolicyDocument } from '../policy/types';
import type { ServiceConfig } from './config';
import { buildNotification, type Trigger } from './notification';
import type { ChangeJournal, Log, Notifier, RoleStore } from './ports';
import { EXEMPT_UNTIL_TAG, FINDINGS_TAG, STATUS_TAG, findingsTagValue, CHECKED_AT_TAG } from './tags';

export class RollbackError extends Error {
  constructor(
    readonly code: 'RoleNotFound' | 'NothingToRollBack' | 'AlreadyRolledBack' | 'JournalCorrupt',
    message: string,
  ) {
    super(message);
    this.name = 'RollbackError';
  }
}

export interface RollbackDeps {
  roles: RoleStore;
  journal: ChangeJournal;
  notifier?: Notifier;
  config: ServiceConfig;
  log: Log;
  account: string;
  now?: () => Date;
}

export interface RollbackReport {
  roleName: string;
  roleArn: string;
  restoredPolicy: PolicyDocument;
  rolledBackChangeAt: string;
  exemptUntil: string;
}

export async function rollbackLastChange(deps: RollbackDeps, roleName: string, trigger: Trigger): Promise<RollbackReport> {
  const now = (deps.now ?? (() => new Date()))();
  const role = await deps.roles.getRole(roleName);
  if (!role) throw new RollbackError('RoleNotFound', `role ${roleName} does not exist`);
  const last = await deps.journal.lastChange(role.arn);
  if (!last) throw new RollbackError('NothingToRollBack', `the journal holds no change to role ${roleName}`);
  if (last.kind === 'rollback') {
    throw new RollbackError('AlreadyRolledBack', `the last change to role ${roleName} (${last.changedAt}) is already a rollback`);
  }
  let restored: PolicyDocument;
  try {
    restored = JSON.parse(last.originalPolicy) as PolicyDocument;
  } catch {
    throw new RollbackError('JournalCorrupt', `the journaled original policy of role ${roleName} is not valid JSON`);
  }
  // The rollback is a change too: journal it before making it (its original is today's policy).
  await deps.journal.record({
    roleArn: role.arn,
    changedAt: now.toISOString(),
    eventId: trigger.eventId ?? `rollback-${now.getTime()}`,
    kind: 'rollback',
    originalPolicy: role.trustPolicyText,
    newPolicy: last.originalPolicy,
    ruleIds: last.ruleIds,
    actor: trigger.actor,
    account: deps.account,
  });
  await deps.roles.updateTrustPolicy(role.name, restored);
  const exemptUntil = new Date(now.getTime() + deps.config.rollbackExemptHours * 3600_000).toISOString();
  const result = evaluate(restored, { roleArn: role.arn, rolePath: role.path, trustedAccounts: deps.config.trustedAccounts, maxPolicyLength: deps.config.maxPolicyLength });
  const open = result.findings.map((f) => f.ruleId);
  await deps.roles.tagRole(role.name, {
    [EXEMPT_UNTIL_TAG]: exemptUntil,
    [STATUS_TAG]: open.length ? 'noncompliant' : 'compliant',
    [FINDINGS_TAG]: findingsTagValue(open),
    [CHECKED_AT_TAG]: now.toISOString(),
  });
  const envelope = buildNotification({
    account: deps.account,
    region: deps.config.region,
    trigger,
    role: { name: role.name, arn: role.arn },
    association: null,
    mode: deps.config.mode,
    outcome: 'exempt',
    findings: result.findings,
    fixedRuleIds: [],
    originalPolicy: JSON.parse(role.trustPolicyText) as PolicyDocument,
    newPolicy: restored,
    reason:
      `rolled back${trigger.actor ? ` by ${trigger.actor}` : ''} to the policy before the change of ${last.changedAt}; ` +
      `the guardrail leaves the role alone until ${exemptUntil} (tag ${EXEMPT_UNTIL_TAG})`,
  });
  envelope.subject = `[${envelope.severity === 'none' ? 'INFO' : envelope.severity.toUpperCase()}] rolled back trust policy of role ${role.name}`.slice(0, 100);
  if (deps.notifier) await deps.notifier.publish(envelope);
  deps.log.info('rolled back', { roleArn: role.arn, changeAt: last.changedAt, exemptUntil });
  return { roleName: role.name, roleArn: role.arn, restoredPolicy: restored, rolledBackChangeAt: last.changedAt, exemptUntil };
}
