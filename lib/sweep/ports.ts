/**
 * What the sweep needs from the outside, as interfaces: the adapters of lib/aws satisfy them
 * (IamInventory.roleDetailsPage, EksInventory), the wiring of lib/handler/scheduled.ts builds them,
 * and the unit tests pass fakes.
 */
import type { PodIdentityAssociation } from '../policy/types';
import type { RemediationReport, RoleRequest } from '../remediation/remediator';
import type { RoleState } from '../remediation/ports';

/** A role as one page of GetAccountAuthorizationDetails gives it: no further read needed. */
export interface RoleDetails {
  role: RoleState;
  /** ARNs of the managed policies attached to the role. */
  attachedPolicies: string[];
}

export interface RoleDetailsPage {
  roles: RoleDetails[];
  /** Marker of the next page; absent on the last. */
  marker?: string;
}

export interface RoleSource {
  roleDetailsPage(marker?: string, maxItems?: number): Promise<RoleDetailsPage>;
}

export interface FargateProfileSummary {
  arn: string;
  podExecutionRoleArn?: string;
}

/** EKS in one region (EksAdapter). */
export interface ClusterReader {
  listClusters(): Promise<string[]>;
  listNodegroups(clusterName: string): Promise<string[]>;
  /** The node group's node role ARN, or null when the node group is gone. */
  nodegroupRoleArn(clusterName: string, nodegroupName: string): Promise<string | null>;
  listFargateProfiles(clusterName: string): Promise<string[]>;
  describeFargateProfile(clusterName: string, fargateProfileName: string): Promise<FargateProfileSummary | null>;
  /** Summaries (no role ARNs: the remediator describes each association). */
  listPodIdentityAssociations(clusterName: string): Promise<PodIdentityAssociation[]>;
}

export interface RegionReader {
  region: string;
  eks: ClusterReader;
}

/** What EKS says about the account's roles, read once per sweep (plain JSON: it is checkpointed). */
export interface Inventory {
  /** Clusters whose Pod Identity associations are swept, in order. */
  clusters: { region: string; name: string }[];
  /** Managed node groups' node roles, as role keys (see roleKey). */
  nodeRoles: string[];
  /** Fargate profile ARNs by the role key of their Pod execution role. */
  fargateProfiles: Record<string, string[]>;
  /** Regions read completely (elsewhere the remediator looks Fargate profiles up itself). */
  regionsRead: string[];
  warnings: string[];
}

/** The remediation path of the event handlers, for the sweep (Remediator per region). */
export interface SweepRemediator {
  remediateRole(roleName: string, req: RoleRequest): Promise<RemediationReport>;
  remediateAssociation(region: string, association: PodIdentityAssociation, req: RoleRequest): Promise<RemediationReport>;
}

/** Starts the next invocation of the sweep from a checkpoint (asynchronous Lambda invoke). */
export interface Continuation {
  continueFrom(checkpoint: unknown): Promise<void>;
}
