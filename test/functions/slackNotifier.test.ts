/**
 * The real exported handler, fed SNS events carrying a real evaluation notification (the engine's
 * findings and fix, built into the SNS message by buildNotification, with the message attributes
 * the publisher sets), posting to a local stand-in for Slack. The webhook URL comes from a mocked
 * SSM SecureString; everything the process writes is captured to prove the URL is never logged.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { handler } from '../../functions/slackNotifier';
import { evaluate } from '../../lib/engine';
import { messageAttributes } from '../../lib/aws/sns';
import { buildNotification } from '../../lib/remediation/notification';
import { resetSlackRuntime } from '../../lib/slack/runtime';
import { FakeSlack, WEBHOOK_PATH } from '../lib/slack/fake-slack';

const PARAMETER = '/eks-trust-guard/slack-webhook';
const ROLE_ARN = 'arn:aws:iam::111122223333:role/app-role';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:eks-trust-guard-test-notifications';
const ORIGINAL = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

/** The evaluation notification the remediation service would publish after fixing app-role. */
function evaluationEnvelope() {
  const result = evaluate(ORIGINAL, { roleArn: ROLE_ARN });
  return buildNotification({
    account: '111122223333',
    region: 'eu-west-1',
    trigger: { source: 'cloudtrail', eventName: 'CreateRole', eventId: 'ct-1', actor: 'arn:aws:iam::111122223333:user/alice' },
    role: { name: 'app-role', arn: ROLE_ARN },
    association: null,
    mode: 'fix',
    outcome: 'fixed',
    findings: result.findings,
    fixedRuleIds: result.fixedRuleIds,
    originalPolicy: ORIGINAL,
    newPolicy: result.fixedPolicy,
    rollback: 'POST /roles/app-role/rollback restores the journaled original',
  });
}

