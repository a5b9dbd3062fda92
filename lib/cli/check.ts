/**
 * The offline check: evaluate every subject with the engine and decide the exit status.
 */
import { evaluate, severityRank } from '../engine';
import { ACCOUNT_ID, parseArn } from '../policy/query';
import type { Finding } from '../policy/types';
import type { FailOn } from './args';
import type { CheckResult, Subject } from './types';

export interface EvaluateOptions {
  trustedAccounts?: string[];
}

/** The account the engine takes as the role's own: the ARN's, else the given one. */
function roleAccountOf(subject: Subject): string | null {
  const fromArn = subject.context.roleArn ? parseArn(subject.context.roleArn)?.account : undefined;
  if (fromArn && ACCOUNT_ID.test(fromArn)) return fromArn;
  return subject.context.account && ACCOUNT_ID.test(subject.context.account) ? subject.context.account : null;
}

export function checkSubject(subject: Subject, opts: EvaluateOptions = {}): CheckResult {
  const base = {
    source: subject.source,
    roleName: subject.roleName,
    roleArn: subject.roleArn,
    account: roleAccountOf(subject),
    kind: subject.kind,
    notes: subject.notes,
    file: subject.file,
    ...(subject.logicalId ? { logicalId: subject.logicalId } : {}),
  };
  if (subject.findings) {
    return { ...base, findings: subject.findings, fixedPolicy: null, outcome: 'evaluated', fixedRuleIds: [], originalPolicy: null };
  }
  if (subject.skipped !== undefined) {
    return { ...base, findings: [], fixedPolicy: null, outcome: 'skipped', reason: subject.skipped, fixedRuleIds: [], originalPolicy: null };
  }
  const context = opts.trustedAccounts ? { ...subject.context, trustedAccounts: opts.trustedAccounts } : subject.context;
  const r = evaluate(subject.policy, context);
  const result: CheckResult = {
    ...base,
    findings: r.findings,
    fixedPolicy: r.fixedPolicy,
    outcome: 'evaluated',
    fixedRuleIds: r.fixedRuleIds,
    originalPolicy: r.originalPolicy,
  };
  if (r.fixRejected) result.fixRejected = r.fixRejected;
  return result;
}

export function checkSubjects(subjects: Subject[], opts: EvaluateOptions = {}): CheckResult[] {
  return subjects.map((s) => checkSubject(s, opts));
}

/** Findings at or above the threshold (none for `none`). */
export function failingFindings(results: CheckResult[], failOn: FailOn): Finding[] {
  if (failOn === 'none') return [];
  const limit = severityRank(failOn);
  return results.flatMap((r) => r.findings.filter((f) => severityRank(f.severity) <= limit));
}

export function exitCodeFor(results: CheckResult[], failOn: FailOn): 0 | 1 {
  return failingFindings(results, failOn).length > 0 ? 1 : 0;
}
