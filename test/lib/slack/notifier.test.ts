import { SlackError, SlackHttpError } from '../../../lib/slack/errors';
import { SlackNotifier, type SnsRecordLike } from '../../../lib/slack/notifier';
import type { WebhookUrlSource } from '../../../lib/slack/secret';
import { SWEEP_SCHEMA } from '../../../lib/remediation/notification';
import { FakeSlack } from './fake-slack';

class FakeSource implements WebhookUrlSource {
  readonly description = 'fake source';
  invalidations = 0;
  fail?: Error;
  constructor(public url: string) {}
  async get() {
    if (this.fail) throw this.fail;
    return this.url;
  }
  invalidate() {
    this.invalidations++;
  }
}

class RecordingLog {
  lines: { level: string; message: string; extra: Record<string, unknown>[] }[] = [];
  info = (message: string, ...extra: Record<string, unknown>[]) => void this.lines.push({ level: 'info', message, extra });
  warn = (message: string, ...extra: Record<string, unknown>[]) => void this.lines.push({ level: 'warn', message, extra });
  error = (message: string, ...extra: Record<string, unknown>[]) => void this.lines.push({ level: 'error', message, extra });
}

function record(message: string, id = 'msg-1', subject?: string): SnsRecordLike {
  return { Sns: { MessageId: id, Message: message, Subject: subject } };
}

const sweep = JSON.stringify({ schema: SWEEP_SCHEMA, account: '111122223333', region: 'eu-west-1', roles: 3, byOutcome: { fixed: 1 }, byRule: { 'wildcard-action': 1 }, bySeverity: { medium: 1 }, worst: [] });

describe('SlackNotifier', () => {
  const slack = new FakeSlack();
  let source: FakeSource;
  let log: RecordingLog;
  let notifier: SlackNotifier;

  beforeAll(() => slack.start());
  beforeEach(() => {
    source = new FakeSource(slack.url);
    log = new RecordingLog();
    notifier = new SlackNotifier({ source, log });
  });
  afterEach(() => slack.reset());
  afterAll(() => slack.stop());

  it('posts a sweep summary as its own message', async () => {
    // Act
    const result = await notifier.notify([record(sweep)]);

    // Assess
    expect(result).toEqual({ posted: [{ messageId: 'msg-1', kind: 'sweep', attempts: 1 }] });
    expect(slack.requests).toHaveLength(1);
    expect(slack.requests[0].body.text).toBe('Sweep of account 111122223333 (eu-west-1): 3 roles evaluated (fixed 1)');
    expect(log.lines.map((l) => [l.level, l.message])).toEqual([['info', 'notification posted to Slack']]);
  });

  it('posts a short plain message for an unknown schema and logs why', async () => {
    // Act
    const result = await notifier.notify([record('{"schema":"eks-trust-guard/evaluation@9"}', 'msg-9', 'Subject line')]);

    // Assess
    expect(result.posted).toEqual([{ messageId: 'msg-9', kind: 'unknown', attempts: 1 }]);
    expect(slack.requests[0].body).toEqual({
      text: ':warning: eks-trust-guard could not display a notification: unknown schema eks-trust-guard/evaluation@9. Subject: "Subject line". SNS message msg-9. See the slackNotifier logs.',
    });
    expect(log.lines[0]).toEqual({
      level: 'warn',
      message: 'notification cannot be displayed; posting a short plain message',
      extra: [{ messageId: 'msg-9', subject: 'Subject line', schema: 'eks-trust-guard/evaluation@9', reason: 'unknown schema eks-trust-guard/evaluation@9' }],
    });
  });

  it('posts the text alone when Slack refuses the blocks', async () => {
    // Prepare
    slack.respond({ status: 400, body: 'invalid_blocks' });

    // Act
    const result = await notifier.notify([record(sweep)]);

    // Assess
    expect(result.posted[0]).toMatchObject({ kind: 'sweep', plainTextFallback: true });
    expect(slack.requests).toHaveLength(2);
    expect(slack.requests[0].body.blocks).toBeDefined();
    expect(slack.requests[1].body.blocks).toBeUndefined();
    expect(slack.requests[1].body.text).toMatch(/^Sweep of account 111122223333 \(eu-west-1\): 3 roles evaluated \(fixed 1\)\n\*By outcome\*\nfixed 1\n/);
  });

  it('forgets the URL when Slack says the webhook is gone, and throws', async () => {
    // Prepare
    slack.respond({ status: 404, body: 'no_service' });

    // Act
    const error = await notifier.notify([record(sweep)]).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackHttpError);
    expect(error).toMatchObject({ status: 404, slackError: 'no_service' });
    expect(source.invalidations).toBe(1);
    expect(log.lines.map((l) => l.level)).toEqual(['error']);
  });

  it('tries every record and throws one error naming the ones that failed', async () => {
    // Prepare: the first post succeeds, the second gets a 500.
    slack.respond({ status: 200, body: 'ok' }, { status: 500, body: 'rollup_error' });

    // Act
    const error = await notifier.notify([record(sweep, 'm-1'), record(sweep, 'm-2')]).catch((e: unknown) => e);

    // Assess
    expect(slack.requests).toHaveLength(2);
    expect(error).toBeInstanceOf(SlackError);
    expect(error).toMatchObject({ retryable: true, message: '1 of 2 notifications not posted to Slack: m-2: Slack webhook answered HTTP 500 (rollup_error)' });
  });

  it('throws when the URL cannot be read', async () => {
    // Prepare
    source.fail = new SlackError('boom', true);

    // Act
    const error = await notifier.notify([record(sweep)]).catch((e: unknown) => e);

    // Assess
    expect(error).toBe(source.fail);
    expect(slack.requests).toHaveLength(0);
  });
});
