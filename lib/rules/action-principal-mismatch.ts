import type { NormalizedStatement } from '../policy/normalize';
import { hasWildcard, isAllow, isSamlProvider, parseArn, parseOidcProvider } from '../policy/query';
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
const ASSUME_ACTIONS: Record<string, { name: string; kinds: PrincipalKind[]; needs: string }> = {
  'sts:assumerole': { name: 'sts:AssumeRole', kinds: ['wildcard', 'aws', 'service'], needs: 'an AWS or Service principal' },
  'sts:assumerolewithwebidentity': {
    name: 'sts:AssumeRoleWithWebIdentity',
    kinds: ['wildcard', 'web-identity'],
    needs: 'a Federated OIDC or web identity provider',
  },
  'sts:assumerolewithsaml': { name: 'sts:AssumeRoleWithSAML', kinds: ['wildcard', 'saml'], needs: 'a Federated SAML provider' },
};

const KIND_USES: Record<Exclude<PrincipalKind, 'wildcard' | 'unknown'>, string> = {
  aws: 'an AWS principal assumes a role with sts:AssumeRole',
  service: 'a service assumes a role with sts:AssumeRole',
  'web-identity': "an OIDC or web identity provider's users call sts:AssumeRoleWithWebIdentity",
  saml: "a SAML provider's users call sts:AssumeRoleWithSAML",
};

function where(s: NormalizedStatement): string {
  return `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

function classifyFederated(value: string): PrincipalKind {
  if (isSamlProvider(value)) return 'saml';
  if (parseOidcProvider(value)) return 'web-identity';
  // Non-ARN Federated values are web identity providers (cognito-identity.amazonaws.com,
  // accounts.google.com, graph.facebook.com, www.amazon.com); other ARNs we do not know.
  return parseArn(value) ? 'unknown' : 'web-identity';
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
