import { FARGATE_SERVICE, isAllow, trustsService } from '../policy/query';
import { hasPolicy } from './permissions/managed-policies';
import type { Rule } from './types';

const REQUIRED = 'AmazonEKSFargatePodExecutionRolePolicy';

export const rule: Rule = {
  id: 'fargate-role-policy',
  severity: 'medium',
  scope: 'permissions',
  summary: `A Fargate Pod execution role lacks ${REQUIRED}, so Fargate cannot pull images or register the node.`,
  check(policy, ctx) {
    const attached = ctx.attachedPolicies;
    if (!attached) return []; // unknown attachments: nothing to say
    const trustsFargate = !!policy && policy.statements.some((s) => isAllow(s) && trustsService(s, FARGATE_SERVICE));
    if (!trustsFargate && !ctx.knownFargateRole) return [];
    if (hasPolicy(attached, REQUIRED)) return [];
    const role = ctx.roleArn ?? 'The role';
    const why = ctx.knownFargateRole ? 'is a Fargate profile\'s Pod execution role' : 'trusts eks-fargate-pods.amazonaws.com';
    return [
      {
        statement: null,
        message: `${role} ${why} but does not have ${REQUIRED} attached: Fargate cannot pull container images from Amazon ECR or register the Pod's node, so Pods on this profile do not start. Attach arn:${ctx.partition}:iam::aws:policy/${REQUIRED} (not done automatically: attaching a policy widens access).`,
        fixable: false,
      },
    ];
  },
};
