/**
 * The single place where AWS SDK clients are created. Everything else receives clients from here
 * (handlers) or in its constructor (adapters), so the service can later act in other accounts of an
 * organisation by handing out clients with other credentials, without touching any adapter.
 *
 * Endpoints: the SDK (v3.1169 here) honours `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` from
 * the environment by itself, which is how the emulator (moto) is reached; `endpoint` below is only
 * for callers that must not rely on the environment (tests).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EKSClient } from '@aws-sdk/client-eks';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Static credentials or a provider of them, as every SDK client accepts. */
export type AwsCredentials = NonNullable<IAMClientConfig['credentials']>;
/** A function returning (refreshable) credentials, e.g. `fromTemporaryCredentials(...)`. */
export type AwsCredentialIdentityProvider = Extract<AwsCredentials, (...args: never[]) => unknown>;

export interface AwsClients {
  iam: IAMClient;
  eks: EKSClient;
  sns: SNSClient;
  dynamodb: DynamoDBDocumentClient;
  /** The plain client under `dynamodb`, for calls and libraries that want one (tables in tests and scripts). */
  dynamodbClient: DynamoDBClient;
  eventBridge: EventBridgeClient;
}

export interface AwsTarget {
  region: string;
  /** Account to act in; absent means "the account of the ambient credentials". */
  accountId?: string;
}

export interface ClientFactoryOptions {
  /** Total attempts per call, including the first (SDK retries with adaptive backoff). Default 5. */
  maxAttempts?: number;
  /**
   * Cross-account hook: credentials for acting in `accountId` (typically `fromTemporaryCredentials`
   * assuming a role deployed by the organisation roll-out). Called once per account (clients are
   * cached); returning undefined uses `credentials` or the default provider chain. Not used yet:
   * today every target is the service's own account.
   */
  credentialsFor?: (accountId: string) => AwsCredentialIdentityProvider | undefined;
  /** Credentials for targets without an account (or when credentialsFor returns nothing). */
  credentials?: AwsCredentials;
  /** Explicit endpoint for every client (tests). Default: the SDK's resolution, incl. AWS_ENDPOINT_URL. */
  endpoint?: string;
}

/** Sent with every request, so CloudTrail's `userAgent` shows which changes are the service's own. */
export const USER_AGENT = 'eks-trust-guard';

export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * IAM is a global service served from one region per partition; its CloudTrail events also land
 * there only. The region asked for is used solely to pick the partition.
 */
export function iamRegionFor(region: string): string {
  if (region.startsWith('cn-')) return 'cn-north-1';
  if (region.startsWith('us-gov-')) return 'us-gov-west-1';
  if (region.startsWith('us-isob-')) return 'us-isob-east-1';
  if (region.startsWith('us-isof-')) return 'us-isof-south-1';
  if (region.startsWith('us-iso-')) return 'us-iso-east-1';
  if (region.startsWith('eu-isoe-')) return 'eu-isoe-west-1';
  if (region.startsWith('eusc-')) return 'eusc-de-east-1';
  return 'us-east-1';
}

export class ClientFactory {
  private readonly maxAttempts: number;
  private readonly cache = new Map<string, AwsClients>();
  private readonly iamCache = new Map<string, IAMClient>();

  constructor(private readonly opts: ClientFactoryOptions = {}) {
    this.maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new RangeError(`maxAttempts must be a positive integer, got ${String(opts.maxAttempts)}`);
    }
  }

  /** Clients for one account and region, created once and reused (Lambda keeps them warm). */
  forTarget(target: AwsTarget): AwsClients {
    if (!target.region) throw new TypeError('forTarget needs a region');
    const account = target.accountId ?? '';
    const key = `${account}|${target.region}`;
    const cached = this.cache.get(key);
    if (cached) return cached;

    const credentials = this.credentialsFor(target.accountId);
    const config = (region: string) => ({
      region,
      maxAttempts: this.maxAttempts,
      retryMode: 'adaptive',
      customUserAgent: USER_AGENT,
      ...(credentials ? { credentials } : {}),
      ...(this.opts.endpoint ? { endpoint: this.opts.endpoint } : {}),
    });

    const iamRegion = iamRegionFor(target.region);
    const iamKey = `${account}|${iamRegion}`;
    let iam = this.iamCache.get(iamKey);
    if (!iam) {
      iam = new IAMClient(config(iamRegion));
      this.iamCache.set(iamKey, iam);
    }

    const dynamo = new DynamoDBClient(config(target.region));
    const clients: AwsClients = {
      iam,
      eks: new EKSClient(config(target.region)),
      sns: new SNSClient(config(target.region)),
      dynamodb: DynamoDBDocumentClient.from(dynamo, {
        marshallOptions: { removeUndefinedValues: true },
      }),
      dynamodbClient: dynamo,
      eventBridge: new EventBridgeClient(config(target.region)),
    };
    this.cache.set(key, clients);
    return clients;
  }

  /** Close every socket the cached clients hold (scripts and tests; Lambda never needs it). */
  destroy(): void {
    for (const clients of this.cache.values()) {
      clients.eks.destroy();
      clients.sns.destroy();
      // The document client's destroy() is a no-op: it does not own the client under it.
      clients.dynamodbClient.destroy();
      clients.eventBridge.destroy();
    }
    for (const iam of this.iamCache.values()) iam.destroy();
    this.cache.clear();
    this.iamCache.clear();
  }

  private credentialsFor(accountId: string | undefined): AwsCredentials | undefined {
    if (accountId !== undefined && this.opts.credentialsFor) {
      const provided = this.opts.credentialsFor(accountId);
      if (provided) return provided;
    }
    return this.opts.credentials;
  }
}
