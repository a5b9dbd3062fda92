/**
 * What the four IRSA rules (irsa-sub-missing, irsa-sub-wildcard, irsa-aud-missing,
 * irsa-provider-mismatch) agree on: which statements are IRSA statements and how a condition key
 * names an OIDC provider's claim.
 *
 * Everything derived here depends on the statement's content only (never on its index), so it is
 * kept in the statement's `memo.irsa` slot, which survives a statement moving to another index.
 */
import type { NormalizedCondition, NormalizedStatement, TrustPolicy } from '../../policy/normalize';
import type { RuleContext, RuleFinding } from '../types';
import { addFinding, findingsOf } from '../support/findings';
import { allowsAction, isAllow, parseArn, parseOidcProvider, type OidcProvider } from '../../policy/query';

export const WEB_IDENTITY_ACTION = 'sts:AssumeRoleWithWebIdentity';

/** A provider's claim keys: as its ARN spells them (for messages and fixes) and lower-cased. */
export interface ProviderKeys {
  provider: OidcProvider;
  /** The provider's prefix as its ARN spells it (OidcProvider.prefix). */
  name: string;
  /** The provider's prefix, lower-cased. */
  prefix: string;
  sub: string;
  aud: string;
  subLower: string;
  audLower: string;
  /** The facts' lists of a statement trusting this provider alone (shared, read-only). */
  providers: OidcProvider[];
  keys: ProviderKeys[];
  prefixes: string[];
}

/** Keys by (memoised, so long-lived) provider. */
const providerKeys = new Map<OidcProvider, ProviderKeys>();

export function keysOf(provider: OidcProvider): ProviderKeys {
  let keys = providerKeys.get(provider);
  if (keys === undefined) {
    const sub = claimKey(provider, 'sub');
    const aud = claimKey(provider, 'aud');
    const prefix = provider.prefix.toLowerCase();
    keys = { provider, name: provider.prefix, prefix, sub, aud, subLower: sub.toLowerCase(), audLower: aud.toLowerCase(), providers: [provider], keys: [], prefixes: [prefix] };
    keys.keys.push(keys);
    if (providerKeys.size > 10_000) providerKeys.clear();
    providerKeys.set(provider, keys);
  }
  return keys;
}

// Bits of `IrsaFacts.scan`: what the IRSA rules need to know to tell that they have nothing to say.
/** Some EKS provider of the statement has no pinning condition on its `:sub`. */
export const SCAN_SUB_MISSING = 1;
/** Some EKS provider of the statement has no pinning condition on its `:aud`. */
export const SCAN_AUD_MISSING = 2;
/** Some condition key is a `:sub` or `:aud` claim of a provider the statement does not trust. */
export const SCAN_FOREIGN = 4;
/** Some value of a pinning `:sub` condition matches more than one service account or none. */
export const SCAN_SUB_LOOSE = 8;

export interface IrsaFacts {
  /** The EKS OIDC providers the statement trusts (one in every policy EKS or eksctl writes). */
  providers: OidcProvider[];
  /** Their keys, in the same order. */
  keys: ProviderKeys[];
  /**
   * Lower-cased condition-key prefixes of every web identity provider the statement trusts,
   * EKS or not (`oidc.eks.…/id/…`, `token.actions.githubusercontent.com`, `accounts.google.com`).
   * May repeat.
   */
  prefixes: string[];
  /** SCAN_* bits, or -1 until first asked (scanOf). */
  scan: number;
}

/** What a Federated principal value says, by value (one lookup instead of two per statement). */
interface FederatedInfo {
  /** The keys of the EKS OIDC provider it names, or null. */
  eks: ProviderKeys | null;
  /** The (lower-case) key prefix its claims carry, or null for SAML and unknown ARNs. */
  prefix: string | null;
}

const federatedInfos = new Map<string, FederatedInfo>();

function federatedInfo(federated: string): FederatedInfo {
  let info = federatedInfos.get(federated);
  if (info === undefined) {
    const oidc = parseOidcProvider(federated);
    const keys = oidc ? keysOf(oidc) : null;
    info = {
      eks: oidc && oidc.eks ? keys : null,
      // Built-in web identity providers are written by name (cognito-identity.amazonaws.com, …).
      prefix: keys ? keys.prefix : parseArn(federated) ? null : federated.toLowerCase(),
    };
    if (federatedInfos.size > 10_000) federatedInfos.clear();
    federatedInfos.set(federated, info);
  }
  return info;
}

