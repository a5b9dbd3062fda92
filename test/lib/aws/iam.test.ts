import {
  GetAccountAuthorizationDetailsCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolesCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { AccessDeniedError, MalformedPolicyError, NotFoundError, ThrottledError } from '../../../lib/aws/errors';
import { IamInventory as IamAdapter } from '../../../lib/aws/iam';
import { sdkError } from './sdk-errors';

const iamMock = mockClient(IAMClient);
const adapter = new IamAdapter(new IAMClient({ region: 'us-east-1' }));

const ARN = 'arn:aws:iam::111122223333:role/eks/fargate-pods';
const POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Fargate pods + 100% /slashes/ and é',
      Effect: 'Allow',
      Principal: { Service: 'eks-fargate-pods.amazonaws.com' },
      Action: 'sts:AssumeRole',
    },
  ],
};
const POLICY_TEXT = JSON.stringify(POLICY, null, 2);

afterEach(() => {
  iamMock.reset();
});

describe('IamAdapter.getRole', () => {
  it('returns name, ARN, path, account, tags and the URL-decoded trust policy', async () => {
    // Prepare
    iamMock.on(GetRoleCommand, { RoleName: 'fargate-pods' }).resolves({
      Role: {
        RoleName: 'fargate-pods',
        Arn: ARN,
        Path: '/eks/',
        RoleId: 'AROAEXAMPLE',
        CreateDate: new Date('2024-05-01T10:00:00Z'),
        AssumeRolePolicyDocument: encodeURIComponent(POLICY_TEXT),
        Tags: [
          { Key: 'team', Value: 'platform' },
          { Key: 'aws:cloudformation:stack-name', Value: 'cluster-stack' },
        ],
      },
    });

    // Act
    const role = await adapter.getRole('fargate-pods');

    // Assess
    expect(role).toEqual({
      name: 'fargate-pods',
      arn: ARN,
      path: '/eks/',
      accountId: '111122223333',
      trustPolicyText: POLICY_TEXT,
      tags: { team: 'platform', 'aws:cloudformation:stack-name': 'cluster-stack' },
      createDate: '2024-05-01T10:00:00.000Z',
    });
    expect(JSON.parse(role!.trustPolicyText)).toEqual(POLICY);
  });

  it('returns null when the role does not exist', async () => {
    // Prepare
    iamMock.on(GetRoleCommand).rejects(new NoSuchEntityException({ message: 'Role gone not found', $metadata: {} }));

    // Act
    const role = await adapter.getRole('gone');

    // Assess
    expect(role).toBeNull();
  });

  it('throws the mapped error for anything else', async () => {
    // Prepare
    iamMock.on(GetRoleCommand).rejectsOnce(sdkError('Throttling')).rejectsOnce(sdkError('AccessDenied', 403));

    // Act
    const first = await adapter.getRole('r').catch((e: unknown) => e);
    const second = await adapter.getRole('r').catch((e: unknown) => e);

    // Assess
    expect(first).toBeInstanceOf(ThrottledError);
    expect((first as ThrottledError).action).toBe('iam:GetRole');
    expect(second).toBeInstanceOf(AccessDeniedError);
  });
});

