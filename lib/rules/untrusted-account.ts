import { editStatement, finishEdits, removeStatements, replaceMember, startEdits } from '../policy/edit';
import { StatementFlags, type NormalizedStatement, type TrustPolicy } from '../policy/normalize';
import { isAllow, statementAt } from '../policy/query';
import { accountSet, arnAccountStart, awsAccountStart, MANY_ACCOUNTS, trustedAt } from './support/account-arn';
import type { JsonStatement, PolicyDocument } from '../policy/types';
import { perAccount } from './support/per-account';
import { addFinding, findingsOf } from './support/findings';
import { perStatement } from './support/per-statement';
import { type Rule, type RuleContext, type RuleFinding } from './types';

function where(s: NormalizedStatement): string {
  return `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

/*
 * Principals that belong to an account: AWS bare ids, root, role, user, assumed-role and
 * federated-user ARNs (describeAwsPrincipal(v).account), and Federated provider ARNs (a 12-digit
 * parseArn(v).account). `*` and unique ids (AROA…) name no account; Federated values such as
 * `cognito-identity.amazonaws.com` are not ARNs and name none either.
 */

/** Does the statement name a principal in an account that is not trusted? Allocates nothing. */
function anyUntrusted(s: NormalizedStatement, trusted: Set<string>): boolean {
  if (!isAllow(s)) return false;
  const p = s.principal;
  if (p === null) return false;
  const aws = p.aws;
  for (let i = 0; i < aws.length; i++) {
    const at = awsAccountStart(aws[i]);
    if (at >= 0 && !trustedAt(aws[i], at, trusted)) return true;
  }
  const fed = p.federated;
  for (let i = 0; i < fed.length; i++) {
    const at = arnAccountStart(fed[i]);
    if (at >= 0 && !trustedAt(fed[i], at, trusted)) return true;
  }
  return false;
}

/** A statement's untrusted principals and what check says about them (all read-only). */
interface Flagged {
  /** Untrusted values of Principal.AWS and Principal.Federated, as written, in order. */
  aws: string[];
  federated: string[];
  /** Removing them would leave the statement's Principal with no value at all. */
  empties: boolean;
  /** The statement's index. */
  index: number;
  /** What every message about it starts with: `Statement N (sid) trusts P1, P2: account A` / `accounts A, B`. */
  lead: string;
  plural: boolean;
  /**
   * check's finding about it when the policy would keep a statement after the fix (the case but
   * for one: every statement emptied). Built once per statement and context, shared: read-only.
   */
  finding: RuleFinding;
}

const NO_VALUES: readonly string[] = Object.freeze([]);

/**
 * The statement's untrusted principals, or null when it has none. Memoised per statement and
 * context; only asked about statements anyUntrusted picked (and by fix), so the others cost no
 * memo (most statements are not flagged and would need one just for this).
 */
const flaggedOf = perStatement((s: NormalizedStatement, ctx: RuleContext): Flagged | null => {
  const p = s.principal;
  if (!isAllow(s) || p === null) return null;
  const trusted = ctx.trustedAccountSet;
  let aws = NO_VALUES as string[];
  let federated = NO_VALUES as string[];
  let principals = '';
  let accounts = ''; // distinct 12-digit ids joined with ", ": a 12-digit substring is one of them
  let distinct = 0;
  let seen: Set<string> | null = null; // the accounts once there are many (includes would go quadratic)
  for (let e = 0; e < 2; e++) {
    const values = e === 0 ? p.aws : p.federated;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const at = e === 0 ? awsAccountStart(value) : arnAccountStart(value);
      if (at < 0 || trustedAt(value, at, trusted)) continue;
      if (e === 0) (aws === NO_VALUES ? (aws = []) : aws).push(value);
      else (federated === NO_VALUES ? (federated = []) : federated).push(value);
      principals = principals === '' ? value : `${principals}, ${value}`;
      const account = at === 0 && value.length === 12 ? value : value.slice(at, at + 12);
      if (distinct === 0) {
        accounts = account;
        distinct = 1;
      } else if (seen !== null ? !seen.has(account) : !accounts.includes(account)) {
        accounts = `${accounts}, ${account}`;
        distinct++;
        if (seen !== null) seen.add(account);
        else if (distinct === MANY_ACCOUNTS) seen = accountSet(accounts);
      }
    }
  }
  if (distinct === 0) return null;
  // Each value (duplicates included) is listed at most once per occurrence, and equal values
  // share their account: all of a list's values go exactly when each occurrence is listed.
  const empties =
    !p.wildcard && aws.length === p.aws.length && federated.length === p.federated.length && p.service.length === 0 && p.canonicalUser.length === 0;
  const plural = distinct > 1;
  const lead = `${where(s)} trusts ${principals}: ${plural ? 'accounts' : 'account'} ${accounts}`;
  const finding = findingOf(s.index, lead, plural, empties, false, ctx);
  return { aws, federated, empties, index: s.index, lead, plural, finding };
});

/** The end of a message when the role's account is unknown, after Flagged.lead. */
const UNVERIFIED_TAIL_ONE =
  " cannot be verified as trusted: the role's account is unknown (pass --account). If it is not the role's own account, remove these principals or add the account to TRUSTED_ACCOUNTS.";
const UNVERIFIED_TAIL_PLURAL =
  " cannot be verified as trusted: the role's account is unknown (pass --account). If they are not the role's own account, remove these principals or add the accounts to TRUSTED_ACCOUNTS.";

/** What to do about the principals (the last sentence of a message), by case. */
const TODO_UNCONFIGURED = 0;
const TODO_BY_HAND = 1;
const TODO_FIX_EMPTIES = 2;
const TODO_FIX = 3;
const TODOS = [
  'Remove these principals, or list the account in TRUSTED_ACCOUNTS if it is meant to be trusted (TRUSTED_ACCOUNTS is not configured, so this is not fixed automatically).',
  'Remove these principals by hand: removing them automatically would leave the policy with no statement.',
  'The automatic fix removes these principals and then the statement, which has nothing else to trust.',
  'The automatic fix removes these principals.',
];

/**
 * The ends of the messages with the role's account known (after Flagged.lead), by role account:
 * index 2 * TODO_* + (plural ? 1 : 0). They depend on the account and the case only.
 */
const foreignTails = perAccount((account: string): string[] => {
  const tails: string[] = [];
  for (const todo of TODOS) {
    for (const plural of [false, true]) {
      tails.push(
        ` ${plural ? 'are' : 'is'} neither this role's account (${account}) nor listed in TRUSTED_ACCOUNTS, ` +
          `so ${plural ? 'those accounts' : 'that account'}, not yours, ${plural ? 'decide' : 'decides'} who can assume this role. ${todo}`,
      );
    }
  }
  return tails;
});

