/**
 * Where the Slack webhook URL comes from: an SSM SecureString (read WithDecryption) or a Secrets
 * Manager secret, through Powertools parameters (cached for `maxAgeSeconds`, so a warm Lambda
 * does not call SSM for every message). Each source takes its SDK client in the constructor; SDK
 * errors become the project's AwsAdapterError classes here. The URL itself never appears in an
 * error message or a log line: errors name the parameter or secret, not its value.
 */
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { NotFoundError, mapAwsError } from '../aws/errors';
import { DEFAULT_CACHE_SECONDS } from './config';
import { WebhookUrlError } from './errors';

export interface WebhookUrlSource {
  /** The webhook URL, validated; cached for the source's max age. */
  get(): Promise<string>;
  /** Forget the cached URL (after Slack said the webhook is gone: it may have been rotated). */
  invalidate(): void;
  /** Where the URL is kept, for messages (never the URL). */
  readonly description: string;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Accept an https URL, or plain http to a loopback host (the local stand-in for Slack used by the
 * tests and `npm start`). The messages describe the problem without repeating the value.
 */
export function validateWebhookUrl(value: string, description: string): string {
  const url = value.trim();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookUrlError(`${description} does not hold a valid URL`);
  }
  if (parsed.protocol === 'https:') return url;
  if (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname)) return url;
  throw new WebhookUrlError(`${description} must hold an https URL (plain http is accepted only for a loopback host)`);
}

/** SSM's not-found codes, which lib/aws/errors.ts does not list (it serves IAM, EKS, SNS, …). */
const SSM_NOT_FOUND = new Set(['ParameterNotFound', 'ParameterVersionNotFound']);

/** Powertools wraps SDK errors in GetParameterError; translate the SDK error under it. */
function translate(err: unknown, action: string): Error {
  if (err instanceof WebhookUrlError) return err;
  const sdkError = err instanceof Error && err.cause !== undefined ? err.cause : err;
  if (sdkError instanceof Error && SSM_NOT_FOUND.has(sdkError.name)) {
    return new NotFoundError(action, `${sdkError.name}: ${sdkError.message}`, { code: sdkError.name, cause: sdkError });
  }
  return mapAwsError(sdkError, action);
}

/** SSM Parameter Store, normally a SecureString. `name` may be a name or an ARN. */
export class SsmWebhookUrl implements WebhookUrlSource {
  /** IAM actions used; a SecureString under a customer managed key also needs kms:Decrypt on it. */
  static readonly actions = ['ssm:GetParameter'] as const;

  readonly description: string;
  private readonly provider: SSMProvider;

  constructor(
    client: SSMClient,
    private readonly name: string,
    private readonly maxAgeSeconds: number = DEFAULT_CACHE_SECONDS,
  ) {
    this.provider = new SSMProvider({ awsSdkV3Client: client });
    this.description = `SSM parameter ${name}`;
  }

  async get(): Promise<string> {
    let value: string | undefined;
    try {
      value = await this.provider.get(this.name, { decrypt: true, maxAge: this.maxAgeSeconds });
    } catch (err) {
      throw translate(err, 'ssm:GetParameter');
    }
    if (typeof value !== 'string' || value.trim() === '') throw new WebhookUrlError(`${this.description} is empty`);
    return validateWebhookUrl(value, this.description);
  }

  invalidate(): void {
    this.provider.clearCache();
  }
}

/** JSON keys looked up when a secret holds a JSON object rather than the bare URL. */
export const SECRET_URL_KEYS = ['url', 'webhookUrl', 'webhook_url'] as const;

/** Secrets Manager: the secret string is the URL, or a JSON object with one of SECRET_URL_KEYS. */
export class SecretsManagerWebhookUrl implements WebhookUrlSource {
  static readonly actions = ['secretsmanager:GetSecretValue'] as const;

  readonly description: string;
  private readonly provider: SecretsProvider;

  constructor(
    client: SecretsManagerClient,
    private readonly secretId: string,
    private readonly maxAgeSeconds: number = DEFAULT_CACHE_SECONDS,
  ) {
    this.provider = new SecretsProvider({ awsSdkV3Client: client });
    this.description = `secret ${secretId}`;
  }

  async get(): Promise<string> {
    let raw: string | Uint8Array | undefined;
    try {
      raw = await this.provider.get(this.secretId, { maxAge: this.maxAgeSeconds });
    } catch (err) {
      throw translate(err, 'secretsmanager:GetSecretValue');
    }
    const value = raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : raw;
    if (typeof value !== 'string' || value.trim() === '') throw new WebhookUrlError(`${this.description} is empty`);
    return validateWebhookUrl(this.urlIn(value.trim()), this.description);
  }

  invalidate(): void {
    this.provider.clearCache();
  }

  private urlIn(value: string): string {
    if (!value.startsWith('{')) return value;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new WebhookUrlError(`${this.description} looks like JSON but does not parse`);
    }
    const record = (parsed ?? {}) as Record<string, unknown>;
    for (const key of SECRET_URL_KEYS) {
      if (typeof record[key] === 'string') return record[key];
    }
    throw new WebhookUrlError(`${this.description} is a JSON object without a ${SECRET_URL_KEYS.join(' / ')} key`);
  }
}
