/**
 * The on-demand API over HTTP, end to end: serverless-offline serves the real `api` function
 * (bundled by serverless-esbuild as for a deployment, local stage) on a loopback port, its AWS
 * calls go to a moto server, and every route of CONTRACTS.md is called with fetch. Assertions read
 * moto's state back (policies, tags, journal items, SNS messages).
 *
 * serverless-offline 14 cannot check AWS_IAM (SigV4) authorisation: it runs with --noAuth (see
 * test/support/offline.ts), and the caller is simulated with its authorizer-override header.
 */
import { CreateRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createLocalStage } from '../../scripts/local-stage';
import { MAX_BODY_BYTES } from '../../lib/api/router';
import type { AwsClients } from '../../lib/aws/clients';
import { clientFactoryFor, useMoto, type SnsMessage } from '../support/moto';
import { LOCAL_ACCOUNT, LOCAL_NAMES, startOffline, type OfflineServer } from '../support/offline';

const moto = useMoto();
let offline: OfflineServer | undefined;
let clients: AwsClients;

const ALICE = `arn:aws:iam::${LOCAL_ACCOUNT}:user/alice`;
const arnOf = (name: string) => `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`;

/** Pod Identity role without sts:TagSession: pod-identity-tag-session (high, fixable), RULES.md. */
const podIdentityNoTagSession = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': LOCAL_ACCOUNT } } }],
};
const compliantNode = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
/** No Version element: policy-version (fixable). */
const noVersion = { Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

const ROLES: Record<string, object> = {
  'api-pod-app': podIdentityNoTagSession,
  'api-inspect': podIdentityNoTagSession,
  'api-node-ok': compliantNode,
  'api-sweep-fix': noVersion,
};

interface Answer {
  status: number;
  contentType: string | null;
  body: Record<string, unknown>;
}

async function call(method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${offline!.url}${route}`, {
    method,
    headers: { 'content-type': 'application/json', 'sls-offline-authorizer-override': JSON.stringify({ iam: { userArn: ALICE } }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${route} answered ${res.status} with a body that is not JSON: ${text.slice(0, 300)}`);
  }
  return { status: res.status, contentType: res.headers.get('content-type'), body: parsed };
}

async function readRole(name: string) {
  const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: name }));
  return {
    policy: JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!)),
    tags: Object.fromEntries((Role!.Tags ?? []).map((t) => [t.Key!, t.Value!])),
  };
}

async function journalOf(roleName: string) {
  const items = (await clients.dynamodb.send(new ScanCommand({ TableName: LOCAL_NAMES.journalTable }))).Items ?? [];
  return items.filter((i) => i.roleArn === arnOf(roleName)).sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
}

const messages = async (schema: string): Promise<Array<{ sns: SnsMessage; body: Record<string, unknown> }>> =>
  (await moto().snsMessages())
    .map((sns) => ({ sns, body: JSON.parse(sns.message) as Record<string, unknown> }))
    .filter((m) => m.body.schema === schema);

/** A JSON error of CONTRACTS.md: `{ error: { code, message } }` and nothing else, no stack. */
function expectJsonError(answer: Answer, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(Object.keys(answer.body)).toEqual(['error']);
  const error = answer.body.error as { code: string; message: string };
  expect(Object.keys(error).sort()).toEqual(['code', 'message']);
  expect(error.code).toBe(code);
  expect(error.message).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  clients = clientFactoryFor(moto().endpoint).forTarget({ region: 'us-east-1' });
  await createLocalStage(clients);
  await Promise.all(Object.entries(ROLES).map(([name, policy]) => clients.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(policy) }))));
  offline = await startOffline({ awsEndpoint: moto().endpoint });
}, 60_000);

afterAll(async () => {
  await offline?.stop();
}, 15_000);

describe('POST /evaluate', () => {
  it('answers findings and the fixed policy', async () => {
    // Act
    const answer = await call('POST', '/evaluate', { policy: podIdentityNoTagSession, roleArn: arnOf('candidate') });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect((answer.body.findings as Array<{ ruleId: string; severity: string; fixable: boolean }>).map((f) => [f.ruleId, f.severity, f.fixable])).toEqual([
      ['pod-identity-tag-session', 'high', true],
    ]);
    const fixed = answer.body.fixedPolicy as typeof podIdentityNoTagSession & { Statement: Array<{ Action: string[] }> };
    expect(fixed.Statement[0].Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(fixed.Statement[0].Condition).toEqual(podIdentityNoTagSession.Statement[0].Condition);
  });

  it('answers a 400 JSON error for a body that breaks the schema or is not JSON', async () => {
    // Act
    const wrongType = await call('POST', '/evaluate', { policy: 42 });
    const unknownField = await call('POST', '/evaluate', { policy: compliantNode, extra: true });
    const notJson = await call('POST', '/evaluate', '{"policy": ');
    const empty = await call('POST', '/evaluate');

    // Assess
    expectJsonError(wrongType, 400, 'ValidationError');
    expectJsonError(unknownField, 400, 'ValidationError');
    expectJsonError(notJson, 400, 'InvalidJson');
    expectJsonError(empty, 400, 'MissingBody');
  });

  it('answers a 413 JSON error for a body over the size limit', async () => {
    // Prepare
    const oversized = JSON.stringify({ policy: 'x'.repeat(MAX_BODY_BYTES) });

    // Act
    const answer = await call('POST', '/evaluate', oversized);

    // Assess
    expectJsonError(answer, 413, 'PayloadTooLarge');
  });
});

describe('GET /roles/{roleName}', () => {
  it('evaluates the live role in the emulator', async () => {
    // Act
    const answer = await call('GET', '/roles/api-inspect');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.role).toEqual({ name: 'api-inspect', arn: arnOf('api-inspect'), path: '/' });
    expect((answer.body.findings as Array<{ ruleId: string }>).map((f) => f.ruleId)).toEqual(['pod-identity-tag-session']);
    expect(answer.body.policy).toEqual(podIdentityNoTagSession);
    expect((await readRole('api-inspect')).policy).toEqual(podIdentityNoTagSession);
  });

  it('answers 404 JSON for a role that does not exist, 400 for a name IAM would refuse', async () => {
    // Act
    const missing = await call('GET', '/roles/no-such-role');
    const invalid = await call('GET', `/roles/${encodeURIComponent('bad name!')}`);

    // Assess
    expectJsonError(missing, 404, 'RoleNotFound');
    expectJsonError(invalid, 400, 'InvalidRoleName');
  });
});

