import { setCondition, updateStatement } from '../policy/edit';
import type { NormalizedCondition } from '../policy/normalize';
import { conditionsOn, hasWildcard, isPinning, wildcardMatch } from '../policy/query';
import { onlyTrustsRole, parseRoleArn, principalMatch, statementLabel, statementsGranting } from './pod-identity/association';
import type { Rule, RuleFinding } from './types';

const EXTERNAL_ID = 'sts:ExternalId';

/** Does the condition's value list match `value` under its (positive) base operator? */
function matches(base: string, c: NormalizedCondition, value: string): boolean {
  if (base === 'stringequals') return c.values.includes(value);
  if (base === 'stringequalsignorecase') return c.values.some((v) => v.toLowerCase() === value.toLowerCase());
  if (base === 'stringlike') return c.values.some((v) => wildcardMatch(v, value, true));
  return true; // other operators on sts:ExternalId: not ours to judge
}

/** A condition the request with `value` as sts:ExternalId fails (the key is present, so IfExists applies too). */
function rejects(c: NormalizedCondition, value: string): boolean {
  if (c.op === 'null') return c.values.some((v) => v.toLowerCase() === 'true');
  if (c.op.startsWith('stringnot')) return matches(c.op.replace('stringnot', 'string'), c, value);
  return !matches(c.op, c, value);
}

/** A condition that pins sts:ExternalId to a list of fixed values that includes `value`. */
function pinsTo(c: NormalizedCondition, value: string): boolean {
  if (!isPinning(c)) return false;
  if (c.op === 'stringlike' && c.values.some(hasWildcard)) return false;
  return ['stringequals', 'stringequalsignorecase', 'stringlike'].includes(c.op) && matches(c.op, c, value);
}

function show(c: NormalizedCondition): string {
  return `${c.operator} ${c.rawKey} ${JSON.stringify(c.values.length === 1 ? c.values[0] : c.values)}`;
}

export const rule: Rule = {
  id: 'target-role-external-id',
  severity: 'medium',
  scope: 'target-role',
  summary:
    "The target role's trust lets the association's role call sts:AssumeRole without requiring the sts:ExternalId that EKS reports for the association (confused deputy).",
  check(policy, ctx) {
    const assoc = ctx.association;
    const ext = assoc?.externalId;
    if (!assoc?.targetRoleArn || !ext || !policy) return [];
    const role = parseRoleArn(assoc.roleArn);
    if (!role) return [];
    const out: RuleFinding[] = [];
    // Only statements that allow sts:AssumeRole: EKS passes the external id on that call, and a
    // statement giving the role sts:TagSession alone (as in the EKS user guide) needs no pin.
    for (const s of statementsGranting(policy, role, 'sts:AssumeRole')) {
      const conds = conditionsOn(s, EXTERNAL_ID);
      const rejecting = conds.filter((c) => rejects(c, ext));
      const where = statementLabel(s);
      if (rejecting.length > 0) {
        out.push({
          statement: s.index,
          message: `EKS Pod Identity cannot assume target role ${assoc.targetRoleArn} through ${where}: it requires ${rejecting.map(show).join(' and ')}, but EKS passes sts:ExternalId "${ext}" for this association. Set StringEquals sts:ExternalId to "${ext}" (not done automatically: changing which external id is accepted is not a narrowing).`,
          fixable: false,
        });
        continue;
      }
      if (conds.some((c) => pinsTo(c, ext))) continue;
      const match = principalMatch(s, role);
      const fixable = onlyTrustsRole(s, role);
      const how =
        match === 'role'
          ? `trusts ${assoc.roleArn}`
          : match === 'account'
            ? `trusts ${assoc.roleArn}'s whole account ${role.account}`
            : 'trusts "*"';
      const advice = fixable
        ? `Add StringEquals sts:ExternalId = "${ext}" to it.`
        : `Trust ${assoc.roleArn} by ARN in a statement of its own with StringEquals sts:ExternalId = "${ext}" (not done automatically: adding the condition to this statement would also constrain its other principals).`;
      out.push({
        statement: s.index,
        message: `Target role ${assoc.targetRoleArn}: ${where} ${how} for sts:AssumeRole without requiring the sts:ExternalId "${ext}" that EKS passes for ${assoc.namespace && assoc.serviceAccount ? `service account ${assoc.namespace}/${assoc.serviceAccount}` : 'this association'}, so any other association or workload using that role can assume the target too (confused deputy). ${advice}`,
        fixable,
      });
    }
    return out;
  },
  fix(doc, _policy, findings, ctx) {
    const ext = ctx.association?.externalId;
    if (!ext) return doc;
    let next = doc;
    for (const f of findings) {
      if (f.fixable && f.statement !== null) next = updateStatement(next, f.statement, (s) => setCondition(s, 'StringEquals', EXTERNAL_ID, [ext]));
    }
    return next;
  },
};
