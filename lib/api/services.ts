/** Wiring of the API's services onto the remediation service and the adapters. */
import { IamAdapter } from '../aws/iam';
import { Journal } from '../aws/journal';
import { NotificationPublisher } from '../aws/sns';
import { buildRemediator, clientFactory, logger, serviceConfig } from '../handler/runtime';
import { rollbackLastChange } from '../remediation/rollback';
import type { ApiServices } from './router';

export type SweepStarter = ApiServices['startSweep'];

export function apiServices(account: string, startSweep: SweepStarter): ApiServices {
  const cfg = serviceConfig();
  const clients = clientFactory().forTarget({ region: cfg.region, accountId: account });
  const roles = new IamAdapter(clients.iam);
  return {
    trustedAccounts: cfg.trustedAccounts,
    maxPolicyLength: cfg.maxPolicyLength,
    getRole: (name) => roles.getRole(name),
    remediate: (name, mode, actor, requestId) =>
      buildRemediator(account).remediateRole(name, { mode, trigger: { source: 'api', eventName: 'RemediateRole', eventId: `api-${requestId}`, actor } }),
    rollback: (name, actor, requestId) =>
      rollbackLastChange(
        {
          roles,
          journal: new Journal(clients.dynamodb, cfg.journalTable),
          notifier: cfg.topicArn ? new NotificationPublisher(clients.sns, cfg.topicArn) : undefined,
          config: cfg,
          log: logger,
          account,
        },
        name,
        { source: 'api', eventName: 'RollbackRole', eventId: `api-${requestId}`, actor },
      ),
    startSweep,
  };
}
