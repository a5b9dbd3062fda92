import { editStatement, finishEdits, setCondition, startEdits } from '../policy/edit';
import { StatementFlags, type NormalizedCondition, type NormalizedStatement } from '../policy/normalize';
import { hasWildcard, isPinning, parseArn, statementAt } from '../policy/query';
import { isAccountId } from './support/account-arn';
import { perAccount } from './support/per-account';
import { perStatement, statementFindings } from './support/per-statement';
import type { Rule, RuleContext, RuleFinding } from './types';

const SOURCE_ACCOUNT = 'aws:SourceAccount';
/** Allow statements trusting pods.eks (the flags say what isAllow and trustsService would). */
const ALLOW_POD_IDENTITY = StatementFlags.ALLOW | StatementFlags.SERVICE_POD_IDENTITY;

/** Condition keys as NormalizedCondition.key holds them (lower-cased). */
const KEY_SOURCE_ACCOUNT = 'aws:sourceaccount';
const KEY_SOURCE_ORG_ID = 'aws:sourceorgid';
const KEY_SOURCE_ARN = 'aws:sourcearn';
const KEY_CLUSTER_ARN_TAG = 'aws:requesttag/eks-cluster-arn';
const KEY_CLUSTER_NAME_TAG = 'aws:requesttag/eks-cluster-name';

function where(s: NormalizedStatement): string {
  return `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

/** The operators that pin a key here: STRING_MATCH_OPS and ARN_MATCH_OPS (lib/policy/query.ts). */
function isPinOp(op: string): boolean {
  return op === 'stringequals' || op === 'stringequalsignorecase' || op === 'stringlike' || op === 'arnequals' || op === 'arnlike';
}


/** A literal account that is the role's (or, with the role's account unknown, any literal account). */
function isOwnAccount(value: string, account: string | null): boolean {
  return account === null ? isAccountId(value) : value === account && isAccountId(value);
}

/** A value that names something rather than matching anything: not only wildcards. */
function namesSomething(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch !== '*' && ch !== '?') return true;
  }
  return false;
}

/** Does every value of a (pinning) condition on `key` tie the call to the role's account or clusters? */
function allValuesTie(key: string, values: string[], account: string | null): boolean {
  switch (key) {
    case KEY_SOURCE_ACCOUNT:
      for (let i = 0; i < values.length; i++) if (!isOwnAccount(values[i], account)) return false;
      return true;
    case KEY_SOURCE_ORG_ID:
      for (let i = 0; i < values.length; i++) if (hasWildcard(values[i]) || values[i] === '') return false;
      return true;
    case KEY_SOURCE_ARN:
      for (let i = 0; i < values.length; i++) {
        const arn = parseArn(values[i]);
        if (!arn || !isOwnAccount(arn.account, account)) return false;
      }
      return true;
    case KEY_CLUSTER_ARN_TAG:
    case KEY_CLUSTER_NAME_TAG:
      for (let i = 0; i < values.length; i++) if (!namesSomething(values[i])) return false;
      return true;
    default:
      return false;
  }
}

/**
 * Does a condition already keep another account's Pod Identity (or another cluster) from using
 * the role? The spec's list: aws:SourceAccount = the role's account, aws:SourceOrgID, aws:SourceArn
 * in the role's account, aws:RequestTag/eks-cluster-arn, aws:RequestTag/eks-cluster-name: a
 * pinning condition on one of them whose every value says so.
 */
function hasSourceCondition(s: NormalizedStatement, account: string | null): boolean {
  const conditions = s.conditions;
  for (let i = 0; i < conditions.length; i++) {
    const c: NormalizedCondition = conditions[i];
    if (isPinning(c) && isPinOp(c.op) && allValuesTie(c.key, c.values, account)) return true;
  }
  return false;
}

/** A `StringEquals` (as such, no prefix or IfExists) condition on aws:SourceAccount. */
function isStringEqualsSourceAccount(c: NormalizedCondition): boolean {
  // op 'stringequals' is what parsing makes of every spelling of StringEquals (and of more).
  return c.key === KEY_SOURCE_ACCOUNT && c.op === 'stringequals' && c.operator.toLowerCase() === 'stringequals';
}

/**
 * The fix writes `StringEquals aws:SourceAccount`, replacing a value already there. That only
 * narrows when the existing values include the role's account (or there are none).
 */
function fixBlocker(s: NormalizedStatement, ctx: RuleContext): string | null {
  const account = ctx.roleAccount;
  if (account === null) return "the role's account is unknown (evaluate with the role ARN or pass --account)";
  const conditions = s.conditions;
  let blocked = false;
  for (let i = 0; i < conditions.length; i++) {
    const c = conditions[i];
    if (isStringEqualsSourceAccount(c) && !c.values.includes(account)) {
      blocked = true;
      break;
    }
  }
  if (!blocked) return null;
  const named: string[] = [];
  for (let i = 0; i < conditions.length; i++) if (isStringEqualsSourceAccount(conditions[i])) named.push(...conditions[i].values);
  return `its StringEquals aws:SourceAccount names ${named.join(', ')}, not the role's account ${account}; replacing that would not be a narrowing, so fix it by hand`;
}

