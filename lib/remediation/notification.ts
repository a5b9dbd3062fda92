/**
 * The evaluation notification of CONTRACTS.md ("Notification"): built here, pure, so the SNS
 * message, the EventBridge detail and the Slack post all say the same thing.
 */
import { highestSeverity } from '../engine';
import type { Finding, PodIdentityAssociation, PolicyDocument, RuleId, Severity } from '../policy/types';
import type { RemediationMode } from './config';

export const EVALUATION_SCHEMA = 'eks-trust-guard/evaluation@1';
export const SWEEP_SCHEMA = 'eks-trust-guard/sweep@1';

export type Outcome = 'fixed' | 'tagged' | 'reported' | 'exempt' | 'failed';

export interface Trigger {
  source: 'cloudtrail' | 'sweep' | 'api';
  eventName?: string;
  eventId?: string;
  actor?: string;
}

export interface EvaluationNotification {
  schema: typeof EVALUATION_SCHEMA;
  account: string;
  region: string;
  trigger: Trigger;
  role: { name: string; arn: string };
  association: {
    clusterName?: string;
    namespace?: string;
    serviceAccount?: string;
    associationArn?: string;
    targetRoleArn?: string;
  } | null;
  mode: RemediationMode;
  outcome: Outcome;
  findings: { ruleId: RuleId; severity: Severity; message: string; fixed: boolean }[];
  originalPolicy: PolicyDocument | null;
  newPolicy: PolicyDocument | null;
  /** Why nothing was changed, or what failed (not in the minimal schema; additive). */
  reason?: string;
  /** How to undo the change (additive). */
  rollback?: string;
}

export interface NotificationEnvelope {
  subject: string;
  message: EvaluationNotification;
  severity: Severity | 'none';
  outcome: Outcome;
  ruleIds: string[];
}

const OUTCOME_VERB: Record<Outcome, string> = {
  fixed: 'fixed trust policy of',
  tagged: 'tagged',
  reported: 'found issues in',
  exempt: 'left exempt',
  failed: 'could not remediate',
};

/** `[HIGH] fixed trust policy of role my-role (fargate-source-arn)`, at most 100 characters. */
export function subjectFor(n: Pick<EvaluationNotification, 'outcome' | 'findings' | 'role'>): string {
  const sev = highestSeverity(n.findings);
  const ids = [...new Set(n.findings.map((f) => f.ruleId))];
  const head = `[${(sev ?? 'info').toUpperCase()}] ${OUTCOME_VERB[n.outcome]} role ${n.role.name}`;
  let subject = ids.length ? `${head} (${ids.join(', ')})` : head;
  if (subject.length > 100) {
    const first = ids[0] ? ` (${ids[0]}, +${ids.length - 1} more)` : '';
    subject = `${head}${first}`;
    if (subject.length > 100) subject = subject.slice(0, 97) + '...';
  }
  return subject;
}

export function buildNotification(input: Omit<EvaluationNotification, 'schema' | 'findings'> & {
  findings: Finding[];
  fixedRuleIds: RuleId[];
  associationInput?: PodIdentityAssociation;
}): NotificationEnvelope {
  const fixed = new Set(input.fixedRuleIds);
  const { associationInput, fixedRuleIds: _f, findings, ...rest } = input;
  const message: EvaluationNotification = {
    schema: EVALUATION_SCHEMA,
    ...rest,
    association: associationInput
      ? {
          clusterName: associationInput.clusterName,
          namespace: associationInput.namespace,
          serviceAccount: associationInput.serviceAccount,
          associationArn: associationInput.associationArn,
          targetRoleArn: associationInput.targetRoleArn,
        }
      : input.association,
    findings: findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      fixed: input.outcome === 'fixed' && f.fixable && fixed.has(f.ruleId),
    })),
  };
  const severity = highestSeverity(findings) ?? 'none';
  return {
    subject: subjectFor(message),
    message,
    severity,
    outcome: message.outcome,
    ruleIds: [...new Set(findings.map((f) => f.ruleId))],
  };
}
