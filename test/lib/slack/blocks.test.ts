import {
  MAX_DIFF_EDITS,
  MAX_FINDING_SECTIONS,
  MAX_POLICY_SECTIONS,
  SLACK_LIMITS,
  alarmMessage,
  clip,
  escapeText,
  evaluationMessage,
  sweepMessage,
  textOnly,
  unifiedPolicyDiff,
  unreadableMessage,
  whatWasDone,
  type SlackBlock,
  type SlackMessage,
} from '../../../lib/slack/blocks';
import { EvaluationMessageSchema, SweepMessageSchema, type EvaluationView } from '../../../lib/slack/messages';
import { buildNotification, type EvaluationNotification } from '../../../lib/remediation/notification';
import type { Finding } from '../../../lib/policy/types';

const ROLE_ARN = 'arn:aws:iam::111122223333:role/app-role';
const ASSOCIATION_ARN = 'arn:aws:eks:eu-west-1:111122223333:podidentityassociation/prod/a-abcdef';
const TARGET_ARN = 'arn:aws:iam::444455556666:role/target';

const original = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const fixed = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
};

const tagSession: Finding = { ruleId: 'pod-identity-tag-session', severity: 'high', statement: 0, message: 'Add sts:TagSession.', fixable: true };
const sourceAccount: Finding = { ruleId: 'pod-identity-source-account', severity: 'low', statement: 0, message: 'No aws:SourceAccount condition.', fixable: true };

function notification(over: Partial<Parameters<typeof buildNotification>[0]> = {}): EvaluationNotification {
  return buildNotification({
    account: '111122223333',
    region: 'eu-west-1',
    trigger: { source: 'cloudtrail', eventName: 'UpdateAssumeRolePolicy', eventId: 'ev-1', actor: 'arn:aws:iam::111122223333:user/alice' },
    role: { name: 'app-role', arn: ROLE_ARN },
    association: null,
    associationInput: { clusterName: 'prod', namespace: 'payments', serviceAccount: 'api', associationArn: ASSOCIATION_ARN, targetRoleArn: TARGET_ARN },
    mode: 'fix',
    outcome: 'fixed',
    // Listed low first: the message orders by severity.
    findings: [sourceAccount, tagSession],
    fixedRuleIds: ['pod-identity-tag-session'],
    originalPolicy: original,
    newPolicy: fixed,
    rollback: 'POST /roles/app-role/rollback restores the journaled original',
    ...over,
  }).message;
}

/** The notification as the notifier reads it off SNS (JSON round trip, then the schema). */
function view(n: EvaluationNotification): EvaluationView {
  return EvaluationMessageSchema.parse(JSON.parse(JSON.stringify(n)));
}

function sectionTexts(m: SlackMessage): string[] {
  return (m.blocks ?? []).flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
}

