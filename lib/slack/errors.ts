/**
 * The Slack notifier's own error classes. The webhook URL is a bearer secret (whoever has it can
 * post to the channel), so no error made here carries it: messages are composed from status codes
 * and Slack's short error strings, and the raw errors of fetch or the Slack library (whose
 * messages and fields may quote the URL, e.g. `Failed to parse URL from …`) are never attached as
 * `cause`, because the logger serialises causes and every enumerable field.
 */

export class SlackError extends Error {
  /** True when trying again later may succeed (SNS/Lambda retry, then the dead-letter queue). */
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean) {
    super(message);
    this.name = new.target.name;
    this.retryable = retryable;
  }
}

/** Slack answered with an HTTP error status. */
export class SlackHttpError extends SlackError {
  /** Slack's error string from the body, e.g. `invalid_blocks`, `no_service` (at most 200 chars). */
  readonly slackError: string;

  constructor(
    readonly status: number,
    slackError: string,
    message?: string,
  ) {
    super(message ?? `Slack webhook answered HTTP ${status}${slackError ? ` (${slackError})` : ''}`, status >= 500 || status === 429);
    this.slackError = slackError;
  }
}

/** Still rate limited after the retries the remaining time allowed. */
export class SlackRateLimitedError extends SlackHttpError {
  constructor(
    readonly attempts: number,
    readonly retryAfterSeconds: number | undefined,
    why: string,
  ) {
    super(429, 'rate_limited', `Slack webhook still rate limited after ${attempts} attempt(s): ${why}`);
  }
}

/** No HTTP answer at all: network failure, DNS, TLS, or the request timed out. */
export class SlackRequestError extends SlackError {
  constructor(detail: string) {
    super(`Slack webhook request failed: ${detail}`, true);
  }
}

/** The webhook URL could not be obtained or is not usable (configuration or secret content). */
export class WebhookUrlError extends SlackError {
  constructor(message: string, retryable = false) {
    super(message, retryable);
  }
}

/** Replace every occurrence of the secret (and of its path, the secret part) in a text. */
export function redact(text: string, secret: string | undefined): string {
  if (!secret) return text;
  let out = text.split(secret).join('<webhook-url>');
  try {
    const { pathname, search } = new URL(secret);
    const tail = `${pathname}${search}`;
    if (tail.length > 1) out = out.split(tail).join('<webhook-path>');
  } catch {
    // Not a URL: the whole-string replacement above is all there is to do.
  }
  return out;
}

/**
 * The messages of an error and its causes, joined, without stacks or extra fields; system error
 * codes (`ECONNREFUSED`, `UND_ERR_…`) are kept. Duck-typed: fetch's errors may come from another
 * realm (instanceof Error fails there).
 */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (typeof current === 'object' && typeof (current as { message?: unknown }).message === 'string') {
      const { message, code, cause } = current as { message: string; code?: unknown; cause?: unknown };
      const systemCode = typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code) && !message.includes(code) ? code : '';
      if (message && systemCode) parts.push(`${message} [${systemCode}]`);
      else if (message || systemCode) parts.push(message || systemCode);
      current = cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(': ') || 'unknown error';
}

/** The notifier's configuration (environment) is missing or wrong. */
export class SlackConfigError extends SlackError {
  constructor(message: string) {
    super(message, false);
  }
}
