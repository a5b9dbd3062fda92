import { editStatement, finishEdits, removeCondition, setCondition, startEdits } from '../policy/edit';
import { StatementFlags, type NormalizedCondition, type NormalizedStatement } from '../policy/normalize';
import { hasWildcard, isPinning, parseArn, PARTITIONS, statementAt } from '../policy/query';
import { isAccountId } from './support/account-arn';
import { perAccount } from './support/per-account';
import type { JsonStatement, PolicyDocument } from '../policy/types';
import { perStatement, statementFindings } from './support/per-statement';
import type { Rule, RuleContext, RuleFinding } from './types';

const SOURCE_ARN = 'aws:SourceArn';
/** SOURCE_ARN as NormalizedCondition.key holds it (lower-cased). */
const SOURCE_ARN_KEY = 'aws:sourcearn';
const PROFILE_PREFIX = 'fargateprofile/';
/** Allow statements trusting eks-fargate-pods (the flags say what isAllow and trustsService would). */
const ALLOW_FARGATE = StatementFlags.ALLOW | StatementFlags.SERVICE_FARGATE;

function where(s: NormalizedStatement): string {
  return `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

/** Why a condition on aws:SourceArn does not count as pinning it. */
function whyNotPinning(c: NormalizedCondition): string {
  if (c.ifExists || c.setOp === 'forallvalues') return 'passes when the key is absent';
  if (c.op.includes('not') || c.op === 'null') return 'does not say which value is allowed';
  return 'is not ArnLike, ArnEquals, StringLike or StringEquals';
}

/** Operators that pin aws:SourceArn (spec/RULES.md); IfExists and ForAllValues never pin. */
function isPinOp(op: string): boolean {
  return op === 'arnlike' || op === 'arnequals' || op === 'stringlike' || op === 'stringequals';
}

const NO_PINS: readonly NormalizedCondition[] = Object.freeze([]);

/**
 * The pinning aws:SourceArn conditions, in statement order (read-only: may be shared). A statement
 * has one or two: the first makes a one-element literal (a first push onto `[]` allocates room
 * for 16 more).
 */
function sourceArnPins(s: NormalizedStatement): readonly NormalizedCondition[] {
  const conditions = s.conditions;
  let out: NormalizedCondition[] | null = null;
  for (let i = 0; i < conditions.length; i++) {
    const c = conditions[i];
    if (c.key === SOURCE_ARN_KEY && isPinning(c) && isPinOp(c.op)) {
      if (out === null) out = [c];
      else out.push(c);
    }
  }
  return out ?? NO_PINS;
}

/** The role's partition when its ARN says so (ctx.partition may be a fallback guess). */
function knownPartition(ctx: RuleContext): string | null {
  return ctx.roleArn ? (parseArn(ctx.roleArn)?.partition ?? null) : null;
}

/**
 * What the rule derives from the context evaluated last (an evaluation asks for it again and
 * again): each part computed on first use, where the rule always computed it.
 */
interface CtxFacts {
  ctx: RuleContext;
  /** knownPartition(ctx) and fineShapeFor(ctx.roleAccount, it), once asked. */
  partitionKnown: boolean;
  partition: string | null;
  shape: FineShape | null;
  /** What is derived from targetSourceArns(ctx), once asked. */
  targets: TargetFacts | null;
}

/** targetSourceArns(ctx) and what is derived from it alone (read-only once set). */
interface TargetFacts {
  targets: readonly string[];
  /** Each computed on first use: the `, `-joined targets, the plan adding them. */
  targetText: string | null;
  addPlan: Plan | null;
  /** The ends of the messages of fixable findings (after `what`). */
  addTail: string | null;
  narrowTail: string | null;
}

let last: CtxFacts | null = null;

function factsOf(ctx: RuleContext): CtxFacts {
  if (last === null || last.ctx !== ctx) last = { ctx, partitionKnown: false, partition: null, shape: null, targets: null };
  return last;
}

/** The facts of ctx with its partition and fine shape known. */
function partitionFactsOf(ctx: RuleContext): CtxFacts {
  const f = factsOf(ctx);
  if (!f.partitionKnown) {
    const partition = knownPartition(ctx);
    f.partition = partition;
    f.shape = ctx.roleAccount === null || partition === null ? null : fineShapeFor(ctx.roleAccount, partition);
    f.partitionKnown = true;
  }
  return f;
}

function newTargetFacts(targets: readonly string[]): TargetFacts {
  return { targets, targetText: null, addPlan: null, addTail: null, narrowTail: null };
}

/**
 * The target facts of contexts without Fargate profile ARNs, whose targets are the fallback for
 * the role's account and partition alone: shared by every such context (a run sees few accounts),
 * by account and then partition.
 */
const fallbackFacts = perAccount((): Map<string, TargetFacts> => new Map());

function targetFactsOf(ctx: RuleContext): TargetFacts {
  const f = factsOf(ctx);
  if (f.targets !== null) return f.targets;
  const account = ctx.roleAccount;
  const profiles = ctx.fargateProfileArns;
  let facts: TargetFacts;
  if (account !== null && (profiles === undefined || (Array.isArray(profiles) && profiles.length === 0))) {
    const byPartition = fallbackFacts(account);
    let shared = byPartition.get(ctx.partition);
    if (shared === undefined) {
      shared = newTargetFacts(targetSourceArns(ctx));
      byPartition.set(ctx.partition, shared);
    }
    facts = shared;
  } else facts = newTargetFacts(targetSourceArns(ctx));
  f.targets = facts;
  return facts;
}

function targetsFor(ctx: RuleContext): readonly string[] {
  return targetFactsOf(ctx).targets;
}

function targetTextFor(ctx: RuleContext): string {
  const f = targetFactsOf(ctx);
  // One target (most contexts) is its own text: join would copy it.
  if (f.targetText === null) f.targetText = f.targets.length === 1 ? f.targets[0] : f.targets.join(', ');
  return f.targetText;
}

/** The plan of a statement without a pinning condition: add the targets (shared, read-only). */
function addPlanFor(ctx: RuleContext): Plan {
  const f = targetFactsOf(ctx);
  if (f.addPlan === null) f.addPlan = { ok: true, edits: [{ kind: 'add', values: f.targets }] };
  return f.addPlan;
}


/** PARTITIONS, for membership tests. */
const PARTITION_SET: ReadonlySet<string> = new Set<string>(PARTITIONS);

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
  if (!PARTITION_SET.has(arn.partition)) return `names an unknown partition "${arn.partition}"`;
  if (partition !== null && arn.partition !== partition) return `is in partition ${arn.partition}, not the role's ${partition}`;
  if (arn.service !== 'eks') return hasWildcard(arn.service) ? 'has a wildcard service, not eks' : `is an ${arn.service} ARN, not an EKS one`;
  if (arn.region === '') return 'has no region';
  if (hasWildcard(arn.account) || arn.account === '') return "has a wildcard account: any account's Fargate profiles match";
  if (!isAccountId(arn.account)) return `names an invalid account "${arn.account}"`;
  if (account !== null && arn.account !== account) return `names account ${arn.account}, not the role's account ${account}`;
  if (!arn.resource.startsWith(PROFILE_PREFIX) || arn.resource.length === PROFILE_PREFIX.length) {
    return `names resource "${arn.resource}", not fargateprofile/CLUSTER/*`;
  }
  return null;
}

