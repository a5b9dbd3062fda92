/** `iamEvents`: CreateRole / UpdateAssumeRolePolicy from CloudTrail (us-east-1). Thin by design. */
import { IAM_EVENTS, actorOf } from '../lib/handler/cloudtrail';
import { cloudTrailHandler } from '../lib/handler/middleware';
import { buildRemediator } from '../lib/handler/runtime';

export const handler = cloudTrailHandler(IAM_EVENTS, async (event, work) => {
  if (work.kind !== 'role') return { status: 'ignored', reason: 'not a role event' };
  const account = event.detail.recipientAccountId ?? event.account ?? '';
  const report = await buildRemediator(account).remediateRole(work.roleName, {
    trigger: { source: 'cloudtrail', eventName: event.detail.eventName, eventId: event.detail.eventID, actor: actorOf(event.detail) },
  });
  return { status: 'processed', outcome: report.outcome, roleName: report.roleName, reason: report.reason };
});
