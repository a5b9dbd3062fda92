/**
 * Shared vocabulary of the pure trust-policy engine. Nothing here (or anywhere under lib/policy,
 * lib/rules, lib/engine.ts) imports the AWS SDK, reads the environment or logs.
 */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rule ids are a public contract (spec/RULES.md): a typo here is a compile error everywhere. */
export const RULE_IDS = [
  'policy-invalid',
  'policy-version',
  'public-principal',
  'not-principal',
  'untrusted-account',
  'foreign-root-no-condition',
  'wildcard-action',
  'action-principal-mismatch',
  'fargate-source-arn',
  'fargate-role-shared',
  'node-role-cluster-role',
  'pod-identity-tag-session',
  'pod-identity-source-account',
  'irsa-sub-missing',
  'irsa-sub-wildcard',
  'irsa-aud-missing',
  'irsa-provider-mismatch',
  'role-missing',
  'association-role-account',
  'association-role-trust',
  'target-role-trust',
  'target-role-external-id',
  'target-role-unverified',
  'association-session-tags',
  'fargate-role-policy',
  'node-role-policy',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** A plain JSON document as IAM stores it. */
export type PolicyDocument = Record<string, unknown>;
export type JsonStatement = Record<string, unknown>;

export interface Finding {
  ruleId: RuleId;
  severity: Severity;
  /** Index of the statement in the (array-form) Statement list, or null for document-level findings. */
  statement: number | null;
  message: string;
  /** True when the rule's fix can resolve it under the current context. */
  fixable: boolean;
  /**
   * Which policy the finding is about. Absent (or 'role') for the evaluated role's own trust
   * policy; 'target-role' for the trust policy of a Pod Identity association's target role.
   */
  subject?: 'role' | 'target-role' | 'association';
}

/** A Pod Identity association as EKS reports it (only the fields the rules read). */
export interface PodIdentityAssociation {
  clusterName?: string;
  /** The cluster's account, when known (from the association/cluster ARN). */
  clusterAccount?: string;
  namespace?: string;
  serviceAccount?: string;
  associationArn?: string;
  associationId?: string;
  roleArn?: string;
  targetRoleArn?: string;
  externalId?: string;
  disableSessionTags?: boolean;
}

/** What the evaluator knows about a role other than its trust policy (never fetched by the engine). */
export interface RoleFacts {
  /** false when the role is known not to exist. */
  exists?: boolean;
  /** Trust policy (raw or URL-encoded string) when readable; undefined when unknown/unreadable. */
  trustPolicy?: unknown;
  /** false when the account's policy cannot be read (e.g. another account). */
  readable?: boolean;
  /** ARNs or names of attached managed policies, when known. */
  attachedPolicies?: string[];
}

export interface EvaluationContext {
  /** ARN of the role whose trust policy is evaluated. Gives the role's account and partition. */
  roleArn?: string;
  /** The role's account when no roleArn is given (CLI --account). */
  account?: string;
  /** Role path; `/aws-service-role/` marks a service-linked role. */
  rolePath?: string;
  /**
   * Foreign accounts allowed as principals (TRUSTED_ACCOUNTS). `undefined` means "not configured",
   * which makes `untrusted-account` unfixable; an empty array means "configured, nobody trusted".
   */
  trustedAccounts?: string[];
  /**
   * ARNs of Fargate profiles known to use this role as Pod execution role. Narrows the
   * `fargate-source-arn` fix to their clusters.
   */
  fargateProfileArns?: string[];
  /** ARNs of managed policies attached to the role, when known (role permission rules). */
  attachedPolicies?: string[];
  /** The role is known to be an EKS node group's node role. */
  knownNodeRole?: boolean;
  /** The role is known to be a Fargate profile's Pod execution role. */
  knownFargateRole?: boolean;
  /** A Pod Identity association that uses this role (association rules). */
  association?: PodIdentityAssociation;
  /** Facts about the association's role (when the evaluated policy is not that role's). */
  associationRole?: RoleFacts;
  /** Facts about the association's target role. */
  targetRole?: RoleFacts;
  /** Largest fixed document that may be written (TRUST_POLICY_MAX_LENGTH). Default 2048. */
  maxPolicyLength?: number;
}

export interface EvaluationResult {
  findings: Finding[];
  /** The role's policy with every fixable finding applied; null when nothing is fixable. */
  fixedPolicy: PolicyDocument | null;
  /** The target role's policy with fixes applied (association evaluation only). */
  fixedTargetPolicy?: PolicyDocument | null;
  /** Rule ids whose fixable findings the fixed (role) policy resolves. */
  fixedRuleIds: RuleId[];
  /** Rule ids whose fixable findings the fixed target-role policy resolves. */
  fixedTargetRuleIds?: RuleId[];
  /**
   * Set when fixes exist but the fixed document does not fit `maxPolicyLength`: nothing should
   * be written, and the reason is given here.
   */
  fixRejected?: string;
  /** The parsed original document (null when it could not be parsed). */
  originalPolicy: PolicyDocument | null;
}
