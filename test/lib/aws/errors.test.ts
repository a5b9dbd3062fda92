import { NoSuchEntityException, MalformedPolicyDocumentException } from '@aws-sdk/client-iam';
import {
  AccessDeniedError,
  AwsAdapterError,
  callAws,
  ConflictError,
  InvalidRequestError,
  LimitExceededError,
  MalformedPolicyError,
  mapAwsError,
  NotFoundError,
  ThrottledError,
  TransientError,
} from '../../../lib/aws/errors';
import { sdkError } from './sdk-errors';

describe('mapAwsError', () => {
  it.each([
    ['NoSuchEntityException', 404, NotFoundError, false],
    ['ResourceNotFoundException', 404, NotFoundError, false],
    ['NotFoundException', 404, NotFoundError, false],
    ['AccessDenied', 403, AccessDeniedError, false],
    ['AccessDeniedException', 400, AccessDeniedError, false],
    ['AuthorizationErrorException', 403, AccessDeniedError, false],
    ['ExpiredTokenException', 400, AccessDeniedError, false],
    ['Throttling', 400, ThrottledError, true],
    ['ThrottlingException', 400, ThrottledError, true],
    ['TooManyRequestsException', 429, ThrottledError, true],
    ['ProvisionedThroughputExceededException', 400, ThrottledError, true],
    ['MalformedPolicyDocumentException', 400, MalformedPolicyError, false],
    ['LimitExceededException', 409, LimitExceededError, false],
    ['PackedPolicyTooLargeException', 400, LimitExceededError, false],
    ['ConditionalCheckFailedException', 400, ConflictError, false],
    ['ConcurrentModificationException', 409, ConflictError, true],
    ['ValidationError', 400, InvalidRequestError, false],
    ['InvalidParameterException', 400, InvalidRequestError, false],
    ['ServiceFailureException', 500, TransientError, true],
    ['InternalFailure', 500, TransientError, true],
    ['ServiceUnavailable', 503, TransientError, true],
  ] as const)('maps %s (HTTP %i) to %p, retryable=%p', (name, status, cls, retryable) => {
    // Prepare
    const err = sdkError(name, status);

    // Act
    const mapped = mapAwsError(err, 'iam:GetRole');

    // Assess
    expect(mapped).toBeInstanceOf(cls);
    expect(mapped).toBeInstanceOf(AwsAdapterError);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.action).toBe('iam:GetRole');
    expect(mapped.code).toBe(name);
    expect(mapped.cause).toBe(err);
  });

  it('maps the SDK classes themselves (IAM query protocol errors)', () => {
    // Prepare
    const notFound = new NoSuchEntityException({ message: 'Role x not found', $metadata: { httpStatusCode: 404 } });
    const malformed = new MalformedPolicyDocumentException({ message: 'Syntax errors in policy.', $metadata: {} });

    // Act
    const a = mapAwsError(notFound, 'iam:GetRole');
    const b = mapAwsError(malformed, 'iam:UpdateAssumeRolePolicy');

    // Assess
    expect(a).toBeInstanceOf(NotFoundError);
    expect(a.httpStatusCode).toBe(404);
    expect(a.message).toBe('iam:GetRole: NoSuchEntityException: Role x not found');
    expect(b).toBeInstanceOf(MalformedPolicyError);
    expect(b.name).toBe('MalformedPolicyError');
  });

  it('recognises the bare query-protocol Code when the name is generic', () => {
    // Prepare
    const err = Object.assign(new Error('Rate exceeded'), { Code: 'Throttling', $metadata: { httpStatusCode: 400 } });

    // Act
    const mapped = mapAwsError(err, 'iam:ListRoles');

    // Assess
    expect(mapped).toBeInstanceOf(ThrottledError);
  });

  it('treats network failures as transient', () => {
    // Prepare
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

    // Act
    const mapped = mapAwsError(err, 'sns:Publish');

    // Assess
    expect(mapped).toBeInstanceOf(TransientError);
    expect(mapped.retryable).toBe(true);
  });

  it('recognises a network failure the SDK wrapped into a plain message', () => {
    // Prepare
    const err = Object.assign(new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9'), { $metadata: { attempts: 2 } });

    // Act
    const mapped = mapAwsError(err, 'iam:GetRole');

    // Assess
    expect(mapped).toBeInstanceOf(TransientError);
  });

  it('uses the HTTP status for unknown codes: 5xx transient, 429 throttled, 403 denied, others plain', () => {
    // Prepare
    const unknown = (status: number) => sdkError('SomethingNew', status);

    // Act
    const results = [500, 429, 403, 400].map((s) => mapAwsError(unknown(s), 'eks:ListClusters'));

    // Assess
    expect(results[0]).toBeInstanceOf(TransientError);
    expect(results[1]).toBeInstanceOf(ThrottledError);
    expect(results[2]).toBeInstanceOf(AccessDeniedError);
    expect(results[3].constructor).toBe(AwsAdapterError);
    expect(results[3].retryable).toBe(false);
  });

  it('honours the SDK throttling flag on unknown codes', () => {
    // Prepare
    const err = Object.assign(sdkError('Weird', 400), { $retryable: { throttling: true } });

    // Act
    const mapped = mapAwsError(err, 'events:PutEvents');

    // Assess
    expect(mapped).toBeInstanceOf(ThrottledError);
  });

  it('does not take a 404 without an error code (moto: unimplemented operation) for a missing resource', () => {
    // Prepare
    const err = Object.assign(new SyntaxError('Unexpected token <'), { $metadata: { httpStatusCode: 404 } });

    // Act
    const mapped = mapAwsError(err, 'eks:DescribePodIdentityAssociation');

    // Assess
    expect(mapped).not.toBeInstanceOf(NotFoundError);
    expect(mapped.retryable).toBe(false);
  });

  it('wraps non-errors and returns adapter errors unchanged', () => {
    // Prepare
    const existing = new NotFoundError('iam:GetRole', 'gone');

    // Act
    const wrapped = mapAwsError('boom', 'iam:TagRole');
    const same = mapAwsError(existing, 'iam:TagRole');

    // Assess
    expect(wrapped).toBeInstanceOf(AwsAdapterError);
    expect(wrapped.message).toBe('iam:TagRole: boom');
    expect(same).toBe(existing);
  });
});

describe('callAws', () => {
  it('returns the result or throws the mapped error', async () => {
    // Prepare
    const ok = () => Promise.resolve(42);
    const failing = () => Promise.reject(sdkError('ThrottlingException'));

    // Act
    const result = await callAws('eks:ListClusters', ok);
    const error = await callAws('eks:ListClusters', failing).catch((e: unknown) => e);

    // Assess
    expect(result).toBe(42);
    expect(error).toBeInstanceOf(ThrottledError);
  });
});
