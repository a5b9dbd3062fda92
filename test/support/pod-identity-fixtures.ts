/**
 * Shared inputs for the Pod Identity rule tests: the EKS API response fixtures (read as they are)
 * converted to the engine's PodIdentityAssociation, and the trust policies of the EKS user guide.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PodIdentityAssociation, PolicyDocument } from '../../lib/policy/types';

export const EKS_API_FIXTURES = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'eks-api');

/** Convert an EKS `{association: {...}}` API response to the fields the rules read. */
export function associationFromApi(response: unknown): PodIdentityAssociation {
  const a = (response as { association: Record<string, unknown> }).association;
  const str = (k: string) => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
  const out: PodIdentityAssociation = {};
  for (const k of ['clusterName', 'namespace', 'serviceAccount', 'associationArn', 'associationId', 'roleArn', 'targetRoleArn', 'externalId'] as const) {
    const v = str(k);
    if (v !== undefined) out[k] = v;
  }
  if (typeof a.disableSessionTags === 'boolean') out.disableSessionTags = a.disableSessionTags;
  const account = out.associationArn?.split(':')[4];
  if (account && /^\d{12}$/.test(account)) out.clusterAccount = account;
  return out;
}

export function loadAssociation(file: string): PodIdentityAssociation {
  if (!existsSync(EKS_API_FIXTURES)) throw new Error(`EKS API fixtures not found at ${EKS_API_FIXTURES} (expected beside the project in shared/fixtures)`);
  return associationFromApi(JSON.parse(readFileSync(join(EKS_API_FIXTURES, file), 'utf8')));
}

export const FIXTURE_FILES = [
  'awscli_CreatePodIdentityAssociation_response_1.json',
  'awscli_CreatePodIdentityAssociation_response_2.json',
  'awscli_UpdatePodIdentityAssociation_response_1.json',
  'awscli_DeletePodIdentityAssociation_response_1.json',
] as const;

/** EKS user guide, "Configure a Kubernetes service account…" (seed 001): the Pod Identity role trust policy. */
export function podIdentityRoleTrust(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowEksAuthToAssumeRoleForPodIdentity',
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
      },
    ],
  };
}

/**
 * EKS user guide, "Target secondary and cross-account roles" (seed 004): the target role trust
 * policy. Copied by hand: the page's JSON has a trailing comma after `"Action": "sts:AssumeRole"`,
 * removed here (only in this copy) so that it parses.
 */
export function targetRoleTrust(primaryRoleArn = 'arn:aws:iam::111122223333:role/eks-pod-identity-primary-role'): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: primaryRoleArn }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: { AWS: primaryRoleArn }, Action: 'sts:TagSession' },
    ],
  };
}

/**
 * Seed 004, step 3: the target role trust policy with an ExternalId. The page's JSON does not
 * close the `Condition` object (a `}` is missing before the first statement's closing brace);
 * added here, only in this copy.
 */
export function targetRoleTrustWithExternalId(
  externalId = 'region/111122223333/cluster-name/namespace/service-account-name',
  primaryRoleArn = 'arn:aws:iam::111122223333:role/eks-pod-identity-primary-role',
): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: primaryRoleArn },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
      { Effect: 'Allow', Principal: { AWS: primaryRoleArn }, Action: 'sts:TagSession' },
    ],
  };
}

/** Deep copy for "input not mutated" checks. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
