import type { NormalizedPrincipal, NormalizedStatement } from '../policy/normalize';
import { isAllow } from '../policy/query';
import { federatedKind, FederatedKind } from './support/account-arn';
import { addFinding, findingsOf } from './support/findings';
import type { Rule, RuleFinding } from './types';

/** How a principal can reach STS; `unknown` is never judged. */
type PrincipalKind = 'wildcard' | 'aws' | 'service' | 'web-identity' | 'saml' | 'unknown';

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

const KIND_BITS: Record<PrincipalKind, number> = { wildcard: 1, aws: 2, service: 4, 'web-identity': 8, saml: 16, unknown: 32 };

/**
 * Kind bits of a Federated value by its FederatedKind (support/account-arn.ts): SAML and OIDC
 * providers; non-ARN Federated values are web identity providers (cognito-identity.amazonaws.com,
 * accounts.google.com, graph.facebook.com, www.amazon.com); other ARNs we do not know.
 */
const FEDERATED_BITS: number[] = [];
FEDERATED_BITS[FederatedKind.Saml] = KIND_BITS.saml;
FEDERATED_BITS[FederatedKind.Oidc] = KIND_BITS['web-identity'];
FEDERATED_BITS[FederatedKind.OtherArn] = KIND_BITS.unknown;
FEDERATED_BITS[FederatedKind.NotArn] = KIND_BITS['web-identity'];

interface JudgedAction {
  action: string;
  /** Kind bits of the principals IAM lets call it. */
  bits: number;
  name: string;
  needs: string;
}

const JUDGED: JudgedAction[] = Object.keys(ASSUME_ACTIONS).map((action) => ({
  action,
  bits: ASSUME_ACTIONS[action].kinds.reduce((bits, k) => bits | KIND_BITS[k], 0),
  name: ASSUME_ACTIONS[action].name,
  needs: ASSUME_ACTIONS[action].needs,
}));

/** The judged (lower-case) action, or undefined: wildcard and other actions are not judged. */
function judgedAction(action: string): JudgedAction | undefined {
  for (let i = 0; i < JUDGED.length; i++) if (JUDGED[i].action === action) return JUDGED[i];
  return undefined;
}

const JUDGED_KINDS = KIND_BITS.aws | KIND_BITS.service | KIND_BITS['web-identity'] | KIND_BITS.saml;

function joinProblem(out: string, problem: string): string {
  return out === '' ? problem : `${out}; ${problem}`;
}

/**
 * The problems of the statement, joined with "; ", or null when it has none: a judged action no
 * principal can call (some principal is unknown or "*", or of one of its kinds, would), or a
 * judged principal no action suits (a wildcard or unjudged action suits every principal).
 */
function problemsOf(actions: string[], p: NormalizedPrincipal): string | null {
  let kinds = 0;
  if (p.wildcard && p.aws.length === 0) kinds |= KIND_BITS.wildcard;
  for (let i = 0; i < p.aws.length; i++) kinds |= p.aws[i] === '*' ? KIND_BITS.wildcard : KIND_BITS.aws;
  if (p.service.length > 0) kinds |= KIND_BITS.service;
  for (let i = 0; i < p.federated.length; i++) kinds |= FEDERATED_BITS[federatedKind(p.federated[i])];
  // CanonicalUser cannot assume a role, but that is not an action/principal pairing question.
  if (p.canonicalUser.length > 0) kinds |= KIND_BITS.unknown;
  const anyKind = (kinds & (KIND_BITS.unknown | KIND_BITS.wildcard)) !== 0;
  let suited = 0; // principal kinds some action suits
  let uncallable = false;
  for (let i = 0; i < actions.length; i++) {
    const judged = judgedAction(actions[i]);
    if (judged === undefined) {
      suited = ~0;
      continue;
    }
    suited |= judged.bits;
    if (!anyKind && (kinds & judged.bits) === 0) uncallable = true;
  }
  const unsuited = kinds & JUDGED_KINDS & ~suited;
  if (!uncallable && unsuited === 0) return null;

  // The problems joined with '; ' (a function adding to `out` would be a closure per call).
  let out = '';
  if (uncallable) {
    for (let i = 0; i < actions.length; i++) {
      if (actions.indexOf(actions[i]) !== i) continue; // each action once
      const judged = judgedAction(actions[i]);
      if (judged === undefined || anyKind || (kinds & judged.bits) !== 0) continue;
      out = joinProblem(out, `${judged.name} cannot be called by any of its principals (it needs ${judged.needs})`);
    }
  }
  if (unsuited !== 0) {
    // In classification order: AWS, Service, Federated.
    if (unsuited & KIND_BITS.aws) for (const value of p.aws) if (value !== '*') out = joinProblem(out, `${value} can use none of its actions (${KIND_USES.aws})`);
    if (unsuited & KIND_BITS.service) for (const value of p.service) out = joinProblem(out, `${value} can use none of its actions (${KIND_USES.service})`);
    for (const value of p.federated) {
      const bit = FEDERATED_BITS[federatedKind(value)] & unsuited;
      if (bit === KIND_BITS['web-identity']) out = joinProblem(out, `${value} can use none of its actions (${KIND_USES['web-identity']})`);
      else if (bit === KIND_BITS.saml) out = joinProblem(out, `${value} can use none of its actions (${KIND_USES.saml})`);
    }
  }
  return out;
}

export const rule: Rule = {
  id: 'action-principal-mismatch',
  severity: 'medium',
  scope: 'trust-policy',
  summary:
    'A trust statement pairs an action with principals that can never call it, such as sts:AssumeRole for an OIDC provider or sts:AssumeRoleWithWebIdentity for an AWS service.',
  check(policy) {
    if (!policy) return [];
    let out: RuleFinding[] | null = null;
    for (const s of policy.statements) {
      // NotAction and NotPrincipal statements belong to wildcard-action and not-principal.
      if (!isAllow(s) || !s.actions || !s.principal) continue;
      const problems = problemsOf(s.actions, s.principal);
      if (problems === null) continue;
      out = addFinding(out, {
        statement: s.index,
        message: `${where(s)} pairs actions and principals that can never work together: ${problems}. Give each principal the action it uses, in a statement of its own if the kinds differ.`,
        // Which half is wrong (the action or the principal) only the author knows.
        fixable: false,
      });
    }
    return findingsOf(out);
  },
};
