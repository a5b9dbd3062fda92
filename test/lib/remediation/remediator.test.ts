import { loadConfig, type ServiceConfig } from '../../../lib/remediation/config';
import { Remediator } from '../../../lib/remediation/remediator';
import { FINDINGS_TAG, PAUSED_TAG, STATUS_TAG } from '../../../lib/remediation/tags';
import { FakeBus, FakeClusters, FakeJournal, FakeNotifier, FakeRoles, MemoryLog } from '../../support/fakes';

const ACCOUNT = '111122223333';
const NOW = new Date('2026-11-23T12:00:00Z');
const trigger = { source: 'cloudtrail' as const, eventName: 'UpdateAssumeRolePolicy', eventId: 'evt-1', actor: 'arn:aws:iam::111122223333:role/dev' };

const podIdentityNoTagSession = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Pods', Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }],
};
const fargateNoSourceArn = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'eks-fargate-pods.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const nodeRole = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

function setup(env: Record<string, string> = {}) {
  const roles = new FakeRoles();
  const clusters = new FakeClusters();
  const journal = new FakeJournal();
  const notifier = new FakeNotifier();
  const bus = new FakeBus();
  const log = new MemoryLog();
  const config: ServiceConfig = loadConfig({ JOURNAL_TABLE: 'journal', AWS_REGION: 'us-east-1', ...env });
  const remediator = new Remediator({ roles, clusters: [clusters], journal, notifier, bus, config, log, account: ACCOUNT, now: () => NOW, selfRolePrefix: 'eks-trust-guard-prod-' });
  return { roles, clusters, journal, notifier, bus, log, remediator };
}

function arn(name: string, path = '/') {
  return `arn:aws:iam::${ACCOUNT}:role${path}${name}`;
}