/** The finding about a flagged statement (`lead`, `plural`, `empties`: its Flagged fields). */
function findingOf(index: number, lead: string, plural: boolean, empties: boolean, wouldEmptyPolicy: boolean, ctx: RuleContext): RuleFinding {
  const account = ctx.roleAccount;
  // Without the role's account we cannot tell its own account from a foreign one: say so.
  if (account === null) return { statement: index, message: lead + (plural ? UNVERIFIED_TAIL_PLURAL : UNVERIFIED_TAIL_ONE), fixable: false };
  const configured = ctx.trustedAccounts !== undefined;
  let todo: number;
  if (!configured) todo = TODO_UNCONFIGURED;
  else if (wouldEmptyPolicy) todo = TODO_BY_HAND;
  else if (empties) todo = TODO_FIX_EMPTIES;
  else todo = TODO_FIX;
  return { statement: index, message: lead + foreignTails(account)[2 * todo + (plural ? 1 : 0)], fixable: configured && !wouldEmptyPolicy };
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Remove the given values from Principal.AWS / Principal.Federated, keeping each element's string/list form. */
function withoutPrincipals(s: JsonStatement, remove: Flagged): JsonStatement {
  const principal = s.Principal;
  if (!principal || typeof principal !== 'object' || Array.isArray(principal)) return s;
  const next: Record<string, unknown> = {};
  const elements = principal as Record<string, unknown>;
  // for-in with an own-property test: Object.entries' members in its order, without the pairs.
  for (const element in elements) {
    if (!hasOwn.call(elements, element)) continue;
    const value = elements[element];
    const drop = element === 'AWS' ? remove.aws : element === 'Federated' ? remove.federated : (NO_VALUES as string[]);
    if (drop.length === 0) next[element] = value;
    else if (typeof value === 'string') {
      if (!drop.includes(value)) next[element] = value;
    } else if (Array.isArray(value)) {
      const dropSet = drop.length > 8 ? new Set(drop) : null;
      const kept = value.filter((v) => !(dropSet ? dropSet.has(v as string) : drop.includes(v as string)));
      if (kept.length > 0) next[element] = kept;
    } else next[element] = value;
  }
  return replaceMember(s, 'Principal', next);
}

export const rule: Rule = {
  id: 'untrusted-account',
  severity: 'critical',
  scope: 'trust-policy',
  summary:
    "The role trusts an AWS principal or identity provider in an account that is neither the role's own nor listed in TRUSTED_ACCOUNTS.",
  appliesTo: (flags) => (flags & (StatementFlags.AWS | StatementFlags.FEDERATED)) !== 0,
  check(policy, ctx) {
    if (!policy) return [];
    const trusted = ctx.trustedAccountSet;
    const statements = policy.statements;
    let out: RuleFinding[] | null = null;
    let emptied = 0;
    for (let i = 0; i < statements.length; i++) {
      const s = statements[i];
      if (!anyUntrusted(s, trusted)) continue;
      const f = flaggedOf(s, ctx);
      if (f === null) continue;
      out = addFinding(out, f.finding);
      if (f.empties) emptied++;
    }
    // Removing principals may empty statements; a policy with no statement at all is invalid.
    // Statement indexes are distinct, so every statement is emptied exactly when all are: then
    // the findings are statement by statement, and each says so (when it is fixed at all).
    if (emptied === statements.length && ctx.roleAccount !== null && ctx.trustedAccounts !== undefined) {
      for (let i = 0; i < emptied; i++) {
        const f = flaggedOf(statements[i], ctx) as Flagged;
        (out as RuleFinding[])[i] = findingOf(f.index, f.lead, f.plural, f.empties, true, ctx);
      }
    }
    return findingsOf(out);
  },
  fix(doc: PolicyDocument, policy: TrustPolicy, findings: RuleFinding[], ctx: RuleContext) {
    // Only with a known account and a configured allow list is "untrusted" a fact, not a guess.
    if (ctx.roleAccount === null || ctx.trustedAccounts === undefined) return doc;
    const out = startEdits(doc);
    let drop: Set<number> | null = null;
    for (const finding of findings) {
      const s = statementAt(policy, finding.statement);
      if (!s) continue;
      const f = flaggedOf(s, ctx);
      if (f === null) continue;
      if (f.empties) (drop ??= new Set<number>()).add(s.index);
      else editStatement(out, s.index, (raw) => withoutPrincipals(raw, f));
    }
    const edited = finishEdits(out);
    return drop === null ? edited : removeStatements(edited, drop);
  },
};
