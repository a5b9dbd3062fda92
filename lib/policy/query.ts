/**
 * Questions rules ask of a normalised statement. Every rule goes through these so that
 * spellings (case, string vs list, IfExists, ForAnyValue, partitions) are handled in one place.
 */
import { SERVICE_FLAGS, type NormalizedCondition, type NormalizedStatement, type StatementMemo, type TrustPolicy } from './normalize';

/** The known EKS service principals' names (defined with their statement flags in normalize.ts). */
export { EC2_SERVICE, EKS_SERVICE, FARGATE_SERVICE, POD_IDENTITY_SERVICE } from './normalize';

export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;

/** Compiled patterns by pattern, one cache per case mode. */
const wildcardCache = { i: new Map<string, RegExp>(), c: new Map<string, RegExp>() };

/** IAM wildcard match (`*` any run, `?` one character). Case-insensitive unless told otherwise. */
export function wildcardMatch(pattern: string, value: string, caseSensitive = false): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) {
    if (caseSensitive || pattern === value) return pattern === value;
    return pattern.toLowerCase() === value.toLowerCase();
  }
  const cache = caseSensitive ? wildcardCache.c : wildcardCache.i;
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, caseSensitive ? 's' : 'is');
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, re);
  }
  return re.test(value);
}

export function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Parse an ARN. Cheaper than a cache lookup: not memoised (treat the result as read-only all the same). */
export function parseArn(arn: string): Readonly<ParsedArn> | null {
  let out: ParsedArn | null = null;
  if (arn.startsWith('arn:')) {
    // arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (the resource may hold more colons)
    const p1 = arn.indexOf(':', 4);
    const p2 = p1 < 0 ? -1 : arn.indexOf(':', p1 + 1);
    const p3 = p2 < 0 ? -1 : arn.indexOf(':', p2 + 1);
    const p4 = p3 < 0 ? -1 : arn.indexOf(':', p3 + 1);
    if (p4 >= 0) {
      out = { partition: arn.slice(4, p1), service: arn.slice(p1 + 1, p2), region: arn.slice(p2 + 1, p3), account: arn.slice(p3 + 1, p4), resource: arn.slice(p4 + 1) };
    }
  }
  return out;
}

export const ACCOUNT_ID = /^\d{12}$/;

export interface AwsPrincipalInfo {
  raw: string;
  /** 12-digit account, or null for `*`, unique ids (AROA…) and anything unparseable. */
  account: string | null;
  kind: 'wildcard' | 'root' | 'role' | 'user' | 'assumed-role' | 'federated-user' | 'unique-id' | 'other';
  partition: string | null;
}

const awsPrincipalCache = new Map<string, Readonly<AwsPrincipalInfo>>();

/**
 * A bare 12-digit account id means `arn:PARTITION:iam::ID:root`. Memoised like parseArn: treat
 * the result as read-only.
 */
export function describeAwsPrincipal(raw: string): Readonly<AwsPrincipalInfo> {
  let hit = awsPrincipalCache.get(raw);
  if (hit === undefined) {
    hit = describeAwsPrincipalUncached(raw);
    if (awsPrincipalCache.size > 10_000) awsPrincipalCache.clear();
    awsPrincipalCache.set(raw, hit);
  }
  return hit;
}

function describeAwsPrincipalUncached(raw: string): AwsPrincipalInfo {
  if (raw === '*') return { raw, account: null, kind: 'wildcard', partition: null };
  if (ACCOUNT_ID.test(raw)) return { raw, account: raw, kind: 'root', partition: null };
  const arn = parseArn(raw);
  if (!arn) return { raw, account: null, kind: /^A[A-Z0-9]{15,}$/.test(raw) ? 'unique-id' : 'other', partition: null };
  const account = ACCOUNT_ID.test(arn.account) ? arn.account : null;
  let kind: AwsPrincipalInfo['kind'] = 'other';
  if (arn.service === 'iam' && arn.resource === 'root') kind = 'root';
  else if (arn.service === 'iam' && arn.resource.startsWith('role/')) kind = 'role';
  else if (arn.service === 'iam' && arn.resource.startsWith('user/')) kind = 'user';
  else if (arn.service === 'sts' && arn.resource.startsWith('assumed-role/')) kind = 'assumed-role';
  else if (arn.service === 'sts' && arn.resource.startsWith('federated-user/')) kind = 'federated-user';
  return { raw, account, kind, partition: arn.partition };
}

export interface OidcProvider {
  partition: string;
  account: string;
  /** The condition-key prefix: the part after `oidc-provider/`, e.g. `oidc.eks.us-east-1.amazonaws.com/id/ABC`. */
  prefix: string;
  /** True for EKS issuers (`oidc.eks.REGION.amazonaws.com[.cn]/id/ID`). */
  eks: boolean;
}

const oidcCache = new Map<string, Readonly<OidcProvider> | null>();

/** Memoised like parseArn: treat the result as read-only. */
export function parseOidcProvider(federated: string): Readonly<OidcProvider> | null {
  let hit = oidcCache.get(federated);
  if (hit === undefined) {
    hit = parseOidcProviderUncached(federated);
    if (oidcCache.size > 10_000) oidcCache.clear();
    oidcCache.set(federated, hit);
  }
  return hit;
}

