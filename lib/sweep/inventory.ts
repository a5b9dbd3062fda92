/**
 * The EKS side of a sweep, read once: which roles are managed node groups' node roles, which are
 * Fargate profiles' Pod execution roles (and the profiles' ARNs, so the Fargate SourceArn fix is
 * pinned to them without a lookup per role), and which clusters' Pod Identity associations to
 * sweep. Per cluster: 1 ListNodegroups + 1 DescribeNodegroup per node group + 1 ListFargateProfiles
 * + 1 DescribeFargateProfile per profile (each list call once per 100 items); per region one
 * ListClusters.
 */
import { parseArn } from '../policy/query';
import { NotFoundError } from '../aws/errors';
import type { PodIdentityAssociation } from '../policy/types';
import type { ClusterDirectory, Log } from '../remediation/ports';
import { mapLimited } from './pool';
import type { ClusterReader, Inventory, RegionReader } from './ports';

/** Describe calls in flight at once per cluster (EKS read APIs are rate limited per account). */
const DESCRIBE_CONCURRENCY = 4;

/**
 * `account:role-name`, lower-case: role names are unique per account whatever the path, and
 * case-insensitive, while an ARN handed to EKS may or may not carry the role's path.
 */
export function roleKey(roleArn: string): string {
  const arn = parseArn(roleArn);
  if (!arn || !arn.resource.startsWith('role/')) return roleArn.toLowerCase();
  return `${arn.account}:${arn.resource.split('/').pop() ?? ''}`.toLowerCase();
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function readCluster(eks: ClusterReader, region: string, cluster: string, inv: Inventory, log: Log): Promise<boolean> {
  try {
    const nodegroups = await eks.listNodegroups(cluster);
    const roles = await mapLimited(nodegroups, DESCRIBE_CONCURRENCY, (ng) => eks.nodegroupRoleArn(cluster, ng));
    for (const r of roles) if (r) inv.nodeRoles.push(roleKey(r));
    const profiles = await eks.listFargateProfiles(cluster);
    const described = await mapLimited(profiles, DESCRIBE_CONCURRENCY, (p) => eks.describeFargateProfile(cluster, p));
    for (const p of described) {
      if (!p?.podExecutionRoleArn) continue;
      (inv.fargateProfiles[roleKey(p.podExecutionRoleArn)] ??= []).push(p.arn);
    }
    return true;
  } catch (e) {
    if (e instanceof NotFoundError) {
      log.info('cluster deleted during the sweep; skipped', { region, cluster });
      return true;
    }
    inv.warnings.push(`EKS cluster ${cluster} in ${region} could not be read: ${message(e)}`);
    log.warn('could not read an EKS cluster; its node and Fargate roles are not known', { region, cluster, error: message(e) });
    return false;
  }
}

/** Read every configured region. Failures become warnings: the IAM sweep goes on without them. */
export async function readInventory(regions: RegionReader[], log: Log): Promise<Inventory> {
  const inv: Inventory = { clusters: [], nodeRoles: [], fargateProfiles: {}, regionsRead: [], warnings: [] };
  for (const { region, eks } of regions) {
    let clusters: string[];
    try {
      clusters = await eks.listClusters();
    } catch (e) {
      inv.warnings.push(`EKS clusters in ${region} could not be listed: ${message(e)}`);
      log.warn('could not list EKS clusters; the region is skipped', { region, error: message(e) });
      continue;
    }
    let complete = true;
    for (const name of clusters) {
      inv.clusters.push({ region, name });
      if (!(await readCluster(eks, region, name, inv, log))) complete = false;
    }
    if (complete) inv.regionsRead.push(region);
  }
  inv.nodeRoles = [...new Set(inv.nodeRoles)].sort();
  return inv;
}

/**
 * A ClusterDirectory for the remediator of one region that answers Fargate profile lookups from
 * the inventory (no EKS call per role) when that region was read completely, and passes
 * everything else to the live directory.
 */
export class PrefetchedClusterDirectory implements ClusterDirectory {
  private readonly read: boolean;

  constructor(
    private readonly live: ClusterDirectory,
    private readonly region: string,
    private readonly inventory: Inventory,
  ) {
    this.read = inventory.regionsRead.includes(region);
  }

  async fargateProfileArnsForRole(roleArn: string): Promise<string[]> {
    if (!this.read) return this.live.fargateProfileArnsForRole(roleArn);
    return (this.inventory.fargateProfiles[roleKey(roleArn)] ?? []).filter((arn) => parseArn(arn)?.region === this.region);
  }

  describePodIdentityAssociation(clusterName: string, associationId: string): Promise<PodIdentityAssociation | null> {
    return this.live.describePodIdentityAssociation(clusterName, associationId);
  }

  tagResource(arn: string, tags: Record<string, string>): Promise<void> {
    return this.live.tagResource(arn, tags);
  }
}
