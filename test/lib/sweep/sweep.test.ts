import { ThrottledError } from '../../../lib/aws/errors';
import { runSweep, type SweepCheckpoint } from '../../../lib/sweep/sweep';
import { FINDINGS_TAG, STATUS_TAG } from '../../../lib/remediation/tags';
import { MemoryLog } from '../../support/fakes';
import {
  ACCOUNT,
  arn,
  compliant,
  evaluations,
  FakeClusterReader,
  policies,
  realSetup,
  RecordingRemediator,
  summaries,
} from './support';

/** A realSetup whose remediator is swapped for a recording one. */
function recordingSetup(roleCount: number, pageSize: number, regions?: Record<string, FakeClusterReader>) {
  const t = realSetup({ pageSize, regions });
  for (let i = 0; i < roleCount; i++) t.roles.put({ name: `role-${String(i).padStart(3, '0')}`, arn: arn(`role-${String(i).padStart(3, '0')}`), policy: policies.node });
  const recorder = new RecordingRemediator();
  t.deps.remediator = () => recorder;
  return { ...t, recorder };
}

describe('runSweep: reading', () => {
  it('reads each page once and hands every role to the remediator prefetched, with its attached policies', async () => {
    // Prepare
    const t = recordingSetup(5, 2);
    t.roles.attached.set('role-003', ['arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy']);

    // Act
    const result = await runSweep(t.deps, { sweepId: 'sweep-1' });

    // Assess
    expect(t.source.calls).toEqual([undefined, '2', '4']);
    expect(result.pages).toBe(3);
    expect(result.roles).toBe(5);
    expect(t.recorder.roleRequests.map((r) => r.roleName)).toEqual(['role-000', 'role-001', 'role-002', 'role-003', 'role-004']);
    for (const { roleName, req } of t.recorder.roleRequests) {
      expect(req.role).toEqual(t.roles.roles.get(roleName));
      expect(req.quiet).toBe(true);
      expect(req.trigger).toEqual({ source: 'sweep', eventName: 'Sweep', eventId: 'sweep-1' });
    }
    expect(t.recorder.roleRequests[3].req.attachedPolicies).toEqual(['arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy']);
    expect(t.recorder.roleRequests[0].req.attachedPolicies).toEqual([]);
    // The real remediator's store was never read.
    expect(t.roles.calls).toEqual([]);
  });

  it('marks node group node roles and Fargate Pod execution roles known from EKS, whatever the ARN path or case', async () => {
    // Prepare
    const eks = new FakeClusterReader({
      prod: {
        nodegroups: { ng: `arn:aws:iam::${ACCOUNT}:role/Role-001` },
        fargate: { default: { arn: `arn:aws:eks:us-east-1:${ACCOUNT}:fargateprofile/prod/default/1`, podExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/role-002` } },
      },
    });
    const t = recordingSetup(3, 1000, { 'us-east-1': eks });
    t.roles.roles.get('role-002')!.arn = arn('role-002', '/eks/');

    // Act
    await runSweep(t.deps);

    // Assess
    const req = Object.fromEntries(t.recorder.roleRequests.map((r) => [r.roleName, r.req]));
    expect([req['role-000'].knownNodeRole, req['role-000'].knownFargateRole]).toEqual([undefined, undefined]);
    expect([req['role-001'].knownNodeRole, req['role-001'].knownFargateRole]).toEqual([true, undefined]);
    expect([req['role-002'].knownNodeRole, req['role-002'].knownFargateRole]).toEqual([undefined, true]);
  });
});

describe('runSweep: remediation', () => {
  it('remediates through the real path and publishes one summary with counts and the worst roles first', async () => {
    // Prepare
    const t = realSetup();
    t.roles.put({ name: 'pod', arn: arn('pod'), policy: policies.podIdentityNoTagSession });
    t.roles.put({ name: 'irsa', arn: arn('irsa'), policy: policies.irsaNoSub });
    t.roles.put({ name: 'backdoor', arn: arn('backdoor'), policy: policies.foreignRoot });
    t.roles.put({ name: 'node', arn: arn('node'), policy: policies.node });
    t.roles.put({ name: 'exempt', arn: arn('exempt'), policy: policies.irsaNoSub, tags: { 'eks-trust-guard:exempt': 'true' } });

    // Act
    const result = await runSweep(t.deps, { sweepId: 's-1' });

    // Assess
    expect(result).toMatchObject({ sweepId: 's-1', roles: 5, continued: false, summaryPublished: true });
    expect(result.byOutcome).toEqual({ fixed: 1, tagged: 2, compliant: 1, exempt: 1 });
    expect(JSON.parse(t.roles.roles.get('pod')!.trustPolicyText).Statement[0].Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(t.roles.roles.get('irsa')!.tags[FINDINGS_TAG]).toBe('irsa-sub-missing');
    expect(t.journal.entries.map((e) => [e.roleArn, e.eventId])).toEqual([[arn('pod'), 's-1']]);
    const [summary] = summaries(t.notifier);
    expect(summaries(t.notifier)).toHaveLength(1);
    expect(t.notifier.published[t.notifier.published.length - 1]).toBe(summary);
    expect(summary.subject).toBe(`[CRITICAL] sweep of ${ACCOUNT}: 5 roles, 1 fixed, 2 noncompliant`);
    expect(summary.outcome).toBe('summary');
    expect(summary.severity).toBe('critical');
    const message = summary.message as { worst: { role: string; severity: string }[]; byRule: Record<string, number>; bySeverity: Record<string, number> };
    expect(message.worst.map((w) => [w.role, w.severity])).toEqual([
      ['backdoor', 'critical'],
      ['exempt', 'high'],
      ['irsa', 'high'],
      ['pod', 'high'],
    ]);
    expect(message.byRule).toEqual({ 'untrusted-account': 1, 'foreign-root-no-condition': 1, 'irsa-sub-missing': 2, 'pod-identity-tag-session': 1 });
    expect(message.bySeverity).toEqual({ critical: 1, high: 3 });
  });

  it('does not repeat yesterday\'s news: a second sweep over unchanged roles publishes only its summary', async () => {
    // Prepare
    const t = realSetup();
    t.roles.put({ name: 'pod', arn: arn('pod'), policy: policies.podIdentityNoTagSession });
    t.roles.put({ name: 'irsa', arn: arn('irsa'), policy: policies.irsaNoSub });
    t.roles.put({ name: 'backdoor', arn: arn('backdoor'), policy: policies.foreignRoot });
    t.roles.put({ name: 'node', arn: arn('node'), policy: policies.node });
    await runSweep(t.deps, { sweepId: 'day-1' });
    const firstDay = t.notifier.published.length;
    const writesBefore = t.roles.calls.filter((c) => c[0] !== 'getRole').length;

    // Act
    const second = await runSweep(t.deps, { sweepId: 'day-2' });

    // Assess
    const secondDay = t.notifier.published.slice(firstDay);
    expect(secondDay).toHaveLength(1);
    expect((secondDay[0].message as { schema: string }).schema).toBe('eks-trust-guard/sweep@1');
    expect(secondDay[0].subject).toBe(`[CRITICAL] sweep of ${ACCOUNT}: 4 roles, 0 fixed, 2 noncompliant`);
    expect(second.byOutcome).toEqual({ tagged: 2, compliant: 2 });
    expect(t.roles.calls.filter((c) => c[0] !== 'getRole').length).toBe(writesBefore);
    expect(t.journal.entries).toHaveLength(1);
    expect(t.roles.roles.get('backdoor')!.tags[STATUS_TAG]).toBe('noncompliant');
  });

  it('remediates at most 4 roles at once by default, and at most `concurrency` when asked', async () => {
    // Prepare
    const t = recordingSetup(30, 1000);
    t.recorder.delayMs = 5;

    // Act
    await runSweep(t.deps);
    const byDefault = t.recorder.maxInFlight;
    t.recorder.maxInFlight = 0;
    await runSweep(t.deps, { concurrency: 2 });

    // Assess
    expect(byDefault).toBe(4);
    expect(t.recorder.maxInFlight).toBe(2);
    expect(t.recorder.roleRequests).toHaveLength(60);
  });

  it('counts a role whose remediation throws as failed and goes on with the others', async () => {
    // Prepare
    const t = recordingSetup(6, 2);
    t.recorder.answer = (name) => {
      if (name === 'role-002') throw new Error('iam:TagRole: AccessDenied');
      return compliant(name);
    };

    // Act
    const result = await runSweep(t.deps);

    // Assess
    expect(result.roles).toBe(6);
    expect(result.byOutcome).toEqual({ compliant: 5, failed: 1 });
    expect(result.failures).toEqual([{ role: 'role-002', error: 'iam:TagRole: AccessDenied' }]);
    expect(summaries(t.notifier)[0].subject).toBe(`[INFO] sweep of ${ACCOUNT}: 6 roles, 0 fixed, 0 noncompliant, 1 failed`);
  });

  it('retries a role once after a retryable error, reading it afresh', async () => {
    // Prepare
    const t = recordingSetup(2, 1000);
    let thrown = 0;
    t.recorder.answer = (name) => {
      if (name === 'role-001' && thrown++ === 0) throw new ThrottledError('iam:UpdateAssumeRolePolicy', 'Rate exceeded');
      return compliant(name);
    };
    const sleeps: number[] = [];
    t.deps.sleep = async (ms) => void sleeps.push(ms);

    // Act
    const result = await runSweep(t.deps, { retryDelayMs: 250 });

    // Assess
    expect(result.byOutcome).toEqual({ compliant: 2 });
    const retried = t.recorder.roleRequests.filter((r) => r.roleName === 'role-001');
    expect(retried).toHaveLength(2);
    expect(retried[0].req.role).toBeDefined();
    expect(retried[1].req.role).toBeUndefined();
    expect(sleeps).toEqual([250]);
  });
});

describe('runSweep: continuation from a checkpoint', () => {
  /** 5 roles in pages of 2; each page read costs 60 s of a 200 s budget, so time runs short before page 3. */
  function timedSetup() {
    const t = recordingSetup(5, 2, { 'us-east-1': new FakeClusterReader({ prod: {} }) });
    let remaining = 200_000;
    t.source.onPage = () => {
      remaining -= 60_000;
    };
    const handedOn: unknown[] = [];
    t.deps.remainingMs = () => remaining;
    t.deps.continuation = { continueFrom: async (cp) => void handedOn.push(JSON.parse(JSON.stringify(cp))) };
    return { ...t, handedOn, setRemaining: (ms: number) => (remaining = ms) };
  }

  it('stops after the page during which time ran short and hands on a checkpoint; the last invocation publishes the one summary', async () => {
    // Prepare
    const t = timedSetup();

    // Act
    const first = await runSweep(t.deps, { sweepId: 'big' });
    const summariesAfterFirst = summaries(t.notifier).length;
    t.setRemaining(900_000);
    const checkpoint = t.handedOn[0] as SweepCheckpoint;
    const last = await runSweep(t.deps, { checkpoint });

    // Assess
    expect(first).toMatchObject({ sweepId: 'big', continued: true, summaryPublished: false, roles: 4, pages: 2, invocation: 1 });
    expect(summariesAfterFirst).toBe(0);
    expect(t.handedOn).toHaveLength(1);
    expect(checkpoint).toMatchObject({ kind: 'eks-trust-guard/sweep-checkpoint@1', sweepId: 'big', account: ACCOUNT, invocation: 2, phase: 'roles', marker: '4', pages: 2 });
    expect(checkpoint.tally.roles.total).toBe(4);
    expect(last).toMatchObject({ sweepId: 'big', continued: false, summaryPublished: true, roles: 5, pages: 3, invocation: 2, startedAt: first.startedAt });
    expect(t.source.calls).toEqual([undefined, '2', '4']);
    expect(t.recorder.roleRequests.map((r) => r.roleName)).toEqual(['role-000', 'role-001', 'role-002', 'role-003', 'role-004']);
    const all = summaries(t.notifier);
    expect(all).toHaveLength(1);
    expect(all[0].message).toMatchObject({ roles: 5, byOutcome: { compliant: 5 }, pages: 3, invocations: 2, sweepId: 'big' });
  });

  it('reuses the checkpointed EKS inventory, or reads it again when it was too large to carry', async () => {
    // Prepare
    const t = timedSetup();
    const eks = t.deps.regions[0].eks as FakeClusterReader;

    // Act
    await runSweep(t.deps, { sweepId: 'with-inventory' });
    const withInventory = t.handedOn.pop() as SweepCheckpoint;
    t.setRemaining(200_000);
    await runSweep(t.deps, { sweepId: 'without', maxCheckpointBytes: 10 });
    const withoutInventory = t.handedOn.pop() as SweepCheckpoint;
    const listsBefore = eks.calls.filter((c) => c === 'listClusters').length;
    t.setRemaining(900_000);
    await runSweep(t.deps, { checkpoint: withInventory });
    const afterReuse = eks.calls.filter((c) => c === 'listClusters').length;
    await runSweep(t.deps, { checkpoint: withoutInventory });
    const afterReread = eks.calls.filter((c) => c === 'listClusters').length;

    // Assess
    expect(withInventory.inventory).toEqual({ clusters: [{ region: 'us-east-1', name: 'prod' }], nodeRoles: [], fargateProfiles: {}, regionsRead: ['us-east-1'], warnings: [] });
    expect(withoutInventory.inventory).toBeUndefined();
    expect(afterReuse - listsBefore).toBe(0);
    expect(afterReread - afterReuse).toBe(1);
  });

  it('counts the same as a sweep that never stopped', async () => {
    // Prepare
    const t = timedSetup();
    t.recorder.answer = (name) =>
      Number(name.slice(-1)) % 2
        ? { roleName: name, outcome: 'tagged', findings: [{ ruleId: 'irsa-sub-missing', severity: 'high', statement: 0, message: 'm', fixable: false }], changed: false, notified: false }
        : compliant(name);
    await runSweep(t.deps, { sweepId: 'split' });
    t.setRemaining(900_000);
    await runSweep(t.deps, { checkpoint: t.handedOn[0] as SweepCheckpoint });
    const split = summaries(t.notifier)[0].message as Record<string, unknown>;

    // Act
    const whole = await runSweep({ ...t.deps, continuation: undefined }, { sweepId: 'whole' });

    // Assess
    expect(whole.continued).toBe(false);
    const wholeMessage = summaries(t.notifier)[1].message as Record<string, unknown>;
    for (const key of ['roles', 'byOutcome', 'byRule', 'bySeverity', 'worst']) expect([key, split[key]]).toEqual([key, wholeMessage[key]]);
  });

  it('never hands on without a continuation, and carries on itself when handing on fails', async () => {
    // Prepare
    const t = timedSetup();
    const log = new MemoryLog();
    t.deps.log = log;

    // Act
    const inProcess = await runSweep({ ...t.deps, continuation: undefined });
    t.setRemaining(200_000);
    const failing = await runSweep({ ...t.deps, continuation: { continueFrom: async () => Promise.reject(new Error('lambda:InvokeFunction: AccessDenied')) } });

    // Assess
    expect(inProcess).toMatchObject({ continued: false, summaryPublished: true, roles: 5 });
    expect(failing).toMatchObject({ continued: false, summaryPublished: true, roles: 5 });
    expect(log.lines.some((l) => l.level === 'error' && l.msg.includes('could not start the next invocation'))).toBe(true);
    expect(summaries(t.notifier)).toHaveLength(2);
  });

  it('hands on between clusters in the association phase too', async () => {
    // Prepare
    const regions = {
      'us-east-1': new FakeClusterReader({
        a: { associations: [{ clusterName: 'a', associationId: 'x', namespace: 'ns', serviceAccount: 'sa-a' }] },
        b: { associations: [{ clusterName: 'b', associationId: 'y', namespace: 'ns', serviceAccount: 'sa-b' }] },
      }),
    };
    const t = recordingSetup(1, 1000, regions);
    let remaining = 100_000;
    t.deps.remainingMs = () => remaining;
    const handedOn: SweepCheckpoint[] = [];
    t.deps.continuation = { continueFrom: async (cp) => void handedOn.push(JSON.parse(JSON.stringify(cp))) };
    t.source.onPage = () => (remaining = 50_000);

    // Act
    const first = await runSweep(t.deps);
    remaining = 900_000;
    const second = await runSweep(t.deps, { checkpoint: handedOn[0] });

    // Assess
    expect(first.continued).toBe(true);
    expect(handedOn[0]).toMatchObject({ phase: 'associations', cluster: 0 });
    expect(second).toMatchObject({ continued: false, summaryPublished: true, roles: 1 });
    expect(second.associations.count).toBe(2);
    expect(t.recorder.associationRequests.map((r) => r.association.clusterName)).toEqual(['a', 'b']);
  });
});

describe('runSweep: Pod Identity associations', () => {
  it('sweeps every cluster of every configured region, in its region, and counts associations apart from roles', async () => {
    // Prepare
    const east = new FakeClusterReader({
      prod: { associations: [{ clusterName: 'prod', associationId: 'a-1', namespace: 'pay', serviceAccount: 'api', associationArn: `arn:aws:eks:us-east-1:${ACCOUNT}:podidentityassociation/prod/a-1` }] },
    });
    const west = new FakeClusterReader({
      dev: { associations: [{ associationId: 'a-2', namespace: 'web', serviceAccount: 'ui' }] },
      broken: { failAssociations: new Error('eks:ListPodIdentityAssociations: AccessDenied') },
    });
    const t = recordingSetup(2, 1000, { 'us-east-1': east, 'eu-west-1': west });

    // Act
    const result = await runSweep(t.deps, { sweepId: 'pi' });

    // Assess
    expect(t.recorder.associationRequests.map((r) => [r.region, r.association.clusterName, r.association.associationId])).toEqual([
      ['us-east-1', 'prod', 'a-1'],
      ['eu-west-1', 'dev', 'a-2'],
    ]);
    expect(t.recorder.associationRequests[0].req.trigger).toEqual({ source: 'sweep', eventName: 'Sweep', eventId: 'pi' });
    expect(result.roles).toBe(2);
    expect(result.associations).toEqual({ count: 2, byOutcome: { compliant: 2 }, byRule: {}, bySeverity: {} });
    expect(result.warnings).toEqual(['Pod Identity associations of cluster broken in eu-west-1 could not be listed: eks:ListPodIdentityAssociations: AccessDenied']);
    expect((summaries(t.notifier)[0].message as { warnings: string[] }).warnings).toEqual(result.warnings);
  });

  it('goes on with the roles when a region\'s clusters cannot be listed', async () => {
    // Prepare
    const east = new FakeClusterReader();
    east.failList = new Error('eks:ListClusters: AccessDenied');
    const t = recordingSetup(3, 1000, { 'us-east-1': east });

    // Act
    const result = await runSweep(t.deps);

    // Assess
    expect(result).toMatchObject({ roles: 3, summaryPublished: true });
    expect(result.warnings).toEqual(['EKS clusters in us-east-1 could not be listed: eks:ListClusters: AccessDenied']);
  });
});

describe('runSweep: Fargate profiles from the inventory', () => {
  it('pins a Fargate role\'s SourceArn to the clusters EKS names, with no Fargate lookup per role', async () => {
    // Prepare
    const eks = new FakeClusterReader({
      prod: { fargate: { default: { arn: `arn:aws:eks:us-east-1:${ACCOUNT}:fargateprofile/prod/default/1`, podExecutionRoleArn: arn('fargate') } } },
    });
    const t = realSetup({ regions: { 'us-east-1': eks } });
    t.roles.put({ name: 'fargate', arn: arn('fargate'), policy: policies.fargate });
    t.roles.attached.set('fargate', ['arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy']);

    // Act
    const result = await runSweep(t.deps);

    // Assess
    expect(result.byOutcome).toEqual({ fixed: 1 });
    expect(JSON.parse(t.roles.roles.get('fargate')!.trustPolicyText).Statement[0].Condition).toEqual({
      ArnLike: { 'aws:SourceArn': `arn:aws:eks:us-east-1:${ACCOUNT}:fargateprofile/prod/*` },
    });
    expect(t.clusters.calls).toEqual([]);
    expect(evaluations(t.notifier)).toHaveLength(1);
  });
});
