/**
 * End to end: the real iamEvents / podIdentityEvents handlers, real SDK clients, the moto server
 * on a loopback port. Roles are created through the SDK, events are shaped like the CloudTrail
 * records of ../shared/fixtures, and every assertion reads moto's state back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateRoleCommand, GetRoleCommand, UpdateAssumeRolePolicyCommand, DeleteRoleCommand } from '@aws-sdk/client-iam';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { EKSClient, CreateClusterCommand, CreateFargateProfileCommand, DescribePodIdentityAssociationCommand, TagResourceCommand } from '@aws-sdk/client-eks';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import type { MetadataBearer } from '@smithy/types';
import { journalTableDefinition } from '../../lib/aws/journal';
import { resetRuntime } from '../../lib/handler/runtime';
import { handler as iamEvents } from '../../functions/iamEvents';
import { handler as podIdentityEvents } from '../../functions/podIdentityEvents';
import { clientsFor, MOTO_ACCOUNT, useMoto } from '../support/moto';
import { lambdaContext, withEnv } from '../support/lambda';
import type { AwsClients } from '../../lib/aws/clients';

const moto = useMoto();
const FIXTURES = join(__dirname, '../../../shared/fixtures/cloudtrail');
const ENV_KEYS = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'JOURNAL_TABLE', 'NOTIFY_TOPIC_ARN', 'SELF_ROLE_PREFIX', 'REMEDIATION_MODE', 'TRUSTED_ACCOUNTS', 'POWERTOOLS_LOG_LEVEL', 'EKS_REGIONS'];
const env = withEnv(ENV_KEYS);
let clients: AwsClients;
let topicArn: string;
let eventCounter = 0;

const context = lambdaContext('eks-trust-guard-test-iamEvents', 60_000);

const policies = {
  fargateNoSourceArn: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks-fargate-pods.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
  podIdentityNoTagSession: { Version: '2012-10-17', Statement: [{ Sid: 'Pods', Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': MOTO_ACCOUNT } } }] },
  podIdentityOk: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:SourceAccount': MOTO_ACCOUNT } } }] },
  irsaNoSub: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${MOTO_ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud': 'sts.amazonaws.com' } },
      },
    ],
  },
  backdoor: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'sts:AssumeRole' },
    ],
  },
  node: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
};

/** A CloudTrail record shaped like ../shared/fixtures (techant CreateRole / panther UpdateAssumeRolePolicy). */
function iamEvent(eventName: 'CreateRole' | 'UpdateAssumeRolePolicy', roleName: string, policy: object, overrides: Record<string, unknown> = {}) {
  const base = JSON.parse(readFileSync(join(FIXTURES, eventName === 'CreateRole' ? 'techant_CreateRole_1.json' : 'panther_UpdateAssumeRolePolicy_1.json'), 'utf8'));
  const detail = {
    ...base,
    eventID: `evt-${++eventCounter}`,
    eventTime: new Date().toISOString(),
    recipientAccountId: MOTO_ACCOUNT,
    requestParameters:
      eventName === 'CreateRole' ? { ...base.requestParameters, roleName, assumeRolePolicyDocument: JSON.stringify(policy) } : { roleName, policyDocument: JSON.stringify(policy) },
    responseElements: null,
    ...overrides,
  };
  return { version: '0', id: `eb-${eventCounter}`, 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', account: MOTO_ACCOUNT, time: new Date().toISOString(), region: 'us-east-1', resources: [], detail };
}

async function createRole(name: string, policy: object, tags: Record<string, string> = {}) {
  await clients.iam.send(
    new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(policy), Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }),
  );
}

async function readRole(name: string) {
  const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: name }));
  return {
    policy: JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!)),
    tags: Object.fromEntries((Role!.Tags ?? []).map((t) => [t.Key!, t.Value!])),
  };
}

/** The role's journal entries (sort keys are ISO times), without its flap counter and event markers. */
async function journalFor(roleName: string) {
  const out = await clients.dynamodb.send(
    new QueryCommand({
      TableName: 'journal',
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :min AND :max',
      ExpressionAttributeValues: { ':pk': `arn:aws:iam::${MOTO_ACCOUNT}:role/${roleName}`, ':min': '0', ':max': '9~' },
    }),
  );
  return out.Items ?? [];
}

async function messagesFor(roleName: string) {
  return (await moto().snsMessages()).filter((m) => JSON.parse(m.message).role?.name === roleName);
}

