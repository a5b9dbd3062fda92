/**
 * CloudTrail input: a raw record, an EventBridge "AWS API Call via CloudTrail" envelope, a
 * CloudTrail log file (`{"Records": [...]}`) or `aws cloudtrail lookup-events` output. Only
 * CreateRole and UpdateAssumeRolePolicy carry a trust policy; every other record gets a clear
 * "not evaluated" outcome instead of a finding.
 */
import { parseArn } from '../policy/query';
import type { EvaluationContext } from '../policy/types';
import type { Subject } from './types';

export const TRUST_POLICY_EVENTS = ['CreateRole', 'UpdateAssumeRolePolicy'] as const;
export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function isEventBridgeEnvelope(v: Json): boolean {
  return typeof v['detail-type'] === 'string' && 'detail' in v;
}

export function isCloudTrailRecord(v: Json): boolean {
  return typeof v.eventName === 'string' && (typeof v.eventSource === 'string' || 'eventVersion' in v || isObject(v.userIdentity));
}

function isLogFile(v: Json): boolean {
  return Array.isArray(v.Records) && v.Records.every((r) => isObject(r) && isCloudTrailRecord(r));
}

function isLookupEventsOutput(v: Json): boolean {
  return Array.isArray(v.Events) && v.Events.length > 0 && v.Events.every((e) => isObject(e) && typeof e.CloudTrailEvent === 'string');
}

/** True when `v` is any of the CloudTrail shapes this module reads. */
export function looksLikeCloudTrail(v: Json): boolean {
  return isEventBridgeEnvelope(v) || isCloudTrailRecord(v) || isLogFile(v) || isLookupEventsOutput(v);
}

/** The partition of the first ARN found: the caller's identity first, then anywhere in the record. */
function partitionOfRecord(rec: Json): string | undefined {
  const identity = isObject(rec.userIdentity) ? rec.userIdentity : {};
  const first = str(identity.arn) ? parseArn(identity.arn as string) : null;
  if (first) return first.partition;
  const stack: unknown[] = [rec];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      const arn = v.startsWith('arn:') ? parseArn(v) : null;
      if (arn && arn.partition) return arn.partition;
    } else if (Array.isArray(v)) stack.push(...v);
    else if (isObject(v)) stack.push(...Object.values(v));
  }
  return undefined;
}

function withAccount(arn: string, account: string): string {
  const parts = arn.split(':');
  if (parts.length < 6) return arn;
  parts[4] = account;
  return parts.join(':');
}

export interface CloudTrailOptions {
  /** `--account`: overrides the account of the role named in the record. */
  account?: string;
}

/** Turn one CloudTrail record into a subject (evaluated or skipped with a reason). */
export function subjectFromRecord(rec: Json, source: string, file: string, opts: CloudTrailOptions = {}): Subject {
  const eventName = str(rec.eventName);
  const request = isObject(rec.requestParameters) ? rec.requestParameters : {};
  const response = isObject(rec.responseElements) ? rec.responseElements : {};
  const role = isObject(response.role) ? response.role : {};
  const roleName = str(request.roleName) ?? str(role.roleName) ?? null;
  const subject: Subject = { source, file, kind: 'cloudtrail', roleName, roleArn: null, context: {}, notes: [] };

  if (!eventName || !(TRUST_POLICY_EVENTS as readonly string[]).includes(eventName)) {
    subject.skipped = `not a trust-policy event (${eventName ?? 'no eventName'})`;
    return subject;
  }
  const errorCode = str(rec.errorCode);
  if (errorCode) {
    subject.skipped = `the API call failed (${errorCode}), not evaluated`;
    return subject;
  }

  const recordAccount = str(rec.recipientAccountId) ?? (isObject(rec.userIdentity) ? str(rec.userIdentity.accountId) : undefined);
  const partition = (str(role.arn) && parseArn(role.arn as string)?.partition) || partitionOfRecord(rec) || 'aws';
  const path = str(request.path) ?? str(role.path) ?? '/';
  let roleArn = str(role.arn) ?? null;
  if (!roleArn && roleName && recordAccount) {
    // UpdateAssumeRolePolicy names the role but not its path; the ARN is the path-less one.
    roleArn = `arn:${partition}:iam::${recordAccount}:role${path}${roleName}`;
  }
  subject.roleArn = roleArn;

  const document =
    eventName === 'CreateRole' ? request.assumeRolePolicyDocument ?? role.assumeRolePolicyDocument : request.policyDocument;
  if (document === undefined || document === null || document === '') {
    const where = eventName === 'CreateRole' ? 'requestParameters.assumeRolePolicyDocument or responseElements.role' : 'requestParameters.policyDocument';
    subject.skipped = `no trust policy document in the record (no ${where})${roleName ? `; read the role's current policy with: aws iam get-role --role-name ${roleName}` : ''}`;
    return subject;
  }
  subject.policy = document;

  const context: EvaluationContext = {};
  if (opts.account) {
    // --account wins; keep the ARN's partition and path by rewriting only its account field.
    const arnAccount = roleArn ? parseArn(roleArn)?.account : recordAccount;
    if (arnAccount && arnAccount !== opts.account) subject.notes.push(`account ${opts.account} from --account replaces the record's account ${arnAccount}`);
    if (roleArn) context.roleArn = withAccount(roleArn, opts.account);
    else context.account = opts.account;
  } else if (roleArn) context.roleArn = roleArn;
  else if (recordAccount) context.account = recordAccount;
  else subject.notes.push("the record names no account: rules that compare accounts cannot tell the role's own account (pass --account)");
  if (path !== '/') context.rolePath = path;
  if (!roleName) subject.notes.push('the record does not name the role (no requestParameters.roleName)');
  subject.context = context;
  return subject;
}

/** All subjects of a CloudTrail-shaped document (see `looksLikeCloudTrail`). */
export function subjectsFromCloudTrail(value: Json, file: string, opts: CloudTrailOptions = {}): Subject[] {
  if (isEventBridgeEnvelope(value)) {
    const detailType = value['detail-type'] as string;
    if (detailType !== CLOUDTRAIL_DETAIL_TYPE || !isObject(value.detail)) {
      return [
        {
          source: file,
          file,
          kind: 'cloudtrail',
          roleName: null,
          roleArn: null,
          context: {},
          notes: [],
          skipped: `an EventBridge event of type "${detailType}", not "${CLOUDTRAIL_DETAIL_TYPE}"`,
        },
      ];
    }
    return [subjectFromRecord(value.detail, file, file, opts)];
  }
  if (Array.isArray(value.Records)) {
    if (value.Records.length === 0) {
      return [{ source: file, file, kind: 'cloudtrail', roleName: null, roleArn: null, context: {}, notes: [], skipped: 'a CloudTrail log file with no records' }];
    }
    return value.Records.map((r, i) => subjectFromRecord(r as Json, `${file}#Records[${i}]`, file, opts));
  }
  if (isLookupEventsOutput(value)) {
    return (value.Events as Json[]).map((e, i) => {
      const source = `${file}#Events[${i}]`;
      let rec: unknown;
      try {
        rec = JSON.parse(e.CloudTrailEvent as string);
      } catch {
        rec = undefined;
      }
      if (!isObject(rec)) {
        return { source, file, kind: 'cloudtrail', roleName: null, roleArn: null, context: {}, notes: [], skipped: 'CloudTrailEvent is not a JSON record' } satisfies Subject;
      }
      return subjectFromRecord(rec, source, file, opts);
    });
  }
  return [subjectFromRecord(value, file, file, opts)];
}
