import { AttachRolePolicyCommand, CreatePolicyCommand, CreateRoleCommand, GetRoleCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { MalformedPolicyError, NotFoundError } from '../../../lib/aws/errors';
import { IamInventory as IamAdapter } from '../../../lib/aws/iam';
import { clientsFor, MOTO_ACCOUNT, useMoto } from '../../support/moto';

const moto = useMoto();

/** Characters that break naive URL-decoding: spaces, +, /, %, quotes, unicode. */
const TRICKY_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'PodIdentity',
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringLike: { 'aws:RequestTag/kubernetes-namespace': 'team a+b/100% "ok" é 名前 😀' },
      },
    },
  ],
};

function setup() {
  const clients = clientsFor(moto().endpoint);
  return { clients, iam: new IamAdapter(clients.iam) };
}

async function createRole(name: string, doc: object, opts: { path?: string; pretty?: boolean; tags?: Record<string, string> } = {}) {
  const { clients } = setup();
  await clients.iam.send(
    new CreateRoleCommand({
      RoleName: name,
      Path: opts.path,
      AssumeRolePolicyDocument: opts.pretty ? JSON.stringify(doc, null, 2) : JSON.stringify(doc),
      Tags: Object.entries(opts.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
}

beforeEach(async () => {
  await moto().reset();
});

describe('IamAdapter against moto', () => {
  it('reads back a URL-sensitive trust policy exactly as written, with path, account and tags', async () => {
    // Prepare
    const { iam } = setup();
    const text = JSON.stringify(TRICKY_POLICY, null, 2);
    await createRole('tricky', TRICKY_POLICY, { path: '/eks/pods/', pretty: true, tags: { 'aws:cloudformation:stack-name': 'apps' } });

    // Act
    const role = await iam.getRole('tricky');

    // Assess
    expect(role).not.toBeNull();
    expect(role!.trustPolicyText).toBe(text);
    expect(JSON.parse(role!.trustPolicyText)).toEqual(TRICKY_POLICY);
    expect(role!.arn).toBe(`arn:aws:iam::${MOTO_ACCOUNT}:role/eks/pods/tricky`);
    expect(role!.path).toBe('/eks/pods/');
    expect(role!.accountId).toBe(MOTO_ACCOUNT);
    expect(role!.tags).toEqual({ 'aws:cloudformation:stack-name': 'apps' });
    expect(Number.isNaN(Date.parse(role!.createDate ?? ''))).toBe(false);
  });

  it('returns null for a role that does not exist', async () => {
    // Prepare
    const { iam } = setup();

    // Act
    const role = await iam.getRole('never-created');

    // Assess
    expect(role).toBeNull();
  });

  it('updates the trust policy and reads the new one back', async () => {
    // Prepare
    const { iam } = setup();
    await createRole('app', { Version: '2012-10-17', Statement: [] });

    // Act
    await iam.updateTrustPolicy('app', TRICKY_POLICY);
    const role = await iam.getRole('app');

    // Assess
    expect(role!.trustPolicyText).toBe(JSON.stringify(TRICKY_POLICY));
  });

  it('maps IAM rejecting a document to MalformedPolicyError and a missing role to NotFoundError', async () => {
    // Prepare
    const { iam } = setup();
    await createRole('app', TRICKY_POLICY);
    const invalid = { Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

    // Act
    const malformed = await iam.updateTrustPolicy('app', invalid).catch((e: unknown) => e);
    const missing = await iam.updateTrustPolicy('missing', TRICKY_POLICY).catch((e: unknown) => e);

    // Assess
    expect(malformed).toBeInstanceOf(MalformedPolicyError);
    expect((malformed as MalformedPolicyError).action).toBe('iam:UpdateAssumeRolePolicy');
    expect(missing).toBeInstanceOf(NotFoundError);
  });

  it('tags with sanitised values', async () => {
    // Prepare
    const { iam } = setup();
    await createRole('app', TRICKY_POLICY, { tags: { keep: 'me' } });

    // Act
    await iam.tagRole('app', {
      'eks-trust-guard:status': 'noncompliant',
      'eks-trust-guard:findings': 'irsa-sub-missing,irsa-aud-missing',
      'eks-trust-guard:checked-at': '2024-05-01T10:00:00.000Z',
    });
    const tagged = await iam.getRole('app');

    // Assess
    expect(tagged!.tags).toEqual({
      keep: 'me',
      'eks-trust-guard:status': 'noncompliant',
      'eks-trust-guard:findings': 'irsa-sub-missing_irsa-aud-missing',
      'eks-trust-guard:checked-at': '2024-05-01T10:00:00.000Z',
    });
  });

  it('lists attached managed policies', async () => {
    // Prepare
    const { clients, iam } = setup();
    await createRole('node', TRICKY_POLICY);
    const policy = await clients.iam.send(
      new CreatePolicyCommand({ PolicyName: 'node-extra', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) }),
    );
    await clients.iam.send(new AttachRolePolicyCommand({ RoleName: 'node', PolicyArn: policy.Policy!.Arn }));

    // Act
    const arns = await iam.listAttachedPolicyArns('node');

    // Assess
    expect(arns).toEqual([`arn:aws:iam::${MOTO_ACCOUNT}:policy/node-extra`]);
  });

  it('pages through ListRoles and decodes every document (moto returns them raw here)', async () => {
    // Prepare
    const { iam } = setup();
    const names = ['r1', 'r2', 'r3', 'r4', 'r5'];
    for (const n of names) await createRole(n, TRICKY_POLICY);

    // Act
    const pages: string[][] = [];
    const texts: string[] = [];
    let marker: string | undefined;
    do {
      const page = await iam.listRolesPage(marker, 2);
      pages.push(page.roles.map((r) => r.name));
      texts.push(...page.roles.map((r) => r.trustPolicyText));
      marker = page.marker;
    } while (marker);

    // Assess
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().sort()).toEqual(names);
    for (const t of texts) expect(JSON.parse(t)).toEqual(TRICKY_POLICY);
  });

  it('reads roles with tags, path and attached policies in one GetAccountAuthorizationDetails call', async () => {
    // Prepare
    const { clients, iam } = setup();
    await createRole('tricky', TRICKY_POLICY, { path: '/eks/pods/', pretty: true, tags: { team: 'a' } });
    await createRole('plain', TRICKY_POLICY);
    const policy = await clients.iam.send(
      new CreatePolicyCommand({ PolicyName: 'extra', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] }) }),
    );
    await clients.iam.send(new AttachRolePolicyCommand({ RoleName: 'plain', PolicyArn: policy.Policy!.Arn! }));
    let sent = 0;
    clients.iam.middlewareStack.add((next) => async (args) => {
      sent++;
      return next(args);
    }, { step: 'initialize', name: 'countRoleDetailsCalls' });

    // Act
    const page = await iam.roleDetailsPage();
    clients.iam.middlewareStack.remove('countRoleDetailsCalls');

    // Assess
    expect(sent).toBe(1);
    expect(page.marker).toBeUndefined();
    const byName = Object.fromEntries(page.roles.map((r) => [r.role.name, r]));
    expect(Object.keys(byName).sort()).toEqual(['plain', 'tricky']);
    expect(byName.tricky.role.trustPolicyText).toBe(JSON.stringify(TRICKY_POLICY, null, 2));
    expect(byName.tricky.role.path).toBe('/eks/pods/');
    expect(byName.tricky.role.tags).toEqual({ team: 'a' });
    expect(byName.tricky.attachedPolicies).toEqual([]);
    expect(JSON.parse(byName.plain.role.trustPolicyText)).toEqual(TRICKY_POLICY);
    expect(byName.plain.attachedPolicies).toEqual([`arn:aws:iam::${MOTO_ACCOUNT}:policy/extra`]);
  });

  it('relies on what moto really does: GetRole URL-encodes the document, ListRoles does not', async () => {
    // Prepare
    const { clients } = setup();
    const text = JSON.stringify(TRICKY_POLICY);
    await createRole('raw', TRICKY_POLICY);

    // Act
    const got = await clients.iam.send(new GetRoleCommand({ RoleName: 'raw' }));
    const listed = await clients.iam.send(new ListRolesCommand({}));

    // Assess
    expect(got.Role!.AssumeRolePolicyDocument).not.toBe(text);
    expect(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!)).toBe(text);
    expect(listed.Roles!.find((r) => r.RoleName === 'raw')!.AssumeRolePolicyDocument).toBe(text);
  });
});
