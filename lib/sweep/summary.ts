/**
 * The sweep's summary notification (CONTRACTS.md, schema `eks-trust-guard/sweep@1`): one per run,
 * on the same topic as the evaluations, with the same message attributes so subscribers filter
 * both alike (`outcome` is `summary`).
 */
import type { Severity } from '../policy/types';
import type { RemediationMode } from '../remediation/config';
import { SWEEP_SCHEMA } from '../remediation/notification';
import { tallyRuleIds, tallySeverity, type Counts, type FailureEntry, type Tally, type WorstEntry } from './tally';

export const SWEEP_OUTCOME = 'summary';

export interface SweepSummary {
  schema: typeof SWEEP_SCHEMA;
  account: string;
  region: string;
  startedAt: string;
  finishedAt: string;
  /** Roles evaluated. */
  roles: number;
  byOutcome: Record<string, number>;
  byRule: Record<string, number>;
  bySeverity: Record<string, number>;
  /** Worst first: highest severity, then most findings; at most 20. */
  worst: WorstEntry[];
  // Additive fields (not in the minimal schema).
  sweepId: string;
  mode: RemediationMode;
  /** Pod Identity associations evaluated, counted apart from the roles. */
  associations: Omit<Counts, 'total'> & { count: number };
  /** Evaluations that threw (the first 20; all are counted in byOutcome.failed). */
  failures: FailureEntry[];
  /** IAM pages read, and how many Lambda invocations the sweep took. */
  pages: number;
  invocations: number;
  /** What could not be looked at (e.g. a region whose EKS clusters could not be listed). */
  warnings: string[];
}

export interface SweepSummaryEnvelope {
  subject: string;
  message: SweepSummary;
  severity: Severity | 'none';
  outcome: typeof SWEEP_OUTCOME;
  ruleIds: string[];
}

export interface SummaryInput {
  sweepId: string;
  account: string;
  region: string;
  mode: RemediationMode;
  startedAt: string;
  finishedAt: string;
  tally: Tally;
  pages: number;
  invocations: number;
  warnings: string[];
}

/** Roles left with findings the sweep did not fix (tagged, or reported in audit mode). */
export function noncompliantRoles(tally: Tally): number {
  return (tally.roles.byOutcome.tagged ?? 0) + (tally.roles.byOutcome.reported ?? 0);
}

/** `[HIGH] sweep of 123456789012: 5000 roles, 12 fixed, 3 noncompliant` (`, 2 failed` when any). */
export function sweepSubject(account: string, tally: Tally): string {
  const severity = tallySeverity(tally);
  const failed = tally.roles.byOutcome.failed ?? 0;
  const parts = [
    `${tally.roles.total} ${tally.roles.total === 1 ? 'role' : 'roles'}`,
    `${tally.roles.byOutcome.fixed ?? 0} fixed`,
    `${noncompliantRoles(tally)} noncompliant`,
    ...(failed ? [`${failed} failed`] : []),
  ];
  const subject = `[${(severity ?? 'info').toUpperCase()}] sweep of ${account}: ${parts.join(', ')}`;
  return subject.length <= 100 ? subject : `${subject.slice(0, 97)}...`;
}

export function buildSweepSummary(input: SummaryInput): SweepSummaryEnvelope {
  const { tally } = input;
  const message: SweepSummary = {
    schema: SWEEP_SCHEMA,
    account: input.account,
    region: input.region,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    roles: tally.roles.total,
    byOutcome: { ...tally.roles.byOutcome },
    byRule: { ...tally.roles.byRule },
    bySeverity: { ...tally.roles.bySeverity },
    worst: tally.worst.map((w) => ({ ...w, ruleIds: [...w.ruleIds] })),
    sweepId: input.sweepId,
    mode: input.mode,
    associations: {
      count: tally.associations.total,
      byOutcome: { ...tally.associations.byOutcome },
      byRule: { ...tally.associations.byRule },
      bySeverity: { ...tally.associations.bySeverity },
    },
    failures: tally.failures.map((f) => ({ ...f })),
    pages: input.pages,
    invocations: input.invocations,
    warnings: [...input.warnings],
  };
  return {
    subject: sweepSubject(input.account, tally),
    message,
    severity: tallySeverity(tally) ?? 'none',
    outcome: SWEEP_OUTCOME,
    ruleIds: tallyRuleIds(tally),
  };
}
