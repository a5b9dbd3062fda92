import {
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  ListNodegroupsCommand,
  DescribePodIdentityAssociationCommand,
  EKSClient,
  ListClustersCommand,
  ListFargateProfilesCommand,
  ListPodIdentityAssociationsCommand,
  ResourceNotFoundException,
  TagResourceCommand,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { EksInventory as EksAdapter } from '../../../lib/aws/eks';
import { AccessDeniedError, ThrottledError } from '../../../lib/aws/errors';
import { sdkError } from './sdk-errors';

const eksMock = mockClient(EKSClient);
const adapter = new EksAdapter(new EKSClient({ region: 'eu-west-1' }));

const ROLE = 'arn:aws:iam::111122223333:role/fargate-pods';
const notFound = () => new ResourceNotFoundException({ message: 'not found', $metadata: {} });

afterEach(() => {
  eksMock.reset();
});

describe('EksAdapter.describePodIdentityAssociation', () => {
  it('maps the association, including the cluster account taken from its ARN', async () => {
    // Prepare
    eksMock.on(DescribePodIdentityAssociationCommand, { clusterName: 'prod', associationId: 'a-123' }).resolves({
      association: {
        clusterName: 'prod',
        namespace: 'payments',
        serviceAccount: 'api',
        roleArn: 'arn:aws:iam::111122223333:role/payments-api',
        associationArn: 'arn:aws:eks:eu-west-1:444455556666:podidentityassociation/prod/a-123',
        associationId: 'a-123',
        targetRoleArn: 'arn:aws:iam::777788889999:role/payments-target',
        externalId: 'ext-1',
        disableSessionTags: true,
        tags: { owner: 'x' },
      },
    });

    // Act
    const association = await adapter.describePodIdentityAssociation('prod', 'a-123');

    // Assess
    expect(association).toEqual({
      clusterName: 'prod',
      clusterAccount: '444455556666',
      namespace: 'payments',
      serviceAccount: 'api',
      roleArn: 'arn:aws:iam::111122223333:role/payments-api',
      associationArn: 'arn:aws:eks:eu-west-1:444455556666:podidentityassociation/prod/a-123',
      associationId: 'a-123',
      targetRoleArn: 'arn:aws:iam::777788889999:role/payments-target',
      externalId: 'ext-1',
      disableSessionTags: true,
    });
  });

  it('returns null when the association or cluster is gone, throws other errors mapped', async () => {
    // Prepare
    eksMock.on(DescribePodIdentityAssociationCommand).rejectsOnce(notFound()).rejectsOnce(sdkError('AccessDeniedException', 403));

    // Act
    const missing = await adapter.describePodIdentityAssociation('prod', 'a-404');
    const denied = await adapter.describePodIdentityAssociation('prod', 'a-403').catch((e: unknown) => e);

    // Assess
    expect(missing).toBeNull();
    expect(denied).toBeInstanceOf(AccessDeniedError);
    expect((denied as AccessDeniedError).action).toBe('eks:DescribePodIdentityAssociation');
  });
});

describe('EksAdapter.listPodIdentityAssociations', () => {
  it('returns the summaries of every page', async () => {
    // Prepare
    eksMock
      .on(ListPodIdentityAssociationsCommand, { clusterName: 'prod', nextToken: undefined })
      .resolves({
        associations: [{ clusterName: 'prod', namespace: 'a', serviceAccount: 'sa', associationId: 'a-1', associationArn: 'arn:aws:eks:eu-west-1:111122223333:podidentityassociation/prod/a-1' }],
        nextToken: 't2',
      })
      .on(ListPodIdentityAssociationsCommand, { clusterName: 'prod', nextToken: 't2' })
      .resolves({ associations: [{ clusterName: 'prod', namespace: 'b', serviceAccount: 'sb', associationId: 'a-2' }] });

    // Act
    const list = await adapter.listPodIdentityAssociations('prod');

    // Assess
    expect(list.map((a) => a.associationId)).toEqual(['a-1', 'a-2']);
    expect(list[0].clusterAccount).toBe('111122223333');
    expect(list[1].namespace).toBe('b');
  });
});

describe('EksAdapter.listClusters', () => {
  it('follows nextToken through every page', async () => {
    // Prepare
    eksMock
      .on(ListClustersCommand, { nextToken: undefined })
      .resolves({ clusters: ['a', 'b'], nextToken: 'n' })
      .on(ListClustersCommand, { nextToken: 'n' })
      .resolves({ clusters: ['c'] });

    // Act
    const clusters = await adapter.listClusters();

    // Assess
    expect(clusters).toEqual(['a', 'b', 'c']);
  });

  it('maps throttling', async () => {
    // Prepare
    eksMock.on(ListClustersCommand).rejects(sdkError('ThrottlingException', 429));

    // Act
    const error = await adapter.listClusters().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryable).toBe(true);
  });
});

