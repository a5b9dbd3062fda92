import { parseNotification } from '../../../lib/slack/messages';
import { buildNotification, EVALUATION_SCHEMA, SWEEP_SCHEMA } from '../../../lib/remediation/notification';

describe('parseNotification', () => {
  it('reads an evaluation@1 notification as built by the remediation service', () => {
    // Prepare
    const { message } = buildNotification({
      account: '111122223333',
      region: 'eu-west-1',
      trigger: { source: 'sweep' },
      role: { name: 'r', arn: 'arn:aws:iam::111122223333:role/r' },
      association: null,
      mode: 'tag',
      outcome: 'tagged',
      findings: [{ ruleId: 'wildcard-action', severity: 'medium', statement: 0, message: 'm', fixable: false }],
      fixedRuleIds: [],
      originalPolicy: { Version: '2012-10-17', Statement: [] },
      newPolicy: null,
    });

    // Act
    const parsed = parseNotification(JSON.stringify(message));

    // Assess
    expect(parsed).toEqual({ kind: 'evaluation', evaluation: message });
  });

  it('reads a sweep@1 summary, accepting a role object in worst', () => {
    const parsed = parseNotification(
      JSON.stringify({ schema: SWEEP_SCHEMA, account: '1', region: 'r', roles: 2, byOutcome: { fixed: 1 }, byRule: {}, bySeverity: {}, worst: [{ role: { name: 'x', arn: 'arn' }, severity: 'high', ruleIds: ['a'] }] }),
    );
    expect(parsed).toMatchObject({ kind: 'sweep', sweep: { roles: 2, worst: [{ role: 'x', severity: 'high', ruleIds: ['a'] }] } });
  });

  it('recognises a CloudWatch alarm', () => {
    const parsed = parseNotification(JSON.stringify({ AlarmName: 'a', NewStateValue: 'ALARM', NewStateReason: 'why', Trigger: {} }));
    expect(parsed).toMatchObject({ kind: 'alarm', alarm: { AlarmName: 'a', NewStateValue: 'ALARM', NewStateReason: 'why' } });
  });

  it.each([
    ['not json', { kind: 'unreadable', reason: 'the message is not JSON' }],
    ['[1]', { kind: 'unreadable', reason: 'the message is not a JSON object' }],
    ['{"hello":1}', { kind: 'unknown', reason: 'the message has no "schema" field' }],
    ['{"schema":"eks-trust-guard/evaluation@2"}', { kind: 'unknown', schema: 'eks-trust-guard/evaluation@2', reason: 'unknown schema eks-trust-guard/evaluation@2' }],
  ])('classifies %s', (raw, expected) => {
    expect(parseNotification(raw)).toEqual(expected);
  });

  it('names the fields when a known schema does not match', () => {
    const parsed = parseNotification(JSON.stringify({ schema: EVALUATION_SCHEMA, outcome: 'fixed' }));
    expect(parsed.kind).toBe('unreadable');
    expect(parsed).toMatchObject({ schema: EVALUATION_SCHEMA });
    expect((parsed as { reason: string }).reason).toMatch(/^does not match eks-trust-guard\/evaluation@1: role: /);
  });
});
