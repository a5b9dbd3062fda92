import { addActions, updateStatement } from '../policy/edit';
import type { NormalizedStatement } from '../policy/normalize';
import { deniedOutright, parseRoleArn, principalMatch, statementLabel, statementsGranting } from './pod-identity/association';
import type { Rule } from './types';

/**
 * Whether EKS Pod Identity's chained assume (association role → target role) can work. The
 * association's role counts as trusted when a statement names its ARN, its account (root or bare
 * id: IAM then defers to the role's own permissions, which the association needs anyway) or
 * `"*"`, unless a pinning aws:PrincipalArn/aws:PrincipalAccount condition shuts it out. A Deny
 * without conditions overrides. When the association disables session tags, EKS does not tag
 * the session and sts:TagSession is not needed.
 */
export const rule: Rule = {
  id: 'target-role-trust',
  severity: 'high',
  scope: 'target-role',
  summary:
    "The Pod Identity association's target role does not trust the association's role with both sts:AssumeRole and sts:TagSession, so the chained assume fails.",
  check(policy, ctx) {
    const assoc = ctx.association;
    if (!assoc?.targetRoleArn || !policy) return [];
    const role = parseRoleArn(assoc.roleArn);
    if (!role) return [];
    const needTag = assoc.disableSessionTags !== true;

    const assume = statementsGranting(policy, role, 'sts:AssumeRole');
    const tag = statementsGranting(policy, role, 'sts:TagSession');
    const denyAssume = deniedOutright(policy, role, 'sts:AssumeRole');
    const denyTag = needTag ? deniedOutright(policy, role, 'sts:TagSession') : null;
    const assumeOk = assume.length > 0 && !denyAssume;
    const tagOk = !needTag || (tag.length > 0 && !denyTag);
    if (assumeOk && tagOk) return [];

    const head = `EKS Pod Identity cannot assume target role ${assoc.targetRoleArn} from ${assoc.roleArn}`;
    const problems: string[] = [];
    if (denyAssume) problems.push(`${statementLabel(denyAssume)} denies it sts:AssumeRole outright`);
    else if (!assumeOk) problems.push('no Allow statement trusts it (by role ARN, its account or "*") with sts:AssumeRole');
    if (denyTag) problems.push(`${statementLabel(denyTag)} denies it sts:TagSession outright`);
    else if (!tagOk) problems.push('no Allow statement trusts it with sts:TagSession, which Pod Identity needs to pass session tags');

    // The only safe fix: sts:TagSession for the role ARN on a statement that already lets exactly
    // that ARN call sts:AssumeRole (the fix guarantee's single allowed widening).
    let fixTarget: NormalizedStatement | undefined;
    if (assumeOk && !tagOk && !denyTag) {
      fixTarget = assume.find((s) => principalMatch(s, role) === 'role' && s.actions !== null);
    }
    let advice: string;
    if (fixTarget) advice = `Add sts:TagSession to ${statementLabel(fixTarget)}, which already trusts ${assoc.roleArn} with sts:AssumeRole.`;
    else if (denyAssume || denyTag) advice = `Remove or narrow the Deny so that ${assoc.roleArn} can assume the role.`;
    else if (assumeOk)
      advice = `Add sts:TagSession to a statement trusting ${assoc.roleArn} by its ARN (not done automatically: the role is trusted for sts:AssumeRole only through its account or "*").`;
    else
      advice = `Add a statement trusting ${assoc.roleArn} with ${needTag ? 'sts:AssumeRole and sts:TagSession' : 'sts:AssumeRole'} (not done automatically: it would widen who can assume the role).`;

    return [
      {
        statement: fixTarget?.index ?? denyAssume?.index ?? denyTag?.index ?? assume[0]?.index ?? tag[0]?.index ?? null,
        message: `${head}: in its trust policy ${problems.join(', and ')}. ${advice}`,
        fixable: !!fixTarget,
      },
    ];
  },
  fix(doc, _policy, findings) {
    let next = doc;
    for (const f of findings) if (f.fixable && f.statement !== null) next = updateStatement(next, f.statement, (s) => addActions(s, ['sts:TagSession']));
    return next;
  },
};
