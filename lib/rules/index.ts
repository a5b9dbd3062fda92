/**
 * The rule registry: a plain array. Order matters for fixes: they are applied in this order
 * (principal removals before action and condition edits).
 */
import type { RuleId } from "../policy/types";
import type { Rule } from "./types";
import { rule as policyInvalid } from "./policy-invalid";
import { rule as policyVersion } from "./policy-version";
import { rule as publicPrincipal } from "./public-principal";
import { rule as notPrincipal } from "./not-principal";
import { rule as untrustedAccount } from "./untrusted-account";
import { rule as foreignRootNoCondition } from "./foreign-root-no-condition";
import { rule as wildcardAction } from "./wildcard-action";
import { rule as actionPrincipalMismatch } from "./action-principal-mismatch";
import { rule as fargateSourceArn } from "./fargate-source-arn";
import { rule as fargateRoleShared } from "./fargate-role-shared";
import { rule as nodeRoleClusterRole } from "./node-role-cluster-role";
import { rule as podIdentityTagSession } from "./pod-identity-tag-session";
import { rule as podIdentitySourceAccount } from "./pod-identity-source-account";
import { rule as irsaSubMissing } from "./irsa-sub-missing";
import { rule as irsaSubWildcard } from "./irsa-sub-wildcard";
import { rule as irsaAudMissing } from "./irsa-aud-missing";
import { rule as irsaProviderMismatch } from "./irsa-provider-mismatch";
import { rule as roleMissing } from "./role-missing";
import { rule as associationRoleAccount } from "./association-role-account";
import { rule as associationRoleTrust } from "./association-role-trust";
import { rule as targetRoleTrust } from "./target-role-trust";
import { rule as targetRoleExternalId } from "./target-role-external-id";
import { rule as targetRoleUnverified } from "./target-role-unverified";
import { rule as associationSessionTags } from "./association-session-tags";
import { rule as fargateRolePolicy } from "./fargate-role-policy";
import { rule as nodeRolePolicy } from "./node-role-policy";

export const RULES: readonly Rule[] = [
  policyInvalid,
  policyVersion,
  publicPrincipal,
  notPrincipal,
  untrustedAccount,
  foreignRootNoCondition,
  wildcardAction,
  actionPrincipalMismatch,
  fargateSourceArn,
  fargateRoleShared,
  nodeRoleClusterRole,
  podIdentityTagSession,
  podIdentitySourceAccount,
  irsaSubMissing,
  irsaSubWildcard,
  irsaAudMissing,
  irsaProviderMismatch,
  roleMissing,
  associationRoleAccount,
  associationRoleTrust,
  targetRoleTrust,
  targetRoleExternalId,
  targetRoleUnverified,
  associationSessionTags,
  fargateRolePolicy,
  nodeRolePolicy,
];

const BY_ID = new Map<RuleId, Rule>(RULES.map((r) => [r.id, r]));

export function ruleById(id: RuleId): Rule {
  const r = BY_ID.get(id);
  if (!r) throw new Error(`unknown rule ${id}`);
  return r;
}
