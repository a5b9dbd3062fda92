import { hasPolicy } from './permissions/managed-policies';
import type { Rule } from './types';

const WORKER = 'AmazonEKSWorkerNodePolicy';
const ECR_READ = 'AmazonEC2ContainerRegistryReadOnly';
const ECR_PULL = 'AmazonEC2ContainerRegistryPullOnly';

export const rule: Rule = {
  id: 'node-role-policy',
  severity: 'medium',
  scope: 'permissions',
  summary: `An EKS node group's node role lacks ${WORKER} or ${ECR_READ} (or ${ECR_PULL}), so its nodes cannot join the cluster or pull images.`,
  check(_policy, ctx) {
    const attached = ctx.attachedPolicies;
    if (!attached || !ctx.knownNodeRole) return [];
    const missing: string[] = [];
    const effects: string[] = [];
    if (!hasPolicy(attached, WORKER)) {
      missing.push(WORKER);
      effects.push('nodes cannot join the cluster');
    }
    if (!hasPolicy(attached, ECR_READ) && !hasPolicy(attached, ECR_PULL)) {
      missing.push(`${ECR_READ} (or ${ECR_PULL})`);
      effects.push('nodes cannot pull images from Amazon ECR');
    }
    if (missing.length === 0) return [];
    const role = ctx.roleArn ?? 'The role';
    return [
      {
        statement: null,
        message: `${role} is an EKS node group's node role but does not have ${missing.join(' and ')} attached: ${effects.join(' and ')}. Attach ${missing.length === 1 ? 'it' : 'them'} (arn:${ctx.partition}:iam::aws:policy/NAME; not done automatically: attaching a policy widens access).`,
        fixable: false,
      },
    ];
  },
};
