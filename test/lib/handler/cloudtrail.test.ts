import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CloudTrailEventSchema, IAM_EVENTS, POD_IDENTITY_EVENTS, classify, actorOf, associationOf } from '../../../lib/handler/cloudtrail';

const FIXTURES = join(__dirname, '../../../../shared/fixtures');

function envelope(detail: unknown, source = 'aws.iam') {
  return { version: '0', id: 'eb-1', 'detail-type': 'AWS API Call via CloudTrail', source, account: '123456789012', time: '2019-01-01T00:00:00Z', region: 'us-east-1', resources: [], detail };
}

function fixture(name: string) {
  return JSON.parse(readFileSync(join(FIXTURES, 'cloudtrail', name), 'utf8'));
}

describe('classify (CloudTrail records of ../shared/fixtures)', () => {
  const expected: Record<string, RegExp | { role: string }> = {
    'panther_AttachRolePolicy_1.json': /not a handled event \(AttachRolePolicy\)/,
    'panther_AttachRolePolicy_2.json': /not a handled event \(AttachRolePolicy\)/,
    'panther_AttachRolePolicy_3.json': /not a handled event \(AttachRolePolicy\)/,
    'panther_AttachRolePolicy_4.json': /not a handled event \(AttachRolePolicy\)/,
    'panther_CreateRole_1.json': { role: '' },
    'panther_UpdateAssumeRolePolicy_1.json': /no role name/,
    'panther_UpdateAssumeRolePolicy_2.json': /no role name/,
    'panther_UpdateAssumeRolePolicy_3.json': /no role name/,
    'techant_CreateRole_1.json': { role: '' },
  };

  it('covers every fixture file', () => {
    expect(readdirSync(join(FIXTURES, 'cloudtrail')).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [file, want] of Object.entries(expected)) {
    it(`gives a clear outcome for ${file}`, () => {
      const record = fixture(file);
      const parsed = CloudTrailEventSchema.safeParse(envelope(record));
      expect(parsed.success).toBe(true);
      const result = classify(parsed.data!, IAM_EVENTS);
      if (want instanceof RegExp) {
        expect(result.kind).toBe('ignore');
        expect((result as { reason: string }).reason).toMatch(want);
      } else {
        expect(result.kind).toBe('role');
        expect((result as { roleName: string }).roleName).toBe(record.requestParameters.roleName);
      }
    });
  }

  it('ignores a failed API call', () => {
    const record = { ...fixture('techant_CreateRole_1.json'), errorCode: 'EntityAlreadyExists' };
    const result = classify(CloudTrailEventSchema.parse(envelope(record)), IAM_EVENTS);
    expect(result).toEqual({ kind: 'ignore', reason: 'the API call failed (EntityAlreadyExists); nothing changed' });
  });

  it("ignores the guardrail's own calls (loop safety)", () => {
    const record = fixture('techant_CreateRole_1.json');
    record.eventName = 'UpdateAssumeRolePolicy';
    record.userIdentity = { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/eks-trust-guard-prod-iamEvents/fn', sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::123456789012:role/eks-trust-guard-prod-iamEvents' } } };
    const result = classify(CloudTrailEventSchema.parse(envelope(record)), IAM_EVENTS, 'eks-trust-guard-prod-');
    expect(result.kind).toBe('ignore');
    expect(actorOf(CloudTrailEventSchema.parse(envelope(record)).detail)).toBe('arn:aws:iam::123456789012:role/eks-trust-guard-prod-iamEvents');
  });

  it('rejects a record without eventID at the schema', () => {
    const { eventID: _e, ...rest } = fixture('techant_CreateRole_1.json');
    expect(CloudTrailEventSchema.safeParse(envelope(rest)).success).toBe(false);
  });
});

describe('associationOf', () => {
  it('reads the association from a CreatePodIdentityAssociation record shaped per the EKS API model', () => {
    const api = JSON.parse(readFileSync(join(FIXTURES, 'eks-api', 'awscli_CreatePodIdentityAssociation_response_1.json'), 'utf8'));
    const record = {
      eventID: 'e-1',
      eventName: 'CreatePodIdentityAssociation',
      eventSource: 'eks.amazonaws.com',
      recipientAccountId: '123456789012',
      requestParameters: { name: api.association.clusterName, namespace: api.association.namespace, serviceAccount: api.association.serviceAccount, roleArn: api.association.roleArn },
      responseElements: api,
    };
    const detail = CloudTrailEventSchema.parse(envelope(record, 'aws.eks')).detail;
    const a = associationOf(detail)!;
    expect(a.clusterName).toBe(api.association.clusterName);
    expect(a.roleArn).toBe(api.association.roleArn);
    expect(a.associationArn).toBe(api.association.associationArn);
    expect(a.clusterAccount).toBe(api.association.associationArn.split(':')[4]);
    expect(classify(CloudTrailEventSchema.parse(envelope(record, 'aws.eks')), POD_IDENTITY_EVENTS).kind).toBe('association');
  });

  it('accepts the cluster as clusterName too', () => {
    const detail = CloudTrailEventSchema.parse(envelope({ eventID: 'e', eventName: 'UpdatePodIdentityAssociation', eventSource: 'eks.amazonaws.com', requestParameters: { clusterName: 'c1', associationId: 'a-1' }, responseElements: null }, 'aws.eks')).detail;
    expect(associationOf(detail)).toMatchObject({ clusterName: 'c1', associationId: 'a-1' });
  });
});
