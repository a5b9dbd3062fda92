/**
 * Wiring: build the remediation service from configuration and the client factory. Clients are
 * created once per cold start (per account and region) and reused across invocations.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { ClientFactory } from '../aws/clients';
import { EksAdapter } from '../aws/eks';
import { EvaluationEventPublisher } from '../aws/events';
import { IamAdapter } from '../aws/iam';
import { Journal } from '../aws/journal';
import { NotificationPublisher } from '../aws/sns';
import { loadConfig, type ServiceConfig } from '../remediation/config';
import { Remediator, type RemediatorDeps } from '../remediation/remediator';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'eks-trust-guard' });

let factory: ClientFactory | undefined;
let config: ServiceConfig | undefined;

export function clientFactory(): ClientFactory {
  factory ??= new ClientFactory();
  return factory;
}

export function serviceConfig(): ServiceConfig {
  config ??= loadConfig();
  return config;
}

/** For tests: forget cached configuration and clients (new environment, new emulator). */
export function resetRuntime(): void {
  factory = undefined;
  config = undefined;
}

/** Name prefix of the guardrail's own roles (never changed; their events are ignored). */
export function selfRolePrefix(): string | undefined {
  return process.env.SELF_ROLE_PREFIX?.trim() || undefined;
}

/** The Remediator's dependencies for an account (and the region an event came from). */
export function remediatorDeps(account: string, region?: string): RemediatorDeps {
  const cfg = serviceConfig();
  const clients = clientFactory().forTarget({ region: region ?? cfg.region, accountId: account });
  const eksRegions = region && !cfg.eksRegions.includes(region) ? [region, ...cfg.eksRegions] : cfg.eksRegions;
  return {
    roles: new IamAdapter(clients.iam),
    clusters: eksRegions.map((r) => new EksAdapter(clientFactory().forTarget({ region: r, accountId: account }).eks)),
    journal: new Journal(clients.dynamodb, cfg.journalTable),
    notifier: cfg.topicArn ? new NotificationPublisher(clients.sns, cfg.topicArn) : undefined,
    bus: cfg.eventBusName ? new EvaluationEventPublisher(clients.eventBridge, cfg.eventBusName) : undefined,
    config: cfg,
    log: logger,
    account,
    selfRolePrefix: selfRolePrefix(),
  };
}

export function buildRemediator(account: string, region?: string): Remediator {
  return new Remediator(remediatorDeps(account, region));
}
