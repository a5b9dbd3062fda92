/**
 * SNS adapter: publishes notifications (CONTRACTS.md) with the message attributes subscribers
 * filter on.
 */
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import { AwsAdapterError, callAws } from './errors';

export interface Notification {
  subject: string;
  /** The JSON body; a string is sent as is, anything else as JSON text. */
  message: unknown;
  /** Highest severity, e.g. `high`. */
  severity: string;
  /** `fixed`, `tagged`, `reported`, `exempt`, `failed` (or `summary` for a sweep). */
  outcome: string;
  ruleIds: string[];
}

/** SNS subjects: "less than 100 characters" say the docs; SNS accepts exactly 100. */
export const MAX_SUBJECT_LENGTH = 100;

/**
 * Make a subject SNS accepts: ASCII only, no line breaks or control characters, starting with a
 * letter, digit or punctuation, at most 100 characters. Accented letters lose their accents; other
 * non-ASCII characters become `?`. Returns '' when nothing is left (the subject is then omitted).
 */
export function sanitiseSubject(subject: string): string {
  const ascii = subject
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[\p{Cc}\s]+/gu, ' ')
    .replace(/[^\u0020-\u007e]/gu, '?')
    .trim();
  return ascii.length <= MAX_SUBJECT_LENGTH ? ascii : `${ascii.slice(0, MAX_SUBJECT_LENGTH - 3).trimEnd()}...`;
}

export class NotificationPublisher {
  static readonly actions = ['sns:Publish'] as const;

  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  /** Publish one notification; resolves to SNS's MessageId. */
  async publish(n: Notification): Promise<string> {
    const subject = sanitiseSubject(n.subject);
    const message = typeof n.message === 'string' ? n.message : JSON.stringify(n.message);
    const out = await callAws('sns:Publish', () =>
      this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Message: message,
          ...(subject ? { Subject: subject } : {}),
          MessageAttributes: messageAttributes(n),
        }),
      ),
    );
    if (!out.MessageId) throw new AwsAdapterError('sns:Publish', 'SNS returned no MessageId', true);
    return out.MessageId;
  }
}

/**
 * SNS rejects attributes with an empty value, so empty severity/outcome are left out. `ruleIds` is
 * a String.Array (JSON array text); with no rule ids it is left out too rather than sent as `[]`,
 * which moto accepts but real SNS's handling is not documented: filter with `{"exists": false}`.
 */
export function messageAttributes(n: Pick<Notification, 'severity' | 'outcome' | 'ruleIds'>): Record<string, MessageAttributeValue> {
  const attrs: Record<string, MessageAttributeValue> = {};
  if (n.severity) attrs.severity = { DataType: 'String', StringValue: n.severity };
  if (n.outcome) attrs.outcome = { DataType: 'String', StringValue: n.outcome };
  if (n.ruleIds.length > 0) attrs.ruleIds = { DataType: 'String.Array', StringValue: JSON.stringify(n.ruleIds) };
  return attrs;
}
