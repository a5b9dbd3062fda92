import { removeCondition, setCondition, updateStatement } from '../policy/edit';
import { StatementFlags, type NormalizedCondition, type NormalizedStatement } from '../policy/normalize';
import { ACCOUNT_ID, conditionsOn, FARGATE_SERVICE, hasWildcard, isAllow, isPinning, parseArn, PARTITIONS, trustsService } from '../policy/query';
import type { JsonStatement, PolicyDocument } from '../policy/types';
import { perStatement } from './support/per-statement';
import type { Rule, RuleContext, RuleFinding } from './types';

const SOURCE_ARN = 'aws:SourceArn';
/** Operators that pin aws:SourceArn (spec/RULES.md); IfExists and ForAllValues never pin. */
const PIN_OPS = ['arnlike', 'arnequals', 'stringlike', 'stringequals'];
const PROFILE_PREFIX = 'fargateprofile/';

function where(s: NormalizedStatement): string {
  return `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

/** Why a condition on aws:SourceArn does not count as pinning it. */
function whyNotPinning(c: NormalizedCondition): string {
  if (c.ifExists || c.setOp === 'forallvalues') return 'passes when the key is absent';
  if (c.op.includes('not') || c.op === 'null') return 'does not say which value is allowed';
  return 'is not ArnLike, ArnEquals, StringLike or StringEquals';
}


function sourceArnPins(s: NormalizedStatement): NormalizedCondition[] {
  return conditionsOn(s, SOURCE_ARN).filter((c) => isPinning(c) && PIN_OPS.includes(c.op));
}

/** The role's partition when its ARN says so (ctx.partition may be a fallback guess). */
function knownPartition(ctx: RuleContext): string | null {
  return ctx.roleArn ? (parseArn(ctx.roleArn)?.partition ?? null) : null;
}

/** targetSourceArns of the context evaluated last (an evaluation asks for it again and again). */
let lastTargets: { ctx: RuleContext; targets: readonly string[] } | null = null;

function targetsFor(ctx: RuleContext): readonly string[] {
  if (lastTargets === null || lastTargets.ctx !== ctx) lastTargets = { ctx, targets: targetSourceArns(ctx) };
  return lastTargets.targets;
}

/**
 * Why a SourceArn value lets more than the role's own account's Fargate profiles through, or null
 * when it is fine. The rule pins the account (literally) and the resource type; the region is not
 * judged: `*` is documented, the docs' own placeholder `region-code` must pass, and a wrong region
 * only makes the role unusable (fails closed), never reaches another account.
 */
export function sourceArnProblem(value: string, account: string | null, partition: string | null): string | null {
  const arn = parseArn(value);
  if (!arn) return value === '*' ? 'matches every ARN, in any account' : 'is not an ARN';
  if (hasWildcard(arn.partition)) return 'has a wildcard partition';
  if (!(PARTITIONS as readonly string[]).includes(arn.partition)) return `names an unknown partition "${arn.partition}"`;
  if (partition !== null && arn.partition !== partition) return `is in partition ${arn.partition}, not the role's ${partition}`;
  if (arn.service !== 'eks') return hasWildcard(arn.service) ? 'has a wildcard service, not eks' : `is an ${arn.service} ARN, not an EKS one`;
  if (arn.region === '') return 'has no region';
  if (hasWildcard(arn.account) || arn.account === '') return "has a wildcard account: any account's Fargate profiles match";
  if (!ACCOUNT_ID.test(arn.account)) return `names an invalid account "${arn.account}"`;
  if (account !== null && arn.account !== account) return `names account ${arn.account}, not the role's account ${account}`;
  if (!arn.resource.startsWith(PROFILE_PREFIX) || arn.resource.length === PROFILE_PREFIX.length) {
    return `names resource "${arn.resource}", not fargateprofile/CLUSTER/*`;
  }
  return null;
}

/**
 * Does glob `outer` match every string glob `inner` matches (case-sensitive; `*` any run, `?` one
 * character)? Sound: a literal or `?` in `outer` never absorbs a `*` of `inner`.
 */
