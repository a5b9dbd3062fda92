/**
 * The trust-policy engine: `evaluate(policy, context)` runs every rule of spec/RULES.md and, when
 * anything is fixable, returns the fixed document with all fixable findings applied. Pure: no AWS,
 * no environment, no logging, never throws.
 */
import { parseFixedPolicy, parsePolicy, type TrustPolicy } from './policy/normalize';
import { endLedger, parsedJsonLength, serializedLength, startLedger, textBoundsItsJson } from './policy/edit';
import { ACCOUNT_ID, parseArn, describeAwsPrincipal } from './policy/query';
import type { EvaluationContext, EvaluationResult, Finding, PolicyDocument, RuleId, Severity } from './policy/types';
import { SEVERITIES } from './policy/types';
import { RULES, ruleById } from './rules';
import { perAccount } from './rules/support/per-account';
import { NO_FINDINGS, type Rule, type RuleContext, type RuleFinding } from './rules/types';

export const DEFAULT_MAX_POLICY_LENGTH = 2048;
const MAX_FIX_PASSES = 4;

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** The most severe of a list of findings, or null. */
export function highestSeverity(findings: Pick<Finding, 'severity'>[]): Severity | null {
  let best: Severity | null = null;
  for (const f of findings) if (best === null || severityRank(f.severity) < severityRank(best)) best = f.severity;
  return best;
}

/** The first non-empty partition of the Fargate profile ARNs (each parsed, as it always was). */
function firstProfilePartition(arns: string[]): string | undefined {
  let first: string | undefined;
  for (let i = 0; i < arns.length; i++) {
    if (!(i in arns)) continue; // a hole, which map skipped
    const part = parseArn(arns[i])?.partition;
    if (first === undefined && part) first = part;
  }
  return first;
}

/** The first non-empty partition among principal values (bare account ids have none). */
function firstPrincipalPartition(values: string[]): string | undefined {
  for (const p of values) {
    const part = describeAwsPrincipal(p).partition;
    if (part) return part;
  }
  return undefined;
}

/** Trusted-account sets of contexts that trust no account besides the role's (shared: read-only). */
const ownAccountOnly = perAccount((account) => new Set([account]));
const NO_ACCOUNTS = new Set<string>();

export function deriveContext(ctx: EvaluationContext, policy?: TrustPolicy | null): RuleContext {
  const arn = ctx.roleArn ? parseArn(ctx.roleArn) : null;
  const roleAccount = arn && ACCOUNT_ID.test(arn.account) ? arn.account : ctx.account && ACCOUNT_ID.test(ctx.account) ? ctx.account : null;
  let partition = arn
    ? arn.partition
    : Array.isArray(ctx.fargateProfileArns)
      ? firstProfilePartition(ctx.fargateProfileArns)
      : // Anything else as before (including the message of the TypeError a non-list raises).
        (ctx.fargateProfileArns ?? []).map((a) => parseArn(a)?.partition).find(Boolean);
  if (!partition && policy) {
    for (const s of policy.statements) {
      const principal = s.principal;
      if (principal === null) continue;
      const part = firstPrincipalPartition(principal.aws) ?? firstPrincipalPartition(principal.federated);
      if (part !== undefined) {
        partition = part;
        break;
      }
      // China service principals end in .amazonaws.com.cn.
      if (principal.service.some((p) => p.toLowerCase().endsWith('.amazonaws.com.cn'))) {
        partition = 'aws-cn';
        break;
      }
    }
  }
  const trusted = ctx.trustedAccounts;
  let trustedAccountSet: Set<string>;
  if (trusted === undefined || (Array.isArray(trusted) && trusted.length === 0)) {
    // The usual case: only the role's own account is trusted, a set shared by its evaluations.
    trustedAccountSet = roleAccount ? ownAccountOnly(roleAccount) : NO_ACCOUNTS;
  } else {
    if (Array.isArray(trusted)) {
      trustedAccountSet = new Set<string>();
      for (let i = 0; i < trusted.length; i++) trustedAccountSet.add(trusted[i]);
    } else trustedAccountSet = new Set<string>(trusted ?? []);
    if (roleAccount) trustedAccountSet.add(roleAccount);
  }
  // Every field of EvaluationContext, spelled out (the type makes a new field a compile error
  // here): one object shape for every evaluation, which keeps the rules' reads of the context
  // monomorphic (a spread gives each caller's shape).
  const out: RuleContext & { [K in keyof Required<EvaluationContext>]: EvaluationContext[K] } = {
    roleArn: ctx.roleArn,
    account: ctx.account,
    rolePath: ctx.rolePath,
    trustedAccounts: ctx.trustedAccounts,
    fargateProfileArns: ctx.fargateProfileArns,
    attachedPolicies: ctx.attachedPolicies,
    knownNodeRole: ctx.knownNodeRole,
    knownFargateRole: ctx.knownFargateRole,
    association: ctx.association,
    associationRole: ctx.associationRole,
    targetRole: ctx.targetRole,
    maxPolicyLength: ctx.maxPolicyLength,
    roleAccount,
    partition: partition ?? 'aws',
    trustedAccountSet,
  };
  return out;
}

