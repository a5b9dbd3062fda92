/**
 * What the four IRSA rules (irsa-sub-missing, irsa-sub-wildcard, irsa-aud-missing,
 * irsa-provider-mismatch) agree on: which statements are IRSA statements and how a condition key
 * names an OIDC provider's claim.
 */
import type { NormalizedCondition, NormalizedStatement, TrustPolicy } from '../../policy/normalize';
import { allowsAction, isAllow, isPinning, parseArn, parseOidcProvider, type OidcProvider } from '../../policy/query';

export const WEB_IDENTITY_ACTION = 'sts:AssumeRoleWithWebIdentity';

/**
 * Operators that pin a claim to a value. The spec names StringEquals and StringLike;
 * StringEqualsIgnoreCase pins just as well (service-account names are lower-case anyway).
 */
export const CLAIM_PIN_OPS = ['stringequals', 'stringequalsignorecase', 'stringlike'] as const;

export interface IrsaStatement {
  statement: NormalizedStatement;
  /** The EKS OIDC providers the statement trusts (one in every policy EKS or eksctl writes). */
  providers: OidcProvider[];
  /**
   * Lower-cased condition-key prefixes of every web identity provider the statement trusts,
   * EKS or not (`oidc.eks.…/id/…`, `token.actions.githubusercontent.com`, `accounts.google.com`).
   */
  prefixes: Set<string>;
}

/** The key prefix a Federated principal's claims carry, or null for SAML and unknown ARNs. */
function claimPrefix(federated: string): string | null {
  const oidc = parseOidcProvider(federated);
  if (oidc) return oidc.prefix.toLowerCase();
  // Built-in web identity providers are written by name (cognito-identity.amazonaws.com, …).
  return parseArn(federated) ? null : federated.toLowerCase();
}

type IrsaFacts = Omit<IrsaStatement, 'statement'> | null;

/** The IRSA facts of a statement, or null when it is not an IRSA statement; kept in its memo. */
function irsaFacts(s: NormalizedStatement): IrsaFacts {
  const memo = s.memo;
  if (memo !== undefined && memo.irsa !== undefined) return memo.irsa as IrsaFacts;
  let facts: IrsaFacts = null;
  if (isAllow(s) && s.principal && s.principal.federated.length > 0 && allowsAction(s, WEB_IDENTITY_ACTION)) {
    const providers = s.principal.federated.map(parseOidcProvider).filter((p): p is OidcProvider => !!p && p.eks);
    if (providers.length > 0) {
      facts = { providers, prefixes: new Set(s.principal.federated.map(claimPrefix).filter((p): p is string => p !== null)) };
    }
  }
  // allowsAction created the memo when the statement got that far; otherwise there is nothing to keep.
  if (s.memo !== undefined) s.memo.irsa = facts;
  return facts;
}

/** The EKS OIDC providers of an IRSA statement (none for any other statement). */
export function irsaProviders(s: NormalizedStatement): readonly OidcProvider[] {
  return irsaFacts(s)?.providers ?? [];
}

/**
 * The answer for the policy asked about last: the four IRSA rules ask one after the other about
 * the same (never changed) policy.
 */
let last: { policy: TrustPolicy; list: readonly IrsaStatement[] } | null = null;

/** Allow statements trusting an EKS OIDC provider for sts:AssumeRoleWithWebIdentity. Read-only. */
export function irsaStatements(policy: TrustPolicy): readonly IrsaStatement[] {
  if (last !== null && last.policy === policy) return last.list;
  const list = irsaStatementsUncached(policy);
  last = { policy, list };
  return list;
}

function irsaStatementsUncached(policy: TrustPolicy): IrsaStatement[] {
  const out: IrsaStatement[] = [];
  for (const s of policy.statements) {
    const facts = irsaFacts(s);
    if (facts !== null) out.push({ statement: s, providers: facts.providers, prefixes: facts.prefixes });
  }
  return out;
}

/** `PROVIDER:claim` as the provider's ARN spells the prefix. */
export function claimKey(provider: OidcProvider, claim: 'sub' | 'aud'): string {
  return `${provider.prefix}:${claim}`;
}

/** Conditions on `PROVIDER:claim` (keys are case-insensitive; normalised keys are lower-case). */
/** Lower-case `PROVIDER:sub` / `PROVIDER:aud` keys by (memoised) provider. */
const claimKeys = new Map<OidcProvider, { sub: string; aud: string }>();

export function claimConditions(s: NormalizedStatement, provider: OidcProvider, claim: 'sub' | 'aud'): NormalizedCondition[] {
  let keys = claimKeys.get(provider);
  if (keys === undefined) {
    keys = { sub: claimKey(provider, 'sub').toLowerCase(), aud: claimKey(provider, 'aud').toLowerCase() };
    if (claimKeys.size > 10_000) claimKeys.clear();
    claimKeys.set(provider, keys);
  }
  const key = keys[claim];
  return s.conditions.filter((c) => c.key === key);
}

/** The conditions that pin `PROVIDER:claim`: StringEquals/StringLike, not IfExists, not negated. */
export function claimPins(s: NormalizedStatement, provider: OidcProvider, claim: 'sub' | 'aud'): NormalizedCondition[] {
  return claimConditions(s, provider, claim).filter((c) => isPinning(c) && (CLAIM_PIN_OPS as readonly string[]).includes(c.op));
}

/**
 * `{prefix, claim}` when a (lower-cased) condition key is an OIDC provider's `:sub` or `:aud`
 * claim. A provider prefix is a host name with an optional path: it has a dot and no colon, which
 * leaves out `saml:aud` and tag keys such as `aws:RequestTag/x:sub`.
 */
export function parseClaimKey(key: string): { prefix: string; claim: 'sub' | 'aud' } | null {
  const m = /^([^:]+):(sub|aud)$/.exec(key.toLowerCase());
  if (!m || !m[1].includes('.')) return null;
  return { prefix: m[1], claim: m[2] as 'sub' | 'aud' };
}

export function where(s: NormalizedStatement): string {
  return `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

/** Why a condition on a claim does not pin it. */
export function whyNotPinning(c: NormalizedCondition): string {
  if (c.ifExists || c.setOp === 'forallvalues') return 'passes when the claim is absent';
  if (c.op.includes('not') || c.op === 'null') return 'does not say which value is allowed';
  return 'is not StringEquals or StringLike';
}