function snsEvent(message: string, opts: { subject?: string; attributes?: Record<string, { DataType?: string; StringValue?: string }>; id?: string } = {}) {
  const attributes = Object.fromEntries(Object.entries(opts.attributes ?? {}).map(([k, v]) => [k, { Type: v.DataType ?? 'String', Value: v.StringValue ?? '' }]));
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${TOPIC_ARN}:6b0e71bd-7e97-4d97-80ce-4a0994e55286`,
        Sns: {
          Type: 'Notification',
          MessageId: opts.id ?? '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
          TopicArn: TOPIC_ARN,
          Subject: opts.subject ?? null,
          Message: message,
          Timestamp: '2026-01-01T00:00:00.000Z',
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
          UnsubscribeUrl: `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}:6b0e71bd`,
          MessageAttributes: attributes,
        },
      },
    ],
  };
}

function evaluationEvent() {
  const envelope = evaluationEnvelope();
  return { envelope, event: snsEvent(JSON.stringify(envelope.message), { subject: envelope.subject, attributes: messageAttributes(envelope) }) };
}

const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'eks-trust-guard-test-slackNotifier',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:eks-trust-guard-test-slackNotifier',
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/eks-trust-guard-test-slackNotifier',
  logStreamName: '2026/01/01/[$LATEST]abc',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const invoke = (event: unknown) => handler(event as any, context);

/** Everything written to stdout/stderr or the console while `run` runs. */
async function captureOutput<T>(run: () => Promise<T>): Promise<{ output: string; result?: T; error?: unknown }> {
  const chunks: string[] = [];
  const keep = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(keep),
    jest.spyOn(process.stderr, 'write').mockImplementation(keep),
    ...(['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) => jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void keep(args.map(String).join(' ')))),
  ];
  try {
    const result = await run();
    return { output: chunks.join(''), result };
  } catch (error) {
    return { output: chunks.join(''), error };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

/** Every form in which the secret could leak: whole URL, its path, its token. */
function expectNoSecret(text: string, url: string) {
  expect(text).not.toContain(url);
  expect(text).not.toContain(WEBHOOK_PATH);
  expect(text).not.toContain('Xy7SecretWebhookToken42');
}

describe('slackNotifier handler', () => {
  const slack = new FakeSlack();
  const ssm = mockClient(SSMClient);
  const saved = { ...process.env };

  beforeAll(() => slack.start());
  beforeEach(() => {
    process.env.SLACK_WEBHOOK_PARAMETER = PARAMETER;
    process.env.AWS_REGION = 'eu-west-1';
    delete process.env.SLACK_WEBHOOK_SECRET_ARN;
    delete process.env.SLACK_WEBHOOK_URL;
    resetSlackRuntime();
    ssm.on(GetParameterCommand, { Name: PARAMETER, WithDecryption: true }).resolves({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: slack.url } });
  });
  afterEach(() => {
    slack.reset();
    ssm.reset();
    process.env = { ...saved };
  });
  afterAll(() => slack.stop());

  it('posts one readable message for an evaluation notification', async () => {
    // Prepare
    const { envelope, event } = evaluationEvent();
    const findings = envelope.message.findings;

    // Act
    const { result, output, error } = await captureOutput(() => invoke(event));

    // Assess
    expect(error).toBeUndefined();
    expect(result).toEqual({ posted: [{ messageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e', kind: 'evaluation', attempts: 1 }] });
    expect(ssm.commandCalls(GetParameterCommand)[0].args[0].input).toEqual({ Name: PARAMETER, WithDecryption: true });
    expect(slack.requests).toHaveLength(1);
    const body = slack.requests[0].body;
    const sections: string[] = body.blocks.filter((b: { type: string; text?: unknown }) => b.type === 'section' && b.text).map((b: { text: { text: string } }) => b.text.text);

    // Severity and role: the engine's findings are high (tag session) and low (source account).
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: ':red_circle: [HIGH] app-role: trust policy fixed', emoji: true } });
    expect(sections[0]).toBe(`*Role* \`app-role\`\n\`${ROLE_ARN}\``);
    // Every finding, with rule id, severity, message and whether it was fixed.
    expect(findings.map((f) => [f.ruleId, f.severity, f.fixed])).toEqual([
      ['pod-identity-tag-session', 'high', true],
      ['pod-identity-source-account', 'low', true],
    ]);
    const found = sections.find((t) => t.startsWith('*What was found*'))!;
    for (const f of findings) {
      expect(found).toContain(`• :white_check_mark: fixed · *${f.severity}* · \`${f.ruleId}\`: ${f.message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}`);
    }
    expect(sections).toContain('*What was done*\nThe trust policy was rewritten: 2 of 2 findings fixed.');
    // The diff: sts:TagSession added, the source-account condition added.
    const diff = sections.find((t) => t.startsWith('*Policy change*'))!;
    expect(diff).toContain('\n```\n--- original\n+++ new\n@@ ');
    expect(diff).toContain('\n-      "Action": "sts:AssumeRole"\n');
    expect(diff).toContain('\n+        "sts:TagSession"\n');
    expect(diff).toContain('\n+          "aws:SourceAccount": "111122223333"\n');
    // How to roll back.
    expect(sections).toContain(
      '*How to roll back*\n`POST /roles/app-role/rollback` restores the journaled original\nCall it on the eks-trust-guard API (AWS_IAM authorisation: sign the request with AWS credentials).',
    );
    expect(body.text).toBe('[HIGH] app-role: trust policy fixed (pod-identity-tag-session, pod-identity-source-account)');
    expectNoSecret(output, slack.url);
    expect(output).toContain('notification posted to Slack');
  });

  it('respects a 429 Retry-After and posts again', async () => {
    // Prepare
    slack.respond({ status: 429, body: 'rate_limited', headers: { 'Retry-After': '1' } });
    const { event } = evaluationEvent();

    // Act
    const { result, error } = await captureOutput(() => invoke(event));

    // Assess: two requests, at least ~1 s apart by the server's clock, the same payload.
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ posted: [{ kind: 'evaluation', attempts: 2 }] });
    expect(slack.requests).toHaveLength(2);
    expect(slack.requests[1].at - slack.requests[0].at).toBeGreaterThanOrEqual(990);
    expect(slack.requests[1].raw).toBe(slack.requests[0].raw);
  });

  it('throws on repeated 500s, and no log line or error holds the webhook URL', async () => {
    // Prepare
    slack.respond(...Array.from({ length: 5 }, () => ({ status: 500, body: 'rollup_error' })));
    const { event } = evaluationEvent();

    // Act
    const { output, error } = await captureOutput(() => invoke(event));

    // Assess
    expect(error).toMatchObject({ name: 'SlackHttpError', status: 500, retryable: true });
    expect(output).toContain('notification not posted to Slack');
    expectNoSecret(output, slack.url);
    expectNoSecret(`${(error as Error).message} ${(error as Error).stack} ${JSON.stringify(error)}`, slack.url);
  });

  it('throws when Slack cannot be reached, without the URL in logs or error', async () => {
    // Prepare: the parameter names a stand-in that is no longer listening.
    const gone = new FakeSlack();
    await gone.start();
    const url = gone.url;
    await gone.stop();
    ssm.reset();
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: url } });
    const { event } = evaluationEvent();

    // Act
    const { output, error } = await captureOutput(() => invoke(event));

    // Assess
    expect(error).toMatchObject({ name: 'SlackRequestError', retryable: true });
    expect(output).toContain('notification not posted to Slack');
    expectNoSecret(output, url);
    expectNoSecret(`${(error as Error).message} ${JSON.stringify(error)}`, url);
  });

  it('throws when the parameter does not hold a usable URL, without logging its value', async () => {
    // Prepare
    ssm.reset();
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: `http://hooks.example.com${WEBHOOK_PATH}` } });
    const { event } = evaluationEvent();

    // Act
    const { output, error } = await captureOutput(() => invoke(event));

    // Assess
    expect(error).toMatchObject({ name: 'WebhookUrlError' });
    expect((error as Error).message).toBe(`SSM parameter ${PARAMETER} must hold an https URL (plain http is accepted only for a loopback host)`);
    expect(output).toContain('notification not posted to Slack');
    expectNoSecret(output, `http://hooks.example.com${WEBHOOK_PATH}`);
    expect(slack.requests).toHaveLength(0);
  });

  it('posts a short plain message for an unknown schema instead of failing the batch', async () => {
    // Prepare
    const event = snsEvent('{"schema":"eks-trust-guard/evaluation@2","role":{}}', { subject: '[HIGH] something new', id: 'm-2' });

    // Act
    const { result, output } = await captureOutput(() => invoke(event));

    // Assess
    expect(result).toEqual({ posted: [{ messageId: 'm-2', kind: 'unknown', attempts: 1 }] });
    expect(slack.requests[0].body).toEqual({
      text: ':warning: eks-trust-guard could not display a notification: unknown schema eks-trust-guard/evaluation@2. Subject: "[HIGH] something new". SNS message m-2. See the slackNotifier logs.',
    });
    expect(output).toContain('notification cannot be displayed');
  });

  it('logs and throws for an event that is not an SNS event', async () => {
    // Act
    const { output, error } = await captureOutput(() => invoke({ detail: {} }));

    // Assess
    expect(error).toMatchObject({ name: 'SlackError', retryable: false });
    expect((error as Error).message).toMatch(/^slackNotifier expects an SNS event: /);
    expect(output).toContain('not an SNS event; nothing posted');
    expect(slack.requests).toHaveLength(0);
  });

  it('refuses to start with the webhook URL in the environment', async () => {
    // Prepare
    process.env.SLACK_WEBHOOK_URL = slack.url;
    const { event } = evaluationEvent();

    // Act
    const { output, error } = await captureOutput(() => invoke(event));

    // Assess
    expect(error).toMatchObject({ name: 'SlackConfigError' });
    expect(output).toContain('slackNotifier is not configured; nothing posted');
    expectNoSecret(output, slack.url);
    expect(slack.requests).toHaveLength(0);
  });
});
