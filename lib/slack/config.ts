/**
 * slackNotifier configuration, read from the environment once per cold start. The environment
 * names where the webhook URL is kept, never the URL itself: a value that looks like a URL is
 * refused, and so is a SLACK_WEBHOOK_URL variable (environment variables are readable by anyone
 * with lambda:GetFunctionConfiguration and end up in deployment templates).
 */
import { SlackConfigError } from './errors';

export type WebhookUrlLocation =
  /** SSM Parameter Store, normally a SecureString (read WithDecryption). Name or ARN. */
  | { kind: 'ssm'; name: string; region: string }
  /** Secrets Manager: the secret string is the URL, or JSON with a `url` (or `webhookUrl`) key. */
  | { kind: 'secretsmanager'; secretId: string; region: string };

export interface SlackConfig {
  webhook: WebhookUrlLocation;
  /** How long a fetched URL is reused (seconds); rotation takes effect within this time. */
  cacheSeconds: number;
}

export const DEFAULT_CACHE_SECONDS = 300;

const LOOKS_LIKE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The region in an ARN (`arn:partition:service:region:account:…`), if it names one. */
function regionOfArn(value: string): string | undefined {
  const parts = value.split(':');
  return parts[0] === 'arn' && parts.length >= 6 && parts[3] ? parts[3] : undefined;
}

export function loadSlackConfig(env: Record<string, string | undefined> = process.env): SlackConfig {
  if (env.SLACK_WEBHOOK_URL !== undefined) {
    throw new SlackConfigError(
      'SLACK_WEBHOOK_URL is not supported: keep the webhook URL in SSM Parameter Store (SecureString) or Secrets Manager ' +
        'and set SLACK_WEBHOOK_PARAMETER or SLACK_WEBHOOK_SECRET_ARN to its name',
    );
  }
  const parameter = env.SLACK_WEBHOOK_PARAMETER?.trim() || undefined;
  const secret = env.SLACK_WEBHOOK_SECRET_ARN?.trim() || undefined;
  if (parameter && secret) {
    throw new SlackConfigError('set either SLACK_WEBHOOK_PARAMETER or SLACK_WEBHOOK_SECRET_ARN, not both');
  }
  if (!parameter && !secret) {
    throw new SlackConfigError('neither SLACK_WEBHOOK_PARAMETER nor SLACK_WEBHOOK_SECRET_ARN is set: the notifier has no webhook');
  }
  const variable = parameter ? 'SLACK_WEBHOOK_PARAMETER' : 'SLACK_WEBHOOK_SECRET_ARN';
  const where = (parameter ?? secret) as string;
  if (LOOKS_LIKE_URL.test(where)) {
    // Never echo the value: it is probably the secret itself.
    throw new SlackConfigError(`${variable} holds a URL; it must name the SSM parameter or secret that holds the webhook URL`);
  }
  const defaultRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  const region = regionOfArn(where) ?? defaultRegion;

  const cacheRaw = env.SLACK_WEBHOOK_CACHE_SECONDS?.trim();
  const cacheSeconds = cacheRaw ? Number(cacheRaw) : DEFAULT_CACHE_SECONDS;
  if (!Number.isInteger(cacheSeconds) || cacheSeconds < 0 || cacheSeconds > 86_400) {
    throw new SlackConfigError(`SLACK_WEBHOOK_CACHE_SECONDS must be an integer between 0 and 86400, got "${cacheRaw}"`);
  }
  return {
    webhook: parameter ? { kind: 'ssm', name: parameter, region } : { kind: 'secretsmanager', secretId: where, region },
    cacheSeconds,
  };
}
