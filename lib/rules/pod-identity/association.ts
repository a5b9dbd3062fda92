/**
 * Questions the Pod Identity association rules ask: which statements of a trust policy let the
 * association's role (the "Pod Identity role") in, with which actions, and under which session
 * tag conditions. Shared by the association and target-role rules so that they agree on what
 * "trusts the role" means.
 */
import { parsePolicy, type NormalizedCondition, type NormalizedStatement, type TrustPolicy } from '../../policy/normalize';
import {
  ACCOUNT_ID,
  allowsAction,
  ARN_MATCH_OPS,
  conditionsOn,
  describeAwsPrincipal,
  isAllow,
  isPinning,
  parseArn,
  STRING_MATCH_OPS,
  wildcardMatch,
} from '../../policy/query';
import type { PodIdentityAssociation } from '../../policy/types';
import type { RuleContext } from '../types';

export interface RoleRef {
  arn: string;
  partition: string;
  account: string;
  /** Role name without path, lower-cased (IAM role names are unique case-insensitively). */
  name: string;
}

/** Parse an IAM role ARN (`arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`); null for anything else. */
export function parseRoleArn(arn: string | undefined): RoleRef | null {
  if (!arn) return null;
  const p = parseArn(arn);
  if (!p || p.service !== 'iam' || !ACCOUNT_ID.test(p.account) || !p.resource.startsWith('role/')) return null;
  const name = p.resource.split('/').pop() ?? '';
  if (!name) return null;
  return { arn, partition: p.partition, account: p.account, name: name.toLowerCase() };
}

/** Same role: same partition, account and name (the path does not make a role). */
export function sameRole(a: RoleRef, b: RoleRef): boolean {
  return a.partition === b.partition && a.account === b.account && a.name === b.name;
}

/** The 12-digit account in any ARN, or null. */
export function accountOfArn(arn: string | undefined): string | null {
  const p = arn ? parseArn(arn) : null;
  return p && ACCOUNT_ID.test(p.account) ? p.account : null;
}

/** `Statement 2 (Sid)` for messages. */
export function statementLabel(s: NormalizedStatement): string {
  return `statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

/**
 * How a statement's principal covers a role:
 * - `role`: the role's own ARN;
 * - `account`: the role's account (root ARN or bare id): IAM then defers to the caller's identity
 *   policy, which for a Pod Identity role with a target is expected to allow sts:AssumeRole;
 * - `wildcard`: `"*"` or `{"AWS": "*"}`.
 * All three let the chained assume of EKS Pod Identity work, which is what these rules judge.
 */
export type PrincipalMatch = 'role' | 'account' | 'wildcard';

export function principalMatch(s: NormalizedStatement, role: RoleRef): PrincipalMatch | null {
  if (!s.principal) return null; // NotPrincipal: the not-principal rule's business
  let best: PrincipalMatch | null = s.principal.wildcard ? 'wildcard' : null;
  for (const raw of s.principal.aws) {
    const info = describeAwsPrincipal(raw);
    if (info.kind === 'role') {
      const other = parseRoleArn(raw);
      if (other && sameRole(other, role)) return 'role';
    } else if (info.kind === 'root' && info.account === role.account && (info.partition === null || info.partition === role.partition)) {
      best = 'account';
    }
  }
  return best;
}

/** True when every AWS principal of the statement is the role itself (no other principal). */
export function onlyTrustsRole(s: NormalizedStatement, role: RoleRef): boolean {
  const p = s.principal;
  if (!p || p.wildcard || p.service.length || p.federated.length || p.canonicalUser.length || p.aws.length === 0) return false;
  return p.aws.every((raw) => {
    const other = parseRoleArn(raw);
    return !!other && sameRole(other, role);
  });
}

/** Values of a string or ARN condition accept `value` (case-insensitive: a lenient reading). */
function conditionAccepts(c: NormalizedCondition, value: string): boolean {
  return c.values.some((v) => wildcardMatch(v, value));
}

/**
 * A pinning `aws:PrincipalArn` / `aws:PrincipalAccount` condition that the role can never meet
 * takes the statement away from it, whatever its principal says.
 */
export function excludedByPrincipalConditions(s: NormalizedStatement, role: RoleRef): boolean {
  for (const c of conditionsOn(s, 'aws:PrincipalArn')) {
    if (isPinning(c) && [...STRING_MATCH_OPS, ...ARN_MATCH_OPS].includes(c.op) && !conditionAccepts(c, role.arn)) return true;
  }
  for (const c of conditionsOn(s, 'aws:PrincipalAccount')) {
    if (isPinning(c) && STRING_MATCH_OPS.includes(c.op) && !conditionAccepts(c, role.account)) return true;
  }
  return false;
}

/** Allow statements that give the role `action` (principal and principal conditions permitting). */
export function statementsGranting(policy: TrustPolicy, role: RoleRef, action: string): NormalizedStatement[] {
  return policy.statements.filter(
    (s) => isAllow(s) && principalMatch(s, role) !== null && !excludedByPrincipalConditions(s, role) && allowsAction(s, action),
  );
}

/** An unconditional Deny of `action` for the role: nothing an Allow says can help. */
export function deniedOutright(policy: TrustPolicy, role: RoleRef, action: string): NormalizedStatement | null {
  return policy.statements.find((s) => s.effect === 'Deny' && s.conditions.length === 0 && principalMatch(s, role) !== null && allowsAction(s, action)) ?? null;
}

/**
 * Conditions that fail when the request carries no session tags: a pinning condition on an
 * `aws:RequestTag/…` key, or `Null` = false on one (which demands the tag be present).
 */
export function requestTagConditions(s: NormalizedStatement): NormalizedCondition[] {
  return s.conditions.filter(
    (c) => c.key.startsWith('aws:requesttag/') && (isPinning(c) || (c.op === 'null' && !c.ifExists && c.values.some((v) => v.toLowerCase() === 'false'))),
  );
}

/**
 * The association's role trust policy: from `associationRole.trustPolicy` when the caller gave
 * it, else the evaluated policy unless the evaluated role is a different role. Null when unknown.
 */
export function associationRolePolicy(policy: TrustPolicy | null, ctx: RuleContext): TrustPolicy | null {
  const facts = ctx.associationRole;
  if (facts?.exists === false) return null;
  if (facts?.trustPolicy !== undefined) {
    const parsed = parsePolicy(facts.trustPolicy);
    return parsed.ok ? parsed.policy : null;
  }
  const assoc = parseRoleArn(ctx.association?.roleArn);
  const evaluated = parseRoleArn(ctx.roleArn);
  if (assoc && evaluated && !sameRole(assoc, evaluated)) return null;
  return policy;
}

/** The target role's trust policy when the caller gave a readable one, else null. */
export function targetRolePolicy(ctx: RuleContext): TrustPolicy | null {
  const facts = ctx.targetRole;
  if (!facts || facts.exists === false || facts.trustPolicy === undefined) return null;
  const parsed = parsePolicy(facts.trustPolicy);
  return parsed.ok ? parsed.policy : null;
}

/** `the Pod Identity association (a-…) for service account ns/sa in cluster c` for messages. */
export function describeAssociation(a: PodIdentityAssociation): string {
  const id = a.associationId ? ` (${a.associationId})` : '';
  const sa = a.namespace && a.serviceAccount ? ` for service account ${a.namespace}/${a.serviceAccount}` : '';
  const cluster = a.clusterName ? ` in cluster ${a.clusterName}` : '';
  return `the Pod Identity association${id}${sa}${cluster}`;
}