/** The IRSA facts of a statement, or null when it is not an IRSA statement; kept in its memo. */
export function irsaFacts(s: NormalizedStatement): IrsaFacts | null {
  const memo = s.memo;
  if (memo !== undefined && memo.irsa !== undefined) return memo.irsa as IrsaFacts | null;
  let facts: IrsaFacts | null = null;
  if (isAllow(s) && s.principal && s.principal.federated.length > 0 && allowsAction(s, WEB_IDENTITY_ACTION)) {
    const federated = s.principal.federated;
    if (federated.length === 1) {
      // The common case: a statement trusting one EKS provider shares that provider's (read-only) lists.
      const k = federatedInfo(federated[0]).eks;
      if (k !== null) facts = { providers: k.providers, keys: k.keys, prefixes: k.prefixes, scan: -1 };
    } else {
      let providers: OidcProvider[] | null = null;
      let keys: ProviderKeys[] | null = null;
      const prefixes: string[] = [];
      for (let i = 0; i < federated.length; i++) {
        const info = federatedInfo(federated[i]);
        if (info.eks !== null) {
          (providers ??= []).push(info.eks.provider);
          (keys ??= []).push(info.eks);
        }
        if (info.prefix !== null) prefixes.push(info.prefix);
      }
      if (providers !== null && keys !== null) facts = { providers, keys, prefixes, scan: -1 };
    }
  }
  // allowsAction created the memo when the statement got that far; otherwise there is nothing to keep.
  if (s.memo !== undefined) s.memo.irsa = facts;
  return facts;
}


/** `PROVIDER:claim` as the provider's ARN spells the prefix. */
export function claimKey(provider: OidcProvider, claim: 'sub' | 'aud'): string {
  return `${provider.prefix}:${claim}`;
}

/**
 * Does the operator pin a claim to a value? The spec names StringEquals and StringLike;
 * StringEqualsIgnoreCase pins just as well (service-account names are lower-case anyway).
 */
function isClaimPinOp(op: string): boolean {
  return op === 'stringequals' || op === 'stringequalsignorecase' || op === 'stringlike';
}

/** A pinning condition (isPinning) with a claim-pinning operator (none of them is negated or Null). */
export function isClaimPin(c: NormalizedCondition): boolean {
  return isClaimPinOp(c.op) && !c.ifExists && c.setOp !== 'forallvalues';
}

/** Is there a condition pinning the (lower-case) key? */
export function hasClaimPin(s: NormalizedStatement, lowerKey: string): boolean {
  const conditions = s.conditions;
  for (let i = 0; i < conditions.length; i++) {
    const c = conditions[i];
    if (c.key === lowerKey && isClaimPin(c)) return true;
  }
  return false;
}



/** Not a claim key (ClaimKind). */
export const NOT_A_CLAIM = 0;
export const SUB_CLAIM = 1;
export const AUD_CLAIM = 2;

/**
 * Whether a lower-case condition key is an OIDC provider's claim, without building anything:
 * SUB_CLAIM or AUD_CLAIM when it is `PREFIX:sub` / `PREFIX:aud` with a prefix that has a dot and
 * no colon (a host name with an optional path, which leaves out `saml:aud` and tag keys such as
 * `aws:RequestTag/x:sub`), else NOT_A_CLAIM.
 */
export function claimKind(key: string): number {
  const n = key.length - 4;
  if (n < 1 || key.charCodeAt(n) !== 58 /* : */) return NOT_A_CLAIM;
  let kind: number;
  const a = key.charCodeAt(n + 1);
  if (a === 115 /* s */ && key.charCodeAt(n + 2) === 117 /* u */ && key.charCodeAt(n + 3) === 98 /* b */) kind = SUB_CLAIM;
  else if (a === 97 /* a */ && key.charCodeAt(n + 2) === 117 /* u */ && key.charCodeAt(n + 3) === 100 /* d */) kind = AUD_CLAIM;
  else return NOT_A_CLAIM;
  if (key.indexOf(':') !== n) return NOT_A_CLAIM;
  const dot = key.indexOf('.');
  return dot >= 0 && dot < n ? kind : NOT_A_CLAIM;
}

/** Is the prefix of a (lower-case) claim key one of `prefixes`? */
export function ownsClaim(key: string, prefixes: readonly string[]): boolean {
  const n = key.length - 4;
  for (let i = 0; i < prefixes.length; i++) {
    const p = prefixes[i];
    if (p.length === n && key.startsWith(p)) return true;
  }
  return false;
}


/**
 * A stand-in context for perStatement when an answer does not depend on the context: every caller
 * then shares the memoised answer.
 */
export const ANY_CONTEXT = Object.freeze({}) as RuleContext;

