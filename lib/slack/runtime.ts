/**
 * Wiring of slackNotifier: configuration, the SSM or Secrets Manager client, the notifier. Built
 * once per cold start. The clients follow ClientFactory's conventions (retries, user agent;
 * endpoints from AWS_ENDPOINT_URL[_SSM|_SECRETS_MANAGER], which the SDK reads itself) but are
 * made here: ClientFactory has no SSM or Secrets Manager client, and only this function needs one.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DEFAULT_MAX_ATTEMPTS, USER_AGENT } from '../aws/clients';
import { logger } from '../handler/runtime';
import { loadSlackConfig, type SlackConfig } from './config';
import { SlackNotifier } from './notifier';
import { SecretsManagerWebhookUrl, SsmWebhookUrl, type WebhookUrlSource } from './secret';

let notifier: SlackNotifier | undefined;

/** The source named by the configuration, with its client in the region the ARN names (or ours). */
export function webhookUrlSource(config: SlackConfig): WebhookUrlSource {
  const clientConfig = {
    region: config.webhook.region,
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    retryMode: 'adaptive',
    customUserAgent: USER_AGENT,
  };
  return config.webhook.kind === 'ssm'
    ? new SsmWebhookUrl(new SSMClient(clientConfig), config.webhook.name, config.cacheSeconds)
    : new SecretsManagerWebhookUrl(new SecretsManagerClient(clientConfig), config.webhook.secretId, config.cacheSeconds);
}

export function slackNotifier(): SlackNotifier {
  notifier ??= new SlackNotifier({ source: webhookUrlSource(loadSlackConfig()), log: logger });
  return notifier;
}

/** For tests: forget the notifier (new environment, new cached URL). */
export function resetSlackRuntime(): void {
  notifier = undefined;
}
