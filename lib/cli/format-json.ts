/**
 * `--json`: `{"results":[{"source","roleName","roleArn","findings":[...],"fixedPolicy", ...}]}`.
 * The contract fields (spec/CONTRACTS.md) come first and keep their names; extras follow.
 */
import type { CheckResult } from './types';

export interface JsonFinding {
  ruleId: string;
  severity: string;
  statement: number | null;
  message: string;
  fixable: boolean;
}

export function toJsonResult(r: CheckResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    source: r.source,
    roleName: r.roleName,
    roleArn: r.roleArn,
    findings: r.findings.map((f): JsonFinding => ({ ruleId: f.ruleId, severity: f.severity, statement: f.statement, message: f.message, fixable: f.fixable })),
    fixedPolicy: r.fixedPolicy,
    kind: r.kind,
    outcome: r.outcome,
  };
  if (r.reason !== undefined) out.reason = r.reason;
  out.account = r.account;
  out.notes = r.notes;
  out.fixedRuleIds = r.fixedRuleIds;
  if (r.fixRejected) out.fixRejected = r.fixRejected;
  if (r.logicalId) out.logicalId = r.logicalId;
  return out;
}

export function formatJson(results: CheckResult[]): string {
  return `${JSON.stringify({ results: results.map(toJsonResult) }, null, 2)}\n`;
}