export function where(s: NormalizedStatement): string {
  return `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

/** Why a condition on a claim does not pin it. */
export function whyNotPinning(c: NormalizedCondition): string {
  if (c.ifExists || c.setOp === 'forallvalues') return 'passes when the claim is absent';
  if (c.op.includes('not') || c.op === 'null') return 'does not say which value is allowed';
  return 'is not StringEquals or StringLike';
}

/** Kubernetes names: a namespace is a DNS-1123 label, a service account a DNS-1123 subdomain. */
const SA_PREFIX = 'system:serviceaccount:';

/** Is value[from, to) a DNS-1123 label (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`)? */
function isDnsLabel(value: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const ch = value.charCodeAt(i);
    if ((ch >= 97 && ch <= 122) || (ch >= 48 && ch <= 57)) continue;
    if (ch === 45 /* - */ && i !== from && i !== to - 1) continue;
    return false;
  }
  return true;
}

/** Is value[from, to) a DNS-1123 subdomain (labels joined by dots)? */
function isDnsSubdomain(value: string, from: number, to: number): boolean {
  let start = from;
  for (;;) {
    let dot = value.indexOf('.', start);
    if (dot < 0 || dot >= to) dot = to;
    if (!isDnsLabel(value, start, dot)) return false;
    if (dot === to) return true;
    start = dot + 1;
  }
}

/** Is `value` the subject of exactly one service account: `system:serviceaccount:NAMESPACE:NAME`? */
export function isServiceAccountSubject(value: string): boolean {
  if (!value.startsWith(SA_PREFIX)) return false;
  const from = SA_PREFIX.length;
  const colon = value.indexOf(':', from);
  if (colon < 0 || value.indexOf(':', colon + 1) >= 0) return false;
  return colon - from <= 63 && isDnsLabel(value, from, colon) && value.length - colon - 1 <= 253 && isDnsSubdomain(value, colon + 1, value.length);
}

/** Does a pinning `:sub` condition allow a value irsa-sub-wildcard reports? */
export function isLooseSubValue(c: NormalizedCondition, v: string): boolean {
  if (c.op === 'stringlike' && (v.includes('*') || v.includes('?'))) return true;
  return !isServiceAccountSubject(c.op === 'stringequalsignorecase' ? v.toLowerCase() : v);
}

/** Does a pinning `:sub` condition allow any value irsa-sub-wildcard reports? */
function hasLooseSubValue(c: NormalizedCondition): boolean {
  const values = c.values;
  for (let v = 0; v < values.length; v++) if (isLooseSubValue(c, values[v])) return true;
  return false;
}

function scan(s: NormalizedStatement, facts: IrsaFacts): number {
  const conditions = s.conditions;
  const keys = facts.keys;
  const n = keys.length;
  // One pass over the conditions: bit i of subPinned / audPinned for keys[i].
  let subPinned = 0;
  let audPinned = 0;
  let bits = 0;
  for (let j = 0; j < conditions.length; j++) {
    const c = conditions[j];
    const key = c.key;
    const pin = isClaimPin(c);
    let own = false;
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      if (key === k.subLower) {
        own = true;
        if (pin) {
          subPinned |= 1 << i;
          if ((bits & SCAN_SUB_LOOSE) === 0 && hasLooseSubValue(c)) bits |= SCAN_SUB_LOOSE;
        }
      } else if (key === k.audLower) {
        own = true;
        if (pin) audPinned |= 1 << i;
      }
    }
    // A key of one of the statement's EKS providers is its own claim.
    if (!own && (bits & SCAN_FOREIGN) === 0 && claimKind(key) !== NOT_A_CLAIM && !ownsClaim(key, facts.prefixes)) bits |= SCAN_FOREIGN;
  }
  if (n > 30) {
    // More providers than the masks hold: ask about each.
    for (const k of keys) {
      if (!hasClaimPin(s, k.subLower)) bits |= SCAN_SUB_MISSING;
      if (!hasClaimPin(s, k.audLower)) bits |= SCAN_AUD_MISSING;
    }
  } else {
    const all = (1 << n) - 1;
    if (subPinned !== all) bits |= SCAN_SUB_MISSING;
    if (audPinned !== all) bits |= SCAN_AUD_MISSING;
  }
  return bits;
}

/** The SCAN_* bits of an IRSA statement, computed on first use and kept with its facts. */
export function scanOf(s: NormalizedStatement, facts: IrsaFacts): number {
  let bits = facts.scan;
  if (bits < 0) {
    bits = scan(s, facts);
    facts.scan = bits;
  }
  return bits;
}

/**
 * The check all four IRSA rules make: the finding (memoised per statement by the rule) of each
 * IRSA statement whose scan has `bit` set, in statement order.
 */
export function irsaFindings(policy: TrustPolicy, bit: number, finding: (s: NormalizedStatement, ctx: RuleContext) => RuleFinding): RuleFinding[] {
  let out: RuleFinding[] | null = null;
  const statements = policy.statements;
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i];
    const facts = irsaFacts(s);
    if (facts === null || (scanOf(s, facts) & bit) === 0) continue;
    out = addFinding(out, finding(s, ANY_CONTEXT));
  }
  return findingsOf(out);
}
