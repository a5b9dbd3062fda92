import type { NormalizedStatement, TrustPolicy } from '../policy/normalize';
import { allowsAction, isAllow, POD_IDENTITY_SERVICE, trustsService } from '../policy/query';
import {
  associationRolePolicy,
  parseRoleArn,
  requestTagConditions,
  statementLabel,
  statementsGranting,
  targetRolePolicy,
} from './pod-identity/association';
import type { Rule, RuleFinding } from './types';

/**
 * With session tags disabled the assume request carries no `aws:RequestTag/…` key. A statement
 * whose conditions demand one can then never match; the assume fails when every statement that
 * would let it through is such a statement (one without tag conditions is enough to work).
 */
function blockedStatements(candidates: NormalizedStatement[]): NormalizedStatement[] | null {
  if (candidates.length === 0) return null;
  return candidates.every((s) => requestTagConditions(s).length > 0) ? candidates : null;
}

function describeBlock(statements: NormalizedStatement[]): string {
  const keys = [...new Set(statements.flatMap((s) => requestTagConditions(s).map((c) => c.rawKey)))];
  return `${statements.map(statementLabel).join(', ')} ${statements.length === 1 ? 'requires' : 'require'} ${keys.join(', ')}`;
}

export const rule: Rule = {
  id: 'association-session-tags',
  severity: 'high',
  scope: 'association',
  summary:
    "The Pod Identity association disables session tags while its role's (or target role's) trust policy conditions on aws:RequestTag/* keys, so EKS Pod Identity cannot assume the role.",
  check(policy, ctx) {
    const assoc = ctx.association;
    if (!assoc || assoc.disableSessionTags !== true) return [];
    const out: RuleFinding[] = [];

    const rolePolicy = associationRolePolicy(policy, ctx);
    if (rolePolicy) {
      const blocked = blockedStatements(
        rolePolicy.statements.filter((s) => isAllow(s) && trustsService(s, POD_IDENTITY_SERVICE) && allowsAction(s, 'sts:AssumeRole')),
      );
      if (blocked) {
        out.push({
          statement: null,
          message: `EKS Pod Identity cannot assume role ${assoc.roleArn ?? "(the association's role)"}: the association disables session tags, but ${describeBlock(blocked)}, which the request then never carries. Enable session tags on the association, or replace those conditions with aws:SourceAccount / aws:SourceArn ones, which do not need session tags.`,
          fixable: false,
        });
      }
    }

    const role = parseRoleArn(assoc.roleArn);
    const target: TrustPolicy | null = assoc.targetRoleArn ? targetRolePolicy(ctx) : null;
    if (role && target) {
      const blocked = blockedStatements(statementsGranting(target, role, 'sts:AssumeRole'));
      if (blocked) {
        out.push({
          statement: null,
          message: `EKS Pod Identity cannot assume target role ${assoc.targetRoleArn} from ${assoc.roleArn}: the association disables session tags, but in the target role's trust policy ${describeBlock(blocked)}, which the request then never carries. Enable session tags on the association or drop those conditions from the target role's trust policy.`,
          fixable: false,
        });
      }
    }
    return out;
  },
};
