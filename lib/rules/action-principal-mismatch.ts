import type { NormalizedStatement } from '../policy/normalize';
import { hasWildcard, isAllow } from '../policy/query';
import { federatedKind, FederatedKind } from './support/account-arn';
import type { Rule, RuleFinding } from './types';

/** How a principal can reach STS; `unknown` is never judged. */
type PrincipalKind = 'wildcard' | 'aws' | 'service' | 'web-identity' | 'saml' | 'unknown';

interface ClassifiedPrincipal {
  value: string;
  kind: PrincipalKind;
}

/**
 * The assume actions and the principal kinds IAM lets call them. Only these are judged: the
 * companion actions (sts:TagSession, sts:SetSourceIdentity, sts:SetContext) ride along with any
 * assume call and may be granted in a statement of their own, and an action we cannot classify
 * is never called a mismatch.
 */
// No prototype: an action such as "constructor" must not find an inherited value.
const ASSUME_ACTIONS: Record<string, { name: string; kinds: PrincipalKind[]; needs: string }> = Object.assign(Object.create(null), {
  'sts:assumerole': { name: 'sts:AssumeRole', kinds: ['wildcard', 'aws', 'service'], needs: 'an AWS or Service principal' },
  'sts:assumerolewithwebidentity': {
    name: 'sts:AssumeRoleWithWebIdentity',
    kinds: ['wildcard', 'web-identity'],
    needs: 'a Federated OIDC or web identity provider',
  },
  'sts:assumerolewithsaml': { name: 'sts:AssumeRoleWithSAML', kinds: ['wildcard', 'saml'], needs: 'a Federated SAML provider' },
});

const KIND_USES: Record<Exclude<PrincipalKind, 'wildcard' | 'unknown'>, string> = {
  aws: 'an AWS principal assumes a role with sts:AssumeRole',
  service: 'a service assumes a role with sts:AssumeRole',
  'web-identity': "an OIDC or web identity provider's users call sts:AssumeRoleWithWebIdentity",
  saml: "a SAML provider's users call sts:AssumeRoleWithSAML",
};

