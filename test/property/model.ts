/**
 * An independent model of what a trust policy grants, and of how a fixed policy's statements
 * correspond to the original's, for the fix-guarantee properties (spec/RULES.md, "What every
 * automatic fix must guarantee").
 *
 * Statement correspondence. Fixes never reorder or split statements; the only fix that drops a
 * statement is `untrusted-account` (a statement left with no principal). So the fixed statement
 * list is an in-order subsequence image of the original: a strictly increasing map from fixed
 * index j to original index i. A fixed statement j may correspond to original i only when they
 * are compatible: same Sid (both absent, or equal), same Effect, and j's principals are a
 * non-empty subset of i's (principals are only removed). Among all such maps we take the one that
 * drops the fewest statements that no fixable `untrusted-account` finding flagged (ties: the
 * earliest match), computed by dynamic programming over (i, j). A Sid therefore pins a match;
 * statements without Sid are matched by position after accounting for drops. If no map exists,
 * some fixed statement has no origin: that is reported as a widening.
 */
import { isDeepStrictEqual } from 'node:util';
import type { NormalizedCondition, NormalizedPrincipal, NormalizedStatement, TrustPolicy } from '../../lib/policy/normalize';
import { allowsAction, describeAwsPrincipal, wildcardMatch } from '../../lib/policy/query';
import { STS_ACTIONS } from '../support/arbitraries';

const ACTIONS = STS_ACTIONS.map((a) => a.toLowerCase());

/** Canonical principal tokens: `*`, `AWS:root:ACCOUNT` for whole accounts, else `TYPE:value`. */
export function principalTokens(p: NormalizedPrincipal | null): string[] {
  if (!p) return [];
  const out: string[] = [];
  if (p.wildcard) out.push('*');
  for (const a of p.aws) {
    if (a === '*') continue;
    const d = describeAwsPrincipal(a);
    out.push(d.kind === 'root' && d.account ? `AWS:root:${d.account}` : `AWS:${a}`);
  }
  for (const s of p.service) out.push(`Service:${s.toLowerCase()}`);
  for (const f of p.federated) out.push(`Federated:${f}`);
  for (const c of p.canonicalUser) out.push(`CanonicalUser:${c}`);
  return out;
}

/** `principal action` pairs that the statements of `effect` grant (or deny), ignoring conditions. */
export function pairs(policy: TrustPolicy, effect: 'Allow' | 'Deny'): Set<string> {
  const out = new Set<string>();
  for (const s of policy.statements) {
    if (s.effect !== effect || !s.principal) continue;
    const actions = ACTIONS.filter((a) => allowsAction(s, a));
    for (const p of principalTokens(s.principal)) for (const a of actions) out.add(`${p} ${a}`);
  }
  return out;
}

/** Pairs the fixed policy grants beyond the original's (with the spec's TagSession exception). */
export function widenedPairs(original: TrustPolicy, fixed: TrustPolicy): string[] {
  const before = pairs(original, 'Allow');
  const out: string[] = [];
  for (const pair of pairs(fixed, 'Allow')) {
    if (before.has(pair)) continue;
    const [p, a] = pair.split(' ');
    if (a === 'sts:tagsession' && before.has(`${p} sts:assumerole`)) continue;
    out.push(pair);
  }
  return out;
}

/** Deny pairs of the original that the fixed policy no longer denies (dropping a Deny widens). */
export function lostDenies(original: TrustPolicy, fixed: TrustPolicy): string[] {
  const after = pairs(fixed, 'Deny');
  return [...pairs(original, 'Deny')].filter((p) => !after.has(p));
}

function compatible(o: NormalizedStatement, f: NormalizedStatement): boolean {
  if (o.sid !== f.sid || o.effect !== f.effect) return false;
  if (o.notPrincipal || f.notPrincipal) return isDeepStrictEqual(o.raw.NotPrincipal, f.raw.NotPrincipal);
  const ot = new Set(principalTokens(o.principal));
  const ft = principalTokens(f.principal);
  return ft.length > 0 && ft.every((t) => ot.has(t));
}

/**
 * The correspondence described at the top of this file: `map[j]` is the original index of fixed
 * statement j, or null when no compatible in-order map exists.
 */
export function alignStatements(original: NormalizedStatement[], fixed: NormalizedStatement[], droppable: Set<number>): number[] | null {
  const n = original.length;
  const m = fixed.length;
  // cost[i][j]: fewest non-droppable originals skipped aligning original[i..] with fixed[j..].
  const cost: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(Infinity));
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      if (j === m) {
        let c = 0;
        for (let k = i; k < n; k++) if (!droppable.has(k)) c++;
        cost[i][j] = c;
        continue;
      }
      if (i === n) continue;
      const skip = cost[i + 1][j] + (droppable.has(i) ? 0 : 1);
      const match = compatible(original[i], fixed[j]) ? cost[i + 1][j + 1] : Infinity;
      cost[i][j] = Math.min(skip, match);
    }
  }
  if (cost[0][0] === Infinity) return null;
  const map: number[] = [];
  let i = 0;
  let j = 0;
  while (j < m) {
    const match = compatible(original[i], fixed[j]) ? cost[i + 1][j + 1] : Infinity;
    if (match <= cost[i + 1][j] + (droppable.has(i) ? 0 : 1)) {
      map.push(i);
      j++;
    }
    i++;
  }
  return map;
}

const SOURCE_ARN_OPS = ['arnlike', 'arnequals', 'stringlike', 'stringequals'];

function sameSet(a: string[], b: string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/**
 * Does fixed condition `f` still constrain what original condition `o` did, at least as tightly?
 * Same key; same operator (set prefix and base operator), where a non-IfExists operator may
 * replace its IfExists form; values: equal for Null/Bool, a superset for negated operators
 * (StringNotEquals [A, B] -> [A] would admit B), a subset otherwise. For aws:SourceArn the four
 * matching operators are interchangeable and each fixed value must be matched by some original
 * value read as an IAM wildcard pattern (`arn:aws:eks:*:111122223333:fargateprofile/*` may
 * narrow to `arn:aws:eks:us-east-1:111122223333:fargateprofile/prod/*`).
 */
export function stillConstrains(o: NormalizedCondition, f: NormalizedCondition): boolean {
  if (o.key !== f.key) return false;
  if (f.ifExists && !o.ifExists) return false;
  // aws:SourceArn is single-valued: ForAnyValue:ArnLike and ArnLike read it alike.
  if (o.key === 'aws:sourcearn' && o.setOp !== 'forallvalues' && f.setOp !== 'forallvalues' && SOURCE_ARN_OPS.includes(o.op) && SOURCE_ARN_OPS.includes(f.op)) {
    return f.values.every((fv) => o.values.some((ov) => wildcardMatch(ov, fv, true)));
  }
  if (o.setOp !== f.setOp || o.op !== f.op) return false;
  if (o.op === 'null' || o.op === 'bool') return sameSet(o.values, f.values);
  if (o.op.includes('not')) return o.values.every((v) => f.values.includes(v));
  return f.values.every((v) => o.values.includes(v));
}

/** Original conditions of `o` that nothing in `f` still constrains, described. */
export function loosenedConditions(o: NormalizedStatement, f: NormalizedStatement): string[] {
  return o.conditions
    .filter((oc) => !f.conditions.some((fc) => stillConstrains(oc, fc)))
    .map((oc) => `${oc.operator} ${oc.rawKey} ${JSON.stringify(oc.values)}`);
}