beforeAll(async () => {
  env.save();
  clients = clientsFor(moto().endpoint);
  await clients.dynamodbClient.send(new CreateTableCommand({ TableName: 'journal', ...journalTableDefinition }));
  topicArn = (await clients.sns.send(new CreateTopicCommand({ Name: 'eks-trust-guard-findings' }))).TopicArn!;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto().endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    JOURNAL_TABLE: 'journal',
    NOTIFY_TOPIC_ARN: topicArn,
    SELF_ROLE_PREFIX: 'eks-trust-guard-test-',
    REMEDIATION_MODE: 'fix',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    EKS_REGIONS: 'us-east-1',
  });
  delete process.env.TRUSTED_ACCOUNTS;
  resetRuntime();
});

afterAll(() => {
  env.restore();
  resetRuntime();
});

describe('iamEvents against the emulator', () => {
  it('fixes a Fargate Pod execution role without aws:SourceArn: journal, policy, tags, SNS', async () => {
    await createRole('fargate-exec', policies.fargateNoSourceArn);
    const result = await iamEvents(iamEvent('CreateRole', 'fargate-exec', policies.fargateNoSourceArn), context);
    expect(result).toMatchObject({ status: 'processed', outcome: 'fixed', roleName: 'fargate-exec' });

    const role = await readRole('fargate-exec');
    expect(role.policy.Statement[0].Condition).toEqual({ ArnLike: { 'aws:SourceArn': `arn:aws:eks:*:${MOTO_ACCOUNT}:fargateprofile/*` } });
    expect(role.policy.Statement[0].Principal).toEqual({ Service: 'eks-fargate-pods.amazonaws.com' });
    // The role has no AmazonEKSFargatePodExecutionRolePolicy attached: that stays open (never auto-attached).
    expect(role.tags['eks-trust-guard:status']).toBe('noncompliant');
    expect(role.tags['eks-trust-guard:findings']).toBe('fargate-role-policy');
    expect(Date.parse(role.tags['eks-trust-guard:checked-at'])).not.toBeNaN();

    const journal = await journalFor('fargate-exec');
    expect(journal).toHaveLength(1);
    expect(JSON.parse(journal[0].originalPolicy)).toEqual(policies.fargateNoSourceArn);
    expect(JSON.parse(journal[0].newPolicy)).toEqual(role.policy);
    expect(journal[0].ruleIds).toContain('fargate-source-arn');

    const msgs = await messagesFor('fargate-exec');
    expect(msgs).toHaveLength(1);
    expect(msgs[0].subject).toMatch(/^\[HIGH\] fixed trust policy of role fargate-exec \(/);
    expect(msgs[0].attributes.severity).toEqual({ type: 'String', value: 'high' });
    expect(msgs[0].attributes.outcome).toEqual({ type: 'String', value: 'fixed' });
    expect(JSON.parse(msgs[0].attributes.ruleIds.value)).toEqual(expect.arrayContaining(['fargate-source-arn', 'fargate-role-policy']));
    const body = JSON.parse(msgs[0].message);
    expect(body).toMatchObject({ schema: 'eks-trust-guard/evaluation@1', account: MOTO_ACCOUNT, mode: 'fix', outcome: 'fixed', trigger: { source: 'cloudtrail', eventName: 'CreateRole' } });
    expect(body.newPolicy).toEqual(role.policy);
  });

  it('narrows the SourceArn fix to the clusters whose Fargate profiles use the role (EKS in moto)', async () => {
    await createRole('fargate-prod', policies.fargateNoSourceArn);
    const roleArn = `arn:aws:iam::${MOTO_ACCOUNT}:role/fargate-prod`;
    await clients.eks.send(new CreateClusterCommand({ name: 'prod', roleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/cluster`, resourcesVpcConfig: { subnetIds: ['subnet-1'] } }));
    await clients.eks.send(new CreateFargateProfileCommand({ clusterName: 'prod', fargateProfileName: 'default', podExecutionRoleArn: roleArn, selectors: [{ namespace: 'default' }] }));
    const result = await iamEvents(iamEvent('CreateRole', 'fargate-prod', policies.fargateNoSourceArn), context);
    expect(result).toMatchObject({ outcome: 'fixed' });
    const role = await readRole('fargate-prod');
    expect(role.policy.Statement[0].Condition).toEqual({ ArnLike: { 'aws:SourceArn': `arn:aws:eks:us-east-1:${MOTO_ACCOUNT}:fargateprofile/prod/*` } });
  });

  it('adds sts:TagSession to a Pod Identity role', async () => {
    await createRole('pod-identity', policies.podIdentityNoTagSession);
    const result = await iamEvents(iamEvent('UpdateAssumeRolePolicy', 'pod-identity', policies.podIdentityNoTagSession), context);
    expect(result).toMatchObject({ outcome: 'fixed' });
    const role = await readRole('pod-identity');
    expect(role.policy.Statement[0].Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(role.tags['eks-trust-guard:status']).toBe('remediated');
  });

  it('tags an IRSA role without :sub (not fixable) and leaves its policy alone', async () => {
    await createRole('irsa-open', policies.irsaNoSub);
    const result = await iamEvents(iamEvent('CreateRole', 'irsa-open', policies.irsaNoSub), context);
    expect(result).toMatchObject({ outcome: 'tagged' });
    const role = await readRole('irsa-open');
    expect(role.policy).toEqual(policies.irsaNoSub);
    expect(role.tags['eks-trust-guard:status']).toBe('noncompliant');
    expect(role.tags['eks-trust-guard:findings'].split(' ')).toContain('irsa-sub-missing');
    expect(await journalFor('irsa-open')).toEqual([]);
    expect(await messagesFor('irsa-open')).toHaveLength(1);
  });

  it('tags and announces a backdoor trusting a foreign account as critical', async () => {
    await createRole('backdoored', policies.backdoor);
    await iamEvents(iamEvent('UpdateAssumeRolePolicy', 'backdoored', policies.backdoor), context);
    const role = await readRole('backdoored');
    expect(role.policy).toEqual(policies.backdoor);
    expect(role.tags['eks-trust-guard:findings'].split(' ')).toContain('untrusted-account');
    const msgs = await messagesFor('backdoored');
    expect(msgs).toHaveLength(1);
    expect(msgs[0].subject).toMatch(/^\[CRITICAL\] /);
    expect(msgs[0].attributes.severity.value).toBe('critical');
  });

  it('leaves a compliant role untouched and silent', async () => {
    await createRole('node-ok', policies.node);
    const result = await iamEvents(iamEvent('CreateRole', 'node-ok', policies.node), context);
    expect(result).toMatchObject({ outcome: 'compliant' });
    expect((await readRole('node-ok')).tags).toEqual({});
    expect(await messagesFor('node-ok')).toEqual([]);
  });

  it('reports an exempt role and never changes it', async () => {
    await createRole('exempt-pod', policies.podIdentityNoTagSession, { 'eks-trust-guard:exempt': 'true' });
    const result = await iamEvents(iamEvent('CreateRole', 'exempt-pod', policies.podIdentityNoTagSession), context);
    expect(result).toMatchObject({ outcome: 'exempt' });
    const role = await readRole('exempt-pod');
    expect(role.policy).toEqual(policies.podIdentityNoTagSession);
    expect(role.tags).toEqual({ 'eks-trust-guard:exempt': 'true' });
    expect(await journalFor('exempt-pod')).toEqual([]);
  });

  it('handles a duplicate delivery of the same eventID once', async () => {
    await createRole('dup', policies.podIdentityNoTagSession);
    const event = iamEvent('UpdateAssumeRolePolicy', 'dup', policies.podIdentityNoTagSession);
    await iamEvents(event, context);
    // The old policy comes back by other means; the duplicate delivery must not act on it.
    await clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'dup', PolicyDocument: JSON.stringify(policies.podIdentityNoTagSession) }));
    const second = await iamEvents(event, context);
    expect(second).toMatchObject({ outcome: 'fixed' });
    expect(await journalFor('dup')).toHaveLength(1);
    expect(await messagesFor('dup')).toHaveLength(1);
    expect((await readRole('dup')).policy).toEqual(policies.podIdentityNoTagSession);
  });

  it("ignores the event of its own UpdateAssumeRolePolicy (loop safety) and re-evaluation finds nothing", async () => {
    await createRole('loop', policies.podIdentityNoTagSession);
    await iamEvents(iamEvent('UpdateAssumeRolePolicy', 'loop', policies.podIdentityNoTagSession), context);
    const fixed = (await readRole('loop')).policy;
    const own = iamEvent('UpdateAssumeRolePolicy', 'loop', fixed, {
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/eks-trust-guard-test-iamEvents/fn`,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${MOTO_ACCOUNT}:role/eks-trust-guard-test-iamEvents` } },
      },
    });
    const result = await iamEvents(own, context);
    expect(result).toMatchObject({ status: 'ignored' });
    // Even if the actor check were bypassed (another principal re-applies the fixed policy), nothing happens.
    const other = await iamEvents(iamEvent('UpdateAssumeRolePolicy', 'loop', fixed), context);
    expect(other).toMatchObject({ outcome: 'compliant' });
    expect(await journalFor('loop')).toHaveLength(1);
    expect(await messagesFor('loop')).toHaveLength(1);
  });

  it('acknowledges malformed, failed and foreign events without throwing', async () => {
    await expect(iamEvents({ hello: 'world' } as never, context)).resolves.toMatchObject({ status: 'ignored' });
    const failed = iamEvent('CreateRole', 'never-created', policies.node, { errorCode: 'EntityAlreadyExists' });
    await expect(iamEvents(failed, context)).resolves.toMatchObject({ status: 'ignored', reason: expect.stringMatching(/EntityAlreadyExists/) });
    const attach = JSON.parse(readFileSync(join(FIXTURES, 'panther_AttachRolePolicy_1.json'), 'utf8'));
    await expect(iamEvents({ ...iamEvent('CreateRole', 'x', policies.node), detail: attach }, context)).resolves.toMatchObject({ status: 'ignored' });
  });

  it('logs a role deleted before the event is handled', async () => {
    await createRole('short-lived', policies.podIdentityNoTagSession);
    await clients.iam.send(new DeleteRoleCommand({ RoleName: 'short-lived' }));
    const result = await iamEvents(iamEvent('CreateRole', 'short-lived', policies.podIdentityNoTagSession), context);
    expect(result).toMatchObject({ status: 'processed', outcome: 'missing' });
  });
});

describe('podIdentityEvents against the emulator (EKS Pod Identity calls mocked at the SDK level)', () => {
  // Installed per describe (not at collection time) so the iamEvents tests use moto's real EKS.
  let eks: AwsStub<object, MetadataBearer, unknown>;
  beforeAll(() => {
    eks = mockClient(EKSClient);
  });
  afterEach(() => eks.reset());
  afterAll(() => eks.restore());

  it('fixes the association role, reports the unverifiable cross-account target and tags the association', async () => {
    eks.on(TagResourceCommand).resolves({});
    await createRole('assoc-role', policies.podIdentityNoTagSession);
    const associationArn = `arn:aws:eks:us-east-1:${MOTO_ACCOUNT}:podidentityassociation/prod/a-123`;
    const event = {
      version: '0',
      id: 'eb-pi-1',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.eks',
      account: MOTO_ACCOUNT,
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: {
        eventID: 'pi-evt-1',
        eventName: 'CreatePodIdentityAssociation',
        eventSource: 'eks.amazonaws.com',
        awsRegion: 'us-east-1',
        recipientAccountId: MOTO_ACCOUNT,
        userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/platform/alice` },
        requestParameters: { name: 'prod', namespace: 'payments', serviceAccount: 'api', roleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/assoc-role`, targetRoleArn: 'arn:aws:iam::444455556666:role/data' },
        responseElements: {
          association: { clusterName: 'prod', namespace: 'payments', serviceAccount: 'api', roleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/assoc-role`, targetRoleArn: 'arn:aws:iam::444455556666:role/data', associationArn, associationId: 'a-123', externalId: 'ext-1' },
        },
      },
    };
    const result = await podIdentityEvents(event, context);
    expect(result).toMatchObject({ status: 'processed', outcome: 'fixed', roleName: 'assoc-role' });
    expect((await readRole('assoc-role')).policy.Statement[0].Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    const tagCalls = eks.commandCalls(TagResourceCommand);
    expect(tagCalls).toHaveLength(1);
    expect(tagCalls[0].args[0].input.resourceArn).toBe(associationArn);
    expect(tagCalls[0].args[0].input.tags?.['eks-trust-guard:findings']).toContain('target-role-unverified');
    const msgs = await messagesFor('assoc-role');
    expect(msgs).toHaveLength(1);
    expect(JSON.parse(msgs[0].message).association).toMatchObject({ clusterName: 'prod', associationArn, targetRoleArn: 'arn:aws:iam::444455556666:role/data' });
  });

  it('reads the association from EKS when the event lacks it', async () => {
    await createRole('assoc-ok', policies.podIdentityOk);
    eks.on(DescribePodIdentityAssociationCommand).resolves({
      association: { clusterName: 'prod', namespace: 'ns', serviceAccount: 'sa', roleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/assoc-ok`, associationArn: `arn:aws:eks:us-east-1:${MOTO_ACCOUNT}:podidentityassociation/prod/a-9`, associationId: 'a-9' },
    });
    const event = {
      version: '0', id: 'eb-pi-2', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.eks', account: MOTO_ACCOUNT, time: new Date().toISOString(), region: 'us-east-1', resources: [],
      detail: { eventID: 'pi-evt-2', eventName: 'UpdatePodIdentityAssociation', eventSource: 'eks.amazonaws.com', recipientAccountId: MOTO_ACCOUNT, requestParameters: { clusterName: 'prod', associationId: 'a-9' }, responseElements: null },
    };
    const result = await podIdentityEvents(event, context);
    expect(eks.commandCalls(DescribePodIdentityAssociationCommand)).toHaveLength(1);
    expect(result).toMatchObject({ outcome: 'compliant', roleName: 'assoc-ok' });
    const scan = await clients.dynamodb.send(new ScanCommand({ TableName: 'journal' }));
    expect((scan.Items ?? []).filter((i) => String(i.pk).endsWith('/assoc-ok'))).toEqual([]);
  });
});
