import * as fs from 'node:fs';
import * as path from 'node:path';
import { looksLikeCloudTrail, subjectFromRecord, subjectsFromCloudTrail } from '../../../lib/cli/cloudtrail';
import { CLOUDTRAIL_FIXTURES } from './run-cli';

const record = (name: string) => JSON.parse(fs.readFileSync(path.join(CLOUDTRAIL_FIXTURES, name), 'utf8')) as Record<string, unknown>;

const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}';

function updateRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventSource: 'iam.amazonaws.com',
    eventName: 'UpdateAssumeRolePolicy',
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws-cn:sts::111122223333:assumed-role/admin/me', accountId: '111122223333' },
    recipientAccountId: '111122223333',
    requestParameters: { roleName: 'node', policyDocument: POLICY },
    responseElements: null,
    ...overrides,
  };
}

describe('CloudTrail records', () => {
  it('takes CreateRole\'s document, name and ARN from the record', () => {
    // Act
    const s = subjectFromRecord(record('techant_CreateRole_1.json'), 'f.json', 'f.json');

    // Assess
    expect(s).toEqual(
      expect.objectContaining({
        kind: 'cloudtrail',
        roleName: 'TestRole',
        roleArn: 'arn:aws:iam::111122223333:role/TestRole',
        context: { roleArn: 'arn:aws:iam::111122223333:role/TestRole' },
      }),
    );
    expect(JSON.parse(s.policy as string)).toEqual(expect.objectContaining({ Version: '2012-10-17' }));
    expect(s.skipped).toBeUndefined();
  });

  it('falls back to responseElements\' URL-encoded document when the request has none', () => {
    // Prepare
    const rec = record('techant_CreateRole_1.json');
    const rp = { ...(rec.requestParameters as Record<string, unknown>) };
    delete rp.assumeRolePolicyDocument;

    // Act
    const s = subjectFromRecord({ ...rec, requestParameters: rp }, 'f', 'f');

    // Assess
    expect(s.policy).toMatch(/^%7B%22Version/);
  });

  it('builds the ARN of an UpdateAssumeRolePolicy role from the account, in the record\'s partition', () => {
    // Act
    const s = subjectFromRecord(updateRecord(), 'f', 'f');

    // Assess
    expect(s.roleArn).toBe('arn:aws-cn:iam::111122223333:role/node');
    expect(s.policy).toBe(POLICY);
  });

  it('evaluates a record with no role name against the recipient account', () => {
    // Act
    const s = subjectFromRecord(record('panther_UpdateAssumeRolePolicy_1.json'), 'f', 'f');

    // Assess
    expect(s.roleName).toBeNull();
    expect(s.roleArn).toBeNull();
    expect(s.context).toEqual({ account: '123456789012' });
    expect(s.notes).toEqual(['the record does not name the role (no requestParameters.roleName)']);
  });

  it('replaces the account with --account, keeping partition and path', () => {
    // Act
    const s = subjectFromRecord(updateRecord({ requestParameters: { roleName: 'node', path: '/eks/', policyDocument: POLICY } }), 'f', 'f', { account: '444455556666' });

    // Assess
    expect(s.roleArn).toBe('arn:aws-cn:iam::111122223333:role/eks/node');
    expect(s.context).toEqual({ roleArn: 'arn:aws-cn:iam::444455556666:role/eks/node', rolePath: '/eks/' });
  });

  it.each([
    ['panther_AttachRolePolicy_1.json', 'not a trust-policy event (AttachRolePolicy)'],
    ['panther_AttachRolePolicy_4.json', 'not a trust-policy event (AttachRolePolicy)'],
  ])('skips %s: %s', (name, reason) => {
    expect(subjectFromRecord(record(name), 'f', 'f').skipped).toBe(reason);
  });

  it('skips a failed call', () => {
    expect(subjectFromRecord(updateRecord({ errorCode: 'NoSuchEntity' }), 'f', 'f').skipped).toBe('the API call failed (NoSuchEntity), not evaluated');
  });

  it.each(['panther_CreateRole_1.json', 'panther_UpdateAssumeRolePolicy_3.json'])('skips %s, which carries no document', (name) => {
    expect(subjectFromRecord(record(name), 'f', 'f').skipped).toMatch(/^no trust policy document in the record/);
  });

  it('unwraps an EventBridge envelope and skips other detail types', () => {
    // Prepare
    const envelope = { 'detail-type': 'AWS API Call via CloudTrail', detail: updateRecord() };
    const scheduled = { 'detail-type': 'Scheduled Event', detail: {} };

    // Act
    const [a] = subjectsFromCloudTrail(envelope, 'e.json');
    const [b] = subjectsFromCloudTrail(scheduled, 's.json');

    // Assess
    expect(a.policy).toBe(POLICY);
    expect(b.skipped).toMatch(/EventBridge event of type "Scheduled Event"/);
  });

  it('reads a CloudTrail log file and lookup-events output record by record', () => {
    // Prepare
    const log = { Records: [updateRecord(), record('panther_AttachRolePolicy_1.json')] };
    const lookup = { Events: [{ EventId: '1', CloudTrailEvent: JSON.stringify(updateRecord()) }] };

    // Act
    const fromLog = subjectsFromCloudTrail(log, 'log.json');
    const fromLookup = subjectsFromCloudTrail(lookup, 'lookup.json');

    // Assess
    expect(fromLog.map((s) => [s.source, s.skipped])).toEqual([
      ['log.json#Records[0]', undefined],
      ['log.json#Records[1]', 'not a trust-policy event (AttachRolePolicy)'],
    ]);
    expect(fromLookup.map((s) => s.source)).toEqual(['lookup.json#Events[0]']);
    expect(looksLikeCloudTrail(lookup)).toBe(true);
  });

  it('does not mistake a trust policy or a template for CloudTrail', () => {
    expect(looksLikeCloudTrail({ Version: '2012-10-17', Statement: [] })).toBe(false);
    expect(looksLikeCloudTrail({ Resources: {} })).toBe(false);
  });
});
