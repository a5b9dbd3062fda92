/**
 * End to end: the real sweep handler, real SDK clients, the moto server on a loopback port. About
 * fifty roles of mixed shapes are created through the SDK; every assertion reads moto's state
 * back (policies, tags, journal items, SNS messages), and the IAM calls the sweep makes are
 * counted with a middleware on the very client the handler uses.
 */
import { AttachRolePolicyCommand, CreatePolicyCommand, CreateRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import {
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  DescribePodIdentityAssociationCommand,
  EKSClient,
  ListClustersCommand,
  ListFargateProfilesCommand,
  ListNodegroupsCommand,
  ListPodIdentityAssociationsCommand,
  TagResourceCommand,
} from '@aws-sdk/client-eks';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import type { MetadataBearer } from '@smithy/types';
import { journalTableDefinition } from '../../lib/aws/journal';
import type { AwsClients } from '../../lib/aws/clients';
import { clientFactory, resetRuntime } from '../../lib/handler/runtime';
import { handler as sweep } from '../../functions/sweep';
import type { SweepResult } from '../../lib/sweep/sweep';
import { clientsFor, MOTO_ACCOUNT, useMoto, type SnsMessage } from '../support/moto';
import { lambdaContext, withEnv } from '../support/lambda';

const moto = useMoto();
const ENV_KEYS = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'JOURNAL_TABLE', 'NOTIFY_TOPIC_ARN', 'SELF_ROLE_PREFIX', 'REMEDIATION_MODE', 'TRUSTED_ACCOUNTS', 'POWERTOOLS_LOG_LEVEL', 'EKS_REGIONS', 'AWS_LAMBDA_FUNCTION_NAME'];
const env = withEnv(ENV_KEYS);
let clients: AwsClients;

const context = lambdaContext('eks-trust-guard-test-sweep', 900_000);

const OIDC = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const policies = {
  podIdentityNoTagSession: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': MOTO_ACCOUNT } } }] },
  podIdentityOk: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:SourceAccount': MOTO_ACCOUNT } } }] },
  fargateNoSourceArn: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks-fargate-pods.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
  noVersion: { Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
  irsaNoSub: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${MOTO_ACCOUNT}:oidc-provider/${OIDC}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${OIDC}:aud`]: 'sts.amazonaws.com' } } }],
  },
  irsaOk: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${MOTO_ACCOUNT}:oidc-provider/${OIDC}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${OIDC}:aud`]: 'sts.amazonaws.com', [`${OIDC}:sub`]: 'system:serviceaccount:apps:api' } },
      },
    ],
  },
  foreignRoot: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'sts:AssumeRole' }] },
  node: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
};

interface Shape {
  prefix: string;
  count: number;
  policy: object;
  tags?: Record<string, string>;
  path?: string;
}

/** 50 roles: what the sweep must fix, tag, leave alone or leave quiet. */
const SHAPES: Shape[] = [
  { prefix: 'pod-fix', count: 8, policy: policies.podIdentityNoTagSession },
  { prefix: 'fargate-fix', count: 4, policy: policies.fargateNoSourceArn },
  { prefix: 'version-fix', count: 3, policy: policies.noVersion },
  { prefix: 'irsa-open', count: 5, policy: policies.irsaNoSub },
  { prefix: 'backdoor', count: 3, policy: policies.foreignRoot },
  // Found and tagged by an earlier sweep: a known, unchanged finding.
  { prefix: 'known', count: 3, policy: policies.irsaNoSub, tags: { 'eks-trust-guard:status': 'noncompliant', 'eks-trust-guard:findings': 'irsa-sub-missing', 'eks-trust-guard:checked-at': '2026-11-22T03:00:00.000Z' } },
  { prefix: 'exempt', count: 2, policy: policies.podIdentityNoTagSession, tags: { 'eks-trust-guard:exempt': 'true' } },
  { prefix: 'eks-trust-guard-test-own', count: 2, policy: policies.podIdentityNoTagSession },
  { prefix: 'node-ok', count: 8, policy: policies.node },
  { prefix: 'pod-ok', count: 6, policy: policies.podIdentityOk },
  { prefix: 'irsa-ok', count: 6, policy: policies.irsaOk, path: '/eks/irsa/' },
];
const names = (prefix: string) => SHAPES.find((s) => s.prefix === prefix)!.count;
const roleNames = (prefix: string) => Array.from({ length: names(prefix) }, (_, i) => `${prefix}-${i}`);
const TOTAL = SHAPES.reduce((n, s) => n + s.count, 0);