/**
 * What every value sourceArnProblem finds fine for a role account and partition starts with,
 * `arn:PARTITION:eks:`, and holds from the colon ending its region on, `:ACCOUNT:fargateprofile/`
 * (before at least one more character).
 */
interface FineShape {
  head: string;
  tail: string;
}

/** The fine shapes by account, then partition (a run sees few of either): built once, read-only. */
const fineShapes = perAccount((): Map<string, FineShape> => new Map());

/** The fine shape for a role account and partition; null when no value can be fine for them. */
function fineShapeFor(account: string, partition: string): FineShape | null {
  if (!isAccountId(account) || !PARTITION_SET.has(partition)) return null;
  const byPartition = fineShapes(account);
  let shape = byPartition.get(partition);
  if (shape === undefined) {
    // Joined, not concatenated: startsWith compares in place only with a flat search string
    // (a concatenation of 13 or more characters is a cons string, which it hands to the runtime).
    shape = { head: ['arn:', partition, ':eks:'].join(''), tail: [':', account, ':', PROFILE_PREFIX].join('') };
    byPartition.set(partition, shape);
  }
  return shape;
}

/**
 * sourceArnProblem(value, account, partition) === null, decided without taking the ARN apart
 * (most values are fine, and the problem is only worded for those that are not). With the shape
 * of account and partition (fineShapeFor; null: unknown), three tests decide it.
 */