function assertWithinLimits(m: SlackMessage) {
  expect(m.blocks!.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  for (const b of m.blocks!) {
    if (b.type === 'section') {
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
      // A code block is never left open: fences come in pairs within each section.
      if (b.text) expect((b.text.text.match(/```/g) ?? []).length % 2).toBe(0);
    }
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
  }
}

describe('evaluationMessage', () => {
  it('lays out severity, role, association, findings, action, diff, rollback and trigger', () => {
    // Act
    const m = evaluationMessage(view(notification()));

    // Assess
    const expected: SlackBlock[] = [
      { type: 'header', text: { type: 'plain_text', text: ':red_circle: [HIGH] app-role: trust policy fixed', emoji: true } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*Role* \`app-role\`\n\`${ROLE_ARN}\`` },
        fields: [
          { type: 'mrkdwn', text: '*Severity*\nhigh' },
          { type: 'mrkdwn', text: '*Outcome*\nfixed' },
          { type: 'mrkdwn', text: '*Mode*\nfix' },
          { type: 'mrkdwn', text: '*Findings*\n2 (1 fixed)' },
        ],
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*Pod Identity association*\ncluster \`prod\` · namespace \`payments\` · service account \`api\`\nassociation \`${ASSOCIATION_ARN}\`\ntarget role \`${TARGET_ARN}\``,
        },
      },
      { type: 'divider' },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            '*What was found* (2 findings)\n' +
            '• :white_check_mark: fixed · *high* · `pod-identity-tag-session`: Add sts:TagSession.\n' +
            '• :x: not fixed · *low* · `pod-identity-source-account`: No aws:SourceAccount condition.',
        },
      },
      { type: 'section', text: { type: 'mrkdwn', text: '*What was done*\nThe trust policy was rewritten: 1 of 2 findings fixed, 1 still open.' } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: [
            '*Policy change* (unified diff, original → new)',
            '```',
            '--- original',
            '+++ new',
            '@@ -6,7 +6,10 @@',
            '       "Principal": {',
            '         "Service": "pods.eks.amazonaws.com"',
            '       },',
            '-      "Action": "sts:AssumeRole"',
            '+      "Action": [',
            '+        "sts:AssumeRole",',
            '+        "sts:TagSession"',
            '+      ]',
            '     }',
            '   ]',
            ' }',
            '```',
          ].join('\n'),
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            '*How to roll back*\n`POST /roles/app-role/rollback` restores the journaled original\n' +
            'Call it on the eks-trust-guard API (AWS_IAM authorisation: sign the request with AWS credentials).',
        },
      },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: 'eks-trust-guard · account 111122223333 · region eu-west-1' },
          { type: 'mrkdwn', text: 'trigger: cloudtrail UpdateAssumeRolePolicy by arn:aws:iam::111122223333:user/alice (event ev-1)' },
        ],
      },
    ];
    expect(m.blocks).toEqual(expected);
    expect(m.text).toBe('[HIGH] app-role: trust policy fixed (pod-identity-source-account, pod-identity-tag-session)');
  });

  it('shows the current policy instead of a diff when nothing was changed, and no rollback hint', () => {
    // Prepare
    const n = notification({ outcome: 'reported', mode: 'audit', newPolicy: null, rollback: undefined, fixedRuleIds: [], associationInput: undefined });

    // Act
    const m = evaluationMessage(view(n));

    // Assess
    const texts = sectionTexts(m);
    expect(texts).toContain('*What was done*\nNothing was changed (mode audit).');
    expect(texts).toContain(`*Current trust policy* (not changed)\n\`\`\`\n${JSON.stringify(original, null, 2)}\n\`\`\``);
    expect(texts.some((t) => t.startsWith('*How to roll back*'))).toBe(false);
    expect(texts.some((t) => t.startsWith('*Pod Identity association*'))).toBe(false);
    expect(texts.filter((t) => t.includes(':x: not fixed'))).toHaveLength(1);
  });

  it('says "none" and "No findings." for a notification without findings', () => {
    // Act
    const m = evaluationMessage(view(notification({ outcome: 'failed', findings: [], fixedRuleIds: [], newPolicy: null, rollback: undefined, reason: 'AccessDenied' })));

    // Assess
    expect(m.blocks![0]).toEqual({ type: 'header', text: { type: 'plain_text', text: ':white_circle: [NONE] app-role: remediation failed', emoji: true } });
    expect(sectionTexts(m)).toEqual(expect.arrayContaining(['*What was found*\nNo findings.', '*What was done*\nRemediation failed.\nReason: AccessDenied']));
    expect(m.text).toBe('[NONE] app-role: remediation failed');
  });

  it('escapes mrkdwn in content taken from policies, so nothing can mention @channel or link', () => {
    // Prepare
    const evil: Finding = { ...tagSession, message: 'Principal <!channel> & <https://evil.example|click>' };
    const policy = { Version: '2012-10-17', Statement: [{ Sid: '```<!here>', Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }] };

    // Act
    const m = evaluationMessage(view(notification({ findings: [evil], newPolicy: null, originalPolicy: policy, outcome: 'reported' })));

    // Assess
    const all = sectionTexts(m).join('\n');
    expect(all).toContain('Principal &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(all).not.toMatch(/<!channel>|<!here>|<https:/);
    // The Sid's backticks cannot close the code block.
    expect(all).toContain('"Sid": "``\u200b`&lt;!here&gt;"');
    assertWithinLimits(m);
  });

  it('keeps a huge diff within 3000 characters per section and 50 blocks, saying how much was left out', () => {
    // Prepare: 40 statements whose long Sids all change (about 120,000 characters of diff).
    const statements = Array.from({ length: 40 }, (_, i) => ({ Sid: `S${i}${'a'.repeat(1500)}`, Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }));
    const big = { Version: '2012-10-17', Statement: statements };
    const bigFixed = { Version: '2012-10-17', Statement: statements.map((s) => ({ ...s, Sid: s.Sid.replace(/a/g, 'b') })) };
    const diffLines = unifiedPolicyDiff(big, bigFixed)!.length;

    // Act
    const m = evaluationMessage(view(notification({ originalPolicy: big, newPolicy: bigFixed })));

    // Assess
    assertWithinLimits(m);
    const diffSections = sectionTexts(m).filter((t) => t.startsWith('```') || t.startsWith('*Policy change*'));
    expect(diffSections).toHaveLength(MAX_POLICY_SECTIONS);
    const shown = diffSections.reduce((n, t) => n + t.match(/```\n([\s\S]*)\n```/)![1].split('\n').length, 0);
    const note = /_… (\d+) more diff lines not shown_$/.exec(diffSections[diffSections.length - 1]);
    expect(note).not.toBeNull();
    expect(shown + Number(note![1])).toBe(diffLines);
    // The rollback hint and the trigger survive the truncation.
    expect(sectionTexts(m).some((t) => t.startsWith('*How to roll back*'))).toBe(true);
    expect(m.blocks![m.blocks!.length - 1].type).toBe('context');
  });

  it('shows the new policy instead of a diff when the documents differ in too many lines', () => {
    // Prepare: more changed lines than MAX_DIFF_EDITS (far beyond any policy IAM accepts).
    const statements = Array.from({ length: MAX_DIFF_EDITS }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }));
    const big = { Version: '2012-10-17', Statement: statements };
    const bigFixed = { Version: '2012-10-17', Statement: statements.map((s) => ({ ...s, Effect: 'Deny' })) };

    // Act
    const m = evaluationMessage(view(notification({ originalPolicy: big, newPolicy: bigFixed })));

    // Assess
    expect(unifiedPolicyDiff(big, bigFixed)).toBeUndefined();
    assertWithinLimits(m);
    const texts = sectionTexts(m);
    expect(texts.some((t) => t.startsWith('*New trust policy* (too many changes for a readable diff)\n```\n{\n  "Version": "2012-10-17",'))).toBe(true);
    expect(texts.some((t) => t.startsWith('*Policy change*'))).toBe(false);
  });

  it('splits many findings over at most MAX_FINDING_SECTIONS sections and counts the rest', () => {
    // Prepare
    const many: Finding[] = Array.from({ length: 600 }, (_, i) => ({ ...sourceAccount, message: `finding number ${i} ${'x'.repeat(80)}` }));

    // Act
    const m = evaluationMessage(view(notification({ findings: many, fixedRuleIds: [] })));

    // Assess
    assertWithinLimits(m);
    const found = sectionTexts(m).filter((t) => t.includes('• :'));
    expect(found.length).toBe(MAX_FINDING_SECTIONS);
    expect(found[0].startsWith('*What was found* (600 findings)\n')).toBe(true);
    const shown = found.reduce((n, t) => n + t.split('\n').filter((l) => l.startsWith('• ')).length, 0);
    const note = /_… and (\d+) more findings not shown_$/.exec(found[found.length - 1]);
    expect(shown + Number(note![1])).toBe(600);
  });
});