describe('EksAdapter.fargateProfileArnsForRole', () => {
  it('returns the profiles of every cluster whose Pod execution role is the role', async () => {
    // Prepare
    eksMock
      .on(ListClustersCommand)
      .resolves({ clusters: ['prod', 'dev', 'gone'] })
      .on(ListFargateProfilesCommand, { clusterName: 'prod', nextToken: undefined })
      .resolves({ fargateProfileNames: ['default', 'other'], nextToken: 'p2' })
      .on(ListFargateProfilesCommand, { clusterName: 'prod', nextToken: 'p2' })
      .resolves({ fargateProfileNames: ['vanished'] })
      .on(ListFargateProfilesCommand, { clusterName: 'dev' })
      .resolves({ fargateProfileNames: ['dev-default'] })
      .on(ListFargateProfilesCommand, { clusterName: 'gone' })
      .rejects(notFound())
      .on(DescribeFargateProfileCommand, { clusterName: 'prod', fargateProfileName: 'default' })
      .resolves({ fargateProfile: { fargateProfileArn: 'arn:aws:eks:eu-west-1:111122223333:fargateprofile/prod/default/1', podExecutionRoleArn: ROLE } })
      .on(DescribeFargateProfileCommand, { clusterName: 'prod', fargateProfileName: 'other' })
      .resolves({ fargateProfile: { fargateProfileArn: 'arn:aws:eks:eu-west-1:111122223333:fargateprofile/prod/other/2', podExecutionRoleArn: 'arn:aws:iam::111122223333:role/else' } })
      .on(DescribeFargateProfileCommand, { clusterName: 'prod', fargateProfileName: 'vanished' })
      .rejects(notFound())
      .on(DescribeFargateProfileCommand, { clusterName: 'dev', fargateProfileName: 'dev-default' })
      .resolves({ fargateProfile: { fargateProfileArn: 'arn:aws:eks:eu-west-1:111122223333:fargateprofile/dev/dev-default/3', podExecutionRoleArn: ROLE.toUpperCase().replace('ARN:AWS:IAM', 'arn:aws:iam') } });

    // Act
    const arns = await adapter.fargateProfileArnsForRole(ROLE);

    // Assess
    expect(arns).toEqual([
      'arn:aws:eks:eu-west-1:111122223333:fargateprofile/prod/default/1',
      'arn:aws:eks:eu-west-1:111122223333:fargateprofile/dev/dev-default/3',
    ]);
    expect(eksMock.commandCalls(DescribeFargateProfileCommand)).toHaveLength(4);
  });

  it('returns nothing when the region has no clusters', async () => {
    // Prepare
    eksMock.on(ListClustersCommand).resolves({ clusters: [] });

    // Act
    const arns = await adapter.fargateProfileArnsForRole(ROLE);

    // Assess
    expect(arns).toEqual([]);
    expect(eksMock.commandCalls(ListFargateProfilesCommand)).toHaveLength(0);
  });

  it('fails on errors other than a vanished cluster or profile', async () => {
    // Prepare
    eksMock
      .on(ListClustersCommand)
      .resolves({ clusters: ['prod'] })
      .on(ListFargateProfilesCommand)
      .resolves({ fargateProfileNames: ['default'] })
      .on(DescribeFargateProfileCommand)
      .rejects(sdkError('AccessDeniedException', 403));

    // Act
    const error = await adapter.fargateProfileArnsForRole(ROLE).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as AccessDeniedError).action).toBe('eks:DescribeFargateProfile');
  });
});

