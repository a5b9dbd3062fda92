/**
 * POST /sweep's starter: an asynchronous invoke of the sweep function when SWEEP_FUNCTION_NAME
 * is set, else the real sweep in-process (its wiring from the runtime, every AWS call mocked at
 * the SDK level with aws-sdk-client-mock).
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetAccountAuthorizationDetailsCommand, IAMClient } from '@aws-sdk/client-iam';
import { EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { resetSweepStarter, startSweep, sweepIdFor } from '../../../lib/api/sweep-starter';
import { logger, resetRuntime } from '../../../lib/handler/runtime';
import { AccessDeniedError } from '../../../lib/aws/errors';

const ACCOUNT = '111122223333';
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:eks-trust-guard-test-notifications`;
const ENV_KEYS = ['SWEEP_FUNCTION_NAME', 'JOURNAL_TABLE', 'NOTIFY_TOPIC_ARN', 'AWS_REGION', 'EKS_REGIONS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL'];
const saved: Record<string, string | undefined> = {};

const lambda = mockClient(LambdaClient);
const iam = mockClient(IAMClient);
const eks = mockClient(EKSClient);
const sns = mockClient(SNSClient);

let savedLevel: string;

beforeAll(() => {
  for (const key of ENV_KEYS) saved[key] = process.env[key];
  savedLevel = logger.getLevelName();
  logger.setLogLevel('SILENT');
});

beforeEach(() => {
  lambda.reset();
  iam.reset();
  eks.reset();
  sns.reset();
  Object.assign(process.env, {
    JOURNAL_TABLE: 'journal',
    NOTIFY_TOPIC_ARN: TOPIC,
    AWS_REGION: 'us-east-1',
    EKS_REGIONS: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  });
  delete process.env.SWEEP_FUNCTION_NAME;
  delete process.env.AWS_ENDPOINT_URL;
  resetRuntime();
  resetSweepStarter();
});

afterAll(() => {
  for (const key of ENV_KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  resetRuntime();
  resetSweepStarter();
  logger.setLogLevel(savedLevel as Parameters<typeof logger.setLogLevel>[0]);
});

describe('sweepIdFor', () => {
  it('names the sweep after the API request', () => {
    // Act
    const id = sweepIdFor('c0ffee-42');

    // Assess
    expect(id).toBe('sweep-c0ffee-42');
  });

  it('replaces what sweep ids do not allow (API Gateway ids end in =) and stays within 128 characters', () => {
    // Act
    const gateway = sweepIdFor('JQ3ITiJ2IAMEYhg=');
    const long = sweepIdFor('x'.repeat(300));

    // Assess
    expect(gateway).toBe('sweep-JQ3ITiJ2IAMEYhg-');
    expect(gateway).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
    expect(long).toHaveLength(128);
  });
});

describe('startSweep with SWEEP_FUNCTION_NAME (deployed)', () => {
  it('invokes the sweep function asynchronously with { sweepId } and answers async', async () => {
    // Prepare
    process.env.SWEEP_FUNCTION_NAME = 'eks-trust-guard-test-sweep';
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });

    // Act
    const started = await startSweep(ACCOUNT, 'req-1', 'arn:aws:iam::111122223333:user/alice', undefined);

    // Assess
    expect(started).toEqual({ sweepId: 'sweep-req-1', started: 'async' });
    const calls = lambda.commandCalls(InvokeCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0].args[0].input;
    expect(input.FunctionName).toBe('eks-trust-guard-test-sweep');
    expect(input.InvocationType).toBe('Event');
    expect(JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8'))).toEqual({ sweepId: 'sweep-req-1' });
    expect(iam.calls()).toHaveLength(0);
  });

  it('does not sweep in-process when the function name is set, even if the invoke fails', async () => {
    // Prepare
    const env = { SWEEP_FUNCTION_NAME: 'eks-trust-guard-test-sweep' };
    lambda.on(InvokeCommand).rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    const runInline = jest.fn();

    // Act
    const outcome = startSweep(ACCOUNT, 'req-2', undefined, undefined, { env, runInline });

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(AccessDeniedError);
    expect(runInline).not.toHaveBeenCalled();
  });

  it('refuses an answer other than 202 (the invocation was not queued)', async () => {
    // Prepare
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });

    // Act
    const outcome = startSweep(ACCOUNT, 'req-3', undefined, undefined, { env: { SWEEP_FUNCTION_NAME: 'fn' } });

    // Assess
    await expect(outcome).rejects.toThrow(/not 202/);
  });
});

describe('startSweep without SWEEP_FUNCTION_NAME (local stage)', () => {
  it('runs the real sweep in-process and answers inline with its summary', async () => {
    // Prepare
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({ RoleDetailList: [], IsTruncated: false });
    eks.on(ListClustersCommand).resolves({ clusters: [] });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    // Act
    const started = await startSweep(ACCOUNT, 'req-4', undefined, undefined);

    // Assess
    expect(started.sweepId).toBe('sweep-req-4');
    expect(started.started).toBe('inline');
    expect(started.summary).toMatchObject({ sweepId: 'sweep-req-4', account: ACCOUNT, roles: 0, pages: 1, continued: false, summaryPublished: true });
    expect(lambda.calls()).toHaveLength(0);
    expect(iam.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(1);
    const published = sns.commandCalls(PublishCommand);
    expect(published).toHaveLength(1);
    expect(published[0].args[0].input.TopicArn).toBe(TOPIC);
    expect(JSON.parse(published[0].args[0].input.Message as string).schema).toBe('eks-trust-guard/sweep@1');
  });

  it('treats a blank SWEEP_FUNCTION_NAME as unset', async () => {
    // Prepare
    const runInline = jest.fn().mockResolvedValue({ sweepId: 'sweep-req-5', roles: 3 });

    // Act
    const started = await startSweep(ACCOUNT, 'req-5', undefined, undefined, { env: { SWEEP_FUNCTION_NAME: '  ' }, runInline });

    // Assess
    expect(started).toEqual({ sweepId: 'sweep-req-5', started: 'inline', summary: { sweepId: 'sweep-req-5', roles: 3 } });
    expect(runInline).toHaveBeenCalledWith(ACCOUNT, 'sweep-req-5');
    expect(lambda.calls()).toHaveLength(0);
  });
});
