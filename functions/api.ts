/** `api`: the IAM-authorised on-demand HTTP API (CONTRACTS.md). Thin: adapt, route, answer. */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithIAMAuthorizer, Context } from 'aws-lambda';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { handleApiRequest, type ApiResponse } from '../lib/api/router';
import { apiServices } from '../lib/api/services';
import { startSweep } from '../lib/api/sweep-starter';
import { logger } from '../lib/handler/runtime';

async function api(event: APIGatewayProxyEventV2WithIAMAuthorizer, context: Context): Promise<ApiResponse> {
  const rc = event.requestContext;
  // serverless-offline gives every request the same placeholder id: use Lambda's there.
  const requestId = rc?.requestId && !rc.requestId.startsWith('offlineContext_') ? rc.requestId : context.awsRequestId;
  logger.setCorrelationId(requestId);
  const account = rc?.accountId && /^\d{12}$/.test(rc.accountId) ? rc.accountId : (process.env.AWS_ACCOUNT_ID ?? '');
  return handleApiRequest(
    {
      method: rc?.http?.method ?? 'GET',
      path: event.rawPath ?? rc?.http?.path ?? '/',
      body: event.body,
      isBase64Encoded: event.isBase64Encoded,
      actor: rc?.authorizer?.iam?.userArn,
      requestId,
    },
    apiServices(account, (id, actor) => startSweep(account, id, actor, context)),
    (msg, extra) => logger.error(msg, extra),
  );
}

export const handler = middy(api).use(injectLambdaContext(logger, { resetKeys: true }));
