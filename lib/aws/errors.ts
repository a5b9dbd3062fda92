/**
 * The project's own AWS error classes. Every adapter translates SDK errors here, at its boundary,
 * so the service decides on "retry / skip / report" by class, never by SDK error names.
 */

export interface AwsAdapterErrorOptions {
  /** SDK error name or service error code, e.g. `NoSuchEntityException`. */
  code?: string;
  httpStatusCode?: number;
  cause?: unknown;
}

export class AwsAdapterError extends Error {
  /** IAM action that failed, e.g. `iam:GetRole`. */
  readonly action: string;
  /** True when trying again later may succeed (throttling, 5xx, network, concurrent change). */
  readonly retryable: boolean;
  readonly code: string | undefined;
  readonly httpStatusCode: number | undefined;
  override readonly cause: unknown;

  constructor(action: string, message: string, retryable = false, opts: AwsAdapterErrorOptions = {}) {
    super(`${action}: ${message}`, { cause: opts.cause });
    this.name = new.target.name;
    this.action = action;
    this.retryable = retryable;
    this.code = opts.code;
    this.httpStatusCode = opts.httpStatusCode;
    this.cause = opts.cause;
  }
}

/** The resource (role, cluster, association, table, bus, topic) does not exist. */
export class NotFoundError extends AwsAdapterError {
  constructor(action: string, message: string, opts: AwsAdapterErrorOptions = {}) {
    super(action, message, false, opts);
  }
}

/** Not allowed: missing permission, SCP, bad or expired credentials. */
export class AccessDeniedError extends AwsAdapterError {
  constructor(action: string, message: string, opts: AwsAdapterErrorOptions = {}) {
    super(action, message, false, opts);
  }
}

/** Throttled even after the SDK's own retries: retry later (EventBridge retry, DLQ). */
export class ThrottledError extends AwsAdapterError {
  constructor(action: string, message: string, opts: AwsAdapterErrorOptions = {}) {
    super(action, message, true, opts);
  }
}

/** IAM rejected a policy document (MalformedPolicyDocument). */
export class MalformedPolicyError extends AwsAdapterError {
  constructor(action: string, message: string, opts: AwsAdapterErrorOptions = {}) {
    super(action, message, false, opts);
  }
}

/** A quota was hit, e.g. the trust policy is larger than the account's ACLSizePerRole. */
export class LimitExceededError extends AwsAdapterError {
  constructor(action: string, message: string, opts: AwsAdapterErrorOptions = {}) {
    super(action, message, false, opts);
  }
}

/**
 * Someone else got there first: a DynamoDB condition failed (not retryable: the item exists) or
 * IAM reports a concurrent modification (retryable).
 */
export class ConflictError extends AwsAdapterError {
  constructor(action: string, message: string, retryable: boolean, opts: AwsAdapterErrorOptions = {}) {
    super(action, message, retryable, opts);
  }
}

/**
 * The journal refused a fix: the role was fixed FLAP_LIMIT times within the flap window (its
 * counter's condition failed). Not retryable: the remediator pauses fixing of the role.
 */
export class FlappingError extends ConflictError {
  constructor(action: string, message: string, opts: AwsAdapterErrorOptions = {}) {
    super(action, message, false, opts);
  }
}

/** The journal refused a fix: this event (CloudTrail eventID) already caused one. A duplicate delivery. */
export class DuplicateEventError extends ConflictError {
  constructor(action: string, message: string, opts: AwsAdapterErrorOptions = {}) {
    super(action, message, false, opts);
  }
}

/** A request AWS considers invalid (validation error, bad parameter) other than a bad policy. */
export class InvalidRequestError extends AwsAdapterError {
  constructor(action: string, message: string, opts: AwsAdapterErrorOptions = {}) {
    super(action, message, false, opts);
  }
}

/** Server-side failure or network problem that outlived the SDK's retries. */
export class TransientError extends AwsAdapterError {
  constructor(action: string, message: string, opts: AwsAdapterErrorOptions = {}) {
    super(action, message, true, opts);
  }
}

const NOT_FOUND = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'ResourceNotFoundException',
  'NotFoundException',
  'NotFound',
]);

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationError',
  'AuthorizationErrorException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'CredentialsProviderError',
]);

const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceededException',
  'SlowDown',
  'BandwidthLimitExceeded',
  'TransactionInProgressException',
]);

const MALFORMED_POLICY = new Set(['MalformedPolicyDocument', 'MalformedPolicyDocumentException']);

const LIMIT_EXCEEDED = new Set([
  'LimitExceeded',
  'LimitExceededException',
  'PackedPolicyTooLarge',
  'PackedPolicyTooLargeException',
  'ItemCollectionSizeLimitExceededException',
]);

