import { SlackHttpError, describeError, redact } from '../../../lib/slack/errors';

describe('redact', () => {
  const url = 'https://hooks.slack.com/services/T0/B0/Token123';

  it('replaces the URL and, separately, its secret path', () => {
    expect(redact(`Failed to parse URL from ${url}`, url)).toBe('Failed to parse URL from <webhook-url>');
    expect(redact('POST /services/T0/B0/Token123 failed', url)).toBe('POST <webhook-path> failed');
  });

  it('leaves a text alone when there is no secret', () => {
    expect(redact('nothing here', undefined)).toBe('nothing here');
  });
});

describe('describeError', () => {
  it('joins the cause chain and keeps system error codes', () => {
    const root = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const refused = Object.assign(new Error(''), { code: 'ECONNREFUSED' });
    const fetchFailed = new TypeError('fetch failed', { cause: root });
    expect(describeError(new Error('A request error occurred: fetch failed', { cause: fetchFailed }))).toBe(
      'A request error occurred: fetch failed: fetch failed: connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(describeError(refused)).toBe('ECONNREFUSED');
    expect(describeError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('socket hang up [ECONNRESET]');
    expect(describeError('plain')).toBe('plain');
  });
});

describe('SlackHttpError', () => {
  it('is retryable for 5xx and 429 only', () => {
    expect(new SlackHttpError(503, '').retryable).toBe(true);
    expect(new SlackHttpError(429, 'rate_limited').retryable).toBe(true);
    expect(new SlackHttpError(404, 'no_service').retryable).toBe(false);
    expect(new SlackHttpError(404, 'no_service').message).toBe('Slack webhook answered HTTP 404 (no_service)');
  });
});
