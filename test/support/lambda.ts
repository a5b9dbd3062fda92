/** What the Lambda runtime hands a handler, for tests that invoke the real handlers. */
import type { Context } from 'aws-lambda';
import { MOTO_ACCOUNT } from './moto';

export function lambdaContext(functionName: string, remainingMs = 60_000): Context {
  return {
    awsRequestId: `req-${functionName}`,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${MOTO_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '256',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  } as unknown as Context;
}

/** Set environment variables for a test file and put the previous values back afterwards. */
export function withEnv(keys: readonly string[]): { save(): void; restore(): void } {
  const saved: Record<string, string | undefined> = {};
  return {
    save() {
      for (const k of keys) saved[k] = process.env[k];
    },
    restore() {
      for (const k of keys) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    },
  };
}