/** Conflicts that mean "the state you expected is not there": retrying the same call is pointless. */
const CONFLICT_FINAL = new Set([
  'ConditionalCheckFailed',
  'ConditionalCheckFailedException',
  'EntityAlreadyExists',
  'EntityAlreadyExistsException',
  'ResourceInUseException',
  'ResourceExistsException',
]);

/** Conflicts with a change in flight: the same call may succeed shortly. */
const CONFLICT_RETRYABLE = new Set([
  'ConcurrentModification',
  'ConcurrentModificationException',
  'TransactionConflictException',
]);

const INVALID_REQUEST = new Set([
  'ValidationError',
  'ValidationException',
  'InvalidInput',
  'InvalidInputException',
  'InvalidParameter',
  'InvalidParameterException',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'InvalidParameterCombination',
  'InvalidRequestException',
  'InvalidArgument',
  'MalformedDetail',
  'SerializationException',
]);

const TRANSIENT = new Set([
  'ServiceFailure',
  'ServiceFailureException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalErrorException',
  'InternalException',
  'InternalServerError',
  'InternalServerErrorException',
  'InternalServiceError',
  'ServerException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'KMSThrottlingException',
]);

/** Node/undici network error codes: the request may never have reached AWS. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const NETWORK_IN_MESSAGE = new RegExp(`\\b(${[...NETWORK_CODES].join('|')})\\b`);

interface SdkLikeError {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: { throttling?: unknown } | unknown;
}

function errorCode(e: SdkLikeError): string | undefined {
  // AWS Query protocols (IAM, SNS) put the bare code in `Code`; the SDK names the class `…Exception`.
  for (const candidate of [e.name, e.Code, e.code]) {
    if (typeof candidate === 'string' && candidate !== '' && candidate !== 'Error') return candidate;
  }
  return undefined;
}

function statusOf(e: SdkLikeError): number | undefined {
  const status = e.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Translate anything an SDK call threw into the project's error classes. Unknown errors become a
 * plain, non-retryable AwsAdapterError, except server faults and network failures (retryable).
 */
export function mapAwsError(err: unknown, action: string): AwsAdapterError {
  if (err instanceof AwsAdapterError) return err;
  const e: SdkLikeError = typeof err === 'object' && err !== null ? (err as SdkLikeError) : {};
  const names = [e.name, e.Code, e.code].filter((n): n is string => typeof n === 'string');
  const code = errorCode(e);
  const httpStatusCode = statusOf(e);
  const rawMessage = typeof e.message === 'string' && e.message !== '' ? e.message : String(err);
  const message = code && !rawMessage.startsWith(code) ? `${code}: ${rawMessage}` : rawMessage;
  const opts: AwsAdapterErrorOptions = { code, httpStatusCode, cause: err };
  const is = (set: Set<string>) => names.some((n) => set.has(n));

  if (is(MALFORMED_POLICY)) return new MalformedPolicyError(action, message, opts);
  if (is(NOT_FOUND)) return new NotFoundError(action, message, opts);
  if (is(THROTTLED)) return new ThrottledError(action, message, opts);
  if (is(CONFLICT_RETRYABLE)) return new ConflictError(action, message, true, opts);
  if (is(CONFLICT_FINAL)) return new ConflictError(action, message, false, opts);
  if (is(LIMIT_EXCEEDED)) return new LimitExceededError(action, message, opts);
  if (is(ACCESS_DENIED)) return new AccessDeniedError(action, message, opts);
  if (is(INVALID_REQUEST)) return new InvalidRequestError(action, message, opts);
  if (is(TRANSIENT) || is(NETWORK_CODES)) return new TransientError(action, message, opts);
  // The SDK wraps errors it does not recognise as Error (another realm, e.g. a test sandbox) into
  // "AWS SDK error wrapper for Error: connect ECONNREFUSED ...": only the message keeps the code.
  if (NETWORK_IN_MESSAGE.test(rawMessage)) return new TransientError(action, message, opts);

  const retryable = e.$retryable as { throttling?: unknown } | undefined;
  if (retryable && typeof retryable === 'object' && retryable.throttling === true) {
    return new ThrottledError(action, message, opts);
  }
  if (httpStatusCode === 429) return new ThrottledError(action, message, opts);
  if (httpStatusCode === 403) return new AccessDeniedError(action, message, opts);
  if ((httpStatusCode !== undefined && httpStatusCode >= 500) || (httpStatusCode === undefined && e.$fault === 'server')) {
    return new TransientError(action, message, opts);
  }
  return new AwsAdapterError(action, message, false, opts);
}

/** Run one SDK call and translate whatever it throws. */
export async function callAws<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw mapAwsError(err, action);
  }
}