describe('whatWasDone', () => {
  const base = { mode: 'fix', findings: [{ ruleId: 'r', severity: 'high', message: '', fixed: false }] };

  it.each([
    ['tagged', undefined, 'The trust policy was not changed; the role was tagged with its open findings.'],
    ['exempt', 'exempt until 2026-01-02T00:00:00Z after a rollback', 'Nothing was changed: the role is exempt.\nReason: exempt until 2026-01-02T00:00:00Z after a rollback'],
    ['reported', undefined, 'Nothing was changed (mode fix).'],
    ['failed', 'the fix could not be written: <LimitExceeded>', 'Remediation failed.\nReason: the fix could not be written: &lt;LimitExceeded&gt;'],
  ])('outcome %s', (outcome, reason, expected) => {
    expect(whatWasDone({ ...base, outcome, reason })).toBe(expected);
  });

  it('counts fixed findings', () => {
    const findings = [true, true].map((f) => ({ ruleId: 'r', severity: 'high', message: '', fixed: f }));
    expect(whatWasDone({ outcome: 'fixed', mode: 'fix', findings })).toBe('The trust policy was rewritten: 2 of 2 findings fixed.');
  });
});

describe('sweepMessage', () => {
  const summary = SweepMessageSchema.parse({
    schema: 'eks-trust-guard/sweep@1',
    account: '111122223333',
    region: 'eu-west-1',
    startedAt: '2026-01-01T03:00:00.000Z',
    finishedAt: '2026-01-01T03:01:12.000Z',
    roles: 5000,
    byOutcome: { tagged: 2, fixed: 7, reported: 1 },
    byRule: { 'irsa-sub-wildcard': 2, 'fargate-source-arn': 7, 'public-principal': 1 },
    bySeverity: { high: 9, critical: 1 },
    worst: [
      { role: 'open-role', severity: 'critical', ruleIds: ['public-principal'] },
      { role: 'fargate-pod-execution', severity: 'high', ruleIds: ['fargate-source-arn', 'irsa-sub-wildcard'] },
    ],
  });

  it('summarises counts by outcome, severity and rule, and the worst roles first', () => {
    // Act
    const m = sweepMessage(summary);

    // Assess
    expect(m.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: ':broom: Sweep of account 111122223333 (eu-west-1): 5000 roles evaluated', emoji: true } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*Roles evaluated*\n5000' },
          { type: 'mrkdwn', text: '*Worst severity*\ncritical' },
          { type: 'mrkdwn', text: '*Started*\n2026-01-01T03:00:00.000Z' },
          { type: 'mrkdwn', text: '*Duration*\n1m 12s' },
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: '*By outcome*\nfixed 7 · tagged 2 · reported 1' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*By severity*\ncritical 1 · high 9' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*By rule*\n• `fargate-source-arn` 7\n• `irsa-sub-wildcard` 2\n• `public-principal` 1' } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '*Worst roles*\n• :rotating_light: *CRITICAL* `open-role`: `public-principal`\n• :red_circle: *HIGH* `fargate-pod-execution`: `fargate-source-arn`, `irsa-sub-wildcard`',
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'eks-trust-guard sweep · finished 2026-01-01T03:01:12.000Z' }] },
    ]);
    expect(m.text).toBe('Sweep of account 111122223333 (eu-west-1): 5000 roles evaluated (fixed 7 · tagged 2 · reported 1)');
  });

  it('says none for a clean account', () => {
    const m = sweepMessage(SweepMessageSchema.parse({ schema: 'eks-trust-guard/sweep@1', account: '1', region: 'r', roles: 1, byOutcome: {}, byRule: {}, bySeverity: {}, worst: [] }));
    expect(sectionTexts(m)).toEqual(['*By outcome*\nnone', '*By severity*\nnone', '*By rule*\nnone']);
  });
});