describe('IamAdapter.updateTrustPolicy', () => {
  it('sends the document as compact JSON', async () => {
    // Prepare
    iamMock.on(UpdateAssumeRolePolicyCommand).resolves({});

    // Act
    await adapter.updateTrustPolicy('fargate-pods', POLICY);

    // Assess
    const calls = iamMock.commandCalls(UpdateAssumeRolePolicyCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({ RoleName: 'fargate-pods', PolicyDocument: JSON.stringify(POLICY) });
    expect(calls[0].args[0].input.PolicyDocument).not.toContain('\n');
  });

  it('maps MalformedPolicyDocument, missing role and quota errors', async () => {
    // Prepare
    iamMock
      .on(UpdateAssumeRolePolicyCommand)
      .rejectsOnce(new MalformedPolicyDocumentException({ message: 'Syntax errors in policy.', $metadata: {} }))
      .rejectsOnce(new NoSuchEntityException({ message: 'Role r not found', $metadata: {} }))
      .rejectsOnce(sdkError('LimitExceeded', 409, 'Cannot exceed quota for ACLSizePerRole: 2048'));

    // Act
    const errors = [];
    for (let i = 0; i < 3; i++) errors.push(await adapter.updateTrustPolicy('r', POLICY).catch((e: unknown) => e));

    // Assess
    expect(errors[0]).toBeInstanceOf(MalformedPolicyError);
    expect(errors[1]).toBeInstanceOf(NotFoundError);
    expect((errors[2] as Error).name).toBe('LimitExceededError');
    expect((errors[2] as Error).message).toContain('ACLSizePerRole');
  });
});

describe('IamAdapter.tagRole', () => {
  it('sanitises values to the characters IAM accepts', async () => {
    // Prepare
    iamMock.on(TagRoleCommand).resolves({});

    // Act
    await adapter.tagRole('r', { 'eks-trust-guard:findings': 'irsa-sub-missing,irsa-aud-missing', 'eks-trust-guard:status': 'noncompliant' });

    // Assess
    const input = iamMock.commandCalls(TagRoleCommand)[0].args[0].input;
    expect(input).toEqual({
      RoleName: 'r',
      Tags: [
        { Key: 'eks-trust-guard:findings', Value: 'irsa-sub-missing_irsa-aud-missing' },
        { Key: 'eks-trust-guard:status', Value: 'noncompliant' },
      ],
    });
  });

  it('splits more than 50 tags over several calls (IAM limit per call)', async () => {
    // Prepare
    iamMock.on(TagRoleCommand).resolves({});
    const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));

    // Act
    await adapter.tagRole('r', tags);

    // Assess
    const calls = iamMock.commandCalls(TagRoleCommand);
    expect(calls.map((c) => c.args[0].input.Tags?.length)).toEqual([50, 1]);
  });

  it('maps a missing role on tagging to NotFoundError', async () => {
    // Prepare
    iamMock.on(TagRoleCommand).rejects(new NoSuchEntityException({ message: 'Role r not found', $metadata: {} }));

    // Act
    const error = await adapter.tagRole('r', { a: 'b' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).action).toBe('iam:TagRole');
  });
});

describe('IamAdapter.listAttachedPolicyArns', () => {
  it('follows the Marker through every page', async () => {
    // Prepare
    iamMock
      .on(ListAttachedRolePoliciesCommand, { RoleName: 'node', Marker: undefined })
      .resolves({
        AttachedPolicies: [{ PolicyName: 'AmazonEKSWorkerNodePolicy', PolicyArn: 'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy' }],
        IsTruncated: true,
        Marker: 'm1',
      })
      .on(ListAttachedRolePoliciesCommand, { RoleName: 'node', Marker: 'm1' })
      .resolves({
        AttachedPolicies: [{ PolicyName: 'AmazonEKS_CNI_Policy', PolicyArn: 'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy' }],
        IsTruncated: false,
      });

    // Act
    const arns = await adapter.listAttachedPolicyArns('node');

    // Assess
    expect(arns).toEqual(['arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy', 'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy']);
    expect(iamMock.commandCalls(ListAttachedRolePoliciesCommand)).toHaveLength(2);
  });
});