function sourceArnFine(value: string, account: string | null, partition: string | null, shape: FineShape | null): boolean {
  if (shape !== null) {
    const head = shape.head;
    if (!value.startsWith(head)) return false;
    // The region: up to the next colon, not empty.
    const end = value.indexOf(':', head.length);
    return end > head.length && value.startsWith(shape.tail, end) && value.length > end + shape.tail.length;
  }
  if (!value.startsWith('arn:')) return false;
  const p1 = value.indexOf(':', 4);
  const p2 = p1 < 0 ? -1 : value.indexOf(':', p1 + 1);
  const p3 = p2 < 0 ? -1 : value.indexOf(':', p2 + 1);
  const p4 = p3 < 0 ? -1 : value.indexOf(':', p3 + 1);
  if (p4 < 0) return false;
  // Partition: known (no wildcard then), and the role's when that is known.
  if (partition !== null) {
    if (p1 - 4 !== partition.length || !value.startsWith(partition, 4) || !PARTITION_SET.has(partition)) return false;
  } else if (!PARTITION_SET.has(value.slice(4, p1))) return false;
  // Service eks, some region.
  if (p2 - p1 !== 4 || !value.startsWith('eks', p1 + 1) || p3 === p2 + 1) return false;
  // A literal account (12 digits), the role's when that is known.
  if (p4 - p3 !== 13) return false;
  for (let k = p3 + 1; k < p4; k++) {
    const ch = value.charCodeAt(k);
    if (ch < 48 || ch > 57) return false;
  }
  if (account !== null && (account.length !== 12 || !value.startsWith(account, p3 + 1))) return false;
  // A Fargate profile resource.
  return value.length - (p4 + 1) > PROFILE_PREFIX.length && value.startsWith(PROFILE_PREFIX, p4 + 1);
}

/**
 * Does glob `outer` match every string glob `inner` matches (case-sensitive; `*` any run, `?` one
 * character)? Sound: a literal or `?` in `outer` never absorbs a `*` of `inner`.
 */
export function globCovers(outer: string, inner: string): boolean {
  // A glob without wildcards matches itself only, and covers a glob matching only that string.
  if (outer === inner) return true;
  if (!hasWildcard(outer)) return false;
  if (outer.length + inner.length <= MAX_SCAN) return coversByScan(outer, inner);
  const width = inner.length + 1;
  const size = (outer.length + 1) * width;
  let memo = coverMemo;
  if (size > memo.length) {
    memo = new Uint8Array(size);
    if (size <= MAX_KEPT_MEMO) coverMemo = memo;
  } else memo.fill(0, 0, size);
  cOuter = outer;
  cInner = inner;
  cWidth = width;
  cMemo = memo;
  return covers(0, 0);
}

const STAR = 42; // '*'
const QUESTION = 63; // '?'

/**
 * Up to this length (outer plus inner) globCovers scans; above it, it recurses as it always did,
 * depth outer + inner, which overflows the stack (an error the engine reports) for values
 * thousands of characters long. Far below that depth, the scan gives the same answers.
 */
