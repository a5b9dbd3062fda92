import { SlackHttpError, SlackRateLimitedError, SlackRequestError } from '../../../lib/slack/errors';
import { SlackWebhook, parseRetryAfter } from '../../../lib/slack/webhook';
import { FakeSlack, WEBHOOK_PATH } from './fake-slack';

const message = { text: 'fallback text', blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'hello *world*' } }] };

describe('SlackWebhook against a local Slack stand-in', () => {
  const slack = new FakeSlack();
  beforeAll(() => slack.start());
  afterEach(() => slack.reset());
  afterAll(() => slack.stop());

  it('POSTs the message as JSON to the webhook path', async () => {
    // Prepare
    const webhook = new SlackWebhook(slack.url);

    // Act
    const result = await webhook.post(message);

    // Assess
    expect(result).toEqual({ attempts: 1, waitedMs: 0 });
    expect(slack.requests).toHaveLength(1);
    const [req] = slack.requests;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(WEBHOOK_PATH);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toEqual(message);
  });

  it('waits Retry-After seconds after a 429 and posts again', async () => {
    // Prepare
    slack.respond({ status: 429, body: 'rate_limited', headers: { 'Retry-After': '1' } });
    const webhook = new SlackWebhook(slack.url);

    // Act
    const result = await webhook.post(message, { deadline: Date.now() + 30_000 });

    // Assess: two requests, the second at least ~1 s after the first by the server's clock.
    expect(result).toEqual({ attempts: 2, waitedMs: 1000 });
    expect(slack.requests).toHaveLength(2);
    expect(slack.requests[1].at - slack.requests[0].at).toBeGreaterThanOrEqual(990);
    expect(slack.requests[1].body).toEqual(message);
  });

  it('throws a retryable SlackHttpError on a 500 and leaves the retry to SNS/Lambda', async () => {
    // Prepare
    slack.respond(...Array.from({ length: 5 }, () => ({ status: 500, body: 'rollup_error' })));
    const webhook = new SlackWebhook(slack.url);

    // Act
    const error = await webhook.post(message).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackHttpError);
    expect(error).toMatchObject({ status: 500, slackError: 'rollup_error', retryable: true });
    expect(slack.requests).toHaveLength(1);
  });

  it('throws a non-retryable SlackHttpError carrying Slack\'s error string on a 400', async () => {
    // Prepare
    slack.respond({ status: 400, body: 'invalid_blocks' });

    // Act
    const error = await new SlackWebhook(slack.url).post(message).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'SlackHttpError', status: 400, slackError: 'invalid_blocks', retryable: false });
    expect((error as Error).message).toBe('Slack webhook answered HTTP 400 (invalid_blocks)');
  });

  it('gives up after the bounded number of 429 retries', async () => {
    // Prepare
    slack.respond(...Array.from({ length: 6 }, () => ({ status: 429, headers: { 'Retry-After': '0' } })));
    const webhook = new SlackWebhook(slack.url, { maxRateLimitRetries: 2 });

    // Act
    const error = await webhook.post(message).catch((e: unknown) => e);

    // Assess: the first request plus two retries.
    expect(error).toBeInstanceOf(SlackRateLimitedError);
    expect(error).toMatchObject({ status: 429, attempts: 3, retryable: true });
    expect(slack.requests).toHaveLength(3);
  });

  it('does not wait for a Retry-After that would outlast the remaining time', async () => {
    // Prepare
    slack.respond({ status: 429, headers: { 'Retry-After': '30' } });
    const webhook = new SlackWebhook(slack.url);

    // Act
    const error = await webhook.post(message, { deadline: Date.now() + 5000 }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackRateLimitedError);
    expect(error).toMatchObject({ attempts: 1, retryAfterSeconds: 30 });
    expect((error as Error).message).toMatch(/Retry-After 30 s does not fit/);
    expect(slack.requests).toHaveLength(1);
  });

  it('does not start a request when less than a second is left', async () => {
    // Act
    const error = await new SlackWebhook(slack.url).post(message, { deadline: Date.now() + 200 }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackRequestError);
    expect(slack.requests).toHaveLength(0);
  });

  it('reports a network failure without the webhook path', async () => {
    // Prepare: a port nobody listens on (the stand-in, stopped).
    const gone = new FakeSlack();
    await gone.start();
    const url = gone.url;
    await gone.stop();

    // Act
    const error = await new SlackWebhook(url).post(message).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackRequestError);
    expect((error as SlackRequestError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/^Slack webhook request failed: /);
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain(WEBHOOK_PATH);
    expect((error as Error).cause).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 30 ', now)).toBe(30_000);
  });

  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
  });

  it('treats a past date as no wait and nonsense as absent', () => {
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
  });
});