describe('EksAdapter.tagResource', () => {
  it('tags the resource with sanitised tags', async () => {
    // Prepare
    eksMock.on(TagResourceCommand).resolves({});
    const arn = 'arn:aws:eks:eu-west-1:111122223333:podidentityassociation/prod/a-1';

    // Act
    await adapter.tagResource(arn, { 'eks-trust-guard:findings': 'association-role-trust,target-role-trust' });

    // Assess
    expect(eksMock.commandCalls(TagResourceCommand)[0].args[0].input).toEqual({
      resourceArn: arn,
      tags: { 'eks-trust-guard:findings': 'association-role-trust_target-role-trust' },
    });
  });
});

describe('EksAdapter.listNodegroups / nodegroupRoleArn', () => {
  it('lists every page of node groups and reads a node group\'s node role', async () => {
    // Prepare
    eksMock
      .on(ListNodegroupsCommand, { clusterName: 'prod', nextToken: undefined })
      .resolves({ nodegroups: ['a'], nextToken: 't2' })
      .on(ListNodegroupsCommand, { clusterName: 'prod', nextToken: 't2' })
      .resolves({ nodegroups: ['b'] })
      .on(DescribeNodegroupCommand, { clusterName: 'prod', nodegroupName: 'a' })
      .resolves({ nodegroup: { nodegroupName: 'a', nodeRole: 'arn:aws:iam::111122223333:role/nodes' } });

    // Act
    const names = await adapter.listNodegroups('prod');
    const role = await adapter.nodegroupRoleArn('prod', 'a');

    // Assess
    expect(names).toEqual(['a', 'b']);
    expect(role).toBe('arn:aws:iam::111122223333:role/nodes');
  });

  it('returns null for a node group that is gone and throws other errors mapped', async () => {
    // Prepare
    eksMock
      .on(DescribeNodegroupCommand, { nodegroupName: 'gone' })
      .rejects(notFound())
      .on(DescribeNodegroupCommand, { nodegroupName: 'secret' })
      .rejects(sdkError('AccessDeniedException', 403));

    // Act
    const gone = await adapter.nodegroupRoleArn('prod', 'gone');
    const error = await adapter.nodegroupRoleArn('prod', 'secret').catch((e: unknown) => e);

    // Assess
    expect(gone).toBeNull();
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as AccessDeniedError).action).toBe('eks:DescribeNodegroup');
  });
});

describe('EksAdapter.describeFargateProfile', () => {
  it('returns the profile ARN and Pod execution role, or null when the profile is gone', async () => {
    // Prepare
    const arn = 'arn:aws:eks:eu-west-1:111122223333:fargateprofile/prod/default/1';
    eksMock
      .on(DescribeFargateProfileCommand, { fargateProfileName: 'default' })
      .resolves({ fargateProfile: { fargateProfileArn: arn, podExecutionRoleArn: ROLE } })
      .on(DescribeFargateProfileCommand, { fargateProfileName: 'gone' })
      .rejects(notFound());

    // Act
    const found = await adapter.describeFargateProfile('prod', 'default');
    const gone = await adapter.describeFargateProfile('prod', 'gone');

    // Assess
    expect(found).toEqual({ arn, podExecutionRoleArn: ROLE });
    expect(gone).toBeNull();
  });
});