const fixBlockerOnce = perStatement(fixBlocker);

/** The finding about an Allow statement trusting pods.eks, or null when it has a source condition. */
function checkStatement(s: NormalizedStatement, ctx: RuleContext): RuleFinding | null {
  if (hasSourceCondition(s, ctx.roleAccount)) return null;
  const blocker = fixBlockerOnce(s, ctx);
  const text = textsOf(ctx.roleAccount ?? 'ACCOUNT');
  return {
    statement: s.index,
    message: blocker ? `${where(s)}${text.byHand}${blocker}.` : where(s) + text.fixed,
    fixable: blocker === null,
  };
}

/** The messages after `where(s)`, by account (ACCOUNT when unknown): fixable, and up to the blocker. */
const textsOf = perAccount((acct: string): { fixed: string; byHand: string } => {
  const what =
    ` trusts pods.eks.amazonaws.com without a condition tying the call to the role's account ` +
    `(aws:SourceAccount = ${acct}, aws:SourceOrgID, aws:SourceArn in ${acct}, aws:RequestTag/eks-cluster-arn or aws:RequestTag/eks-cluster-name). ` +
    'Such a condition is the confused-deputy guard AWS recommends for service principals: it keeps the service from using the role on behalf of another account. ';
  return {
    fixed: `${what}The automatic fix adds "StringEquals": {"aws:SourceAccount": "${acct}"}.`,
    byHand: `${what}Add "StringEquals": {"aws:SourceAccount": "${acct}"} by hand: `,
  };
});

const checkStatementOnce = perStatement(checkStatement);


export const rule: Rule = {
  id: 'pod-identity-source-account',
  severity: 'low',
  scope: 'trust-policy',
  summary:
    "A statement trusting pods.eks.amazonaws.com has no aws:SourceAccount, aws:SourceOrgID, aws:SourceArn or eks-cluster request-tag condition tying it to the role's own account or clusters.",
  appliesTo: (flags) => (flags & StatementFlags.SERVICE_POD_IDENTITY) !== 0,
  check(policy, ctx) {
    if (!policy) return [];
    return statementFindings(policy, ctx, ALLOW_POD_IDENTITY, checkStatementOnce);
  },
  fix(doc, policy, findings, ctx) {
    const account = ctx.roleAccount;
    if (account === null) return doc;
    const out = startEdits(doc);
    for (const f of findings) {
      const s = statementAt(policy, f.statement);
      if (!s || fixBlockerOnce(s, ctx) !== null) continue;
      editStatement(out, s.index, (raw) => setCondition(raw, 'StringEquals', SOURCE_ACCOUNT, [account]));
    }
    return finishEdits(out);
  },
};
