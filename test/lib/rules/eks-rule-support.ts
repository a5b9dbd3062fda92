/**
 * Shared helpers for the EKS role rule tests (fargate-*, node-role-cluster-role, pod-identity-*,
 * irsa-*) and the reference rules: run one rule as the engine does, and hold a fix to the
 * guarantees of spec/RULES.md ("What every automatic fix must guarantee").
 */
import { deriveContext, evaluate } from '../../../lib/engine';
import { parsePolicy } from '../../../lib/policy/normalize';
import type { EvaluationContext, Finding, RuleId } from '../../../lib/policy/types';
import { ruleById } from '../../../lib/rules';
import type { RuleFinding } from '../../../lib/rules/types';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/eks-role`;
export const CN_ROLE_ARN = `arn:aws-cn:iam::${ACCOUNT}:role/eks-role`;
export const GOV_ROLE_ARN = `arn:aws-us-gov:iam::${ACCOUNT}:role/eks-role`;
export const CTX: EvaluationContext = { roleArn: ROLE_ARN };

export type Doc = Record<string, unknown>;

export function policyOf(statement: unknown): Doc {
  return { Version: '2012-10-17', Statement: statement };
}

/** Run one rule's check the way the engine does (parsed policy, derived context). */
export function check(id: RuleId, policy: unknown, context: EvaluationContext = CTX): RuleFinding[] {
  const parsed = parsePolicy(policy);
  if (!parsed.ok) throw new Error(`test policy is invalid: ${parsed.problems.map((p) => p.message).join('; ')}`);
  return ruleById(id).check(parsed.policy, deriveContext(context, parsed.policy));
}

/** Run one rule's fix on the fixable findings of its own check. */
export function fixWith(id: RuleId, policy: Doc, context: EvaluationContext = CTX): Doc {
  const rule = ruleById(id);
  const parsed = parsePolicy(policy);
  if (!parsed.ok || !rule.fix) throw new Error('test policy is invalid or the rule has no fix');
  const ctx = deriveContext(context, parsed.policy);
  return rule.fix(policy, parsed.policy, rule.check(parsed.policy, ctx).filter((f) => f.fixable), ctx);
}

export function findingsOf(policy: unknown, id: RuleId, context: EvaluationContext = CTX): Finding[] {
  return evaluate(policy, context).findings.filter((f) => f.ruleId === id);
}

export function statementList(policy: Doc): unknown[] {
  const st = policy.Statement;
  return Array.isArray(st) ? st : [st];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value as object)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Hold `id`'s fix of `policy` to the spec: the exact expected document (from the rule's own fix
 * and from the whole engine), no mutation of the input, idempotence (nothing left to fix),
 * convergence (the rule no longer fires) and untouched statements deep-equal.
 */
export function expectFix(id: RuleId, policy: Doc, context: EvaluationContext, expected: Doc, touched: number[]): void {
  const before = JSON.parse(JSON.stringify(policy)) as Doc;
  // A frozen input makes any in-place edit throw (test files are strict-mode modules).
  const fixed = fixWith(id, deepFreeze(JSON.parse(JSON.stringify(policy)) as Doc), context);
  expect(fixed).toEqual(expected);

  const result = evaluate(policy, context);
  expect(result.fixedPolicy).toEqual(expected);
  expect(result.fixedRuleIds).toContain(id);
  expect(result.findings.filter((f) => f.ruleId === id).every((f) => f.fixable)).toBe(true);
  expect(policy).toEqual(before);

  const again = evaluate(expected, context);
  expect(again.fixedPolicy).toBeNull();
  expect(again.findings.filter((f) => f.ruleId === id)).toEqual([]);

  const original = statementList(policy);
  const out = statementList(fixed);
  expect(out).toHaveLength(original.length);
  original.forEach((s, i) => {
    if (!touched.includes(i)) expect(out[i]).toEqual(s);
  });
}

/** EKS OIDC providers of the role's account: the docs' example id, another cluster, China, GovCloud. */
export const OIDC = 'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
export const OIDC_OTHER = 'oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
export const OIDC_CN = 'oidc.eks.cn-north-1.amazonaws.com.cn/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
export const OIDC_GOV = 'oidc.eks.us-gov-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
export const providerArn = (prefix: string, partition = 'aws'): string => `arn:${partition}:iam::${ACCOUNT}:oidc-provider/${prefix}`;
export const SUBJECT = 'system:serviceaccount:my-namespace:my-service-account';

/** An IRSA statement for `prefix` (an aws-partition provider unless `partition` says otherwise). */
export function irsa(condition?: Doc, options: { prefix?: string; partition?: string; extra?: Doc } = {}): Doc {
  const prefix = options.prefix ?? OIDC;
  return {
    ...(options.extra ?? {}),
    Effect: 'Allow',
    Principal: { Federated: providerArn(prefix, options.partition) },
    Action: 'sts:AssumeRoleWithWebIdentity',
    ...(condition ? { Condition: condition } : {}),
  };
}

/** The compliant IRSA condition of the EKS user guide for `prefix`. */
export function irsaCondition(prefix = OIDC): Doc {
  return { StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com', [`${prefix}:sub`]: SUBJECT } };
}