const MAX_SCAN = 2000;

/**
 * globCovers without recursion or memo: `outer` matched against `inner` as a string, where a `*`
 * of outer takes any run of inner (wildcards included), a `?` any one character but `*`, and any
 * other character only itself. Every token but `*` takes exactly one character, so the classic
 * scan (on a mismatch, let the last `*` take one more character) decides it.
 */
function coversByScan(outer: string, inner: string): boolean {
  const m = outer.length;
  const n = inner.length;
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < n) {
    const o = i < m ? outer.charCodeAt(i) : -1;
    if (o === STAR) {
      star = i++;
      mark = j;
    } else if (o !== -1 && (o === QUESTION ? inner.charCodeAt(j) !== STAR : o === inner.charCodeAt(j))) {
      i++;
      j++;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else return false;
  }
  while (i < m && outer.charCodeAt(i) === STAR) i++;
  return i === m;
}

/** globCovers' memo (0 unknown, 1 false, 2 true), kept between calls up to this size. */
const MAX_KEPT_MEMO = 1 << 16;
let coverMemo = new Uint8Array(4096);
/** The arguments of the globCovers call in progress (it never nests). */
let cOuter = '';
let cInner = '';
let cWidth = 0;
let cMemo = coverMemo;

/** Does cOuter from i on cover cInner from j on? */
function covers(i: number, j: number): boolean {
  const k = i * cWidth + j;
  const hit = cMemo[k];
  if (hit !== 0) return hit === 2;
  const outer = cOuter;
  const inner = cInner;
  let r: boolean;
  if (i === outer.length) r = j === inner.length;
  else if (outer[i] === '*') r = covers(i + 1, j) || (j < inner.length && covers(i, j + 1));
  else if (j === inner.length || inner[j] === '*') r = false;
  else if (outer[i] === '?') r = covers(i + 1, j + 1);
  else r = inner[j] !== '?' && outer[i] === inner[j] && covers(i + 1, j + 1);
  cMemo[k] = r ? 2 : 1;
  return r;
}

/**
 * The cluster of a Fargate profile's resource, `fargateprofile/CLUSTER/NAME/ID` (three non-empty
 * parts, the cluster without wildcards: /^fargateprofile\/([^/*?]+)\/[^/]+\/[^/]+$/), else null.
 */
function profileCluster(resource: string): string | null {
  const start = PROFILE_PREFIX.length;
  if (!resource.startsWith(PROFILE_PREFIX)) return null;
  const a = resource.indexOf('/', start);
  if (a <= start) return null;
  const b = resource.indexOf('/', a + 1);
  if (b <= a + 1 || b === resource.length - 1 || resource.indexOf('/', b + 1) !== -1) return null;
  const cluster = resource.slice(start, a);
  return hasWildcard(cluster) ? null : cluster;
}

/**
 * What the fix writes: one pattern per cluster known to use the role as Pod execution role (from
 * its Fargate profile ARNs in the role's account), else every Fargate profile of the account.
 */
export function targetSourceArns(ctx: RuleContext): string[] {
  const account = ctx.roleAccount;
  if (account === null) return [];
  // Most contexts name one profile: a one-element literal rather than a first push onto `[]`.
  let out: string[] | null = null;
  for (const profileArn of ctx.fargateProfileArns ?? []) {
    const arn = parseArn(profileArn);
    // Another account's profile can never use this role; naming it would widen the condition.
    if (!arn || arn.service !== 'eks' || arn.account !== account || hasWildcard(arn.region) || arn.region === '') continue;
    const cluster = profileCluster(arn.resource);
    if (cluster === null) continue;
    const pattern = `arn:${arn.partition}:eks:${arn.region}:${account}:fargateprofile/${cluster}/*`;
    if (out === null) out = [pattern];
    else if (!out.includes(pattern)) out.push(pattern);
  }
  return out ?? [`arn:${ctx.partition}:eks:*:${account}:fargateprofile/*`];
}

