import { describeAssociation } from './pod-identity/association';
import type { Rule, RuleFinding } from './types';

export const rule: Rule = {
  id: 'role-missing',
  severity: 'high',
  scope: 'association',
  summary: "The Pod Identity association's role or target role does not exist, so pods using the association get no credentials.",
  check(_policy, ctx) {
    const assoc = ctx.association;
    if (!assoc) return [];
    const where = describeAssociation(assoc);
    const out: RuleFinding[] = [];
    if (ctx.associationRole?.exists === false) {
      const role = assoc.roleArn ?? "the association's role";
      out.push({
        statement: null,
        message: `EKS Pod Identity cannot assume role ${role}: it does not exist, so ${where} gets no credentials. Create the role (trusting pods.eks.amazonaws.com for sts:AssumeRole and sts:TagSession) or point the association at an existing role.`,
        fixable: false,
      });
    }
    if (ctx.targetRole?.exists === false) {
      const target = assoc.targetRoleArn ?? "the association's target role";
      out.push({
        statement: null,
        message: `EKS Pod Identity cannot assume target role ${target}: it does not exist, so ${where} gets no credentials. Create the target role (trusting ${assoc.roleArn ?? 'the association role'} for sts:AssumeRole and sts:TagSession) or update the association's target role.`,
        fixable: false,
      });
    }
    return out;
  },
};
