/**
 * The CloudTrail-via-EventBridge events the handlers accept, as schemas, and what is read from
 * them. Only fields we use are required; everything else passes through untouched.
 */
// zod/mini with named imports: tree-shaken to a few KB instead of ~450 KB of bundle (cold start).
import { looseObject, minLength, nullish, optional, record, string, unknown, type infer as Infer } from 'zod/mini';
import { parseArn } from '../policy/query';
import type { PodIdentityAssociation } from '../policy/types';

const Json = record(string(), unknown());

const NonEmpty = string().check(minLength(1));

export const CloudTrailDetailSchema = looseObject({
  eventID: NonEmpty,
  eventName: NonEmpty,
  eventSource: NonEmpty,
  awsRegion: optional(string()),
  recipientAccountId: optional(string()),
  errorCode: optional(string()),
  errorMessage: optional(string()),
  userIdentity: optional(Json),
  requestParameters: nullish(Json),
  responseElements: nullish(Json),
});
export type CloudTrailDetail = Infer<typeof CloudTrailDetailSchema>;

export const CloudTrailEventSchema = looseObject({
  id: optional(string()),
  'detail-type': string(),
  source: string(),
  account: optional(string()),
  region: optional(string()),
  detail: CloudTrailDetailSchema,
});
export type CloudTrailEvent = Infer<typeof CloudTrailEventSchema>;

export const IAM_EVENTS = ['CreateRole', 'UpdateAssumeRolePolicy'] as const;
export const POD_IDENTITY_EVENTS = ['CreatePodIdentityAssociation', 'UpdatePodIdentityAssociation'] as const;

export type Classified =
  | { kind: 'ignore'; reason: string }
  | { kind: 'role'; roleName: string }
  | { kind: 'association'; association: PodIdentityAssociation };

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Who made the call: the role session's issuer when there is one, else the identity ARN. */
export function actorOf(detail: CloudTrailDetail): string | undefined {
  const ui = detail.userIdentity;
  const issuer = obj(obj(ui?.sessionContext)?.sessionIssuer);
  return str(issuer?.arn) ?? str(ui?.arn) ?? str(ui?.invokedBy) ?? str(ui?.principalId);
}

/** The role name of an IAM trust-policy event: request first, then the response's role ARN. */
export function roleNameOf(detail: CloudTrailDetail): string | undefined {
  const fromRequest = str(detail.requestParameters?.roleName);
  if (fromRequest) return fromRequest;
  const role = obj(detail.responseElements?.role);
  return str(role?.roleName) ?? str(role?.arn)?.split('/').pop();
}

export function associationOf(detail: CloudTrailDetail): PodIdentityAssociation | undefined {
  const req = detail.requestParameters ?? {};
  const res = obj(detail.responseElements?.association) ?? {};
  const clusterName = str(res.clusterName) ?? str(req.clusterName) ?? str(req.name);
  const associationArn = str(res.associationArn);
  const associationId = str(res.associationId) ?? str(req.associationId);
  if (!clusterName && !associationArn) return undefined;
  const clusterAccount = associationArn ? parseArn(associationArn)?.account : detail.recipientAccountId;
  const disable = res.disableSessionTags ?? req.disableSessionTags;
  return {
    clusterName,
    clusterAccount,
    namespace: str(res.namespace) ?? str(req.namespace),
    serviceAccount: str(res.serviceAccount) ?? str(req.serviceAccount),
    associationArn,
    associationId,
    roleArn: str(res.roleArn) ?? str(req.roleArn),
    targetRoleArn: str(res.targetRoleArn) ?? str(req.targetRoleArn),
    externalId: str(res.externalId),
    disableSessionTags: typeof disable === 'boolean' ? disable : undefined,
  };
}

/**
 * Decide what an event asks of us. Failed API calls, other events and events caused by the
 * guardrail itself are acknowledged and ignored (the last is what makes the fix loop-safe).
 */
export function classify(event: CloudTrailEvent, allowed: readonly string[], selfRolePrefix?: string): Classified {
  const d = event.detail;
  if (!allowed.includes(d.eventName)) return { kind: 'ignore', reason: `not a handled event (${d.eventName})` };
  if (d.errorCode) return { kind: 'ignore', reason: `the API call failed (${d.errorCode}); nothing changed` };
  const actor = actorOf(d);
  if (selfRolePrefix && actor && actor.split('/').pop()?.startsWith(selfRolePrefix)) {
    return { kind: 'ignore', reason: `caused by the guardrail itself (${actor})` };
  }
  if ((IAM_EVENTS as readonly string[]).includes(d.eventName)) {
    const roleName = roleNameOf(d);
    return roleName ? { kind: 'role', roleName } : { kind: 'ignore', reason: `no role name in ${d.eventName} event ${d.eventID}` };
  }
  const association = associationOf(d);
  return association
    ? { kind: 'association', association }
    : { kind: 'ignore', reason: `no cluster or association in ${d.eventName} event ${d.eventID}` };
}
