import { setCondition, updateStatement } from '../policy/edit';
import { StatementFlags, type NormalizedCondition, type NormalizedStatement } from '../policy/normalize';
import {
  ACCOUNT_ID,
  ARN_MATCH_OPS,
  conditionsOn,
  hasWildcard,
  isAllow,
  isPinning,
  parseArn,
  POD_IDENTITY_SERVICE,
  STRING_MATCH_OPS,
  trustsService,
} from '../policy/query';
import { perStatement } from './support/per-statement';
import type { Rule, RuleContext } from './types';

const SOURCE_ACCOUNT = 'aws:SourceAccount';
const PIN_OPS = [...STRING_MATCH_OPS, ...ARN_MATCH_OPS];

function where(s: NormalizedStatement): string {
  return `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

function pins(s: NormalizedStatement, key: string): NormalizedCondition[] {
  return conditionsOn(s, key).filter((c) => isPinning(c) && PIN_OPS.includes(c.op));
}

/** A literal account that is the role's (or, with the role's account unknown, any literal account). */
function isOwnAccount(value: string, account: string | null): boolean {
  return ACCOUNT_ID.test(value) && (account === null || value === account);
}

/** A value that names something rather than matching anything: not only wildcards. */
function namesSomething(value: string): boolean {
  return value.replace(/[*?]/g, '') !== '';
}

/**
 * Does a condition already keep another account's Pod Identity (or another cluster) from using
 * the role? The spec's list: aws:SourceAccount = the role's account, aws:SourceOrgID, aws:SourceArn
 * in the role's account, aws:RequestTag/eks-cluster-arn, aws:RequestTag/eks-cluster-name.
 */
function hasSourceCondition(s: NormalizedStatement, account: string | null): boolean {
  const all = (cs: NormalizedCondition[], ok: (v: string) => boolean) => cs.some((c) => c.values.every(ok));
  return (
    all(pins(s, SOURCE_ACCOUNT), (v) => isOwnAccount(v, account)) ||
    all(pins(s, 'aws:SourceOrgID'), (v) => !hasWildcard(v) && v !== '') ||
    all(pins(s, 'aws:SourceArn'), (v) => {
      const arn = parseArn(v);
      return !!arn && isOwnAccount(arn.account, account);
    }) ||
    all(pins(s, 'aws:RequestTag/eks-cluster-arn'), namesSomething) ||
    all(pins(s, 'aws:RequestTag/eks-cluster-name'), namesSomething)
  );
}

const hasSourceConditionOnce = perStatement((s, ctx) => hasSourceCondition(s, ctx.roleAccount));

/**
 * The fix writes `StringEquals aws:SourceAccount`, replacing a value already there. That only
 * narrows when the existing values include the role's account (or there are none).
 */
function fixBlocker(s: NormalizedStatement, ctx: RuleContext): string | null {
  if (ctx.roleAccount === null) return "the role's account is unknown (evaluate with the role ARN or pass --account)";
  const existing = conditionsOn(s, SOURCE_ACCOUNT).filter((c) => c.operator.toLowerCase() === 'stringequals');
  if (existing.some((c) => !c.values.includes(ctx.roleAccount as string))) {
    return `its StringEquals aws:SourceAccount names ${existing.flatMap((c) => c.values).join(', ')}, not the role's account ${ctx.roleAccount}; replacing that would not be a narrowing, so fix it by hand`;
  }
  return null;
}

export const rule: Rule = {
  id: 'pod-identity-source-account',
  severity: 'low',
  scope: 'trust-policy',
  summary:
    "A statement trusting pods.eks.amazonaws.com has no aws:SourceAccount, aws:SourceOrgID, aws:SourceArn or eks-cluster request-tag condition tying it to the role's own account or clusters.",
  appliesTo: (flags) => (flags & StatementFlags.SERVICE_POD_IDENTITY) !== 0,
  check(policy, ctx) {
    if (!policy) return [];
    return policy.statements
      .filter((s) => isAllow(s) && trustsService(s, POD_IDENTITY_SERVICE) && !hasSourceConditionOnce(s, ctx))
      .map((s) => {
        const blocker = fixBlocker(s, ctx);
        const acct = ctx.roleAccount ?? 'ACCOUNT';
        return {
          statement: s.index,
          message:
            `${where(s)} trusts pods.eks.amazonaws.com without a condition tying the call to the role's account ` +
            `(aws:SourceAccount = ${acct}, aws:SourceOrgID, aws:SourceArn in ${acct}, aws:RequestTag/eks-cluster-arn or aws:RequestTag/eks-cluster-name). ` +
            'Such a condition is the confused-deputy guard AWS recommends for service principals: it keeps the service from using the role on behalf of another account. ' +
            (blocker
              ? `Add "StringEquals": {"aws:SourceAccount": "${acct}"} by hand: ${blocker}.`
              : `The automatic fix adds "StringEquals": {"aws:SourceAccount": "${acct}"}.`),
          fixable: blocker === null,
        };
      });
  },
  fix(doc, policy, findings, ctx) {
    const account = ctx.roleAccount;
    if (account === null) return doc;
    let next = doc;
    for (const f of findings) {
      const s = policy.statements.find((x) => x.index === f.statement);
      if (!s || fixBlocker(s, ctx) !== null) continue;
      next = updateStatement(next, s.index, (raw) => setCondition(raw, 'StringEquals', SOURCE_ACCOUNT, [account]));
    }
    return next;
  },
};