describe('Remediator.remediateRole in fix mode', () => {
  it('journals the original before writing the fixed policy, tags and notifies once', async () => {
    // Prepare
    const t = setup();
    t.roles.put({ name: 'app', arn: arn('app'), policy: podIdentityNoTagSession });
    // Act
    const report = await t.remediator.remediateRole('app', { trigger });
    // Assess
    expect(report.outcome).toBe('fixed');
    const names = t.roles.calls.map((c) => c[0]);
    expect(names).toEqual(['getRole', 'updateTrustPolicy', 'tagRole']);
    expect(t.journal.entries).toHaveLength(1);
    const entry = t.journal.entries[0];
    expect(JSON.parse(entry.originalPolicy)).toEqual(podIdentityNoTagSession);
    expect(JSON.parse(entry.newPolicy).Statement[0].Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(entry.ruleIds).toEqual(['pod-identity-tag-session']);
    expect(entry.eventId).toBe('evt-1');
    // the journal write happened before the update (journal calls are separate; compare by order of side effects)
    const stored = JSON.parse(t.roles.roles.get('app')!.trustPolicyText);
    expect(stored.Statement[0].Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(t.roles.roles.get('app')!.tags[STATUS_TAG]).toBe('remediated');
    expect(t.roles.roles.get('app')!.tags[FINDINGS_TAG]).toBe('');
    expect(t.notifier.published).toHaveLength(1);
    const n = t.notifier.published[0];
    expect(n.subject).toBe('[HIGH] fixed trust policy of role app (pod-identity-tag-session)');
    expect(n.outcome).toBe('fixed');
    expect(n.severity).toBe('high');
    expect(n.ruleIds).toEqual(['pod-identity-tag-session']);
    const msg = n.message as Record<string, unknown>;
    expect(msg.schema).toBe('eks-trust-guard/evaluation@1');
    expect(msg.trigger).toEqual(trigger);
    expect(msg.role).toEqual({ name: 'app', arn: arn('app') });
    expect(msg.association).toBeNull();
    expect(msg.mode).toBe('fix');
    expect(msg.originalPolicy).toEqual(podIdentityNoTagSession);
    expect((msg.findings as { fixed: boolean }[])[0].fixed).toBe(true);
    expect(t.bus.events).toHaveLength(1);
  });

  it('journals before it writes: a failing journal write means no policy change', async () => {
    const t = setup();
    t.roles.put({ name: 'app', arn: arn('app'), policy: podIdentityNoTagSession });
    t.journal.recordFix = async () => {
      throw Object.assign(new Error('journal unavailable'), { retryable: true });
    };
    await expect(t.remediator.remediateRole('app', { trigger })).rejects.toThrow('journal unavailable');
    expect(t.roles.calls.map((c) => c[0])).not.toContain('updateTrustPolicy');
  });

  it('journals a fix with one guarded write: entry, flap window of 24 h and limit 3', async () => {
    const t = setup();
    t.roles.put({ name: 'app', arn: arn('app'), policy: podIdentityNoTagSession });
    await t.remediator.remediateRole('app', { trigger });
    expect(t.journal.calls.map((c) => c[0])).toEqual(['recordFix']);
    expect(t.journal.calls[0][2]).toEqual({ sinceIso: '2026-11-22T12:00:00.000Z', limit: 3 });
    expect(t.roles.calls.map((c) => c[0])).toEqual(['getRole', 'updateTrustPolicy', 'tagRole']);
  });

  it('changes, tags and announces nothing for a second delivery of an event that caused a fix', async () => {
    const t = setup();
    t.roles.put({ name: 'app', arn: arn('app'), policy: podIdentityNoTagSession });
    await t.remediator.remediateRole('app', { trigger });
    // Someone reverts the policy; the same event is delivered again.
    t.roles.roles.get('app')!.trustPolicyText = JSON.stringify(podIdentityNoTagSession);
    t.roles.calls = [];
    const again = await t.remediator.remediateRole('app', { trigger });
    // The event's outcome stays 'fixed' (by its first delivery); nothing changes now.
    expect(again).toMatchObject({ outcome: 'fixed', changed: false, notified: false, duplicate: true, newPolicy: null });
    expect(again.reason).toMatch(/duplicate delivery of event evt-1/);
    expect(t.roles.calls.map((c) => c[0])).toEqual(['getRole']);
    expect(t.notifier.published).toHaveLength(1);
    expect(t.journal.entries).toHaveLength(1);
    expect(t.log.lines.some((l) => l.msg === 'duplicate event ignored')).toBe(true);
  });

  it('costs one GetRole for a compliant role and says nothing', async () => {
    const t = setup();
    t.roles.put({ name: 'node', arn: arn('node'), policy: nodeRole });
    const report = await t.remediator.remediateRole('node', { trigger });
    expect(report.outcome).toBe('compliant');
    expect(t.roles.calls).toEqual([['getRole', 'node']]);
    expect(t.journal.calls).toEqual([]);
    expect(t.notifier.published).toEqual([]);
  });

  it('ends in no second change and no second notification when its own change comes back', async () => {
    const t = setup();
    t.roles.put({ name: 'app', arn: arn('app'), policy: podIdentityNoTagSession });
    await t.remediator.remediateRole('app', { trigger });
    t.roles.calls = [];
    const again = await t.remediator.remediateRole('app', { trigger: { ...trigger, eventId: 'evt-2' } });
    expect(again.outcome).toBe('compliant');
    expect(t.roles.calls.map((c) => c[0])).toEqual(['getRole']);
    expect(t.notifier.published).toHaveLength(1);
    expect(t.journal.entries).toHaveLength(1);
  });

  it('reports exempt roles and never changes them', async () => {
    const t = setup();
    t.roles.put({ name: 'app', arn: arn('app'), policy: podIdentityNoTagSession, tags: { 'eks-trust-guard:exempt': 'true' } });
    const report = await t.remediator.remediateRole('app', { trigger });
    expect(report.outcome).toBe('exempt');
    expect(t.roles.calls.map((c) => c[0])).toEqual(['getRole']);
    expect(t.notifier.published).toHaveLength(1);
    expect(t.notifier.published[0].outcome).toBe('exempt');
  });

  it('never changes a service-linked role', async () => {
    const t = setup();
    t.roles.put({ name: 'AWSServiceRoleForX', arn: arn('AWSServiceRoleForX', '/aws-service-role/'), path: '/aws-service-role/', policy: podIdentityNoTagSession });
    const report = await t.remediator.remediateRole('AWSServiceRoleForX', { trigger });
    expect(report.outcome).toBe('exempt');
    expect(report.reason).toMatch(/service-linked/);
    expect(t.roles.calls.map((c) => c[0])).toEqual(['getRole']);
  });

  it("never changes the guardrail's own roles", async () => {
    const t = setup();
    t.roles.put({ name: 'eks-trust-guard-prod-iamEvents', arn: arn('eks-trust-guard-prod-iamEvents'), policy: podIdentityNoTagSession });
    const report = await t.remediator.remediateRole('eks-trust-guard-prod-iamEvents', { trigger });
    expect(report.outcome).toBe('exempt');
    expect(t.roles.calls.map((c) => c[0])).toEqual(['getRole']);
  });

  it('logs and returns when the role was deleted before the event was handled', async () => {
    const t = setup();
    const report = await t.remediator.remediateRole('gone', { trigger });
    expect(report.outcome).toBe('missing');
    expect(t.log.lines.some((l) => l.level === 'warn' && /deleted/.test(l.msg))).toBe(true);
    expect(t.notifier.published).toEqual([]);
  });

  it('stops fixing a flapping role, tags it and notifies once, naming its stack', async () => {
    const t = setup();
    t.roles.put({ name: 'app', arn: arn('app'), policy: podIdentityNoTagSession, tags: { 'aws:cloudformation:stack-name': 'payments-stack' } });
    for (const h of [1, 5, 9]) {
      t.journal.entries.push({ roleArn: arn('app'), changedAt: new Date(NOW.getTime() - h * 3600_000).toISOString(), eventId: `old-${h}`, kind: 'fix', originalPolicy: '{}', newPolicy: '{}', ruleIds: ['pod-identity-tag-session'] });
    }
    const first = await t.remediator.remediateRole('app', { trigger });
    expect(first.outcome).toBe('tagged');
    expect(first.reason).toMatch(/payments-stack/);
    expect(t.roles.calls.map((c) => c[0])).not.toContain('updateTrustPolicy');
    expect(t.roles.roles.get('app')!.tags[PAUSED_TAG]).toBe('flapping');
    expect(t.notifier.published).toHaveLength(1);
    const second = await t.remediator.remediateRole('app', { trigger: { ...trigger, eventId: 'evt-9' } });
    expect(second.outcome).toBe('tagged');
    expect(t.notifier.published).toHaveLength(1);
  });

  it('does not write a fix larger than TRUST_POLICY_MAX_LENGTH: tags and says why', async () => {
    const t = setup({ TRUST_POLICY_MAX_LENGTH: '150' });
    t.roles.put({ name: 'app', arn: arn('app'), policy: podIdentityNoTagSession });
    const report = await t.remediator.remediateRole('app', { trigger });
    expect(report.outcome).toBe('tagged');
    expect(report.reason).toMatch(/150/);
    expect(t.roles.calls.map((c) => c[0])).toEqual(['getRole', 'tagRole']);
    expect(t.roles.roles.get('app')!.tags[STATUS_TAG]).toBe('noncompliant');
    expect(t.notifier.published).toHaveLength(1);
    expect((t.notifier.published[0].message as { reason: string }).reason).toMatch(/limit/);
  });

  it('reports a fix IAM rejects as failed and notifies; rethrows retryable errors', async () => {
    const t = setup();
    t.roles.put({ name: 'app', arn: arn('app'), policy: podIdentityNoTagSession });
    t.roles.failUpdate = Object.assign(new Error('MalformedPolicyDocument: bad'), { retryable: false });
    const report = await t.remediator.remediateRole('app', { trigger });
    expect(report.outcome).toBe('failed');
    expect(t.notifier.published[0].outcome).toBe('failed');
    const t2 = setup();
    t2.roles.put({ name: 'app', arn: arn('app'), policy: podIdentityNoTagSession });
    t2.roles.failUpdate = Object.assign(new Error('Throttling'), { retryable: true });
    await expect(t2.remediator.remediateRole('app', { trigger })).rejects.toThrow('Throttling');
  });
});

describe('Remediator.remediateRole in tag and audit modes', () => {
  it('tag mode tags and announces new findings once', async () => {
    const t = setup({ REMEDIATION_MODE: 'tag' });
    t.roles.put({ name: 'app', arn: arn('app'), policy: podIdentityNoTagSession });
    const first = await t.remediator.remediateRole('app', { trigger });
    expect(first.outcome).toBe('tagged');
    expect(t.roles.calls.map((c) => c[0])).toEqual(['getRole', 'tagRole']);
    expect(t.roles.roles.get('app')!.tags[FINDINGS_TAG]).toBe('pod-identity-tag-session');
    expect(t.notifier.published).toHaveLength(1);
    await t.remediator.remediateRole('app', { trigger: { ...trigger, eventId: 'evt-2' } });
    expect(t.notifier.published).toHaveLength(1);
  });

  it('audit mode changes nothing and reports', async () => {
    const t = setup({ REMEDIATION_MODE: 'audit' });
    t.roles.put({ name: 'app', arn: arn('app'), policy: podIdentityNoTagSession });
    const report = await t.remediator.remediateRole('app', { trigger });
    expect(report.outcome).toBe('reported');
    expect(t.roles.calls.map((c) => c[0])).toEqual(['getRole']);
    expect(t.journal.entries).toEqual([]);
    expect(t.notifier.published[0].outcome).toBe('reported');
  });
});

describe('Remediator Fargate lookups', () => {
  it('narrows the SourceArn fix to the clusters whose profiles use the role', async () => {
    const t = setup();
    t.roles.put({ name: 'fargate', arn: arn('fargate'), policy: fargateNoSourceArn });
    t.roles.attached.set('fargate', ['arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy']);
    t.clusters.profiles.set(arn('fargate'), [`arn:aws:eks:eu-west-1:${ACCOUNT}:fargateprofile/prod/default/abcd`]);
    const report = await t.remediator.remediateRole('fargate', { trigger });
    expect(report.outcome).toBe('fixed');
    const stored = JSON.parse(t.roles.roles.get('fargate')!.trustPolicyText);
    expect(stored.Statement[0].Condition.ArnLike['aws:SourceArn']).toBe(`arn:aws:eks:eu-west-1:${ACCOUNT}:fargateprofile/prod/*`);
  });

  it('uses the account-wide fix when no profile is known', async () => {
    const t = setup();
    t.roles.put({ name: 'fargate', arn: arn('fargate'), policy: fargateNoSourceArn });
    t.roles.attached.set('fargate', ['arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy']);
    await t.remediator.remediateRole('fargate', { trigger });
    const stored = JSON.parse(t.roles.roles.get('fargate')!.trustPolicyText);
    expect(stored.Statement[0].Condition.ArnLike['aws:SourceArn']).toBe(`arn:aws:eks:*:${ACCOUNT}:fargateprofile/*`);
  });
});

describe('Remediator.remediateAssociation', () => {
  it('evaluates the role and a cross-account target role and tags the association', async () => {
    const t = setup();
    t.roles.put({ name: 'pod-role', arn: arn('pod-role'), policy: podIdentityNoTagSession });
    const association = {
      clusterName: 'prod',
      namespace: 'payments',
      serviceAccount: 'api',
      associationArn: `arn:aws:eks:us-east-1:${ACCOUNT}:podidentityassociation/prod/a-1`,
      associationId: 'a-1',
      roleArn: arn('pod-role'),
      targetRoleArn: 'arn:aws:iam::444455556666:role/target',
    };
    const report = await t.remediator.remediateAssociation(association, { trigger: { ...trigger, eventName: 'CreatePodIdentityAssociation' } });
    const ids = report.findings.map((f) => f.ruleId);
    expect(ids).toContain('pod-identity-tag-session');
    expect(ids).toContain('target-role-unverified');
    expect(report.outcome).toBe('fixed');
    const msg = t.notifier.published[0].message as { association: Record<string, string> };
    expect(msg.association).toEqual({ clusterName: 'prod', namespace: 'payments', serviceAccount: 'api', associationArn: association.associationArn, targetRoleArn: association.targetRoleArn });
    expect(t.clusters.calls.some((c) => c[0] === 'tagResource' && c[1] === association.associationArn)).toBe(true);
  });

  it('reads the association from EKS when the event lacks the role', async () => {
    const t = setup();
    t.roles.put({ name: 'pod-role', arn: arn('pod-role'), policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }] } });
    t.clusters.associations.set('prod/a-2', { clusterName: 'prod', associationId: 'a-2', roleArn: arn('pod-role'), associationArn: `arn:aws:eks:us-east-1:${ACCOUNT}:podidentityassociation/prod/a-2` });
    const report = await t.remediator.remediateAssociation({ clusterName: 'prod', associationId: 'a-2' }, { trigger });
    expect(t.clusters.calls[0]).toEqual(['describePodIdentityAssociation', 'prod', 'a-2']);
    expect(report.roleName).toBe('pod-role');
    expect(report.outcome).toBe('compliant');
  });
});

