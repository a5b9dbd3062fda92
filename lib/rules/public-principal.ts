import { StatementFlags, type NormalizedCondition, type NormalizedStatement } from '../policy/normalize';
import { ARN_MATCH_OPS, ACCOUNT_ID, conditionsOn, hasWildcard, isAllow, isPinning, parseArn, STRING_MATCH_OPS } from '../policy/query';
import { addFinding, findingsOf } from './support/findings';
import type { Rule, RuleFinding } from './types';

/** Condition keys that, pinned to a concrete value, restrict who may call (spec/RULES.md). */
export const CALLER_PINNING_KEYS = ['aws:PrincipalAccount', 'aws:PrincipalOrgID', 'aws:PrincipalArn', 'aws:SourceAccount', 'aws:SourceOrgID'];

const MATCH_OPS = [...STRING_MATCH_OPS, ...ARN_MATCH_OPS];

/**
 * Does this value of `key` name one concrete caller scope? Account keys need a 12-digit id,
 * ARN keys an ARN whose account field is a 12-digit id (the resource part may use wildcards:
 * `arn:aws:iam::111122223333:role/*` still pins the account), every other key a value with no
 * `*` or `?`. Wildcards count whatever the operator, because ArnEquals matches them like ArnLike.
 */
function pinsValue(key: string, value: string): boolean {
  if (key === 'aws:principalaccount' || key === 'aws:sourceaccount') return ACCOUNT_ID.test(value);
  if (key === 'aws:principalarn') {
    const arn = parseArn(value);
    return !!arn && ACCOUNT_ID.test(arn.account);
  }
  return value !== '' && !hasWildcard(value);
}

/** Does every value of `c` pin (pinsValue)? A loop, not `every` with an arrow: no function made per condition. */
function allPin(c: NormalizedCondition): boolean {
  const values = c.values;
  for (let i = 0; i < values.length; i++) if (!pinsValue(c.key, values[i])) return false;
  return true;
}

/**
 * The first condition that pins one of `keys`: an operator an absent key fails (no IfExists, no
 * ForAllValues, not negated), a string or ARN comparison, and only concrete values (a condition
 * is satisfied by any one of its values, so a single wildcard value unpins it).
 */
export function pinningConditionOn(s: NormalizedStatement, keys: readonly string[]): NormalizedCondition | null {
  if (s.conditions.length === 0) return null;
  for (const key of keys) {
    for (const c of conditionsOn(s, key)) {
      if (isPinning(c) && MATCH_OPS.includes(c.op) && allPin(c)) return c;
    }
  }
  return null;
}

function whyNotPinning(c: NormalizedCondition): string {
  const why = c.ifExists
    ? 'IfExists passes when the key is absent'
    : c.setOp === 'forallvalues'
      ? 'ForAllValues passes when the key is absent'
      : !isPinning(c)
        ? 'a negated or Null operator does not name who may call'
        : !MATCH_OPS.includes(c.op)
          ? 'it is not a string or ARN comparison'
          : 'a wildcard value matches any caller';
  return `${c.operator} ${c.rawKey} (${why})`;
}

/**
 * A sentence naming the conditions on `keys` that look like restrictions but pin nobody, or ''
 * when there are none. Call it only where `pinningConditionOn(s, keys)` found nothing.
 */
export function explainNonPinning(s: NormalizedStatement, keys: readonly string[]): string {
  if (s.conditions.length === 0) return '';
  let weak = '';
  let any = false;
  for (const key of keys) {
    for (const c of conditionsOn(s, key)) {
      weak = any ? `${weak}; ${whyNotPinning(c)}` : whyNotPinning(c);
      any = true;
    }
  }
  return any ? ` ${weak} does not restrict the caller.` : '';
}

function where(s: NormalizedStatement): string {
  return `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

export const rule: Rule = {
  id: 'public-principal',
  severity: 'critical',
  scope: 'trust-policy',
  summary:
    'The role trusts every AWS principal ("*") and no condition pins the caller\'s account, organisation or ARN, so anyone in any AWS account can assume it.',
  appliesTo: (flags) => (flags & StatementFlags.PRINCIPAL_WILDCARD) !== 0,
  check(policy) {
    if (!policy) return [];
    let out: RuleFinding[] | null = null;
    for (const s of policy.statements) {
      if (!isAllow(s) || !s.principal?.wildcard || pinningConditionOn(s, CALLER_PINNING_KEYS)) continue;
      let notes = explainNonPinning(s, CALLER_PINNING_KEYS);
      if (conditionsOn(s, 'sts:ExternalId').length > 0) notes += ' sts:ExternalId alone does not restrict who can call: anyone who learns the value can assume the role.';
      out = addFinding(out, {
        statement: s.index,
        message:
          `${where(s)} trusts every AWS principal ("*") with no condition pinning the caller to an account, organisation or ARN: anyone in any AWS account can assume this role.` +
          notes +
          ' Name the trusted principals instead of "*", or add a condition such as StringEquals aws:PrincipalOrgID or aws:PrincipalAccount.',
        // Which principals were meant cannot be inferred; narrowing must be done by hand.
        fixable: false,
      });
    }
    return findingsOf(out);
  },
};
