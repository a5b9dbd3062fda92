/** `podIdentityEvents`: Create/UpdatePodIdentityAssociation from CloudTrail (each cluster region). */
import { POD_IDENTITY_EVENTS, actorOf } from '../lib/handler/cloudtrail';
import { cloudTrailHandler } from '../lib/handler/middleware';
import { buildRemediator } from '../lib/handler/runtime';

export const handler = cloudTrailHandler(POD_IDENTITY_EVENTS, async (event, work) => {
  if (work.kind !== 'association') return { status: 'ignored', reason: 'not an association event' };
  const account = event.detail.recipientAccountId ?? event.account ?? '';
  const region = event.detail.awsRegion ?? event.region;
  const report = await buildRemediator(account, region).remediateAssociation(work.association, {
    trigger: { source: 'cloudtrail', eventName: event.detail.eventName, eventId: event.detail.eventID, actor: actorOf(event.detail) },
  });
  return { status: 'processed', outcome: report.outcome, roleName: report.roleName, reason: report.reason };
});
