/**
 * `npx serverless invoke local --stage local -f iamEvents -p EVENT.json` works with no AWS
 * account: the real handler, bundled as for Lambda, against moto through AWS_ENDPOINT_URL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { createLocalStage } from '../../scripts/local-stage';
import { clientsFor, MOTO_ACCOUNT, useMoto } from '../support/moto';
import { runServerless } from './support';

const moto = useMoto();

describe('serverless invoke local --stage local', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'etg-invoke-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs iamEvents against the emulator and fixes the role', async () => {
    // Prepare
    const clients = clientsFor(moto().endpoint);
    await createLocalStage(clients);
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': MOTO_ACCOUNT } } }] };
    await clients.iam.send(new CreateRoleCommand({ RoleName: 'invoke-local', AssumeRolePolicyDocument: JSON.stringify(policy) }));
    const event = {
      version: '0', id: 'e', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', account: MOTO_ACCOUNT, time: '2026-11-23T00:00:00Z', region: 'us-east-1', resources: [],
      detail: { eventID: 'invoke-local-1', eventName: 'UpdateAssumeRolePolicy', eventSource: 'iam.amazonaws.com', recipientAccountId: MOTO_ACCOUNT, requestParameters: { roleName: 'invoke-local', policyDocument: JSON.stringify(policy) }, responseElements: null },
    };
    const file = path.join(dir, 'EVENT.json');
    writeFileSync(file, JSON.stringify(event));

    // Act
    const { stdout } = await runServerless(['invoke', 'local', '--stage', 'local', '-f', 'iamEvents', '-p', file], 120_000, {
      AWS_ENDPOINT_URL: moto().endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
    });

    // Assess
    expect(stdout).toMatch(/"outcome":\s*"fixed"/);
    const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: 'invoke-local' }));
    expect(JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).Statement[0].Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
  }, 150_000);
});
