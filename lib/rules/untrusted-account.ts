import { copyWith, removeStatements, updateStatement } from '../policy/edit';
import { StatementFlags, type NormalizedStatement, type TrustPolicy } from '../policy/normalize';
import { ACCOUNT_ID, describeAwsPrincipal, isAllow, parseArn } from '../policy/query';
import type { JsonStatement, PolicyDocument } from '../policy/types';
import { perStatement } from './support/per-statement';
import type { Rule, RuleContext, RuleFinding } from './types';

/** The principal elements that can name an account. */
type AccountElement = 'AWS' | 'Federated';

interface AccountPrincipal {
  element: AccountElement;
  /** The value exactly as written in the policy. */
  value: string;
  account: string;
}

function where(s: NormalizedStatement): string {
  return `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

/**
 * Principals that belong to an account: AWS bare ids, root, role, user, assumed-role and
 * federated-user ARNs, and Federated provider ARNs. `*` and unique ids (AROA…) name no account;
 * Federated values such as `cognito-identity.amazonaws.com` are not ARNs and name none either.
 */
const NONE: readonly AccountPrincipal[] = Object.freeze([]);

function accountPrincipals(s: NormalizedStatement): AccountPrincipal[] {
  if (!s.principal || (s.principal.aws.length === 0 && s.principal.federated.length === 0)) return NONE as AccountPrincipal[];
  const out: AccountPrincipal[] = [];
  for (const value of s.principal.aws) {
    const account = describeAwsPrincipal(value).account;
    if (account) out.push({ element: 'AWS', value, account });
  }
  for (const value of s.principal.federated) {
    const account = parseArn(value)?.account;
    if (account && ACCOUNT_ID.test(account)) out.push({ element: 'Federated', value, account });
  }
  return out;
}

/** Read-only: memoised per statement and context. */
const untrustedPrincipals = perStatement((s: NormalizedStatement, ctx: RuleContext): AccountPrincipal[] => {
  if (!isAllow(s)) return NONE as AccountPrincipal[];
  const all = accountPrincipals(s);
  for (let i = 0; i < all.length; i++) {
    if (!ctx.trustedAccountSet.has(all[i].account)) return all.filter((p) => !ctx.trustedAccountSet.has(p.account));
  }
  return NONE as AccountPrincipal[];
});

/** Would removing `remove` leave the statement's Principal with no value at all? */
function leavesNoPrincipal(s: NormalizedStatement, remove: AccountPrincipal[]): boolean {
  const p = s.principal;
  if (!p || p.wildcard) return false;
  const aws = new Set(remove.filter((r) => r.element === 'AWS').map((r) => r.value));
  const fed = new Set(remove.filter((r) => r.element === 'Federated').map((r) => r.value));
  return (
    p.aws.every((v) => aws.has(v)) && p.federated.every((v) => fed.has(v)) && p.service.length === 0 && p.canonicalUser.length === 0
  );
}

function describePrincipals(list: AccountPrincipal[]): { principals: string; accounts: string; plural: boolean } {
  const accounts = [...new Set(list.map((p) => p.account))];
  const plural = accounts.length > 1;
  return {
    principals: list.map((p) => p.value).join(', '),
    accounts: `${plural ? 'accounts' : 'account'} ${accounts.join(', ')}`,
    plural,
  };
}

/** Remove the given values from Principal.AWS / Principal.Federated, keeping each element's string/list form. */
function withoutPrincipals(s: JsonStatement, remove: AccountPrincipal[]): JsonStatement {
  const principal = s.Principal;
  if (!principal || typeof principal !== 'object' || Array.isArray(principal)) return s;
  const next: Record<string, unknown> = {};
  for (const [element, value] of Object.entries(principal as Record<string, unknown>)) {
    const drop = new Set(remove.filter((r) => r.element === element).map((r) => r.value));
    if (drop.size === 0) next[element] = value;
    else if (typeof value === 'string') {
      if (!drop.has(value)) next[element] = value;
    } else if (Array.isArray(value)) {
      const kept = value.filter((v) => !drop.has(v as string));
      if (kept.length > 0) next[element] = kept;
    } else next[element] = value;
  }
  return copyWith(s, 'Principal', next);
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
    let flagged: { s: NormalizedStatement; bad: AccountPrincipal[] }[] | null = null;
    for (const s of policy.statements) {
      const bad = untrustedPrincipals(s, ctx);
      if (bad.length > 0) (flagged ??= []).push({ s, bad });
    }
    if (flagged === null) return [];

    if (ctx.roleAccount === null) {
      // Without the role's account we cannot tell its own account from a foreign one: say so.
      return flagged.map(({ s, bad }) => {
        const d = describePrincipals(bad);
        return {
          statement: s.index,
          message:
            `${where(s)} trusts ${d.principals}: ${d.accounts} cannot be verified as trusted: the role's account is unknown (pass --account). ` +
            `If ${d.plural ? 'they are' : 'it is'} not the role's own account, remove these principals or add ${d.plural ? 'the accounts' : 'the account'} to TRUSTED_ACCOUNTS.`,
          fixable: false,
        };
      });
    }

    // Removing principals may empty statements; a policy with no statement at all is invalid.
    const emptied = new Set(flagged.filter(({ s, bad }) => leavesNoPrincipal(s, bad)).map(({ s }) => s.index));
    const wouldEmptyPolicy = policy.statements.every((s) => emptied.has(s.index));
    const configured = ctx.trustedAccounts !== undefined;
    return flagged.map(({ s, bad }): RuleFinding => {
      const d = describePrincipals(bad);
      let todo: string;
      if (!configured) {
        todo = 'Remove these principals, or list the account in TRUSTED_ACCOUNTS if it is meant to be trusted (TRUSTED_ACCOUNTS is not configured, so this is not fixed automatically).';
      } else if (wouldEmptyPolicy) {
        todo = 'Remove these principals by hand: removing them automatically would leave the policy with no statement.';
      } else if (emptied.has(s.index)) {
        todo = 'The automatic fix removes these principals and then the statement, which has nothing else to trust.';
      } else {
        todo = 'The automatic fix removes these principals.';
      }
      return {
        statement: s.index,
        message:
          `${where(s)} trusts ${d.principals}: ${d.accounts} ${d.plural ? 'are' : 'is'} neither this role's account (${ctx.roleAccount}) nor listed in TRUSTED_ACCOUNTS, ` +
          `so ${d.plural ? 'those accounts' : 'that account'}, not yours, ${d.plural ? 'decide' : 'decides'} who can assume this role. ${todo}`,
        fixable: configured && !wouldEmptyPolicy,
      };
    });
  },
  fix(doc: PolicyDocument, policy: TrustPolicy, findings: RuleFinding[], ctx: RuleContext) {
    // Only with a known account and a configured allow list is "untrusted" a fact, not a guess.
    if (ctx.roleAccount === null || ctx.trustedAccounts === undefined) return doc;
    let next = doc;
    const drop = new Set<number>();
    for (const f of findings) {
      const s = policy.statements.find((x) => x.index === f.statement);
      if (!s) continue;
      const bad = untrustedPrincipals(s, ctx);
      if (bad.length === 0) continue;
      if (leavesNoPrincipal(s, bad)) drop.add(s.index);
      else next = updateStatement(next, s.index, (raw) => withoutPrincipals(raw, bad));
    }
    return drop.size > 0 ? removeStatements(next, drop) : next;
  },
};