function parseOidcProviderUncached(federated: string): OidcProvider | null {
  const arn = parseArn(federated);
  if (!arn || arn.service !== 'iam' || !arn.resource.startsWith('oidc-provider/')) return null;
  const prefix = arn.resource.slice('oidc-provider/'.length);
  return {
    partition: arn.partition,
    account: arn.account,
    prefix,
    eks: /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\/[A-Za-z0-9]+$/i.test(prefix),
  };
}

export function isSamlProvider(federated: string): boolean {
  const arn = parseArn(federated);
  return !!arn && arn.service === 'iam' && arn.resource.startsWith('saml-provider/');
}

/** Service principal test that accepts the China spelling (`….amazonaws.com.cn`). */
export function isService(principal: string, name: string): boolean {
  const p = principal.toLowerCase();
  return p === `${name}.amazonaws.com` || p === `${name}.amazonaws.com.cn`;
}



/** Known actions (as rules name them) to their bit in the statement memo. */
const ACTION_BITS = new Map<string, number>([
  ['sts:AssumeRole', 1],
  ['sts:TagSession', 2],
  ['sts:AssumeRoleWithWebIdentity', 4],
  ['sts:AssumeRoleWithSAML', 8],
]);


/** The statement's memo, created on first use. */
function memoOf(s: NormalizedStatement): StatementMemo {
  let m = s.memo;
  if (m === undefined) {
    m = { actionsKnown: 0, actionsAllowed: 0, irsa: undefined };
    s.memo = m;
  }
  return m;
}


export function trustsService(s: NormalizedStatement, name: string): boolean {
  const flag = SERVICE_FLAGS.get(name);
  if (flag !== undefined) return (s.flags & flag) !== 0;
  if (!s.principal || s.principal.service.length === 0) return false;
  return s.principal.service.some((p) => isService(p, name));
}

/**
 * The statement a finding names: statement i sits at i in a parsed policy, so the search is only
 * for anything else (indexes are unique).
 */
export function statementAt(policy: TrustPolicy, index: number | null): NormalizedStatement | undefined {
  if (index !== null) {
    const s = policy.statements[index];
    if (s !== undefined && s.index === index) return s;
  }
  return policy.statements.find((x) => x.index === index);
}

export function isAllow(s: NormalizedStatement): boolean {
  return s.effect === 'Allow';
}

/** Does the statement's Action/NotAction allow this action (lower-case, no wildcard)? */
export function allowsAction(s: NormalizedStatement, action: string): boolean {
  const bit = ACTION_BITS.get(action);
  if (bit === undefined) return allowsActionUncached(s, action);
  const m = memoOf(s);
  if ((m.actionsKnown & bit) === 0) {
    m.actionsKnown |= bit;
    if (allowsActionUncached(s, action)) m.actionsAllowed |= bit;
  }
  return (m.actionsAllowed & bit) !== 0;
}

function allowsActionUncached(s: NormalizedStatement, action: string): boolean {
  const a = action.toLowerCase();
  if (s.actions) return matchesAny(s.actions, a);
  if (s.notActions) return !matchesAny(s.notActions, a);
  return false;
}

/** Does any (lower-cased) action pattern match the lower-case action? */
function matchesAny(patterns: string[], action: string): boolean {
  for (let i = 0; i < patterns.length; i++) {
    if (!(i in patterns)) continue; // a hole (object input), which some() skipped
    const p = patterns[i];
    if (p === action || (hasWildcard(p) && wildcardMatch(p, action))) return true;
  }
  return false;
}

const NO_CONDITIONS: readonly NormalizedCondition[] = Object.freeze([]);
const lowerKeys = new Map<string, string>();

/** Conditions on a key (lower-cased comparison), in statement order. Read-only: may be shared. */
export function conditionsOn(s: NormalizedStatement, key: string): NormalizedCondition[] {
  const conditions = s.conditions;
  if (conditions.length === 0) return NO_CONDITIONS as NormalizedCondition[];
  let k = lowerKeys.get(key);
  if (k === undefined) {
    k = key.toLowerCase();
    if (lowerKeys.size > 10_000) lowerKeys.clear();
    lowerKeys.set(key, k);
  }
  let out: NormalizedCondition[] | null = null;
  for (let i = 0; i < conditions.length; i++) {
    if (conditions[i].key === k) (out ??= []).push(conditions[i]);
  }
  return out ?? (NO_CONDITIONS as NormalizedCondition[]);
}

/**
 * A condition pins a key when an absent key fails it: not IfExists, not ForAllValues (which an
 * absent key passes), and not a negated operator.
 */
export function isPinning(c: NormalizedCondition): boolean {
  if (c.ifExists || c.setOp === 'forallvalues') return false;
  if (c.op === 'null') return false;
  return !c.op.includes('not');
}

export const STRING_EQUALITY_OPS = ['stringequals', 'stringequalsignorecase'];
export const STRING_MATCH_OPS = ['stringequals', 'stringequalsignorecase', 'stringlike'];
export const ARN_MATCH_OPS = ['arnequals', 'arnlike'];

/** Pinning conditions on `key` whose operator is one of `ops`. */
export function pinningConditions(s: NormalizedStatement, key: string, ops: readonly string[]): NormalizedCondition[] {
  return conditionsOn(s, key).filter((c) => isPinning(c) && ops.includes(c.op));
}

/** The partition of the first ARN found, for fixes that must write an ARN. */
export function partitionOfArn(arn: string | undefined): string | null {
  if (!arn) return null;
  return parseArn(arn)?.partition ?? null;
}