function runCheck(rule: Rule, policy: TrustPolicy | null, ctx: RuleContext): RuleFinding[] {
  // Rules that say they cannot apply to this policy's statements are not asked.
  if (policy !== null && rule.appliesTo !== undefined && !rule.appliesTo(policy.allowFlags)) return NO_FINDINGS as RuleFinding[];
  return checkRule(rule, policy, ctx);
}

/** runCheck for a rule known to apply. */
function checkRule(rule: Rule, policy: TrustPolicy | null, ctx: RuleContext): RuleFinding[] {
  try {
    return rule.check(policy, ctx);
  } catch (e) {
    // A rule that throws becomes a finding about itself, never a crashed run.
    return [{ statement: null, message: `rule ${rule.id} could not evaluate this policy: ${(e as Error)?.message ?? String(e)}`, fixable: false }];
  }
}

function toFinding(rule: Rule, f: RuleFinding, subject: Finding['subject']): Finding {
  return makeFinding(rule, f.statement, f.message, f.fixable, subject);
}

function makeFinding(rule: Rule, statement: number | null, message: string, fixable: boolean, subject: Finding['subject']): Finding {
  const out: Finding = { ruleId: rule.id, severity: rule.severity, statement, message, fixable };
  if (subject) out.subject = subject;
  return out;
}

/** The fixable ones of a rule's findings (the list itself when all are). */
function fixableOf(all: RuleFinding[]): RuleFinding[] {
  for (let i = 0; i < all.length; i++) if (!all[i].fixable) return all.filter((f) => f.fixable);
  return all;
}

function anyFixable(fs: RuleFinding[] | undefined): boolean {
  if (fs === undefined) return false;
  for (let i = 0; i < fs.length; i++) if (fs[i].fixable) return true;
  return false;
}

/** In a for-in over the same object, V8 answers `hasOwnProperty.call(obj, key)` from the loop's own check. */
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Structural equality of two JSON documents, key order included (what comparing their
 * JSON.stringify did: arrays compare by length and element, as serialised). Fixes share untouched
 * subtrees, so the reference check ends most walks at once, and a fix that changed something
 * differs early: members are compared first (own keys by for-in, nothing allocated) and the key
 * order only of objects whose members all match.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const arrayA = Array.isArray(a);
  if (arrayA !== Array.isArray(b)) return false;
  if (arrayA) {
    const la = a as unknown[];
    const lb = b as unknown[];
    if (la.length !== lb.length) return false;
    for (let i = 0; i < la.length; i++) if (!sameJson(la[i], lb[i])) return false;
    return true;
  }
  const oa = a as Record<string, unknown>;
  const ob = b as Record<string, unknown>;
  let count = 0;
  for (const k in oa) {
    if (!hasOwn.call(oa, k)) continue;
    // Not asked whether `ob` owns `k`: an inherited value can only pass here when the key lists
    // compared below differ, which they then do.
    if (!sameJson(oa[k], ob[k])) return false;
    count++;
  }
  for (const k in ob) if (hasOwn.call(ob, k)) count--;
  if (count !== 0) return false;
  // Same members: same document only if also in the same order (and so with the same keys).
  const ka = Object.keys(oa);
  const kb = Object.keys(ob);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return false;
  return true;
}

/** Positions in a rule list of the rules that apply to a policy: all of them, and those with a fix. */
interface Applicable {
  check: number[];
  fix: number[];
}

/**
 * A rule list, and which of its rules apply by the value of a policy's allow flags. `appliesTo`
 * depends on the flags alone (lib/rules/types.ts), and they are a few bits (StatementFlags: 10
 * today), so each rule is asked once per flags value seen instead of once per evaluation.
 */
