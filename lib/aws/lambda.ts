/**
 * Lambda adapter: the sweep's self-continuation (an asynchronous invoke of its own function with
 * a checkpoint). The client follows lib/aws/clients.ts: adaptive retries, the service's user
 * agent, endpoints from the SDK's own resolution (AWS_ENDPOINT_URL for an emulator).
 */
import { InvokeCommand, LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { DEFAULT_MAX_ATTEMPTS, USER_AGENT, type AwsCredentials } from './clients';
import { AwsAdapterError, callAws } from './errors';

/** Asynchronous invocations accept payloads up to 256 KB. */
export const MAX_ASYNC_PAYLOAD_BYTES = 256 * 1024;

export interface LambdaClientOptions {
  maxAttempts?: number;
  credentials?: AwsCredentials;
  endpoint?: string;
}

/** A Lambda client configured like the ClientFactory's clients. */
export function lambdaClientFor(region: string, opts: LambdaClientOptions = {}): LambdaClient {
  const config: LambdaClientConfig = {
    region,
    maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: 'adaptive',
    customUserAgent: USER_AGENT,
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
  };
  return new LambdaClient(config);
}

export class FunctionInvoker {
  static readonly actions = ['lambda:InvokeFunction'] as const;

  constructor(private readonly client: LambdaClient) {}

  /** Queue an asynchronous invocation (InvocationType Event); resolves once Lambda accepted it. */
  async invokeAsync(functionName: string, payload: unknown): Promise<void> {
    const body = Buffer.from(JSON.stringify(payload));
    if (body.length > MAX_ASYNC_PAYLOAD_BYTES) {
      throw new AwsAdapterError('lambda:InvokeFunction', `payload of ${body.length} bytes is over the ${MAX_ASYNC_PAYLOAD_BYTES}-byte limit of asynchronous invocations`);
    }
    const out = await callAws('lambda:InvokeFunction', () =>
      this.client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: body })),
    );
    if (out.StatusCode !== 202) {
      throw new AwsAdapterError('lambda:InvokeFunction', `asynchronous invocation of ${functionName} answered ${String(out.StatusCode)}, not 202`, true);
    }
  }
}
