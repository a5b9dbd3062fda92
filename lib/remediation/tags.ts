/** The tags the guardrail writes on roles and associations (CONTRACTS.md, "Tags written on roles"). */

export const STATUS_TAG = 'eks-trust-guard:status';
export const FINDINGS_TAG = 'eks-trust-guard:findings';
export const CHECKED_AT_TAG = 'eks-trust-guard:checked-at';
/** Set while automatic fixing is paused for a flapping role (its source keeps re-applying the old policy). */
export const PAUSED_TAG = 'eks-trust-guard:paused';
/** Set by a rollback: the role is exempt until this time (ISO 8601). */
export const EXEMPT_UNTIL_TAG = 'eks-trust-guard:exempt-until';

export type RoleStatus = 'noncompliant' | 'remediated' | 'compliant';

/** Space-separated, sorted, unique rule ids (IAM tag values allow no commas). */
export function findingsTagValue(ruleIds: Iterable<string>): string {
  return [...new Set(ruleIds)].sort().join(' ');
}

export function parseFindingsTag(value: string | undefined): string[] {
  return (value ?? '').split(' ').filter(Boolean).sort();
}

export interface TagDecision {
  /** Tags to set (empty when nothing changes). */
  set: Record<string, string>;
  /** Keys to remove. */
  remove: string[];
}

/**
 * Decide the status tags after an evaluation. Tags are written only when status or open findings
 * change: a compliant role that never had a status gets none ("compliant" only replaces an
 * earlier status), and a remediated role that is now clean keeps "remediated".
 */
export function decideStatusTags(
  current: Record<string, string>,
  open: string[],
  changed: boolean,
  now: Date,
  extra: Record<string, string> = {},
): TagDecision {
  const prevStatus = current[STATUS_TAG] as RoleStatus | undefined;
  let status: RoleStatus | undefined;
  if (open.length > 0) status = 'noncompliant';
  else if (changed) status = 'remediated';
  else if (prevStatus === 'noncompliant') status = 'compliant';
  else status = prevStatus; // undefined (never tagged), remediated or compliant: keep
  const findings = findingsTagValue(open);
  const set: Record<string, string> = {};
  if (status !== undefined && status !== prevStatus) set[STATUS_TAG] = status;
  if (status !== undefined && findings !== (current[FINDINGS_TAG] ?? '')) set[FINDINGS_TAG] = findings;
  for (const [k, v] of Object.entries(extra)) if (current[k] !== v) set[k] = v;
  if (Object.keys(set).length > 0) {
    set[CHECKED_AT_TAG] = now.toISOString();
    if (status !== undefined && set[FINDINGS_TAG] === undefined && current[FINDINGS_TAG] === undefined) set[FINDINGS_TAG] = findings;
  }
  return { set, remove: [] };
}