function where(s: NormalizedStatement): string {
  return `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

/** PrincipalKind of each FederatedKind (support/account-arn.ts). */
const FEDERATED_KINDS: PrincipalKind[] = [];
FEDERATED_KINDS[FederatedKind.Saml] = 'saml';
FEDERATED_KINDS[FederatedKind.Oidc] = 'web-identity';
// Non-ARN Federated values are web identity providers (cognito-identity.amazonaws.com,
// accounts.google.com, graph.facebook.com, www.amazon.com); other ARNs we do not know.
FEDERATED_KINDS[FederatedKind.OtherArn] = 'unknown';
FEDERATED_KINDS[FederatedKind.NotArn] = 'web-identity';

/** SAML provider, OIDC provider (isSamlProvider, parseOidcProvider), another ARN, or not an ARN. */
function classifyFederated(value: string): PrincipalKind {
  return FEDERATED_KINDS[federatedKind(value)];
}

function classifyPrincipals(s: NormalizedStatement): ClassifiedPrincipal[] {
  const p = s.principal;
  if (!p) return [];
  const out: ClassifiedPrincipal[] = [];
  if (p.wildcard && p.aws.length === 0) out.push({ value: '*', kind: 'wildcard' });
  for (const value of p.aws) out.push({ value, kind: value === '*' ? 'wildcard' : 'aws' });
  for (const value of p.service) out.push({ value, kind: 'service' });
  for (const value of p.federated) out.push({ value, kind: classifyFederated(value) });
  // CanonicalUser cannot assume a role, but that is not an action/principal pairing question.
  for (const value of p.canonicalUser) out.push({ value, kind: 'unknown' });
  return out;
}

/** Can a principal of this kind ever use this (lower-case) action? Unjudged pairs say yes. */
function compatible(action: string, kind: PrincipalKind): boolean {
  if (kind === 'unknown' || kind === 'wildcard' || hasWildcard(action)) return true;
  const rule = ASSUME_ACTIONS[action];
  return rule ? rule.kinds.includes(kind) : true;
}

const KIND_BITS: Record<PrincipalKind, number> = { wildcard: 1, aws: 2, service: 4, 'web-identity': 8, saml: 16, unknown: 32 };
const ASSUME_KIND_BITS: Record<string, number> = Object.fromEntries(
  Object.entries(ASSUME_ACTIONS).map(([action, a]) => [action, a.kinds.reduce((bits, k) => bits | KIND_BITS[k], 0)]),
);

/**
 * Whether the statement has any of the problems check describes, answered without building them:
 * a judged action no principal kind can call, or a judged principal kind no action suits.
 */
function mismatched(s: NormalizedStatement & { actions: string[]; principal: NonNullable<NormalizedStatement['principal']> }): boolean {
  const p = s.principal;
  let kinds = 0;
  if (p.wildcard && p.aws.length === 0) kinds |= KIND_BITS.wildcard;
  for (const value of p.aws) kinds |= value === '*' ? KIND_BITS.wildcard : KIND_BITS.aws;
  if (p.service.length > 0) kinds |= KIND_BITS.service;
  for (const value of p.federated) kinds |= KIND_BITS[classifyFederated(value)];
  if (p.canonicalUser.length > 0) kinds |= KIND_BITS.unknown;
  // A judged action is callable when some principal is unknown or "*", or of one of its kinds
  // (compatible()); a wildcard or unjudged action suits every principal.
  const anyKind = (kinds & (KIND_BITS.unknown | KIND_BITS.wildcard)) !== 0;
  let suited = 0; // principal kinds some action suits
  for (const action of s.actions) {
    if (hasWildcard(action)) {
      suited = ~0;
      continue;
    }
    if (!Object.hasOwn(ASSUME_KIND_BITS, action)) {
      // An inherited name (constructor, __proto__): leave it to check, whatever it makes of it.
      if (ASSUME_ACTIONS[action] !== undefined) return true;
      suited = ~0;
      continue;
    }
    const allowed = ASSUME_KIND_BITS[action];
    if (!anyKind && (kinds & allowed) === 0) return true;
    suited |= allowed;
  }
  const judged = kinds & (KIND_BITS.aws | KIND_BITS.service | KIND_BITS['web-identity'] | KIND_BITS.saml);
  return (judged & ~suited) !== 0;
}

export const rule: Rule = {
  id: 'action-principal-mismatch',
  severity: 'medium',
  scope: 'trust-policy',
  summary:
    'A trust statement pairs an action with principals that can never call it, such as sts:AssumeRole for an OIDC provider or sts:AssumeRoleWithWebIdentity for an AWS service.',
  check(policy) {
    if (!policy) return [];
    const out: RuleFinding[] = [];
    for (const s of policy.statements) {
      // NotAction and NotPrincipal statements belong to wildcard-action and not-principal.
      if (!isAllow(s) || !s.actions || !s.principal) continue;
      if (!mismatched(s as Parameters<typeof mismatched>[0])) continue;
      const actions = s.actions;
      const principals = classifyPrincipals(s);
      const problems: string[] = [];
      for (const action of [...new Set(actions)]) {
        const judged = ASSUME_ACTIONS[action];
        if (!judged || principals.some((p) => compatible(action, p.kind))) continue;
        problems.push(`${judged.name} cannot be called by any of its principals (it needs ${judged.needs})`);
      }
      for (const p of principals) {
        if (p.kind === 'wildcard' || p.kind === 'unknown' || actions.some((a) => compatible(a, p.kind))) continue;
        problems.push(`${p.value} can use none of its actions (${KIND_USES[p.kind]})`);
      }
      if (problems.length === 0) continue;
      out.push({
        statement: s.index,
        message:
          `${where(s)} pairs actions and principals that can never work together: ${problems.join('; ')}. ` +
          'Give each principal the action it uses, in a statement of its own if the kinds differ.',
        // Which half is wrong (the action or the principal) only the author knows.
        fixable: false,
      });
    }
    return out;
  },
};
