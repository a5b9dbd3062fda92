/**
 * Questions rules ask of a normalised statement. Every rule goes through these so that
 * spellings (case, string vs list, IfExists, ForAnyValue, partitions) are handled in one place.
 */
import type { NormalizedCondition, NormalizedStatement } from './normalize';

export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;

const wildcardCache = new Map<string, RegExp>();

/** IAM wildcard match (`*` any run, `?` one character). Case-insensitive unless told otherwise. */
export function wildcardMatch(pattern: string, value: string, caseSensitive = false): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) {
    return caseSensitive ? pattern === value : pattern.toLowerCase() === value.toLowerCase();
  }
  const cacheKey = (caseSensitive ? 'c' : 'i') + pattern;
  let re = wildcardCache.get(cacheKey);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, caseSensitive ? 's' : 'is');
    if (wildcardCache.size > 10_000) wildcardCache.clear();
    wildcardCache.set(cacheKey, re);
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

const arnCache = new Map<string, Readonly<ParsedArn> | null>();

/** Parse an ARN. Memoised (rules ask about the same few ARNs again and again): treat the result as read-only. */
export function parseArn(arn: string): Readonly<ParsedArn> | null {
  const hit = arnCache.get(arn);
  if (hit !== undefined) return hit;
  let out: ParsedArn | null = null;
  if (arn.startsWith('arn:')) {
    const parts = arn.split(':');
    if (parts.length >= 6) out = { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(':') };
  }
  if (arnCache.size > 10_000) arnCache.clear();
  arnCache.set(arn, out);
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

/** A bare 12-digit account id means `arn:PARTITION:iam::ID:root`. */
export function describeAwsPrincipal(raw: string): AwsPrincipalInfo {
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

export function parseOidcProvider(federated: string): OidcProvider | null {
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

export const FARGATE_SERVICE = 'eks-fargate-pods';
export const POD_IDENTITY_SERVICE = 'pods.eks';
export const EC2_SERVICE = 'ec2';
export const EKS_SERVICE = 'eks';

export function trustsService(s: NormalizedStatement, name: string): boolean {
  return !!s.principal && s.principal.service.some((p) => isService(p, name));
}

export function isAllow(s: NormalizedStatement): boolean {
  return s.effect === 'Allow';
}

/** Does the statement's Action/NotAction allow this action (lower-case, no wildcard)? */
export function allowsAction(s: NormalizedStatement, action: string): boolean {
  const a = action.toLowerCase();
  if (s.actions) return s.actions.some((p) => wildcardMatch(p, a));
  if (s.notActions) return !s.notActions.some((p) => wildcardMatch(p, a));
  return false;
}

/** Conditions on a key (lower-cased comparison). */
export function conditionsOn(s: NormalizedStatement, key: string): NormalizedCondition[] {
  const k = key.toLowerCase();
  return s.conditions.filter((c) => c.key === k);
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
