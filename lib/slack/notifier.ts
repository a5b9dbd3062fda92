/**
 * The Slack notifier service: one SNS record in, one Slack message out.
 *
 * - evaluation@1 and sweep@1 get their Block Kit messages, CloudWatch alarms a short one;
 * - a message that cannot be displayed (not JSON, unknown schema, wrong shape) is logged with the
 *   reason and posted as a short plain message, so the channel learns that something was sent
 *   and the logs say what (a newer publisher, a bug), instead of the post vanishing;
 * - Slack rejecting the blocks (HTTP 400) gets one retry as plain text, so a formatting bug
 *   cannot swallow an alert;
 * - every other failure is thrown after all records were tried: Lambda's async retries run, then
 *   the function's on-failure destination keeps the event.
 */
import { alarmMessage, evaluationMessage, sweepMessage, textOnly, unreadableMessage, type SlackMessage } from './blocks';
import { SlackError, SlackHttpError, describeError } from './errors';
import { parseNotification, type ParsedNotification } from './messages';
import type { Log } from '../remediation/ports';
import type { WebhookUrlSource } from './secret';
import { SlackWebhook, type PostResult } from './webhook';

/** The fields of an SNS record the notifier reads (Powertools' SnsSchema output fits). */
export interface SnsRecordLike {
  Sns: {
    MessageId: string;
    Message: string;
    Subject?: string | null;
    MessageAttributes?: Record<string, { Type: string; Value: string }>;
  };
}

/** The logging the notifier needs (the Powertools logger fits; remediation's `Log` port shape). */
export type NotifierLog = Pick<Log, 'info' | 'warn' | 'error'>;

export interface SlackNotifierDeps {
  source: WebhookUrlSource;
  log: NotifierLog;
  /** Builds the poster for a URL (tests inject clocks; default: a SlackWebhook with defaults). */
  webhookFor?: (url: string) => SlackWebhook;
}

export interface RecordResult {
  messageId: string;
  kind: ParsedNotification['kind'];
  attempts: number;
  /** True when Slack refused the blocks and the text-only version was posted instead. */
  plainTextFallback?: boolean;
}

export interface NotifyResult {
  posted: RecordResult[];
}

/** Slack statuses meaning "this webhook is gone": re-read the URL on the next try (rotation). */
const WEBHOOK_GONE = new Set([403, 404, 410]);

export function messageFor(parsed: ParsedNotification, record: SnsRecordLike): SlackMessage {
  switch (parsed.kind) {
    case 'evaluation':
      return evaluationMessage(parsed.evaluation);
    case 'sweep':
      return sweepMessage(parsed.sweep);
    case 'alarm':
      return alarmMessage(parsed.alarm);
    default:
      return unreadableMessage({ reason: parsed.reason, messageId: record.Sns.MessageId, subject: record.Sns.Subject });
  }
}

export class SlackNotifier {
  private readonly webhookFor: (url: string) => SlackWebhook;
  private webhook?: { url: string; poster: SlackWebhook };

  constructor(private readonly deps: SlackNotifierDeps) {
    this.webhookFor = deps.webhookFor ?? ((url) => new SlackWebhook(url));
  }

  async notify(records: SnsRecordLike[], opts: { deadline?: number } = {}): Promise<NotifyResult> {
    const posted: RecordResult[] = [];
    const failures: { messageId: string; error: SlackError | Error }[] = [];
    for (const record of records) {
      const messageId = record.Sns.MessageId;
      try {
        posted.push(await this.notifyOne(record, opts.deadline));
      } catch (err) {
        const error = err instanceof Error ? err : new Error(describeError(err));
        this.deps.log.error('notification not posted to Slack', { messageId, error });
        failures.push({ messageId, error });
      }
    }
    if (failures.length === 0) return { posted };
    if (failures.length === 1 && records.length === 1) throw failures[0].error;
    const retryable = failures.some((f) => !(f.error instanceof SlackError) || f.error.retryable);
    throw new SlackError(
      `${failures.length} of ${records.length} notifications not posted to Slack: ${failures.map((f) => `${f.messageId}: ${f.error.message}`).join('; ')}`,
      retryable,
    );
  }

  private async notifyOne(record: SnsRecordLike, deadline: number | undefined): Promise<RecordResult> {
    const messageId = record.Sns.MessageId;
    const parsed = parseNotification(record.Sns.Message);
    if (parsed.kind === 'unknown' || parsed.kind === 'unreadable') {
      this.deps.log.warn('notification cannot be displayed; posting a short plain message', {
        messageId,
        subject: record.Sns.Subject ?? undefined,
        schema: parsed.schema,
        reason: parsed.reason,
      });
    }
    const message = messageFor(parsed, record);
    const poster = await this.poster();

    let result: PostResult;
    let plainTextFallback = false;
    try {
      result = await poster.post(message, { deadline });
    } catch (err) {
      if (err instanceof SlackHttpError && err.status === 400 && message.blocks) {
        this.deps.log.warn('Slack refused the blocks; posting the message as plain text', { messageId, slackError: err.slackError });
        result = await poster.post(textOnly(message), { deadline });
        plainTextFallback = true;
      } else {
        if (err instanceof SlackHttpError && WEBHOOK_GONE.has(err.status)) this.forgetWebhook();
        throw err;
      }
    }
    this.deps.log.info('notification posted to Slack', { messageId, kind: parsed.kind, attempts: result.attempts, waitedMs: result.waitedMs });
    return { messageId, kind: parsed.kind, attempts: result.attempts, ...(plainTextFallback ? { plainTextFallback } : {}) };
  }

  private async poster(): Promise<SlackWebhook> {
    const url = await this.deps.source.get();
    if (this.webhook?.url !== url) this.webhook = { url, poster: this.webhookFor(url) };
    return this.webhook.poster;
  }

  private forgetWebhook(): void {
    this.deps.source.invalidate();
    this.webhook = undefined;
  }
}