describe('other messages', () => {
  it('formats a CloudWatch alarm', () => {
    const m = alarmMessage({ AlarmName: 'eks-trust-guard-prod-iamEvents-dead-letters', NewStateValue: 'ALARM', NewStateReason: 'Threshold Crossed', AlarmDescription: 'IAM events are waiting', AWSAccountId: '111122223333', Region: 'EU (Ireland)', StateChangeTime: '2026-01-01T00:00:00.000+0000' });
    expect(m.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: ':rotating_light: ALARM: eks-trust-guard-prod-iamEvents-dead-letters', emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: 'IAM events are waiting\n_Threshold Crossed_' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'CloudWatch alarm · account 111122223333 · EU (Ireland) · 2026-01-01T00:00:00.000+0000' }] },
    ]);
  });

  it('formats an unreadable notification as one short plain line', () => {
    const m = unreadableMessage({ reason: 'unknown schema eks-trust-guard/evaluation@2', messageId: 'm-1', subject: '[HIGH] <x>' });
    expect(m).toEqual({
      text: ':warning: eks-trust-guard could not display a notification: unknown schema eks-trust-guard/evaluation@2. Subject: "[HIGH] &lt;x&gt;". SNS message m-1. See the slackNotifier logs.',
    });
  });

  it('textOnly keeps the fallback and the section texts, without blocks', () => {
    const m = textOnly({ text: 'title', blocks: [{ type: 'divider' }, { type: 'section', text: { type: 'mrkdwn', text: 'one' } }] });
    expect(m).toEqual({ text: 'title\none' });
  });
});

describe('text helpers', () => {
  it('escapes &, < and >', () => {
    expect(escapeText('a & <b> c')).toBe('a &amp; &lt;b&gt; c');
  });

  it('clips without splitting an entity or a surrogate pair', () => {
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('abcd&amp;efgh', 8)).toBe('abcd…');
    expect(clip('ab😀cd', 4)).toBe('ab…');
    expect(clip('x'.repeat(5000), 3000)).toHaveLength(3000);
  });
});
