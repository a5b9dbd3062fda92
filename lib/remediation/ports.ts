/**
 * What the remediation service needs from AWS, as interfaces. The adapters of lib/aws satisfy
 * them; unit tests pass fakes. Keeping the service on ports keeps it testable without the SDK.
 */
import type { PodIdentityAssociation } from '../policy/types';

export interface RoleState {
  name: string;
  arn: string;
  path: string;
  accountId: string;
  /** The trust policy as IAM stores it: JSON text, URL-decoded. */
  trustPolicyText: string;
  /** Tags; always `{}` from ListRoles, which returns none. */
  tags: Record<string, string>;
  createDate?: string;
}

export interface RoleStore {
  getRole(name: string): Promise<RoleState | null>;
  updateTrustPolicy(name: string, doc: object): Promise<void>;
  tagRole(name: string, tags: Record<string, string>): Promise<void>;
  listAttachedPolicyArns(name: string): Promise<string[]>;
}

export interface ClusterDirectory {
  fargateProfileArnsForRole(roleArn: string): Promise<string[]>;
  describePodIdentityAssociation(clusterName: string, associationId: string): Promise<PodIdentityAssociation | null>;
  tagResource(arn: string, tags: Record<string, string>): Promise<void>;
}

export interface JournalEntry {
  roleArn: string;
  /** ISO 8601 (`toISOString()`): the sort key orders by it. */
  changedAt: string;
  /** CloudTrail eventID (or the sweep/API request id) that caused the change. */
  eventId: string;
  kind: 'fix' | 'rollback';
  /** The trust policy before the change, JSON text. */
  originalPolicy: string;
  /** The trust policy written, JSON text. */
  newPolicy: string;
  ruleIds: string[];
  actor?: string;
  account?: string;
}

export interface ChangeJournal {
  record(entry: JournalEntry): Promise<void>;
  /**
   * Journal a fix in one conditional write that also guards it. Throws FlappingError (lib/aws/errors)
   * when the role already has `limit` fixes changed at or after `sinceIso`, DuplicateEventError when
   * `entry.eventId` already caused a fix of the role, ConflictError when the entry exists; then
   * nothing is written.
   */
  recordFix(entry: JournalEntry, opts: { sinceIso: string; limit: number }): Promise<void>;
  changesSince(roleArn: string, sinceIso: string): Promise<JournalEntry[]>;
  lastChange(roleArn: string): Promise<JournalEntry | null>;
}

export interface Notifier {
  publish(n: { subject: string; message: unknown; severity: string; outcome: string; ruleIds: string[] }): Promise<string>;
}

export interface EvaluationBus {
  put(detail: unknown): Promise<void>;
}

/** Structured logging the service needs (Powertools Logger satisfies it). */
export interface Log {
  debug(msg: string, ...extra: Record<string, unknown>[]): void;
  info(msg: string, ...extra: Record<string, unknown>[]): void;
  warn(msg: string, ...extra: Record<string, unknown>[]): void;
  error(msg: string, ...extra: Record<string, unknown>[]): void;
}