describe('Remediator quiet (sweep) runs', () => {
  it('announce findings that are not on the role yet, and stay silent when they are', async () => {
    const t = setup({ REMEDIATION_MODE: 'tag' });
    t.roles.put({ name: 'app', arn: arn('app'), policy: podIdentityNoTagSession });
    const first = await t.remediator.remediateRole('app', { trigger: { source: 'sweep' }, quiet: true });
    expect(first.outcome).toBe('tagged');
    expect(first.openRuleIds).toEqual(['pod-identity-tag-session']);
    expect(t.notifier.published).toHaveLength(1);
    await t.remediator.remediateRole('app', { trigger: { source: 'sweep' }, quiet: true });
    expect(t.notifier.published).toHaveLength(1);
  });

  it('keep association findings off the role tags, so role and association passes agree', async () => {
    const t = setup({ REMEDIATION_MODE: 'tag' });
    t.roles.put({ name: 'pod-role', arn: arn('pod-role'), policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }] } });
    await t.remediator.remediateAssociation({ clusterName: 'prod', associationArn: `arn:aws:eks:us-east-1:${ACCOUNT}:podidentityassociation/prod/a-1`, roleArn: arn('pod-role'), targetRoleArn: 'arn:aws:iam::444455556666:role/t' }, { trigger, quiet: true });
    expect(t.roles.roles.get('pod-role')!.tags[FINDINGS_TAG]).toBeUndefined();
    await t.remediator.remediateRole('pod-role', { trigger: { source: 'sweep' }, quiet: true });
    expect(t.roles.calls.filter((c) => c[0] === 'tagRole')).toEqual([]);
  });
});
