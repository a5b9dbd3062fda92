/**
 * Posting to a Slack incoming webhook with @slack/webhook, plus what that library leaves to its
 * caller: Slack's rate limit. The library fails a 429 at once and drops the response headers, so
 * the response is observed through its `fetch` hook to read `Retry-After` (seconds, or an HTTP
 * date), and the post is retried a bounded number of times, only while the wait and another
 * request still fit before the deadline (the Lambda's remaining time). Every other failure is
 * thrown, so SNS/Lambda retry the invocation and the dead-letter queue keeps what never went out.
 *
 * Nothing thrown from here mentions the URL (see errors.ts).
 */
import { IncomingWebhook, IncomingWebhookHTTPError, type FetchFunction } from '@slack/webhook';
import type { SlackMessage } from './blocks';
import { SlackError, SlackHttpError, SlackRateLimitedError, SlackRequestError, describeError, redact } from './errors';

export interface SlackWebhookOptions {
  /** Extra attempts after a 429 (default 3, so at most 4 requests per message). */
  maxRateLimitRetries?: number;
  /** Upper bound for one request (default 10 s); a shorter remaining time wins. */
  requestTimeoutMs?: number;
  /** Wait used when a 429 carries no usable Retry-After (default 1 s). */
  defaultRetryAfterMs?: number;
  /** For tests: the transport, the clock and the pause. */
  fetch?: FetchFunction;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PostOptions {
  /** Epoch milliseconds by which the post must be over (retries included). */
  deadline?: number;
}

export interface PostResult {
  /** Requests made, 1 when the first one was accepted. */
  attempts: number;
  /** Total time waited because of 429s. */
  waitedMs: number;
}

/** A request needs at least this much time left to be worth starting. */
export const MIN_REQUEST_BUDGET_MS = 1000;

/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined when absent or unusable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The Slack error string of a response body (`invalid_blocks`), short and without the URL. */
function slackErrorOf(body: string | undefined, url: string): string {
  return redact((body ?? '').trim(), url).replace(/\s+/g, ' ').slice(0, 200);
}

export class SlackWebhook {
  private readonly maxRetries: number;
  private readonly requestTimeoutMs: number;
  private readonly defaultRetryAfterMs: number;
  private readonly fetchFn: FetchFunction;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly url: string,
    opts: SlackWebhookOptions = {},
  ) {
    this.maxRetries = opts.maxRateLimitRetries ?? 3;
    if (!Number.isInteger(this.maxRetries) || this.maxRetries < 0) {
      throw new RangeError(`maxRateLimitRetries must be a non-negative integer, got ${String(opts.maxRateLimitRetries)}`);
    }
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.defaultRetryAfterMs = opts.defaultRetryAfterMs ?? 1000;
    this.fetchFn = opts.fetch ?? (globalThis.fetch as unknown as FetchFunction);
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async post(message: SlackMessage, opts: PostOptions = {}): Promise<PostResult> {
    const deadline = opts.deadline ?? Number.POSITIVE_INFINITY;
    let waitedMs = 0;
    for (let attempt = 1; ; attempt++) {
      const budget = Math.min(this.requestTimeoutMs, deadline - this.now());
      if (budget < MIN_REQUEST_BUDGET_MS) {
        throw new SlackRequestError(`not enough time left for a request (${Math.max(0, Math.round(budget))} ms)`);
      }
      let retryAfterHeader: string | null = null;
      const observe: FetchFunction = async (input, init) => {
        const response = await this.fetchFn(input, init);
        retryAfterHeader = response.headers.get('retry-after');
        return response;
      };
      try {
        await new IncomingWebhook(this.url, { fetch: observe, timeout: budget }).send(message);
        return { attempts: attempt, waitedMs };
      } catch (err) {
        if (!(err instanceof IncomingWebhookHTTPError)) throw this.requestError(err);
        const slackError = slackErrorOf(err.body, this.url);
        if (err.statusCode !== 429) throw new SlackHttpError(err.statusCode, slackError);

        const retryAfterMs = parseRetryAfter(retryAfterHeader, this.now());
        const wait = retryAfterMs ?? this.defaultRetryAfterMs;
        const retryAfterSeconds = retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000);
        if (attempt > this.maxRetries) {
          throw new SlackRateLimitedError(attempt, retryAfterSeconds, `the ${plural(this.maxRetries, 'retry', 'retries')} allowed are used up`);
        }
        const left = deadline - this.now();
        if (wait + MIN_REQUEST_BUDGET_MS > left) {
          throw new SlackRateLimitedError(attempt, retryAfterSeconds, `Retry-After ${Math.ceil(wait / 1000)} s does not fit in the ${Math.max(0, Math.round(left))} ms left`);
        }
        await this.sleep(wait);
        waitedMs += wait;
      }
    }
  }

  /** No HTTP answer: describe it without the URL (fetch's messages may quote it). */
  private requestError(err: unknown): SlackError {
    if (err instanceof SlackError) return err;
    return new SlackRequestError(redact(describeError(err), this.url));
  }
}

function plural(n: number, word: string, many: string): string {
  return `${n} ${n === 1 ? word : many}`;
}
