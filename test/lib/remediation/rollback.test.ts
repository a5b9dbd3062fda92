import { loadConfig } from '../../../lib/remediation/config';
import { Remediator } from '../../../lib/remediation/remediator';
import { rollbackLastChange, RollbackError } from '../../../lib/remediation/rollback';
import { EXEMPT_UNTIL_TAG, STATUS_TAG } from '../../../lib/remediation/tags';
import { FakeClusters, FakeJournal, FakeNotifier, FakeRoles, MemoryLog } from '../../support/fakes';

const ACCOUNT = '111122223333';
const ARN = `arn:aws:iam::${ACCOUNT}:role/app`;
const original = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }] };

function setup(now = new Date('2026-11-23T10:00:00Z')) {
  const roles = new FakeRoles();
  const journal = new FakeJournal();
  const notifier = new FakeNotifier();
  const log = new MemoryLog();
  const config = loadConfig({ JOURNAL_TABLE: 'j', ROLLBACK_EXEMPT_HOURS: '12' });
  roles.put({ name: 'app', arn: ARN, policy: original });
  const remediator = new Remediator({ roles, clusters: [new FakeClusters()], journal, notifier, config, log, account: ACCOUNT, now: () => now });
  return { roles, journal, notifier, log, config, remediator, deps: { roles, journal, notifier, config, log, account: ACCOUNT, now: () => now } };
}

describe('rollbackLastChange', () => {
  it('restores the journaled original, journals the rollback first, exempts the role and says so', async () => {
    const t = setup();
    await t.remediator.remediateRole('app', { trigger: { source: 'cloudtrail', eventId: 'e1' } });
    const fixedText = t.roles.roles.get('app')!.trustPolicyText;
    expect(JSON.parse(fixedText)).not.toEqual(original);
    t.roles.calls = [];

    const report = await rollbackLastChange(t.deps, 'app', { source: 'api', eventId: 'api-1', actor: 'arn:aws:iam::111122223333:user/alice' });

    expect(JSON.parse(t.roles.roles.get('app')!.trustPolicyText)).toEqual(original);
    expect(report.exemptUntil).toBe('2026-11-23T22:00:00.000Z');
    const rb = t.journal.entries[1];
    expect(rb.kind).toBe('rollback');
    expect(rb.originalPolicy).toBe(fixedText);
    expect(JSON.parse(rb.newPolicy)).toEqual(original);
    expect(t.roles.calls.map((c) => c[0])).toEqual(['getRole', 'updateTrustPolicy', 'tagRole']);
    const tags = t.roles.roles.get('app')!.tags;
    expect(tags[EXEMPT_UNTIL_TAG]).toBe('2026-11-23T22:00:00.000Z');
    expect(tags[STATUS_TAG]).toBe('noncompliant');
    const n = t.notifier.published[1];
    expect(n.outcome).toBe('exempt');
    expect(n.subject).toBe('[HIGH] rolled back trust policy of role app');
    expect((n.message as { reason: string }).reason).toMatch(/alice.*2026-11-23T22:00:00.000Z/);
  });

  it('keeps the guardrail from undoing the rollback while the exemption lasts, and resumes after', async () => {
    const t = setup();
    await t.remediator.remediateRole('app', { trigger: { source: 'cloudtrail', eventId: 'e1' } });
    await rollbackLastChange(t.deps, 'app', { source: 'api', eventId: 'api-1' });
    const during = await t.remediator.remediateRole('app', { trigger: { source: 'cloudtrail', eventId: 'e2' } });
    expect(during.outcome).toBe('exempt');
    expect(JSON.parse(t.roles.roles.get('app')!.trustPolicyText)).toEqual(original);
    const later = setup(new Date('2026-11-24T10:00:00Z'));
    later.roles.roles.set('app', t.roles.roles.get('app')!);
    const after = await later.remediator.remediateRole('app', { trigger: { source: 'cloudtrail', eventId: 'e3' } });
    expect(after.outcome).toBe('fixed');
  });

  it('refuses when there is nothing to roll back, when already rolled back, and for a missing role', async () => {
    const t = setup();
    await expect(rollbackLastChange(t.deps, 'app', { source: 'api' })).rejects.toMatchObject({ code: 'NothingToRollBack' });
    await t.remediator.remediateRole('app', { trigger: { source: 'cloudtrail', eventId: 'e1' } });
    await rollbackLastChange(t.deps, 'app', { source: 'api', eventId: 'r1' });
    await expect(rollbackLastChange(t.deps, 'app', { source: 'api', eventId: 'r2' })).rejects.toBeInstanceOf(RollbackError);
    await expect(rollbackLastChange(t.deps, 'nobody', { source: 'api' })).rejects.toMatchObject({ code: 'RoleNotFound' });
  });
});
