/**
 * Allocation-free answers to the questions rules ask of principal values most often, giving
 * exactly what parseArn / describeAwsPrincipal / isSamlProvider / parseOidcProvider
 * (lib/policy/query.ts) would, without building their objects or filling their caches.
 */

/** Is `v[start, end)` a 12-digit account id (what ACCOUNT_ID accepts)? */
function isAccountIdAt(v: string, start: number, end: number): boolean {
  if (end - start !== 12) return false;
  for (let i = start; i < end; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Is the whole value a 12-digit account id? */
export function isAccountId(v: string): boolean {
  return isAccountIdAt(v, 0, v.length);
}

/** v.startsWith('arn:'), which is slower than four charCodeAt. */
function hasArnPrefix(v: string): boolean {
  return v.charCodeAt(0) === 97 && v.charCodeAt(1) === 114 && v.charCodeAt(2) === 110 && v.charCodeAt(3) === 58;
}

/**
 * Where the account of an ARN starts when it is a 12-digit id (parseArn(v)?.account passing
 * ACCOUNT_ID), else -1.
 */
export function arnAccountStart(v: string): number {
  if (!hasArnPrefix(v)) return -1;
  const p1 = v.indexOf(':', 4);
  if (p1 < 0) return -1;
  const p2 = v.indexOf(':', p1 + 1);
  return p2 < 0 ? -1 : accountAfter(v, v.indexOf(':', p2 + 1));
}

/**
 * Where the account starts when the separator ending the ARN's region (parseArn's third) is
 * at `p3` (-1: none) and a 12-digit account follows it, else -1. Digits hold no colon, so the
 * separator ending the account (which parseArn requires) is then exactly 12 characters on: no
 * need to look for it.
 */
function accountAfter(v: string, p3: number): number {
  if (p3 < 0) return -1;
  const start = p3 + 1;
  return v.charCodeAt(start + 12) === 58 && isAccountIdAt(v, start, start + 12) ? start : -1;
}

/**
 * Where the account of an AWS principal value starts (describeAwsPrincipal(v).account non-null:
 * a bare 12-digit id, at 0, or an ARN with a 12-digit account field), else -1.
 */
export function awsAccountStart(v: string): number {
  if (isAccountIdAt(v, 0, v.length)) return 0;
  return arnAccountStart(v);
}

/**
 * For an AWS principal value of kind `root` with an account (describeAwsPrincipal(v): kind
 * 'root', account non-null), where the account starts; else -1.
 */
export function rootAccountStart(v: string): number {
  if (isAccountIdAt(v, 0, v.length)) return 0;
  if (!hasArnPrefix(v)) return -1;
  const p1 = v.indexOf(':', 4);
  // service exactly "iam": its end, the second separator, is then at p1 + 4
  if (p1 < 0 || v.charCodeAt(p1 + 4) !== 58 || !v.startsWith('iam', p1 + 1)) return -1;
  const p3 = v.indexOf(':', p1 + 5);
  // resource exactly "root": after the account (12) and its separator, 17 characters after p3
  if (p3 < 0 || v.length !== p3 + 18 || !v.endsWith('root')) return -1;
  return accountAfter(v, p3);
}

/** Kinds of Federated value, as isSamlProvider / parseOidcProvider / parseArn tell them. */
export const FederatedKind = {
  /** isSamlProvider */
  Saml: 0,
  /** parseOidcProvider is non-null */
  Oidc: 1,
  /** another ARN */
  OtherArn: 2,
  /** not an ARN */
  NotArn: 3,
} as const;

export function federatedKind(v: string): number {
  if (!hasArnPrefix(v)) return FederatedKind.NotArn;
  const p1 = v.indexOf(':', 4);
  if (p1 < 0) return FederatedKind.NotArn;
  // Where parseArn splits v (its separators p1 to p4; none: not an ARN). Service "iam" ends
  // with the second at p1 + 4, found without a search.
  const iam = v.charCodeAt(p1 + 4) === 58 && v.startsWith('iam', p1 + 1);
  const p2 = iam ? p1 + 4 : v.indexOf(':', p1 + 1);
  if (p2 < 0) return FederatedKind.NotArn;
  const p3 = v.indexOf(':', p2 + 1);
  if (p3 < 0) return FederatedKind.NotArn;
  const p4 = v.indexOf(':', p3 + 1);
  if (p4 < 0) return FederatedKind.NotArn;
  if (!iam) return FederatedKind.OtherArn;
  const r = p4 + 1;
  if (v.startsWith('saml-provider/', r)) return FederatedKind.Saml;
  if (v.startsWith('oidc-provider/', r)) return FederatedKind.Oidc;
  return FederatedKind.OtherArn;
}

/**
 * Is the 12-digit account at `v[start, start + 12)` in `trusted` (RuleContext.trustedAccountSet)?
 * The set holds account ids as given (any strings): only its 12-character members can match (and
 * matching 12 digits, such a member is an id). Iterating the set (a few members, new for each
 * evaluation) beats both `trusted.has(slice)`, which allocates, and keeping its ids on the side.
 */
export function trustedAt(v: string, start: number, trusted: Set<string>): boolean {
  if (trusted.size === 0) return false;
  for (const t of trusted) if (t.length === 12 && v.startsWith(t, start)) return true;
  return false;
}

/**
 * Rules list distinct accounts as `A, B, C` and test membership by searching that text; past this
 * many, they keep a Set instead (searching a growing text is quadratic).
 */
export const MANY_ACCOUNTS = 16;

/** The accounts of an `A, B, C` list. */
export function accountSet(list: string): Set<string> {
  return new Set(list.split(', '));
}
