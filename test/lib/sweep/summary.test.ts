import { buildSweepSummary, sweepSubject } from '../../../lib/sweep/summary';
import { emptyTally, record, recordFailure } from '../../../lib/sweep/tally';

const ACCOUNT = '123456789012';

function tallyOf(counts: { fixed?: number; tagged?: number; reported?: number; compliant?: number }) {
  const t = emptyTally();
  let i = 0;
  for (let n = 0; n < (counts.fixed ?? 0); n++) record(t, { roleName: `r${i++}`, outcome: 'fixed', findings: [{ ruleId: 'pod-identity-tag-session', severity: 'high' }] });
  for (let n = 0; n < (counts.tagged ?? 0); n++) record(t, { roleName: `r${i++}`, outcome: 'tagged', findings: [{ ruleId: 'irsa-aud-missing', severity: 'medium' }] });
  for (let n = 0; n < (counts.reported ?? 0); n++) record(t, { roleName: `r${i++}`, outcome: 'reported', findings: [{ ruleId: 'policy-version', severity: 'low' }] });
  for (let n = 0; n < (counts.compliant ?? 0); n++) record(t, { roleName: `r${i++}`, outcome: 'compliant', findings: [] });
  return t;
}

const input = (tally: ReturnType<typeof emptyTally>) => ({
  sweepId: 's-1',
  account: ACCOUNT,
  region: 'us-east-1',
  mode: 'fix' as const,
  startedAt: '2026-11-23T12:00:00.000Z',
  finishedAt: '2026-11-23T12:03:00.000Z',
  tally,
  pages: 5,
  invocations: 1,
  warnings: [],
});

describe('sweep summary', () => {
  it('has the subject of the brief: highest severity, roles, fixed, noncompliant', () => {
    // Prepare
    const tally = tallyOf({ fixed: 12, tagged: 2, reported: 1, compliant: 4985 });

    // Act
    const subject = sweepSubject(ACCOUNT, tally);

    // Assess
    expect(subject).toBe('[HIGH] sweep of 123456789012: 5000 roles, 12 fixed, 3 noncompliant');
  });

  it('names failures in the subject and stays within 100 characters', () => {
    // Prepare
    const tally = tallyOf({ fixed: 10000, tagged: 10000 });
    for (let i = 0; i < 10000; i++) recordFailure(tally, `f${i}`, 'x');
    record(tally, { roleName: 'pub', outcome: 'tagged', findings: [{ ruleId: 'public-principal', severity: 'critical' }] });

    // Act
    const subject = sweepSubject(ACCOUNT, tally);

    // Assess
    expect(subject).toBe('[CRITICAL] sweep of 123456789012: 30001 roles, 10000 fixed, 10001 noncompliant, 10000 failed');
    expect(subject.length).toBeLessThanOrEqual(100);
  });

  it('builds the eks-trust-guard/sweep@1 message with the attributes subscribers filter on', () => {
    // Prepare
    const tally = tallyOf({ fixed: 1, tagged: 1, compliant: 1 });

    // Act
    const envelope = buildSweepSummary(input(tally));

    // Assess
    expect(envelope.severity).toBe('high');
    expect(envelope.outcome).toBe('summary');
    expect(envelope.ruleIds).toEqual(['irsa-aud-missing', 'pod-identity-tag-session']);
    expect(envelope.message).toMatchObject({
      schema: 'eks-trust-guard/sweep@1',
      account: ACCOUNT,
      region: 'us-east-1',
      startedAt: '2026-11-23T12:00:00.000Z',
      finishedAt: '2026-11-23T12:03:00.000Z',
      roles: 3,
      byOutcome: { fixed: 1, tagged: 1, compliant: 1 },
      byRule: { 'pod-identity-tag-session': 1, 'irsa-aud-missing': 1 },
      bySeverity: { high: 1, medium: 1 },
      sweepId: 's-1',
      mode: 'fix',
      pages: 5,
      invocations: 1,
    });
    expect(envelope.message.worst.map((w) => [w.role, w.severity, w.ruleIds])).toEqual([
      ['r0', 'high', ['pod-identity-tag-session']],
      ['r1', 'medium', ['irsa-aud-missing']],
    ]);
  });

  it('says INFO and severity none when nothing was found', () => {
    // Prepare
    const tally = tallyOf({ compliant: 2 });

    // Act
    const envelope = buildSweepSummary(input(tally));

    // Assess
    expect(envelope.subject).toBe('[INFO] sweep of 123456789012: 2 roles, 0 fixed, 0 noncompliant');
    expect(envelope.severity).toBe('none');
    expect(envelope.ruleIds).toEqual([]);
    expect(envelope.message.worst).toEqual([]);
  });
});
