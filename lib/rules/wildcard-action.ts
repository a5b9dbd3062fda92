import { editStatement, finishEdits, setActions, startEdits } from '../policy/edit';
import { StatementFlags, type NormalizedStatement } from '../policy/normalize';
import { allowsAction, isAllow, statementAt } from '../policy/query';
import { federatedKind, FederatedKind } from './support/account-arn';
import { perStatement } from './support/per-statement';
import { addFinding, findingsOf } from './support/findings';
import type { Rule, RuleFinding } from './types';

const WILDCARD_ACTIONS = ['*', 'sts:*'];

function where(s: NormalizedStatement): string {
  return `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

/** NotAction, or an Action of "*" or "sts:*": what the parse flagged as WILDCARD_ACTION. */
function isWildcardStatement(s: NormalizedStatement): boolean {
  return (s.flags & StatementFlags.WILDCARD_ACTION) !== 0;
}

const NEED_ASSUME = 1;
const NEED_WEB_IDENTITY = 2;
const NEED_SAML = 4;
const NEED_TAG_SESSION = 8;

/**
 * What the statement's principals need (spec/RULES.md): AWS (and "*") → AssumeRole + TagSession;
 * Service → AssumeRole (+ TagSession for Pod Identity); SAML provider → AssumeRoleWithSAML; any
 * other Federated value (EKS or other OIDC provider, Cognito, Google, …) → AssumeRoleWithWebIdentity.
 * The union when the statement mixes kinds.
 */
export function neededActions(s: NormalizedStatement): readonly string[] {
  const p = s.principal;
  if (!p) return NEEDED[0];
  let need = 0;
  if (p.wildcard || p.aws.length > 0) need |= NEED_ASSUME | NEED_TAG_SESSION;
  if (p.service.length > 0) need |= NEED_ASSUME;
  // The flag says what isService(value, POD_IDENTITY_SERVICE) says of some Service value.
  if ((s.flags & StatementFlags.SERVICE_POD_IDENTITY) !== 0) need |= NEED_TAG_SESSION;
  const federated = p.federated;
  for (let i = 0; i < federated.length; i++) need |= federatedKind(federated[i]) === FederatedKind.Saml ? NEED_SAML : NEED_WEB_IDENTITY;
  return NEEDED[need];
}

/** The actions of each NEED_* combination, in ACTION_ORDER (shared, read-only: one list per combination). */
const NEEDED: readonly (readonly string[])[] = Array.from({ length: 16 }, (_, need) => {
  const out: string[] = [];
  if (need & NEED_ASSUME) out.push('sts:AssumeRole');
  if (need & NEED_WEB_IDENTITY) out.push('sts:AssumeRoleWithWebIdentity');
  if (need & NEED_SAML) out.push('sts:AssumeRoleWithSAML');
  if (need & NEED_TAG_SESSION) out.push('sts:TagSession');
  return Object.freeze(out);
});

/** The replacement: needed actions the original statement already allowed, so the fix never widens. */
function replacementOf(s: NormalizedStatement, needed: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < needed.length; i++) if (allowsAction(s, needed[i])) out.push(needed[i]);
  return out;
}

function describeWildcard(s: NormalizedStatement): string {
  if (s.notActions !== null) {
    const raw = s.raw.NotAction;
    const listed = (typeof raw === 'string' ? [raw] : (raw as string[])).join(', ');
    return `uses NotAction (${listed}): its principals get every action not listed, including STS actions added later, not just the ones they need.`;
  }
  const raw = s.raw.Action;
  // The wildcard actions as written, quoted and joined with ', ' (no intermediate lists).
  let wild = '';
  if (typeof raw === 'string') {
    if (WILDCARD_ACTIONS.includes(raw.toLowerCase())) wild = `"${raw}"`;
  } else {
    const actions = raw as string[];
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i];
      if (WILDCARD_ACTIONS.includes(a.toLowerCase())) wild = wild === '' ? `"${a}"` : `${wild}, "${a}"`;
    }
  }
  return `allows Action ${wild}: its principals get every STS action, including ones added later, not just the ones they need.`;
}

/**
 * The finding for a wildcard statement and its fix's replacement actions: they depend on the
 * statement only (and its index), so they are memoised with it. Read-only.
 */
const answerOf = perStatement((s: NormalizedStatement): { finding: RuleFinding; replacement: string[] } => {
  const needed = neededActions(s);
  const replacement = replacementOf(s, needed);
  let todo: string;
  if (replacement.length > 0) todo = `The automatic fix replaces it with ${replacement.join(', ')}.`;
  else if (!s.principal) todo = 'With NotPrincipal, who the principals are (and so what they need) cannot be told: list the actions by hand.';
  else if (needed.length === 0) todo = 'Its principals need no STS action this tool can name: list the actions by hand.';
  else todo = `The statement does not allow what its principals need (${needed.join(', ')}): list the actions by hand.`;
  return {
    finding: { statement: s.index, message: `${where(s)} ${describeWildcard(s)} ${todo}`, fixable: replacement.length > 0 },
    replacement,
  };
});

export const rule: Rule = {
  id: 'wildcard-action',
  severity: 'medium',
  scope: 'trust-policy',
  summary:
    'A trust statement allows Action "*" or "sts:*", or uses NotAction, instead of naming the STS actions its principals actually need.',
  appliesTo: (flags) => (flags & StatementFlags.WILDCARD_ACTION) !== 0,
  check(policy, ctx) {
    if (!policy) return [];
    let out: RuleFinding[] | null = null;
    const statements = policy.statements;
    for (let i = 0; i < statements.length; i++) {
      const s = statements[i];
      if (isAllow(s) && isWildcardStatement(s)) out = addFinding(out, answerOf(s, ctx).finding);
    }
    return findingsOf(out);
  },
  fix(doc, policy, findings, ctx) {
    const out = startEdits(doc);
    for (const f of findings) {
      const s = statementAt(policy, f.statement);
      if (!s || !isWildcardStatement(s)) continue;
      const replacement = answerOf(s, ctx).replacement;
      if (replacement.length > 0) editStatement(out, s.index, (raw) => setActions(raw, replacement));
    }
    return finishEdits(out);
  },
};
