/**
 * Shared helpers for the generic trust rule tests (public-principal, not-principal,
 * untrusted-account, foreign-root-no-condition, wildcard-action, action-principal-mismatch).
 */
import { deriveContext, evaluate } from '../../../lib/engine';
import { parsePolicy } from '../../../lib/policy/normalize';
import type { EvaluationContext, EvaluationResult, Finding, RuleId } from '../../../lib/policy/types';
import type { Rule, RuleFinding } from '../../../lib/rules/types';

export const OWN = '111122223333';
export const FOREIGN = '444455556666';
export const TRUSTED = '777788889999';
export const ROLE_ARN = `arn:aws:iam::${OWN}:role/app`;
/** An EKS OIDC provider of the role's own account, and the conditions that keep the IRSA rules quiet. */
export const OIDC_PREFIX = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
export const OIDC_PROVIDER = `arn:aws:iam::${OWN}:oidc-provider/${OIDC_PREFIX}`;
export const IRSA_CONDITION = {
  StringEquals: { [`${OIDC_PREFIX}:sub`]: 'system:serviceaccount:apps:web', [`${OIDC_PREFIX}:aud`]: 'sts.amazonaws.com' },
};

export type Doc = Record<string, unknown>;

export function doc(statement: unknown): Doc {
  return { Version: '2012-10-17', Statement: statement };
}

export function findingsOf(result: EvaluationResult, id: RuleId): Finding[] {
  return result.findings.filter((f) => f.ruleId === id);
}

/** Run one rule's check the way the engine does (parsed policy, derived context). */
export function check(rule: Rule, policy: unknown, context: EvaluationContext = {}): RuleFinding[] {
  const parsed = parsePolicy(policy);
  if (!parsed.ok) throw new Error(`test policy is invalid: ${parsed.problems.map((p) => p.message).join('; ')}`);
  return rule.check(parsed.policy, deriveContext(context, parsed.policy));
}

/** Run one rule's fix directly on the findings its check reports. */
export function fix(rule: Rule, policy: Doc, context: EvaluationContext = {}): Doc {
  const parsed = parsePolicy(policy);
  if (!parsed.ok || !rule.fix) throw new Error('test policy is invalid or the rule has no fix');
  const ctx = deriveContext(context, parsed.policy);
  return rule.fix(policy, parsed.policy, rule.check(parsed.policy, ctx).filter((f) => f.fixable), ctx);
}

/** Evaluate, then evaluate the fixed policy again: the second run must have nothing to fix. */
export function evaluateTwice(policy: Doc, context: EvaluationContext): { first: EvaluationResult; second: EvaluationResult } {
  const first = evaluate(policy, context);
  if (!first.fixedPolicy) throw new Error('expected a fixed policy');
  return { first, second: evaluate(first.fixedPolicy, context) };
}

export function statementsOf(policy: Doc): unknown[] {
  const st = policy.Statement;
  return Array.isArray(st) ? st : [st];
}

/** A deep copy to compare against after the code under test ran (mutation check). */
export function snapshot<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