class RuleList {
  private readonly byFlags: (Applicable | undefined)[] = [];

  constructor(readonly rules: readonly Rule[]) {}

  applicable(flags: number): Applicable {
    let a = this.byFlags[flags];
    if (a === undefined) {
      a = { check: [], fix: [] };
      for (let i = 0; i < this.rules.length; i++) {
        const rule = this.rules[i];
        if (rule.appliesTo !== undefined && !rule.appliesTo(flags)) continue;
        a.check.push(i);
        if (rule.fix) a.fix.push(i);
      }
      // Kept for the values StatementFlags can take, with room for two more bits.
      if (flags >= 0 && flags < 4096 && Number.isInteger(flags)) this.byFlags[flags] = a;
    }
    return a;
  }
}

/** Rule results by the rule's position in its rule list (undefined: none). */
type ByRule = (RuleFinding[] | undefined)[];

interface FixOutcome {
  doc: PolicyDocument | null;
  /** Why a rule's fix failed, by rule position; null when none did. */
  failed: (string | undefined)[] | null;
  /** The parsed fixed document. */
  current: TrustPolicy;
  /** Findings of the rules checked against `current` since it last changed (undefined: not checked). */
  checks: ByRule;
  /** How much longer `doc` serialises than the original (the fixes' length ledger), null when not counted. */
  lengthChange: number | null;
}

/**
 * Apply the fixes of `rules` until no fixable finding remains (or passes run out). Findings are
 * recomputed after each change, since a fix may shift statement indexes.
 */
function applyFixes(policy: TrustPolicy, list: RuleList, ctx: RuleContext, initial: ByRule): FixOutcome {
  const rules = list.rules;
  const n = rules.length;
  let doc = policy.raw;
  let current = policy;
  let fresh = true; // `initial` still describes `doc`
  let failed: (string | undefined)[] | null = null;
  const checks: ByRule = new Array(n);
  // A document parsed from JSON text holds only JSON values: the edit helpers count the fixes'
  // length changes (lib/policy/edit.ts).
  const counting = policy.jsonOnly === true;
  let lengthChange: number | null = counting ? 0 : null;
  // The rules with a fix that apply to `current` (the others find nothing in it), by position.
  let fixing = list.applicable(current.allowFlags).fix;
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    let changed = false;
    for (let j = 0; j < fixing.length; j++) {
      const i = fixing[j];
      const rule = rules[i];
      if (failed !== null && failed[i] !== undefined) continue;
      // Checked against `current` in the last pass without changing it: checks and fixes are
      // pure, so doing it again would change nothing either.
      if (!fresh && checks[i] !== undefined) continue;
      const all = fresh ? (initial[i] ?? (NO_FINDINGS as RuleFinding[])) : checkRule(rule, current, ctx);
      checks[i] = all;
      if (!anyFixable(all)) continue;
      const findings = fixableOf(all);
      let next: PolicyDocument;
      startLedger(counting);
      try {
        next = rule.fix!(doc, current, findings, ctx);
      } catch (e) {
        endLedger();
        (failed ??= new Array(n))[i] = (e as Error)?.message ?? String(e);
        continue;
      }
      const change = endLedger();
      // A document whose length changed is a changed one; only an unchanged length is compared.
      if ((change === null || change === 0) && sameJson(next, doc)) continue;
      const reparsed = parseFixedPolicy(current, next);
      if (!reparsed.ok) {
        (failed ??= new Array(n))[i] = `fix produced an invalid policy: ${reparsed.problems[0]?.message}`;
        continue;
      }
      doc = next;
      current = reparsed.policy;
      if (lengthChange !== null) lengthChange += change!;
      checks.fill(undefined);
      // The fix may have changed which rules apply: go on with the rules after this one.
      fixing = list.applicable(current.allowFlags).fix;
      j = -1;
      while (j + 1 < fixing.length && fixing[j + 1] <= i) j++;
      fresh = false;
      changed = true;
    }
    if (!changed) break;
    fresh = false;
  }
  return { doc: doc === policy.raw ? null : doc, failed, current, checks, lengthChange };
}

const TRUST_RULES = new RuleList(RULES.filter((r) => r.scope === 'trust-policy'));
const ASSOCIATION_RULES = RULES.filter((r) => r.scope === 'association');
const TARGET_RULES = new RuleList(RULES.filter((r) => r.scope === 'target-role'));
const PERMISSION_RULES = RULES.filter((r) => r.scope === 'permissions');