type Edit =
  | { kind: 'set'; condition: NormalizedCondition; values: string[] }
  | { kind: 'remove'; condition: NormalizedCondition }
  | { kind: 'add'; values: readonly string[] };

type Plan = { ok: true; edits: Edit[] } | { ok: false; reason: string };

/**
 * `list` (null: none yet) with `value` appended unless it holds it already: a list without repeats,
 * first occurrences in order, started as a one-element literal (a first push onto `[]` allocates
 * room for 16 more; plans are built for every statement with a wrong value).
 */
function withNew(list: string[] | null, value: string): string[] {
  if (list === null) return [value];
  if (!list.includes(value)) list.push(value);
  return list;
}

/** `list` (null: none yet) with each of `more` that it lacks appended, in order (mutates `list`). */
function withAllNew(list: string[] | null, more: string[]): string[] {
  if (list === null) return more;
  for (let i = 0; i < more.length; i++) if (!list.includes(more[i])) list.push(more[i]);
  return list;
}

function sameValues(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const UNKNOWN_ACCOUNT: Plan = { ok: false, reason: "the role's account is unknown: evaluate with the role ARN or pass --account" };

/**
 * What checkStatement found about the statement it is checking, for the planFix it calls next
 * (the same statement and context): its pins (sourceArnPins) and sourceArnProblem of each value
 * of each pin, in order (`problems` is re-used: only its first entries, one per value, are this
 * statement's; it holds as many as the statement with the most values had).
 */
const found: { s: NormalizedStatement | null; ctx: RuleContext | null; pins: readonly NormalizedCondition[]; problems: (string | null)[] } = {
  s: null,
  ctx: null,
  pins: NO_PINS,
  problems: [],
};

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
  if (account === null) return UNKNOWN_ACCOUNT;
  const targets = targetsFor(ctx);
  const checked = found.s === s && found.ctx === ctx;
  const pins = checked ? found.pins : sourceArnPins(s);
  if (pins.length === 0) return addPlanFor(ctx);
  const f = partitionFactsOf(ctx);
  const partition = f.partition;
  const shape = f.shape;
  const known = checked ? found.problems : null;
  let p = 0;
  const edits: Edit[] = [];
  // Lists without repeats (first occurrences in order), null while empty: the targets going to
  // ArnLike, and per pin its correct values and the targets its wrong ones cover.
  let toArnLike: string[] | null = null;
  for (const c of pins) {
    let keep: string[] | null = null;
    let replacements: string[] | null = null;
    for (const v of c.values) {
      const problem = known !== null ? known[p++] : sourceArnFine(v, account, partition, shape) ? null : sourceArnProblem(v, account, partition);
      if (problem === null) keep = withNew(keep, v);
      else for (let t = 0; t < targets.length; t++) if (globCovers(v, targets[t])) replacements = withNew(replacements, targets[t]);
    }
    const literal = c.op === 'stringequals';
    if (literal && keep === null && replacements !== null) {
      toArnLike = withAllNew(toArnLike, replacements);
      edits.push({ kind: 'remove', condition: c });
      continue;
    }
    // The correct values, then the targets replacing wrong ones (unless StringEquals, which
    // cannot hold their wildcards), without repeats.
    const values = literal || replacements === null ? keep : withAllNew(keep, replacements);
    if (values === null) {
      return {
        ok: false,
        reason: `no value of its ${c.operator} condition can be kept or narrowed to the role's own Fargate profiles, and replacing another account's or resource's ARN with ours would widen the condition`,
      };
    }
    if (!sameValues(values, c.values)) edits.push({ kind: 'set', condition: c, values });
  }
  if (toArnLike !== null) {
    const conditions = s.conditions;
    for (let i = 0; i < conditions.length; i++) {
      const c = conditions[i];
      if (c.key === SOURCE_ARN_KEY && c.operator.toLowerCase() === 'arnlike') {
        return { ok: false, reason: 'its StringEquals wildcards would have to move into the ArnLike aws:SourceArn condition it already has' };
      }
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

const CONFUSED_DEPUTY = "That condition is what keeps EKS from using this role for another account's Fargate profile (confused deputy). ";

function checkStatement(s: NormalizedStatement, ctx: RuleContext): RuleFinding | null {
  const account = ctx.roleAccount;
  const pins = sourceArnPins(s);
  const f = partitionFactsOf(ctx);
  const partition = f.partition;
  const shape = f.shape;
  let what: string;
  if (pins.length === 0) {
    let loose = '';
    const conditions = s.conditions;
    for (let i = 0; i < conditions.length; i++) {
      const c = conditions[i];
      if (c.key !== SOURCE_ARN_KEY) continue;
      const one = `its ${c.operator} condition ${whyNotPinning(c)}`;
      loose = loose === '' ? one : `${loose}; ${one}`;
    }
    what = loose === '' ? 'does not pin aws:SourceArn' : `does not pin aws:SourceArn (${loose})`;
  } else {
    // Written by index, not emptied and pushed: setting an array's length to 0 drops its backing
    // store, and the next push allocates a new one (room for 17) on every call.
    const problems = found.problems;
    let p = 0;
    let bad = '';
    // Indexed loops: the for-of form left iterator results unoptimised here (~1.2 MB per two
    // corpus passes).
    for (let i = 0; i < pins.length; i++) {
      const c = pins[i];
      const values = c.values;
      for (let j = 0; j < values.length; j++) {
        const v = values[j];
        const why = sourceArnFine(v, account, partition, shape) ? null : sourceArnProblem(v, account, partition);
        problems[p++] = why;
        if (why === null) continue;
        const one = `${c.operator} "${v}" ${why}`;
        bad = bad === '' ? one : `${bad}; ${one}`;
      }
    }
    if (bad === '') return null;
    what = `has aws:SourceArn values outside the role's own Fargate profiles: ${bad}`;
  }
  found.s = s;
  found.ctx = ctx;
  found.pins = pins;
  let plan: Plan;
  try {
    plan = planFix(s, ctx);
  } finally {
    found.s = null;
    found.ctx = null;
    found.pins = NO_PINS;
  }
  return {
    statement: s.index,
    message: `${where(s)} trusts eks-fargate-pods.amazonaws.com but ${what}${tailOf(plan, pins.length === 0, ctx)}`,
    fixable: plan.ok,
  };
}

const UNKNOWN_TARGET = 'arn:PARTITION:eks:REGION:ACCOUNT:fargateprofile/CLUSTER/*';

/** What a finding's message says after `what`: why it matters and what to do. */
function tailOf(plan: Plan, adds: boolean, ctx: RuleContext): string {
  if (!plan.ok) {
    const target = ctx.roleAccount === null ? UNKNOWN_TARGET : targetTextFor(ctx);
    return `. ${CONFUSED_DEPUTY}Set ArnLike aws:SourceArn to ${target} by hand (${plan.reason}).`;
  }
  // A plan is ok only with the role's account known.
  const f = targetFactsOf(ctx);
  if (adds) return (f.addTail ??= `. ${CONFUSED_DEPUTY}The automatic fix adds ArnLike aws:SourceArn = ${targetTextFor(ctx)}.`);
  return (f.narrowTail ??=
    `. ${CONFUSED_DEPUTY}The automatic fix narrows the condition to ${targetTextFor(ctx)}, keeping the values that are already correct and dropping those of other accounts or resources.`);
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
    return statementFindings(policy, ctx, ALLOW_FARGATE, checkStatementOnce);
  },
  fix(doc: PolicyDocument, policy, findings, ctx) {
    const out = startEdits(doc);
    for (const f of findings) {
      const s = statementAt(policy, f.statement);
      if (!s) continue;
      const plan = planFix(s, ctx);
      if (plan.ok) {
        const edits = plan.edits;
        editStatement(out, s.index, (raw) => applyPlan(raw, edits));
      }
    }
    return finishEdits(out);
  },
};