export function globCovers(outer: string, inner: string): boolean {
  // A glob without wildcards matches itself only, and covers a glob matching only that string.
  if (outer === inner) return true;
  if (!hasWildcard(outer)) return false;
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const k = i * (inner.length + 1) + j;
    const hit = memo.get(k);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === outer.length) r = j === inner.length;
    else if (outer[i] === '*') r = go(i + 1, j) || (j < inner.length && go(i, j + 1));
    else if (j === inner.length || inner[j] === '*') r = false;
    else if (outer[i] === '?') r = go(i + 1, j + 1);
    else r = inner[j] !== '?' && outer[i] === inner[j] && go(i + 1, j + 1);
    memo.set(k, r);
    return r;
  };
  return go(0, 0);
}

/**
 * What the fix writes: one pattern per cluster known to use the role as Pod execution role (from
 * its Fargate profile ARNs in the role's account), else every Fargate profile of the account.
 */
export function targetSourceArns(ctx: RuleContext): string[] {
  const account = ctx.roleAccount;
  if (account === null) return [];
  const out: string[] = [];
  for (const profileArn of ctx.fargateProfileArns ?? []) {
    const arn = parseArn(profileArn);
    const m = arn ? /^fargateprofile\/([^/*?]+)\/[^/]+\/[^/]+$/.exec(arn.resource) : null;
    // Another account's profile can never use this role; naming it would widen the condition.
    if (!arn || !m || arn.service !== 'eks' || arn.account !== account || hasWildcard(arn.region) || arn.region === '') continue;
    const pattern = `arn:${arn.partition}:eks:${arn.region}:${account}:fargateprofile/${m[1]}/*`;
    if (!out.includes(pattern)) out.push(pattern);
  }
  return out.length > 0 ? out : [`arn:${ctx.partition}:eks:*:${account}:fargateprofile/*`];
}

type Edit =
  | { kind: 'set'; condition: NormalizedCondition; values: string[] }
  | { kind: 'remove'; condition: NormalizedCondition }
  | { kind: 'add'; values: readonly string[] };

type Plan = { ok: true; edits: Edit[] } | { ok: false; reason: string };

function dedupe(values: string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) === i);
}

/**
 * The fix for one statement, planned so that it never widens:
 * - no pinning SourceArn condition: add ArnLike aws:SourceArn = targets (adding narrows);
 * - otherwise, per pinning condition: keep correct values; a wrong value is replaced by the
 *   targets it covers (a wildcard broader than them) and dropped when it covers none (another
 *   account, another resource type). A condition left empty cannot be fixed safely: its values
 *   are the author's to correct.
 * StringEquals has no wildcards: targets replacing its values go to an ArnLike condition, unless
 *   correct values remain (they already pin it) or an ArnLike SourceArn exists (writing there
 *   would overwrite it).
 */
/**
 * planFix answers by statement, for one context: check words its message with the plan and fix
 * applies it, often to the same (unchanged, re-used) statement in the fix loop.
 */
const planFix = perStatement(planFixUncached);

function planFixUncached(s: NormalizedStatement, ctx: RuleContext): Plan {
  const account = ctx.roleAccount;
  if (account === null) return { ok: false, reason: "the role's account is unknown: evaluate with the role ARN or pass --account" };
  const targets = targetsFor(ctx);
  const pins = sourceArnPins(s);
  if (pins.length === 0) return { ok: true, edits: [{ kind: 'add', values: targets }] };
  const partition = knownPartition(ctx);
  const edits: Edit[] = [];
  let toArnLike: string[] = [];
  for (const c of pins) {
    const keep: string[] = [];
    const replacements: string[] = [];
    for (const v of c.values) {
      if (sourceArnProblem(v, account, partition) === null) keep.push(v);
      else replacements.push(...targets.filter((t) => globCovers(v, t)));
    }
    const literal = c.op === 'stringequals';
    const values = literal ? dedupe(keep) : dedupe([...keep, ...replacements]);
    if (literal && keep.length === 0 && replacements.length > 0) {
      toArnLike = dedupe([...toArnLike, ...replacements]);
      edits.push({ kind: 'remove', condition: c });
      continue;
    }
    if (values.length === 0) {
      return {
        ok: false,
        reason: `no value of its ${c.operator} condition can be kept or narrowed to the role's own Fargate profiles, and replacing another account's or resource's ARN with ours would widen the condition`,
      };
    }
    if (values.length !== c.values.length || values.some((v, i) => v !== c.values[i])) edits.push({ kind: 'set', condition: c, values });
  }
  if (toArnLike.length > 0) {
    if (conditionsOn(s, SOURCE_ARN).some((c) => c.operator.toLowerCase() === 'arnlike')) {
      return { ok: false, reason: 'its StringEquals wildcards would have to move into the ArnLike aws:SourceArn condition it already has' };
    }
    edits.push({ kind: 'add', values: toArnLike });
  }
  return { ok: true, edits };
}

function applyPlan(raw: JsonStatement, edits: Edit[]): JsonStatement {
  let next = raw;
  for (const e of edits) {
    if (e.kind === 'set') next = setCondition(next, e.condition.operator, e.condition.rawKey, e.values.slice());
    else if (e.kind === 'remove') next = removeCondition(next, e.condition.operator, e.condition.rawKey);
    else next = setCondition(next, 'ArnLike', SOURCE_ARN, e.values.slice());
  }
  return next;
}

function checkStatement(s: NormalizedStatement, ctx: RuleContext): RuleFinding | null {
  const account = ctx.roleAccount;
  const pins = sourceArnPins(s);
  const partition = knownPartition(ctx);
  let what: string;
  if (pins.length === 0) {
    const loose = conditionsOn(s, SOURCE_ARN).map((c) => `its ${c.operator} condition ${whyNotPinning(c)}`);
    what = `does not pin aws:SourceArn${loose.length > 0 ? ` (${loose.join('; ')})` : ''}`;
  } else {
    const bad = pins.flatMap((c) =>
      c.values.flatMap((v) => {
        const why = sourceArnProblem(v, account, partition);
        return why === null ? [] : [`${c.operator} "${v}" ${why}`];
      }),
    );
    if (bad.length === 0) return null;
    what = `has aws:SourceArn values outside the role's own Fargate profiles: ${bad.join('; ')}`;
  }
  const plan = planFix(s, ctx);
  const target = account === null ? 'arn:PARTITION:eks:REGION:ACCOUNT:fargateprofile/CLUSTER/*' : targetsFor(ctx).join(', ');
  const todo = plan.ok
    ? pins.length === 0
      ? `The automatic fix adds ArnLike aws:SourceArn = ${target}.`
      : `The automatic fix narrows the condition to ${target}, keeping the values that are already correct and dropping those of other accounts or resources.`
    : `Set ArnLike aws:SourceArn to ${target} by hand (${plan.reason}).`;
  return {
    statement: s.index,
    message:
      `${where(s)} trusts eks-fargate-pods.amazonaws.com but ${what}. ` +
      "That condition is what keeps EKS from using this role for another account's Fargate profile (confused deputy). " +
      todo,
    fixable: plan.ok,
  };
}

const checkStatementOnce = perStatement(checkStatement);

export const rule: Rule = {
  id: 'fargate-source-arn',
  severity: 'high',
  scope: 'trust-policy',
  summary:
    "A statement trusting eks-fargate-pods.amazonaws.com does not pin aws:SourceArn to Fargate profiles of the role's own account, so another account's Fargate profile could use the role (confused deputy).",
  appliesTo: (flags) => (flags & StatementFlags.SERVICE_FARGATE) !== 0,
  check(policy, ctx) {
    if (!policy) return [];
    const out: RuleFinding[] = [];
    for (const s of policy.statements) {
      if (!isAllow(s) || !trustsService(s, FARGATE_SERVICE)) continue;
      const f = checkStatementOnce(s, ctx);
      if (f !== null) out.push(f);
    }
    return out;
  },
  fix(doc: PolicyDocument, policy, findings, ctx) {
    let next = doc;
    for (const f of findings) {
      const s = policy.statements.find((x) => x.index === f.statement);
      if (!s) continue;
      const plan = planFix(s, ctx);
      if (plan.ok) next = updateStatement(next, s.index, (raw) => applyPlan(raw, plan.edits));
    }
    return next;
  },
};