interface SubjectResult {
  fixed: PolicyDocument | null;
  fixedRuleIds: RuleId[];
  /** How much longer `fixed` serialises than the evaluated document, null when not counted. */
  lengthChange: number | null;
}

/** Evaluate one document against a rule set, fix what can be fixed, and add the findings to `findings`. */
function evaluateSubject(
  policy: TrustPolicy,
  list: RuleList,
  ctx: RuleContext,
  subject: Finding['subject'],
  findings: Finding[],
): SubjectResult {
  const rules = list.rules;
  const n = rules.length;
  const byRule: ByRule = new Array(n);
  let fixable = false;
  // Only the rules that apply to the policy are asked (the others find nothing in it).
  const checking = list.applicable(policy.allowFlags).check;
  for (let j = 0; j < checking.length; j++) {
    const i = checking[j];
    const fs = checkRule(rules[i], policy, ctx);
    if (fs.length > 0) {
      byRule[i] = fs;
      if (!fixable && anyFixable(fs)) fixable = true;
    }
  }
  let fixed: PolicyDocument | null = null;
  const fixedRuleIds: RuleId[] = [];
  let outcome: FixOutcome | null = null;
  let failed: (string | undefined)[] | null = null;
  // A service-linked role is AWS's to change: its findings are reported, nothing is fixed.
  if (fixable && !isServiceLinked(ctx)) {
    outcome = applyFixes(policy, list, ctx, byRule);
    failed = outcome.failed;
    fixed = outcome.doc;
  }
  for (let i = 0; i < n; i++) {
    const fs = byRule[i];
    if (fs === undefined) continue;
    const rule = rules[i];
    // A rule's fix worked when no more of its findings remain in the fixed document than it had
    // unfixable ones (a rule may report fixable and unfixable findings side by side). The fix
    // loop's last pass checked most such rules against the fixed document already.
    let resolved = false;
    if (fixed !== null && anyFixable(fs)) {
      const remaining = outcome!.checks[i] ?? runCheck(rule, outcome!.current, ctx);
      let unfixable = 0;
      for (const f of fs) if (!f.fixable) unfixable++;
      if (remaining.length <= unfixable) {
        fixedRuleIds.push(rule.id);
        resolved = true;
      }
    }
    const fixFailed = failed !== null && failed[i] !== undefined;
    // A fixable finding that the fix did not resolve is reported as not fixable.
    const ok = resolved && !fixFailed;
    for (const f of fs) {
      let message = f.message;
      if (f.fixable && fixFailed) message += ` (the automatic fix failed: ${failed![i]})`;
      findings.push(makeFinding(rule, f.statement, message, f.fixable && ok, subject));
    }
  }
  return { fixed, fixedRuleIds, lengthChange: outcome === null ? null : outcome.lengthChange };
}

function invalidFindings(problems: { statement: number | null; message: string }[], subject?: Finding['subject']): Finding[] {
  const rule = ruleById('policy-invalid');
  return problems.map((p) => toFinding(rule, { statement: p.statement, message: p.message, fixable: false }, subject));
}

/**
 * Is a fixed document over the length limit? `input` is what `original` was parsed from, and
 * `lengthChange` how much longer the fixes made it (their length ledger). A document parsed from
 * JSON text (and fixed) holds only JSON values, so it is measured without serialising, and only
 * when the input's length plus the change (a bound: see textBoundsItsJson) cannot tell.
 */
function fixedTooLong(input: unknown, original: TrustPolicy, fixed: PolicyDocument, lengthChange: number | null, maxLen: number): boolean {
  if (typeof input !== 'string') return serializedLength(fixed) > maxLen;
  if (lengthChange !== null && input.length + lengthChange <= maxLen && textBoundsItsJson(input, original.numbers !== false)) return false;
  return parsedJsonLength(fixed) > maxLen;
}

function isServiceLinked(ctx: EvaluationContext): boolean {
  return (ctx.rolePath ?? '').startsWith('/aws-service-role/') || String(ctx.roleArn ?? '').includes(':role/aws-service-role/');
}

/**
 * Evaluate a trust policy (object, JSON text or URL-encoded JSON text). With
 * `context.association` set, the Pod Identity association rules run too; pass `undefined` as the
 * policy when the association's role is known not to exist.
 */
