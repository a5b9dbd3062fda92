import { emptyTally, mergeTallies, record, recordFailure, WORST_LIMIT, type Evaluated } from '../../../lib/sweep/tally';

const evaluated = (roleName: string, outcome: string, findings: [string, 'critical' | 'high' | 'medium' | 'low' | 'info'][]): Evaluated => ({
  roleName,
  outcome,
  findings: findings.map(([ruleId, severity]) => ({ ruleId, severity })),
});

describe('sweep tally', () => {
  it('counts roles by outcome, by rule (once per role) and by highest severity', () => {
    // Prepare
    const t = emptyTally();

    // Act
    record(t, evaluated('a', 'fixed', [['pod-identity-tag-session', 'high'], ['pod-identity-source-account', 'low']]));
    record(t, evaluated('b', 'tagged', [['irsa-sub-missing', 'high'], ['irsa-sub-missing', 'high']]));
    record(t, evaluated('c', 'tagged', [['untrusted-account', 'critical'], ['foreign-root-no-condition', 'medium']]));
    record(t, evaluated('d', 'compliant', []));

    // Assess
    expect(t.roles).toEqual({
      total: 4,
      byOutcome: { fixed: 1, tagged: 2, compliant: 1 },
      byRule: { 'pod-identity-tag-session': 1, 'pod-identity-source-account': 1, 'irsa-sub-missing': 1, 'untrusted-account': 1, 'foreign-root-no-condition': 1 },
      bySeverity: { high: 2, critical: 1 },
    });
    expect(t.associations.total).toBe(0);
  });

  it('lists the worst first: highest severity, then most findings, then name; compliant roles never', () => {
    // Prepare
    const t = emptyTally();

    // Act
    record(t, evaluated('m-one', 'tagged', [['irsa-aud-missing', 'medium']]));
    record(t, evaluated('h-two', 'tagged', [['irsa-sub-missing', 'high'], ['irsa-aud-missing', 'medium']]));
    record(t, evaluated('ok', 'compliant', []));
    record(t, evaluated('c-one', 'tagged', [['public-principal', 'critical']]));
    record(t, evaluated('h-one-b', 'fixed', [['fargate-source-arn', 'high']]));
    record(t, evaluated('h-one-a', 'tagged', [['irsa-sub-wildcard', 'high']]));

    // Assess
    expect(t.worst.map((w) => w.role)).toEqual(['c-one', 'h-two', 'h-one-a', 'h-one-b', 'm-one']);
    expect(t.worst[1]).toEqual({ role: 'h-two', severity: 'high', ruleIds: ['irsa-aud-missing', 'irsa-sub-missing'], findings: 2, outcome: 'tagged' });
  });

  it(`keeps only the ${WORST_LIMIT} worst`, () => {
    // Prepare
    const t = emptyTally();

    // Act
    for (let i = 0; i < 30; i++) record(t, evaluated(`low-${String(i).padStart(2, '0')}`, 'tagged', [['policy-version', 'low']]));
    record(t, evaluated('z-critical', 'tagged', [['public-principal', 'critical']]));

    // Assess
    expect(t.worst).toHaveLength(20);
    expect(t.worst[0].role).toBe('z-critical');
    expect(t.worst[19].role).toBe('low-18');
  });

  it('merging the tallies of two parts of a sweep equals counting it in one go', () => {
    // Prepare
    const all = Array.from({ length: 40 }, (_, i) =>
      evaluated(`r${i}`, i % 3 === 0 ? 'fixed' : i % 3 === 1 ? 'tagged' : 'compliant', i % 3 === 2 ? [] : [[i % 2 ? 'irsa-sub-missing' : 'policy-version', i % 2 ? 'high' : 'low']]),
    );
    const whole = emptyTally();
    const first = emptyTally();
    const second = emptyTally();
    all.forEach((e) => record(whole, e));
    all.slice(0, 17).forEach((e) => record(first, e));
    all.slice(17).forEach((e) => record(second, e));

    // Act
    const merged = mergeTallies(first, second);

    // Assess
    expect(merged).toEqual(whole);
  });

  it('counts a remediation that threw as failed and keeps its error', () => {
    // Prepare
    const t = emptyTally();

    // Act
    recordFailure(t, 'broken', 'iam:TagRole: AccessDenied');
    recordFailure(t, 'assoc-role', 'boom', 'arn:aws:eks:us-east-1:111122223333:podidentityassociation/prod/a-1');

    // Assess
    expect(t.roles.byOutcome).toEqual({ failed: 1 });
    expect(t.associations.byOutcome).toEqual({ failed: 1 });
    expect(t.failures).toEqual([
      { role: 'broken', error: 'iam:TagRole: AccessDenied' },
      { role: 'assoc-role', error: 'boom', association: 'arn:aws:eks:us-east-1:111122223333:podidentityassociation/prod/a-1' },
    ]);
  });
});
