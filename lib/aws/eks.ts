/**
 * EKS adapter: the only module that talks to EKS (one region per client). Pod Identity
 * associations come back in the engine's `PodIdentityAssociation` shape.
 */
import {
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  ListNodegroupsCommand,
  DescribePodIdentityAssociationCommand,
  ListClustersCommand,
  ListFargateProfilesCommand,
  ListPodIdentityAssociationsCommand,
  TagResourceCommand,
  type EKSClient,
  type PodIdentityAssociation as SdkAssociation,
  type PodIdentityAssociationSummary,
} from '@aws-sdk/client-eks';
import type { PodIdentityAssociation } from '../policy/types';
import { parseArn } from '../policy/query';
import { callAws, NotFoundError } from './errors';
import { sanitiseTags } from './tags';

/** DescribeFargateProfile calls in flight at once (stay well under EKS's request rate). */
const DESCRIBE_CONCURRENCY = 4;

/** EKS actions the adapters below may call. */
export type EksAction =
  | 'eks:DescribePodIdentityAssociation'
  | 'eks:ListClusters'
  | 'eks:ListFargateProfiles'
  | 'eks:DescribeFargateProfile'
  | 'eks:TagResource'
  | 'eks:ListPodIdentityAssociations'
  | 'eks:ListNodegroups'
  | 'eks:DescribeNodegroup';

export class EksAdapter {
  static readonly actions: readonly EksAction[] = [
    'eks:DescribePodIdentityAssociation',
    'eks:ListClusters',
    'eks:ListFargateProfiles',
    'eks:DescribeFargateProfile',
    'eks:TagResource',
  ];

  constructor(protected readonly client: EKSClient) {}

