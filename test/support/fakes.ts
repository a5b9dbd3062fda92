/**
 * In-memory stand-ins for the remediation ports, recording every call, so the remediation logic
 * is tested without the SDK (the adapters have their own tests, and the emulator tests join both).
 */
import type {
  ChangeJournal,
  ClusterDirectory,
  EvaluationBus,
  JournalEntry,
  Log,
  Notifier,
  RoleState,
  RoleStore,
} from '../../lib/remediation/ports';
import type { PodIdentityAssociation } from '../../lib/policy/types';
import { ConflictError, DuplicateEventError, FlappingError } from '../../lib/aws/errors';

export type Call = [string, ...unknown[]];

export class FakeRoles implements RoleStore {
  roles = new Map<string, RoleState>();
  attached = new Map<string, string[]>();
  calls: Call[] = [];
  failUpdate?: Error;

  put(role: Omit<RoleState, 'tags' | 'path' | 'accountId' | 'trustPolicyText'> & { policy: object | string; tags?: Record<string, string>; path?: string }) {
    const accountId = role.arn.split(':')[4];
    this.roles.set(role.name, {
      name: role.name,
      arn: role.arn,
      path: role.path ?? '/',
      accountId,
      trustPolicyText: typeof role.policy === 'string' ? role.policy : JSON.stringify(role.policy),
      tags: { ...(role.tags ?? {}) },
    });
  }
  async getRole(name: string) {
    this.calls.push(['getRole', name]);
    const r = this.roles.get(name);
    return r ? { ...r, tags: { ...r.tags } } : null;
  }
  async updateTrustPolicy(name: string, doc: object) {
    this.calls.push(['updateTrustPolicy', name, doc]);
    if (this.failUpdate) throw this.failUpdate;
    const r = this.roles.get(name);
    if (r) r.trustPolicyText = JSON.stringify(doc);
  }
  async tagRole(name: string, tags: Record<string, string>) {
    this.calls.push(['tagRole', name, tags]);
    const r = this.roles.get(name);
    if (r) Object.assign(r.tags, tags);
  }

  async listAttachedPolicyArns(name: string) {
    this.calls.push(['listAttachedPolicyArns', name]);
    return this.attached.get(name) ?? [];
  }
}

export class FakeClusters implements ClusterDirectory {
  profiles = new Map<string, string[]>();
  associations = new Map<string, PodIdentityAssociation>();
  calls: Call[] = [];
  async fargateProfileArnsForRole(roleArn: string) {
    this.calls.push(['fargateProfileArnsForRole', roleArn]);
    return this.profiles.get(roleArn) ?? [];
  }
  async describePodIdentityAssociation(clusterName: string, associationId: string) {
    this.calls.push(['describePodIdentityAssociation', clusterName, associationId]);
    return this.associations.get(`${clusterName}/${associationId}`) ?? null;
  }
  async tagResource(arn: string, tags: Record<string, string>) {
    this.calls.push(['tagResource', arn, tags]);
  }
}

export class FakeJournal implements ChangeJournal {
  entries: JournalEntry[] = [];
  calls: Call[] = [];
  /** Event ids that caused a fix, per role (the journal's event markers). */
  fixEvents = new Set<string>();
  async record(entry: JournalEntry) {
    this.calls.push(['record', entry]);
    this.entries.push(entry);
  }
  /** Same semantics as Journal.recordFix: flap window, duplicate event, all or nothing. */
  async recordFix(entry: JournalEntry, opts: { sinceIso: string; limit: number }) {
    this.calls.push(['recordFix', entry, opts]);
    const fixes = this.entries.filter((e) => e.roleArn === entry.roleArn && e.kind === 'fix' && e.changedAt >= opts.sinceIso);
    if (fixes.length >= opts.limit) throw new FlappingError('dynamodb:TransactWriteItems', `role ${entry.roleArn} flapping`);
    const marker = `${entry.roleArn} ${entry.eventId}`;
    if (this.fixEvents.has(marker)) throw new DuplicateEventError('dynamodb:TransactWriteItems', `event ${entry.eventId} already caused a fix`);
    if (this.entries.some((e) => e.roleArn === entry.roleArn && e.changedAt === entry.changedAt && e.eventId === entry.eventId)) {
      throw new ConflictError('dynamodb:TransactWriteItems', 'entry exists', false);
    }
    this.fixEvents.add(marker);
    this.entries.push(entry);
  }
  async changesSince(roleArn: string, sinceIso: string) {
    this.calls.push(['changesSince', roleArn, sinceIso]);
    return this.entries.filter((e) => e.roleArn === roleArn && e.changedAt >= sinceIso);
  }
  async lastChange(roleArn: string) {
    this.calls.push(['lastChange', roleArn]);
    const mine = this.entries.filter((e) => e.roleArn === roleArn);
    return mine[mine.length - 1] ?? null;
  }
}

export class FakeNotifier implements Notifier {
  published: { subject: string; message: unknown; severity: string; outcome: string; ruleIds: string[] }[] = [];
  async publish(n: { subject: string; message: unknown; severity: string; outcome: string; ruleIds: string[] }) {
    this.published.push(n);
    return `msg-${this.published.length}`;
  }
}

export class FakeBus implements EvaluationBus {
  events: unknown[] = [];
  async put(detail: unknown) {
    this.events.push(detail);
  }
}

export class MemoryLog implements Log {
  lines: { level: string; msg: string; extra: Record<string, unknown>[] }[] = [];
  debug(msg: string, ...extra: Record<string, unknown>[]) {
    this.lines.push({ level: 'debug', msg, extra });
  }
  info(msg: string, ...extra: Record<string, unknown>[]) {
    this.lines.push({ level: 'info', msg, extra });
  }
  warn(msg: string, ...extra: Record<string, unknown>[]) {
    this.lines.push({ level: 'warn', msg, extra });
  }
  error(msg: string, ...extra: Record<string, unknown>[]) {
    this.lines.push({ level: 'error', msg, extra });
  }
}