describe('IamAdapter.listRolesPage', () => {
  it('decodes URL-encoded documents (real IAM), keeps raw ones (moto), and returns the next marker', async () => {
    // Prepare
    const raw = '{"Version":"2012-10-17","Statement":[{"Sid":"100% raw","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}';
    iamMock.on(ListRolesCommand, { Marker: undefined, MaxItems: 2 }).resolves({
      Roles: [
        { RoleName: 'a', Arn: 'arn:aws:iam::111122223333:role/a', Path: '/', RoleId: 'A', CreateDate: new Date(0), AssumeRolePolicyDocument: encodeURIComponent(POLICY_TEXT) },
        { RoleName: 'b', Arn: 'arn:aws:iam::111122223333:role/b', Path: '/', RoleId: 'B', CreateDate: new Date(0), AssumeRolePolicyDocument: raw },
      ],
      IsTruncated: true,
      Marker: 'next',
    });

    // Act
    const page = await adapter.listRolesPage(undefined, 2);

    // Assess
    expect(page.marker).toBe('next');
    expect(page.roles.map((r) => r.trustPolicyText)).toEqual([POLICY_TEXT, raw]);
    expect(page.roles.map((r) => r.tags)).toEqual([{}, {}]);
    expect(page.roles[0].accountId).toBe('111122223333');
  });

  it('has no marker on the last page and defaults to 1000 items per page', async () => {
    // Prepare
    iamMock.on(ListRolesCommand).resolves({ Roles: [], IsTruncated: false });

    // Act
    const page = await adapter.listRolesPage('prev');

    // Assess
    expect(page).toEqual({ roles: [] });
    expect(iamMock.commandCalls(ListRolesCommand)[0].args[0].input).toEqual({ Marker: 'prev', MaxItems: 1000 });
  });
});

describe('IamAdapter.roleDetailsPage', () => {
  it('reads roles only, 1000 per page, with tags, path, attached policies and decoded documents', async () => {
    // Prepare
    const raw = '{"Version":"2012-10-17","Statement":[{"Sid":"100% raw","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}';
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({
      RoleDetailList: [
        {
          RoleName: 'fargate-pods',
          Arn: ARN,
          Path: '/eks/',
          RoleId: 'A',
          CreateDate: new Date('2024-05-01T10:00:00Z'),
          AssumeRolePolicyDocument: encodeURIComponent(POLICY_TEXT),
          Tags: [{ Key: 'eks-trust-guard:findings', Value: 'fargate-role-policy' }],
          AttachedManagedPolicies: [{ PolicyName: 'AmazonEKSFargatePodExecutionRolePolicy', PolicyArn: 'arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy' }],
        },
        { RoleName: 'node', Arn: 'arn:aws:iam::111122223333:role/node', RoleId: 'B', AssumeRolePolicyDocument: raw },
      ],
      IsTruncated: true,
      Marker: 'page-2',
    });

    // Act
    const page = await adapter.roleDetailsPage();

    // Assess
    expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)[0].args[0].input).toEqual({ Filter: ['Role'], MaxItems: 1000 });
    expect(page.marker).toBe('page-2');
    expect(page.roles).toEqual([
      {
        role: {
          name: 'fargate-pods',
          arn: ARN,
          path: '/eks/',
          accountId: '111122223333',
          trustPolicyText: POLICY_TEXT,
          tags: { 'eks-trust-guard:findings': 'fargate-role-policy' },
          createDate: '2024-05-01T10:00:00.000Z',
        },
        attachedPolicies: ['arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy'],
      },
      { role: { name: 'node', arn: 'arn:aws:iam::111122223333:role/node', path: '/', accountId: '111122223333', trustPolicyText: raw, tags: {} }, attachedPolicies: [] },
    ]);
  });

  it('passes the marker on and has none on the last page', async () => {
    // Prepare
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({ RoleDetailList: [], IsTruncated: false, Marker: 'ignored' });

    // Act
    const page = await adapter.roleDetailsPage('page-2', 10);

    // Assess
    expect(page).toEqual({ roles: [] });
    expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)[0].args[0].input).toEqual({ Filter: ['Role'], Marker: 'page-2', MaxItems: 10 });
  });

  it('maps throttling that outlived the SDK retries to ThrottledError', async () => {
    // Prepare
    iamMock.on(GetAccountAuthorizationDetailsCommand).rejects(sdkError('Throttling', 400));

    // Act
    const error = await adapter.roleDetailsPage().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).action).toBe('iam:GetAccountAuthorizationDetails');
  });
});