  /** The association, or null when it (or its cluster) does not exist. */
  async describePodIdentityAssociation(clusterName: string, associationId: string): Promise<PodIdentityAssociation | null> {
    try {
      const out = await callAws('eks:DescribePodIdentityAssociation', () =>
        this.client.send(new DescribePodIdentityAssociationCommand({ clusterName, associationId })),
      );
      return out.association ? toAssociation(out.association) : null;
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }

  /** Names of the clusters in the client's region (all pages). */
  async listClusters(): Promise<string[]> {
    return allPages('eks:ListClusters', (nextToken) => this.client.send(new ListClustersCommand({ nextToken })), (p) => p.clusters);
  }

  /** Names of a cluster's Fargate profiles (all pages). */
  async listFargateProfiles(clusterName: string): Promise<string[]> {
    return allPages(
      'eks:ListFargateProfiles',
      (nextToken) => this.client.send(new ListFargateProfilesCommand({ clusterName, nextToken })),
      (p) => p.fargateProfileNames,
    );
  }

  /**
   * ARNs of the Fargate profiles, in any cluster of the client's region, whose Pod execution role
   * is `roleArn`. Clusters or profiles deleted while we look are skipped. Role names are
   * case-insensitive in IAM, so the ARNs are compared case-insensitively.
   */
  async fargateProfileArnsForRole(roleArn: string): Promise<string[]> {
    const wanted = roleArn.toLowerCase();
    const found: string[] = [];
    for (const clusterName of await this.listClusters()) {
      let profiles: string[];
      try {
        profiles = await this.listFargateProfiles(clusterName);
      } catch (err) {
        if (err instanceof NotFoundError) continue;
        throw err;
      }
      const arns = await mapLimited(profiles, DESCRIBE_CONCURRENCY, async (fargateProfileName) => {
        try {
          const out = await callAws('eks:DescribeFargateProfile', () =>
            this.client.send(new DescribeFargateProfileCommand({ clusterName, fargateProfileName })),
          );
          const p = out.fargateProfile;
          return p?.podExecutionRoleArn?.toLowerCase() === wanted ? (p.fargateProfileArn ?? null) : null;
        } catch (err) {
          if (err instanceof NotFoundError) return null;
          throw err;
        }
      });
      for (const arn of arns) if (arn) found.push(arn);
    }
    return found;
  }

  /** A Fargate profile's ARN and Pod execution role, or null when it (or its cluster) is gone. */
  async describeFargateProfile(clusterName: string, fargateProfileName: string): Promise<{ arn: string; podExecutionRoleArn?: string } | null> {
    try {
      const out = await callAws('eks:DescribeFargateProfile', () =>
        this.client.send(new DescribeFargateProfileCommand({ clusterName, fargateProfileName })),
      );
      const p = out.fargateProfile;
      if (!p?.fargateProfileArn) return null;
      return p.podExecutionRoleArn ? { arn: p.fargateProfileArn, podExecutionRoleArn: p.podExecutionRoleArn } : { arn: p.fargateProfileArn };
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }

  /** Tag a cluster, association or other EKS resource; keys and values sanitised (see tags.ts). */
  async tagResource(arn: string, tags: Record<string, string>): Promise<void> {
    await callAws('eks:TagResource', () =>
      this.client.send(new TagResourceCommand({ resourceArn: arn, tags: sanitiseTags(tags) })),
    );
  }
}

/**
 * What the sweep reads besides the remediation path: node groups and Pod Identity associations of
 * every cluster. A class of its own so the event functions neither bundle nor are granted these
 * calls.
 */
export class EksInventory extends EksAdapter {
  // Written out (not spread from the parent) so bundlers can still drop an unused class.
  static override readonly actions: readonly EksAction[] = [
    'eks:DescribePodIdentityAssociation',
    'eks:ListClusters',
    'eks:ListFargateProfiles',
    'eks:DescribeFargateProfile',
    'eks:TagResource',
    'eks:ListPodIdentityAssociations',
    'eks:ListNodegroups',
    'eks:DescribeNodegroup',
  ];

  /** Summaries of a cluster's associations (all pages); role fields are absent in summaries. */
  async listPodIdentityAssociations(clusterName: string): Promise<PodIdentityAssociation[]> {
    const summaries = await allPages(
      'eks:ListPodIdentityAssociations',
      (nextToken) => this.client.send(new ListPodIdentityAssociationsCommand({ clusterName, nextToken })),
      (p) => p.associations,
    );
    return summaries.map(toAssociation);
  }

  /** Names of a cluster's managed node groups (all pages). */
  async listNodegroups(clusterName: string): Promise<string[]> {
    return allPages('eks:ListNodegroups', (nextToken) => this.client.send(new ListNodegroupsCommand({ clusterName, nextToken })), (p) => p.nodegroups);
  }

  /** The node role ARN of a managed node group, or null when the node group (or cluster) is gone. */
  async nodegroupRoleArn(clusterName: string, nodegroupName: string): Promise<string | null> {
    try {
      const out = await callAws('eks:DescribeNodegroup', () =>
        this.client.send(new DescribeNodegroupCommand({ clusterName, nodegroupName })),
      );
      return out.nodegroup?.nodeRole ?? null;
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }
}

function toAssociation(a: SdkAssociation | PodIdentityAssociationSummary): PodIdentityAssociation {
  const out: PodIdentityAssociation = {};
  const full = a as SdkAssociation;
  if (a.clusterName !== undefined) out.clusterName = a.clusterName;
  const account = a.associationArn ? parseArn(a.associationArn)?.account : undefined;
  if (account) out.clusterAccount = account;
  if (a.namespace !== undefined) out.namespace = a.namespace;
  if (a.serviceAccount !== undefined) out.serviceAccount = a.serviceAccount;
  if (a.associationArn !== undefined) out.associationArn = a.associationArn;
  if (a.associationId !== undefined) out.associationId = a.associationId;
  if (full.roleArn !== undefined) out.roleArn = full.roleArn;
  if (full.targetRoleArn !== undefined) out.targetRoleArn = full.targetRoleArn;
  if (full.externalId !== undefined) out.externalId = full.externalId;
  if (full.disableSessionTags !== undefined) out.disableSessionTags = full.disableSessionTags;
  return out;
}

/** Map with at most `limit` calls in flight, results in input order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Every item of an EKS list operation, following `nextToken` through all pages. */
async function allPages<P extends { nextToken?: string }, T>(
  action: string,
  send: (nextToken: string | undefined) => Promise<P>,
  items: (page: P) => T[] | undefined,
): Promise<T[]> {
  const out: T[] = [];
  let nextToken: string | undefined;
  do {
    const page = await callAws(action, () => send(nextToken));
    out.push(...(items(page) ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}