export function evaluate(input: unknown, context: EvaluationContext = {}): EvaluationResult {
  try {
    return evaluateUnsafe(input, context);
  } catch (e) {
    // Defence in depth: the engine never throws, whatever it is handed.
    return {
      findings: [
        {
          ruleId: 'policy-invalid',
          severity: 'critical',
          statement: null,
          message: `policy could not be evaluated: ${(e as Error)?.message ?? String(e)}`,
          fixable: false,
        },
      ],
      fixedPolicy: null,
      fixedRuleIds: [],
      originalPolicy: null,
    };
  }
}

function evaluateUnsafe(input: unknown, context: EvaluationContext): EvaluationResult {
  const maxLen = context.maxPolicyLength ?? DEFAULT_MAX_POLICY_LENGTH;
  const noPolicy = input === undefined && !!context.association;
  const parsed = noPolicy ? null : parsePolicy(input);
  const policy = parsed && parsed.ok ? parsed.policy : null;
  const ctx = deriveContext(context, policy);

  const findings: Finding[] = [];
  let fixedPolicy: PolicyDocument | null = null;
  let fixedLengthChange: number | null = null;
  let fixedTargetPolicy: PolicyDocument | null | undefined;
  let fixedTargetLengthChange: number | null = null;
  let fixedRuleIds: RuleId[] = [];
  let fixedTargetRuleIds: RuleId[] = [];
  let fixRejected: string | undefined;
  let targetPolicy: TrustPolicy | null = null;

  if (parsed && !parsed.ok) findings.push(...invalidFindings(parsed.problems));
  if (policy) {
    const r = evaluateSubject(policy, TRUST_RULES, ctx, undefined, findings);
    fixedPolicy = r.fixed;
    fixedRuleIds = r.fixedRuleIds;
    fixedLengthChange = r.lengthChange;
  }
  if (context.association) {
    for (const rule of ASSOCIATION_RULES) for (const f of runCheck(rule, policy, ctx)) findings.push(toFinding(rule, f, 'association'));
    if (context.targetRole && context.targetRole.trustPolicy !== undefined) {
      const target = parsePolicy(context.targetRole.trustPolicy);
      if (target.ok) {
        targetPolicy = target.policy;
        const r = evaluateSubject(target.policy, TARGET_RULES, ctx, 'target-role', findings);
        fixedTargetPolicy = r.fixed;
        fixedTargetRuleIds = r.fixedRuleIds;
        fixedTargetLengthChange = r.lengthChange;
      } else {
        findings.push(...invalidFindings(target.problems, 'target-role'));
      }
    } else {
      for (const rule of TARGET_RULES.rules) for (const f of runCheck(rule, null, ctx)) findings.push(toFinding(rule, { ...f, fixable: false }, 'target-role'));
    }
  }
  for (const rule of PERMISSION_RULES) for (const f of runCheck(rule, policy, ctx)) findings.push(toFinding(rule, { ...f, fixable: false }, undefined));

  if (fixedPolicy && fixedTooLong(input, policy!, fixedPolicy, fixedLengthChange, maxLen)) {
    fixRejected = `the fixed trust policy would be ${serializedLength(fixedPolicy)} characters, over the ${maxLen}-character limit; nothing is written`;
  }
  if (fixedTargetPolicy && targetPolicy && fixedTooLong(context.targetRole?.trustPolicy, targetPolicy, fixedTargetPolicy, fixedTargetLengthChange, maxLen)) {
    fixRejected = `the fixed target-role trust policy would be ${serializedLength(fixedTargetPolicy)} characters, over the ${maxLen}-character limit; nothing is written`;
  }
  if (fixRejected) {
    fixedPolicy = null;
    fixedTargetPolicy = fixedTargetPolicy === undefined ? undefined : null;
  }

  const result: EvaluationResult = {
    findings,
    fixedPolicy,
    fixedRuleIds: fixRejected ? [] : fixedRuleIds,
    originalPolicy: policy ? policy.raw : parsed && !parsed.ok ? parsed.raw : null,
  };
  if (fixedTargetPolicy !== undefined) {
    result.fixedTargetPolicy = fixedTargetPolicy;
    result.fixedTargetRuleIds = fixRejected ? [] : fixedTargetRuleIds;
  }
  if (fixRejected) result.fixRejected = fixRejected;
  return result;
}
