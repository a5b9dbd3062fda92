import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { AccessDeniedError, AwsAdapterError } from '../../../lib/aws/errors';
import { FunctionInvoker, lambdaClientFor, MAX_ASYNC_PAYLOAD_BYTES } from '../../../lib/aws/lambda';
import { sdkError } from './sdk-errors';

const lambdaMock = mockClient(LambdaClient);
const invoker = new FunctionInvoker(new LambdaClient({ region: 'us-east-1' }));

afterEach(() => {
  lambdaMock.reset();
});

describe('FunctionInvoker.invokeAsync', () => {
  it('queues an asynchronous invocation with the payload as JSON', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });

    // Act
    await invoker.invokeAsync('eks-trust-guard-prod-sweep', { checkpoint: { sweepId: 's' } });

    // Assess
    const input = lambdaMock.commandCalls(InvokeCommand)[0].args[0].input;
    expect(input.FunctionName).toBe('eks-trust-guard-prod-sweep');
    expect(input.InvocationType).toBe('Event');
    expect(JSON.parse(Buffer.from(input.Payload as Uint8Array).toString())).toEqual({ checkpoint: { sweepId: 's' } });
  });

  it('fails when Lambda did not accept the invocation, or refused it', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand, { FunctionName: 'odd' }).resolves({ StatusCode: 200 }).on(InvokeCommand, { FunctionName: 'denied' }).rejects(sdkError('AccessDeniedException', 403));

    // Act
    const odd = await invoker.invokeAsync('odd', {}).catch((e: unknown) => e);
    const denied = await invoker.invokeAsync('denied', {}).catch((e: unknown) => e);

    // Assess
    expect(odd).toBeInstanceOf(AwsAdapterError);
    expect((odd as AwsAdapterError).message).toBe('lambda:InvokeFunction: asynchronous invocation of odd answered 200, not 202');
    expect(denied).toBeInstanceOf(AccessDeniedError);
    expect((denied as AccessDeniedError).action).toBe('lambda:InvokeFunction');
  });

  it('refuses a payload over the asynchronous limit without calling Lambda', async () => {
    // Act
    const error = await invoker.invokeAsync('f', { big: 'x'.repeat(MAX_ASYNC_PAYLOAD_BYTES) }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsAdapterError);
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it('declares exactly the action it calls', async () => {
    // Prepare
    lambdaMock.onAnyCommand().resolves({ StatusCode: 202 });

    // Act
    await invoker.invokeAsync('f', {});

    // Assess
    const sent = lambdaMock.calls().map((c) => `lambda:${(c.args[0] as object).constructor.name.replace(/Command$/, '')}Function`);
    expect(sent).toEqual([...FunctionInvoker.actions]);
  });
});

describe('lambdaClientFor', () => {
  it('configures the client like the ClientFactory: region, adaptive retries, 5 attempts', async () => {
    // Act
    const client = lambdaClientFor('eu-west-1', { endpoint: 'http://127.0.0.1:1' });

    // Assess
    expect(await client.config.region()).toBe('eu-west-1');
    expect(await client.config.maxAttempts()).toBe(5);
    expect(((await client.config.retryStrategy()) as unknown as { mode: string }).mode).toBe('adaptive');
    expect((await client.config.endpoint?.())?.hostname).toBe('127.0.0.1');
    client.destroy();
  });
});
