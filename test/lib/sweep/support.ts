/**
 * Fakes for the sweep's ports, on top of test/support/fakes.ts: a paged role source over
 * FakeRoles (re-read each sweep, so the tags one sweep writes are seen by the next), an EKS
 * reader per region, and a wiring that runs the real Remediator over the fakes.
 */
import type { PodIdentityAssociation } from '../../../lib/policy/types';
import { loadConfig, type ServiceConfig } from '../../../lib/remediation/config';
import { Remediator, type RemediationReport, type RoleRequest } from '../../../lib/remediation/remediator';
import { PrefetchedClusterDirectory } from '../../../lib/sweep/inventory';
import type { ClusterReader, FargateProfileSummary, Inventory, RoleDetailsPage, RoleSource, SweepRemediator } from '../../../lib/sweep/ports';
import type { SweepDeps } from '../../../lib/sweep/sweep';
import { FakeClusters, FakeJournal, FakeNotifier, FakeRoles, MemoryLog } from '../../support/fakes';

export const ACCOUNT = '111122223333';
export const NOW = new Date('2026-11-23T12:00:00Z');

export const arn = (name: string, path = '/') => `arn:aws:iam::${ACCOUNT}:role${path}${name}`;

export const policies = {
  podIdentityNoTagSession: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }],
  },
  irsaNoSub: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud': 'sts.amazonaws.com' } },
      },
    ],
  },
  foreignRoot: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'sts:AssumeRole' }],
  },
  node: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
  fargate: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks-fargate-pods.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
};

/** GetAccountAuthorizationDetails over FakeRoles: pages in name order, markers are offsets. */
export class FakeRoleSource implements RoleSource {
  calls: (string | undefined)[] = [];
  onPage?: (n: number) => void;

  constructor(
    private readonly roles: FakeRoles,
    private readonly pageSize: number,
  ) {}

  async roleDetailsPage(marker?: string): Promise<RoleDetailsPage> {
    this.calls.push(marker);
    this.onPage?.(this.calls.length);
    const all = [...this.roles.roles.values()].sort((a, b) => a.name.localeCompare(b.name));
    const start = marker ? Number(marker) : 0;
    const end = start + this.pageSize;
    const roles = all.slice(start, end).map((r) => ({ role: { ...r, tags: { ...r.tags } }, attachedPolicies: [...(this.roles.attached.get(r.name) ?? [])] }));
    return end < all.length ? { roles, marker: String(end) } : { roles };
  }
}

export interface FakeCluster {
  nodegroups?: Record<string, string>;
  fargate?: Record<string, FargateProfileSummary>;
  associations?: PodIdentityAssociation[];
  failAssociations?: Error;
}

/** EKS in one region: clusters by name. */
export class FakeClusterReader implements ClusterReader {
  calls: string[] = [];
  failList?: Error;

  constructor(public clusters: Record<string, FakeCluster> = {}) {}

  async listClusters() {
    this.calls.push('listClusters');
    if (this.failList) throw this.failList;
    return Object.keys(this.clusters);
  }
  async listNodegroups(c: string) {
    this.calls.push(`listNodegroups ${c}`);
    return Object.keys(this.clusters[c]?.nodegroups ?? {});
  }
  async nodegroupRoleArn(c: string, ng: string) {
    this.calls.push(`nodegroupRoleArn ${c}/${ng}`);
    return this.clusters[c]?.nodegroups?.[ng] ?? null;
  }
  async listFargateProfiles(c: string) {
    this.calls.push(`listFargateProfiles ${c}`);
    return Object.keys(this.clusters[c]?.fargate ?? {});
  }
  async describeFargateProfile(c: string, p: string) {
    this.calls.push(`describeFargateProfile ${c}/${p}`);
    return this.clusters[c]?.fargate?.[p] ?? null;
  }
  async listPodIdentityAssociations(c: string) {
    this.calls.push(`listPodIdentityAssociations ${c}`);
    if (this.clusters[c]?.failAssociations) throw this.clusters[c].failAssociations;
    return this.clusters[c]?.associations ?? [];
  }
}

/** A SweepRemediator that records every request and answers with `answer`. */
export class RecordingRemediator implements SweepRemediator {
  roleRequests: { roleName: string; req: RoleRequest }[] = [];
  associationRequests: { region: string; association: PodIdentityAssociation; req: RoleRequest }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  delayMs = 0;

  constructor(public answer: (roleName: string, req: RoleRequest) => Promise<RemediationReport> | RemediationReport = (roleName) => compliant(roleName)) {}

  async remediateRole(roleName: string, req: RoleRequest): Promise<RemediationReport> {
    this.roleRequests.push({ roleName, req });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      return await this.answer(roleName, req);
    } finally {
      this.inFlight--;
    }
  }

  async remediateAssociation(region: string, association: PodIdentityAssociation, req: RoleRequest): Promise<RemediationReport> {
    this.associationRequests.push({ region, association, req });
    return { ...compliant(association.serviceAccount ?? ''), roleName: `role-of-${association.serviceAccount}` };
  }
}

export function compliant(roleName: string): RemediationReport {
  return { roleName, outcome: 'compliant', findings: [], changed: false, notified: false };
}

/** Real Remediator over the shared fakes; the sweep's deps around it. */
export function realSetup(opts: { pageSize?: number; env?: Record<string, string>; regions?: Record<string, FakeClusterReader> } = {}) {
  const roles = new FakeRoles();
  const clusters = new FakeClusters();
  const journal = new FakeJournal();
  const notifier = new FakeNotifier();
  const log = new MemoryLog();
  const config: ServiceConfig = loadConfig({ JOURNAL_TABLE: 'journal', AWS_REGION: 'us-east-1', ...opts.env });
  const source = new FakeRoleSource(roles, opts.pageSize ?? 1000);
  const regions = Object.entries(opts.regions ?? { 'us-east-1': new FakeClusterReader() }).map(([region, eks]) => ({ region, eks }));
  const remediatorOver = (inventory: Inventory): SweepRemediator => {
    const r = new Remediator({
      roles,
      clusters: [new PrefetchedClusterDirectory(clusters, 'us-east-1', inventory)],
      journal,
      notifier,
      config,
      log,
      account: ACCOUNT,
      now: () => NOW,
    });
    return { remediateRole: (n, req) => r.remediateRole(n, req), remediateAssociation: (_region, a, req) => r.remediateAssociation(a, req) };
  };
  const deps: SweepDeps = {
    account: ACCOUNT,
    region: 'us-east-1',
    mode: config.mode,
    roles: source,
    regions,
    remediator: remediatorOver,
    notifier,
    now: () => NOW,
    log,
  };
  return { roles, clusters, journal, notifier, log, source, deps };
}

/** Per-role evaluation notifications among those published (the summary excluded). */
export function evaluations(notifier: FakeNotifier) {
  return notifier.published.filter((p) => (p.message as { schema: string }).schema === 'eks-trust-guard/evaluation@1');
}

export function summaries(notifier: FakeNotifier) {
  return notifier.published.filter((p) => (p.message as { schema: string }).schema === 'eks-trust-guard/sweep@1');
}
