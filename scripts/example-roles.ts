/**
 * The example EKS roles the local tools create in the emulator (npm start, npm run local):
 * what is typically wrong with each kind of role, and one compliant role.
 */
import { LOCAL_ACCOUNT } from './offline';

const OIDC_PROVIDER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

export interface ExampleRole {
  name: string;
  what: string;
  policy: object;
  tags?: Record<string, string>;
}

/** The roles seeded into the emulator: four with something wrong, one compliant. */
export const EXAMPLE_ROLES: ExampleRole[] = [
  {
    name: 'example-fargate-pod-execution',
    what: 'Fargate Pod execution role without aws:SourceArn',
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks-fargate-pods.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
  },
  {
    name: 'example-pod-identity',
    what: 'Pod Identity role without sts:TagSession',
    policy: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': LOCAL_ACCOUNT } } },
      ],
    },
  },
  {
    name: 'example-irsa-any-pod',
    what: 'IRSA role without a :sub condition',
    policy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${LOCAL_ACCOUNT}:oidc-provider/${OIDC_PROVIDER}` }, Action: 'sts:AssumeRoleWithWebIdentity' }],
    },
  },
  {
    name: 'example-backdoored-node',
    what: 'node role that also trusts a foreign account',
    policy: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'sts:AssumeRole' },
      ],
    },
  },
  {
    name: 'example-node',
    what: 'compliant node role',
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
  },
];