async function createRoles(shapes: Shape[]) {
  await Promise.all(
    shapes.flatMap((s) =>
      Array.from({ length: s.count }, (_, i) =>
        clients.iam.send(
          new CreateRoleCommand({
            RoleName: `${s.prefix}-${i}`,
            Path: s.path,
            AssumeRolePolicyDocument: JSON.stringify(s.policy),
            Tags: Object.entries(s.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
          }),
        ),
      ),
    ),
  );
}

async function readRole(name: string) {
  const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: name }));
  return { policy: JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!)), tags: Object.fromEntries((Role!.Tags ?? []).map((t) => [t.Key!, t.Value!])) };
}

/** Journal entries only (sort keys are ISO times), not the flap counters and event markers. */
async function journal() {
  return ((await clients.dynamodb.send(new ScanCommand({ TableName: 'journal' }))).Items ?? []).filter((i) => /^\d/.test(String(i.sk)));
}

const schemaOf = (m: SnsMessage) => JSON.parse(m.message).schema as string;
const roleOf = (m: SnsMessage) => JSON.parse(m.message).role?.name as string;

/** Count the commands sent through the IAM client the handler uses (same factory, same cache key). */
function countIamCalls(): { counts: Record<string, number>; stop: () => void } {
  const iam = clientFactory().forTarget({ region: 'us-east-1', accountId: MOTO_ACCOUNT }).iam;
  const counts: Record<string, number> = {};
  const name = `count-${Math.random()}`;
  iam.middlewareStack.add(
    (next, ctx) => async (args) => {
      const command = (ctx as { commandName?: string }).commandName ?? '?';
      counts[command] = (counts[command] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { counts, stop: () => iam.middlewareStack.remove(name) };
}

const WRITES = ['UpdateAssumeRolePolicyCommand', 'TagRoleCommand', 'UntagRoleCommand'];
const READS_PER_ROLE = ['GetRoleCommand', 'ListAttachedRolePoliciesCommand', 'ListRolesCommand'];

beforeAll(async () => {
  env.save();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto().endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    JOURNAL_TABLE: 'journal',
    SELF_ROLE_PREFIX: 'eks-trust-guard-test-',
    REMEDIATION_MODE: 'fix',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    EKS_REGIONS: 'us-east-1',
  });
  delete process.env.TRUSTED_ACCOUNTS;
  delete process.env.AWS_LAMBDA_FUNCTION_NAME;
});

beforeEach(async () => {
  await moto().reset();
  clients = clientsFor(moto().endpoint);
  await clients.dynamodbClient.send(new CreateTableCommand({ TableName: 'journal', ...journalTableDefinition }));
  process.env.NOTIFY_TOPIC_ARN = (await clients.sns.send(new CreateTopicCommand({ Name: 'eks-trust-guard-findings' }))).TopicArn!;
  resetRuntime();
});

afterAll(() => {
  env.restore();
  resetRuntime();
});

describe('sweep against the emulator', () => {
  it('sweeps 50 roles with one IAM read per page, fixes, tags, journals and sends one summary', async () => {
    // Prepare
    await createRoles(SHAPES);
    // Attached policies come from the same page: with this one, fargate-role-policy is satisfied.
    // (moto does not load AWS managed policies; policies are matched by name, so a stand-in does.)
    const managed = await clients.iam.send(
      new CreatePolicyCommand({ PolicyName: 'AmazonEKSFargatePodExecutionRolePolicy', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' }] }) }),
    );
    await clients.iam.send(new AttachRolePolicyCommand({ RoleName: 'fargate-fix-0', PolicyArn: managed.Policy!.Arn! }));
    const iam = countIamCalls();

    // Act
    const result = (await sweep({ sweepId: 'it-1' }, context)) as SweepResult;
    iam.stop();

    // Assess: the result and the calls made
    expect(result).toMatchObject({ sweepId: 'it-1', roles: TOTAL, continued: false, summaryPublished: true, invocation: 1 });
    expect(result.byOutcome).toEqual({ fixed: 15, tagged: 11, exempt: 4, compliant: 20 });
    expect(iam.counts.GetAccountAuthorizationDetailsCommand).toBe(result.pages);
    for (const read of READS_PER_ROLE) expect([read, iam.counts[read] ?? 0]).toEqual([read, 0]);
    expect(iam.counts.UpdateAssumeRolePolicyCommand).toBe(15);

    // Assess: moto's state
    for (const name of roleNames('pod-fix')) {
      const role = await readRole(name);
      expect(role.policy.Statement[0].Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
      expect(role.tags['eks-trust-guard:status']).toBe('remediated');
    }
    for (const name of roleNames('fargate-fix')) {
      const role = await readRole(name);
      expect(role.policy.Statement[0].Condition).toEqual({ ArnLike: { 'aws:SourceArn': `arn:aws:eks:*:${MOTO_ACCOUNT}:fargateprofile/*` } });
      // Without AmazonEKSFargatePodExecutionRolePolicy attached, that finding stays open.
      expect([name, role.tags['eks-trust-guard:findings']]).toEqual([name, name === 'fargate-fix-0' ? '' : 'fargate-role-policy']);
      expect([name, role.tags['eks-trust-guard:status']]).toEqual([name, name === 'fargate-fix-0' ? 'remediated' : 'noncompliant']);
    }
    for (const name of roleNames('version-fix')) expect((await readRole(name)).policy.Version).toBe('2012-10-17');
    for (const name of [...roleNames('irsa-open'), ...roleNames('known')]) {
      const role = await readRole(name);
      expect(role.policy).toEqual(policies.irsaNoSub);
      expect(role.tags['eks-trust-guard:findings']).toBe('irsa-sub-missing');
    }
    for (const name of roleNames('known')) expect((await readRole(name)).tags['eks-trust-guard:checked-at']).toBe('2026-11-22T03:00:00.000Z');
    for (const name of roleNames('backdoor')) expect((await readRole(name)).tags['eks-trust-guard:findings'].split(' ')).toEqual(['foreign-root-no-condition', 'untrusted-account']);
    for (const name of [...roleNames('exempt'), ...roleNames('eks-trust-guard-test-own')]) expect((await readRole(name)).policy).toEqual(policies.podIdentityNoTagSession);
    for (const name of [...roleNames('node-ok'), ...roleNames('irsa-ok')]) expect((await readRole(name)).tags).toEqual({});

    const items = await journal();
    expect(items).toHaveLength(15);
    expect(new Set(items.map((i) => i.eventId))).toEqual(new Set(['it-1']));

    // Assess: exactly one summary, after the per-role messages, and no news about known findings
    const messages = await moto().snsMessages();
    const summaries = messages.filter((m) => schemaOf(m) === 'eks-trust-guard/sweep@1');
    expect(summaries).toHaveLength(1);
    expect(messages[messages.length - 1]).toBe(summaries[0]);
    expect(summaries[0].subject).toBe(`[CRITICAL] sweep of ${MOTO_ACCOUNT}: ${TOTAL} roles, 15 fixed, 11 noncompliant`);
    expect(summaries[0].attributes.outcome).toEqual({ type: 'String', value: 'summary' });
    expect(summaries[0].attributes.severity).toEqual({ type: 'String', value: 'critical' });
    const summary = JSON.parse(summaries[0].message);
    expect(summary).toMatchObject({ account: MOTO_ACCOUNT, region: 'us-east-1', roles: TOTAL, byOutcome: result.byOutcome, sweepId: 'it-1' });
    expect(summary.worst.slice(0, 3).map((w: { severity: string }) => w.severity)).toEqual(['critical', 'critical', 'critical']);
    expect(JSON.parse(summaries[0].attributes.ruleIds.value)).toEqual(expect.arrayContaining(['untrusted-account', 'pod-identity-tag-session', 'irsa-sub-missing']));
    const perRole = messages.filter((m) => schemaOf(m) === 'eks-trust-guard/evaluation@1');
    for (const m of perRole) expect(JSON.parse(m.message).trigger).toEqual({ source: 'sweep', eventName: 'Sweep', eventId: 'it-1' });
    const announced = perRole.map(roleOf);
    for (const name of [...roleNames('pod-fix'), ...roleNames('fargate-fix'), ...roleNames('version-fix')]) expect(announced.filter((n) => n === name)).toHaveLength(1);
    for (const name of [...roleNames('known'), ...roleNames('node-ok'), ...roleNames('pod-ok'), ...roleNames('irsa-ok')]) expect([name, announced.includes(name)]).toEqual([name, false]);
  });

  it('a second sweep over unchanged roles writes nothing and says nothing but its summary', async () => {
    // Prepare
    await createRoles(SHAPES);
    await sweep({ sweepId: 'day-1' }, context);
    const before = (await moto().snsMessages()).length;
    const journalBefore = (await journal()).length;
    const iam = countIamCalls();
    const scheduled = { version: '0', id: 'e6f8c2a4-0000-4000-8000-000000000002', 'detail-type': 'Scheduled Event', source: 'aws.events', account: MOTO_ACCOUNT, time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: {} };

    // Act
    const result = (await sweep(scheduled, context)) as SweepResult;
    iam.stop();

    // Assess
    const after = (await moto().snsMessages()).slice(before);
    expect(after).toHaveLength(1);
    expect(schemaOf(after[0])).toBe('eks-trust-guard/sweep@1');
    expect(JSON.parse(after[0].message).sweepId).toBe('scheduled-e6f8c2a4-0000-4000-8000-000000000002');
        // Fixed yesterday: the pod and version roles are clean now; the Fargate roles still lack their
    // managed policy (none is attached in this test).
    expect(result.byOutcome).toEqual({ tagged: 11 + 4, exempt: 4, compliant: 20 + 8 + 3 });
    for (const w of WRITES) expect([w, iam.counts[w] ?? 0]).toEqual([w, 0]);
    expect(iam.counts.GetAccountAuthorizationDetailsCommand).toBe(1);
    expect(await journal()).toHaveLength(journalBefore);
  });

  it('answers a bad on-demand payload with an error instead of sweeping', async () => {
    // Act
    const result = await sweep({ sweepId: 'no spaces allowed' }, context);

    // Assess
    expect(result).toEqual({ error: { code: 'InvalidSweepRequest', message: 'sweepId must be 1 to 128 letters, digits or . _ : -' } });
    expect(await moto().snsMessages()).toEqual([]);
  });
});

describe('sweep of EKS node groups, Fargate profiles and Pod Identity associations (EKS mocked at the SDK level)', () => {
  // moto 5.2 has no Pod Identity calls: EKS is mocked whole for this block only.
  let eks: AwsStub<object, MetadataBearer, unknown>;
  beforeAll(() => {
    eks = mockClient(EKSClient);
  });
  afterEach(() => eks.reset());
  afterAll(() => eks.restore());

  it('uses the node and Fargate roles EKS names, and remediates and tags the associations', async () => {
    // Prepare
    await createRoles([
      { prefix: 'nodes', count: 1, policy: policies.node },
      { prefix: 'fargate', count: 1, policy: policies.fargateNoSourceArn },
      { prefix: 'assoc', count: 1, policy: policies.podIdentityOk },
    ]);
    const associationArn = `arn:aws:eks:us-east-1:${MOTO_ACCOUNT}:podidentityassociation/prod/a-1`;
    eks
      .on(ListClustersCommand).resolves({ clusters: ['prod'] })
      .on(ListNodegroupsCommand).resolves({ nodegroups: ['ng-1'] })
      .on(DescribeNodegroupCommand).resolves({ nodegroup: { nodegroupName: 'ng-1', nodeRole: `arn:aws:iam::${MOTO_ACCOUNT}:role/nodes-0` } })
      .on(ListFargateProfilesCommand).resolves({ fargateProfileNames: ['default'] })
      .on(DescribeFargateProfileCommand).resolves({ fargateProfile: { fargateProfileArn: `arn:aws:eks:us-east-1:${MOTO_ACCOUNT}:fargateprofile/prod/default/1`, podExecutionRoleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/fargate-0` } })
      .on(ListPodIdentityAssociationsCommand).resolves({ associations: [{ clusterName: 'prod', namespace: 'pay', serviceAccount: 'api', associationArn, associationId: 'a-1' }] })
      .on(DescribePodIdentityAssociationCommand).resolves({
        association: { clusterName: 'prod', namespace: 'pay', serviceAccount: 'api', roleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/assoc-0`, targetRoleArn: 'arn:aws:iam::444455556666:role/data', associationArn, associationId: 'a-1' },
      })
      .on(TagResourceCommand).resolves({});
    const iam = countIamCalls();

    // Act
    const result = (await sweep({}, context)) as SweepResult;
    iam.stop();

    // Assess
    expect(result).toMatchObject({ roles: 3, summaryPublished: true });
    expect(result.associations).toMatchObject({ count: 1, byRule: { 'target-role-unverified': 1 } });
    expect((await readRole('nodes-0')).tags['eks-trust-guard:findings']).toBe('node-role-policy');
    const fargate = await readRole('fargate-0');
    expect(fargate.policy.Statement[0].Condition).toEqual({ ArnLike: { 'aws:SourceArn': `arn:aws:eks:us-east-1:${MOTO_ACCOUNT}:fargateprofile/prod/*` } });
    const tagged = eks.commandCalls(TagResourceCommand);
    expect(tagged).toHaveLength(1);
    expect(tagged[0].args[0].input.resourceArn).toBe(associationArn);
    expect(tagged[0].args[0].input.tags?.['eks-trust-guard:findings']).toBe('target-role-unverified');
    // One page for the roles; the association's own role is read afresh (the role sweep may just have changed it).
    expect(iam.counts.GetAccountAuthorizationDetailsCommand).toBe(1);
    expect(iam.counts.GetRoleCommand).toBe(1);
    expect(eks.commandCalls(DescribeFargateProfileCommand)).toHaveLength(1);
    const summary = (await moto().snsMessages()).filter((m) => schemaOf(m) === 'eks-trust-guard/sweep@1');
    expect(summary).toHaveLength(1);
    expect(JSON.parse(summary[0].message).associations).toMatchObject({ count: 1 });
  });
});
