import { setActions, updateStatement } from '../policy/edit';
import { StatementFlags, type NormalizedStatement } from '../policy/normalize';
import { allowsAction, isAllow, isSamlProvider, isService, POD_IDENTITY_SERVICE } from '../policy/query';
import type { Rule } from './types';

const WILDCARD_ACTIONS = ['*', 'sts:*'];

/** Order of the replacement list: the assume action first, then its companion. */
const ACTION_ORDER = ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML', 'sts:TagSession'];

function where(s: NormalizedStatement): string {
  return `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

function isWildcardStatement(s: NormalizedStatement): boolean {
  return s.notActions !== null || (s.actions ?? []).some((a) => WILDCARD_ACTIONS.includes(a));
}

/**
 * What the statement's principals need (spec/RULES.md): AWS (and "*") → AssumeRole + TagSession;
 * Service → AssumeRole (+ TagSession for Pod Identity); SAML provider → AssumeRoleWithSAML; any
 * other Federated value (EKS or other OIDC provider, Cognito, Google, …) → AssumeRoleWithWebIdentity.
 * The union when the statement mixes kinds.
 */
export function neededActions(s: NormalizedStatement): string[] {
  const p = s.principal;
  if (!p) return [];
  const need = new Set<string>();
  if (p.wildcard || p.aws.length > 0) {
    need.add('sts:AssumeRole');
    need.add('sts:TagSession');
  }
  for (const service of p.service) {
    need.add('sts:AssumeRole');
    if (isService(service, POD_IDENTITY_SERVICE)) need.add('sts:TagSession');
  }
  for (const f of p.federated) need.add(isSamlProvider(f) ? 'sts:AssumeRoleWithSAML' : 'sts:AssumeRoleWithWebIdentity');
  return ACTION_ORDER.filter((a) => need.has(a));
}

/** The replacement: needed actions the original statement already allowed, so the fix never widens. */
function replacementActions(s: NormalizedStatement): string[] {
  return neededActions(s).filter((a) => allowsAction(s, a));
}

function describeWildcard(s: NormalizedStatement): string {
  if (s.notActions !== null) {
    const raw = s.raw.NotAction;
    const listed = (typeof raw === 'string' ? [raw] : (raw as string[])).join(', ');
    return `uses NotAction (${listed}): its principals get every action not listed, including STS actions added later, not just the ones they need.`;
  }
  const raw = s.raw.Action;
  const wild = (typeof raw === 'string' ? [raw] : (raw as string[])).filter((a) => WILDCARD_ACTIONS.includes(a.toLowerCase()));
  return `allows Action ${wild.map((a) => `"${a}"`).join(', ')}: its principals get every STS action, including ones added later, not just the ones they need.`;
}

export const rule: Rule = {
  id: 'wildcard-action',
  severity: 'medium',
  scope: 'trust-policy',
  summary:
    'A trust statement allows Action "*" or "sts:*", or uses NotAction, instead of naming the STS actions its principals actually need.',
  appliesTo: (flags) => (flags & StatementFlags.WILDCARD_ACTION) !== 0,
  check(policy) {
    if (!policy) return [];
    return policy.statements
      .filter((s) => isAllow(s) && isWildcardStatement(s))
      .map((s) => {
        const replacement = replacementActions(s);
        const needed = neededActions(s);
        let todo: string;
        if (replacement.length > 0) todo = `The automatic fix replaces it with ${replacement.join(', ')}.`;
        else if (!s.principal) todo = 'With NotPrincipal, who the principals are (and so what they need) cannot be told: list the actions by hand.';
        else if (needed.length === 0) todo = 'Its principals need no STS action this tool can name: list the actions by hand.';
        else todo = `The statement does not allow what its principals need (${needed.join(', ')}): list the actions by hand.`;
        return {
          statement: s.index,
          message: `${where(s)} ${describeWildcard(s)} ${todo}`,
          fixable: replacement.length > 0,
        };
      });
  },
  fix(doc, policy, findings) {
    let next = doc;
    for (const f of findings) {
      const s = policy.statements.find((x) => x.index === f.statement);
      if (!s || !isWildcardStatement(s)) continue;
      const replacement = replacementActions(s);
      if (replacement.length > 0) next = updateStatement(next, s.index, (raw) => setActions(raw, replacement));
    }
    return next;
  },
};
