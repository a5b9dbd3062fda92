import type { EvaluationContext, Finding, PolicyDocument, RuleId } from '../policy/types';

/** What kind of input a subject came from (detected from the content). */
export type InputKind = 'trust-policy' | 'cloudtrail' | 'cloudformation' | 'unknown';

/**
 * One thing to report on: a role's trust policy to evaluate, or an input that is deliberately
 * not evaluated (a CloudTrail record of another API call, a failed call, ...).
 */
export interface Subject {
  /** Where it came from: the file as given, `file#LogicalId` for a template role. */
  source: string;
  /** The file as given (`<stdin>` for `-`). */
  file: string;
  kind: InputKind;
  /** CloudFormation logical id of the role. */
  logicalId?: string;
  roleName: string | null;
  roleArn: string | null;
  /** What `evaluate` is given. Absent together with `skipped`. */
  policy?: unknown;
  /** Context for `evaluate` (trusted accounts are added by the checker). */
  context: EvaluationContext;
  /** Things the reader should know (unresolved intrinsics, unknown account, ...). */
  notes: string[];
  /** Why this input is not evaluated; when set, it has no findings. */
  skipped?: string;
  /** Findings decided before the engine runs (a file that does not parse). */
  findings?: Finding[];
}

/** One entry of `--json`'s `results`: the contract fields first, extras after. */
export interface CheckResult {
  source: string;
  roleName: string | null;
  roleArn: string | null;
  findings: Finding[];
  fixedPolicy: PolicyDocument | null;
  /** The account the rules took as the role's own (from the ARN or --account), when known. */
  account: string | null;
  kind: InputKind;
  /** `evaluated`, or `skipped` (nothing to evaluate; see `reason`). */
  outcome: 'evaluated' | 'skipped';
  reason?: string;
  notes: string[];
  fixedRuleIds: RuleId[];
  fixRejected?: string;
  originalPolicy: PolicyDocument | null;
  file: string;
  logicalId?: string;
}