describe('remediate, then roll back', () => {
  it('POST /roles/{roleName}/remediate fixes the policy in the emulator, journals the original and notifies', async () => {
    // Act
    const answer = await call('POST', '/roles/api-pod-app/remediate', {});

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ roleName: 'api-pod-app', outcome: 'fixed', changed: true });
    const role = await readRole('api-pod-app');
    expect(role.policy.Statement[0].Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(role.tags['eks-trust-guard:status']).toBe('remediated');
    const journal = await journalOf('api-pod-app');
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({ kind: 'fix', ruleIds: ['pod-identity-tag-session'], actor: ALICE });
    expect(JSON.parse(journal[0].originalPolicy as string)).toEqual(podIdentityNoTagSession);
    const notified = (await messages('eks-trust-guard/evaluation@1')).filter((m) => (m.body.role as { name: string }).name === 'api-pod-app');
    expect(notified.map((m) => [m.body.outcome, (m.body.trigger as { source: string }).source])).toEqual([['fixed', 'api']]);
  });

  it('POST /roles/{roleName}/rollback restores the original, journals the rollback and exempts the role', async () => {
    // Prepare
    const before = Date.now();

    // Act
    const answer = await call('POST', '/roles/api-pod-app/rollback');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ roleName: 'api-pod-app', roleArn: arnOf('api-pod-app'), restoredPolicy: podIdentityNoTagSession });
    const role = await readRole('api-pod-app');
    expect(role.policy).toEqual(podIdentityNoTagSession);
    const exemptUntil = Date.parse(role.tags['eks-trust-guard:exempt-until']);
    // ROLLBACK_EXEMPT_HOURS defaults to 24 (serverless.yml param rollbackExemptHours).
    expect(exemptUntil).toBeGreaterThanOrEqual(before + 24 * 3600_000 - 60_000);
    expect(exemptUntil).toBeLessThanOrEqual(Date.now() + 24 * 3600_000 + 60_000);
    expect(answer.body.exemptUntil).toBe(role.tags['eks-trust-guard:exempt-until']);
    const journal = await journalOf('api-pod-app');
    expect(journal.map((i) => i.kind)).toEqual(['fix', 'rollback']);
    expect(journal[1]).toMatchObject({ actor: ALICE, ruleIds: ['pod-identity-tag-session'] });
    expect(JSON.parse(journal[1].newPolicy as string)).toEqual(podIdentityNoTagSession);
  });

  it('answers 409 JSON for a second rollback and 404 JSON for a role never changed', async () => {
    // Act
    const again = await call('POST', '/roles/api-pod-app/rollback');
    const never = await call('POST', '/roles/api-node-ok/rollback');

    // Assess
    expectJsonError(again, 409, 'AlreadyRolledBack');
    expectJsonError(never, 404, 'NothingToRollBack');
  });
});

describe('POST /sweep', () => {
  it('sweeps the emulator\'s account in-process on the local stage and answers its summary', async () => {
    // Act
    const answer = await call('POST', '/sweep');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.started).toBe('inline');
    expect(answer.body.sweepId).toMatch(/^sweep-[A-Za-z0-9._:-]+$/);
    const summary = answer.body.summary as { roles: number; byOutcome: Record<string, number>; continued: boolean; summaryPublished: boolean; sweepId: string };
    expect(summary.sweepId).toBe(answer.body.sweepId);
    expect(summary.roles).toBe(Object.keys(ROLES).length);
    expect(summary.continued).toBe(false);
    expect(summary.summaryPublished).toBe(true);
    // api-sweep-fix gets its Version, api-inspect sts:TagSession; the rolled-back role is left
    // alone while exempt; api-node-ok is compliant.
    expect(summary.byOutcome).toEqual({ fixed: 2, exempt: 1, compliant: 1 });
    expect((await readRole('api-sweep-fix')).policy.Version).toBe('2012-10-17');
    expect((await readRole('api-inspect')).policy.Statement[0].Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect((await readRole('api-pod-app')).policy).toEqual(podIdentityNoTagSession);
    const published = await messages('eks-trust-guard/sweep@1');
    expect(published).toHaveLength(1);
    expect(published[0].body).toMatchObject({ account: LOCAL_ACCOUNT, roles: Object.keys(ROLES).length });
  });
});
