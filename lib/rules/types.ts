import type { TrustPolicy } from '../policy/normalize';
import type { EvaluationContext, PolicyDocument, RuleId, Severity } from '../policy/types';

/** Evaluation context with what every rule needs derived once. */
export interface RuleContext extends EvaluationContext {
  /** The role's account (from roleArn, else `account`), or null when unknown. */
  roleAccount: string | null;
  /** Partition to write in fixes: from roleArn, else from the policy's ARNs, else `aws`. */
  partition: string;
  /** Accounts that are not foreign: the role's own plus TRUSTED_ACCOUNTS. Read-only: often shared between evaluations. */
  trustedAccountSet: Set<string>;
}

/** A finding as a rule reports it; the engine adds id and severity. */
export interface RuleFinding {
  statement: number | null;
  message: string;
  fixable: boolean;
}

/** The answer of a rule that finds nothing, shared (read-only: nobody adds to a rule's answer). */
export const NO_FINDINGS: readonly RuleFinding[] = Object.freeze([]);

/**
 * Which document a rule reads:
 * - `trust-policy`: the evaluated role's trust policy (skipped when it is invalid or absent);
 * - `association`: the Pod Identity association in the context (the policy may be null);
 * - `target-role`: the association's target role trust policy (from `context.targetRole`);
 * - `permissions`: the role's attached managed policies, when known.
 */
export type RuleScope = 'trust-policy' | 'association' | 'target-role' | 'permissions';

export interface Rule {
  id: RuleId;
  severity: Severity;
  scope: RuleScope;
  /** One sentence for the README and CLI help: what is wrong when this fires. */
  summary: string;
  /**
   * Optional pre-filter for the engine: false when, going by the or'ed flags of the policy's Allow
   * statements (`TrustPolicy.allowFlags`, bits of `StatementFlags`), `check` can only return no
   * findings. The engine then skips `check`; test/lib/rules/applies-to.test.ts holds every rule to it.
   */
  appliesTo?(allowFlags: number): boolean;
  /** Which document/context the rule needs; for `target-role` the policy passed is the target's. */
  check(policy: TrustPolicy | null, ctx: RuleContext): RuleFinding[];
  /**
   * Return a new document resolving the given (fixable) findings. Must never mutate `doc`, never
   * widen access, and leave statements it does not touch unchanged. Changes are made only with
   * the edit helpers of lib/policy/edit.ts, which count the length change the engine holds to
   * the policy size limit (test/lib/policy/length.test.ts checks every rule's count).
   */
  fix?(doc: PolicyDocument, policy: TrustPolicy, findings: RuleFinding[], ctx: RuleContext): PolicyDocument;
}
