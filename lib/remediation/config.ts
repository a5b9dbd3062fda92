/**
 * Service configuration, read from the environment once per cold start (CONTRACTS.md,
 * "Configuration"). Bad values are a clear error at start-up, not a surprise mid-remediation.
 */
import { ACCOUNT_ID } from '../policy/query';
import { DEFAULT_MAX_POLICY_LENGTH } from '../engine';

export type RemediationMode = 'fix' | 'tag' | 'audit';

export interface ServiceConfig {
  mode: RemediationMode;
  topicArn?: string;
  /** undefined when TRUSTED_ACCOUNTS is not set (untrusted-account stays unfixable). */
  trustedAccounts?: string[];
  exemptTagKey: string;
  eventBusName?: string;
  journalTable: string;
  maxPolicyLength: number;
  /** Regions whose EKS clusters are looked up (Fargate profiles); defaults to the function's region. */
  eksRegions: string[];
  region: string;
  /** How long a rolled-back role stays exempt (hours). */
  rollbackExemptHours: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): ServiceConfig {
  const mode = (env.REMEDIATION_MODE || 'fix').trim().toLowerCase();
  if (mode !== 'fix' && mode !== 'tag' && mode !== 'audit') {
    throw new ConfigError(`REMEDIATION_MODE must be fix, tag or audit, got "${env.REMEDIATION_MODE}"`);
  }
  let trustedAccounts: string[] | undefined;
  if (env.TRUSTED_ACCOUNTS !== undefined && env.TRUSTED_ACCOUNTS.trim() !== '') {
    trustedAccounts = env.TRUSTED_ACCOUNTS.split(/[\s,]+/).filter(Boolean);
    const bad = trustedAccounts.filter((a) => !ACCOUNT_ID.test(a));
    if (bad.length) throw new ConfigError(`TRUSTED_ACCOUNTS holds values that are not 12-digit account ids: ${bad.join(', ')}`);
  }
  const maxRaw = env.TRUST_POLICY_MAX_LENGTH?.trim();
  const maxPolicyLength = maxRaw ? Number(maxRaw) : DEFAULT_MAX_POLICY_LENGTH;
  if (!Number.isInteger(maxPolicyLength) || maxPolicyLength < 64 || maxPolicyLength > 8192) {
    throw new ConfigError(`TRUST_POLICY_MAX_LENGTH must be an integer between 64 and 8192, got "${maxRaw}"`);
  }
  const journalTable = env.JOURNAL_TABLE?.trim();
  if (!journalTable) throw new ConfigError('JOURNAL_TABLE is not set');
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  const eksRegions = (env.EKS_REGIONS ?? '').split(/[\s,]+/).filter(Boolean);
  const hours = Number(env.ROLLBACK_EXEMPT_HOURS ?? '24');
  return {
    mode,
    topicArn: env.NOTIFY_TOPIC_ARN?.trim() || undefined,
    trustedAccounts,
    exemptTagKey: env.EXEMPT_TAG_KEY?.trim() || 'eks-trust-guard:exempt',
    eventBusName: env.EVENT_BUS_NAME?.trim() || undefined,
    journalTable,
    maxPolicyLength,
    eksRegions: eksRegions.length ? eksRegions : [region],
    region,
    rollbackExemptHours: Number.isFinite(hours) && hours >= 0 ? hours : 24,
  };
}
