/**
 * The one middy stack every CloudTrail handler uses: Powertools logger with Lambda context,
 * schema parsing of the EventBridge envelope (safe: a malformed event is logged and
 * acknowledged, never thrown), correlation by CloudTrail eventID, and idempotency by eventID
 * (EventBridge delivers at least once).
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { CloudTrailEventSchema, classify, type Classified, type CloudTrailEvent } from './cloudtrail';
import { clientFactory, logger, selfRolePrefix, serviceConfig } from './runtime';

export interface HandlerResult {
  status: 'ignored' | 'processed';
  reason?: string;
  outcome?: string;
  roleName?: string;
}

type Process = (event: CloudTrailEvent, work: Exclude<Classified, { kind: 'ignore' }>) => Promise<HandlerResult>;

interface SafeParsed {
  success: boolean;
  data?: CloudTrailEvent;
  error?: { message?: string; issues?: unknown };
  originalEvent?: unknown;
}

/** Idempotency keyed on the CloudTrail eventID, when a table is configured. */
function idempotent(inner: Process, context: Context): Process {
  // The stored result must be plain JSON (DynamoDB rejects undefined values).
  const process: Process = async (event, work) => JSON.parse(JSON.stringify(await inner(event, work)));
  const table = serviceConfig().idempotencyTable;
  if (!table) return process;
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'detail.eventID', expiresAfterSeconds: 24 * 3600 });
  config.registerLambdaContext(context);
  const clients = clientFactory().forTarget({ region: serviceConfig().region });
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName: table, awsSdkV3Client: clients.dynamodbClient });
  return makeIdempotent(process, { persistenceStore, config, dataIndexArgument: 0 });
}

/** What Lambda calls: any event in (it is validated here), a result out. */
export type CloudTrailLambda = (event: unknown, context: Context) => Promise<HandlerResult>;

export function cloudTrailHandler(allowed: readonly string[], process: Process): CloudTrailLambda {
  const handler = middy()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(parser({ schema: CloudTrailEventSchema, safeParse: true }))
    .handler(async (parsed: SafeParsed, context: Context): Promise<HandlerResult> => {
      if (!parsed.success || !parsed.data) {
        const reason = `malformed event: ${parsed.error?.message ?? 'does not match the CloudTrail event schema'}`;
        logger.warn('event acknowledged without processing', { reason, issues: parsed.error?.issues });
        return { status: 'ignored', reason };
      }
      const event = parsed.data;
      logger.setCorrelationId(event.detail.eventID);
      logger.appendKeys({ eventName: event.detail.eventName });
      const work = classify(event, allowed, selfRolePrefix());
      if (work.kind === 'ignore') {
        logger.info('event acknowledged without processing', { reason: work.reason });
        return { status: 'ignored', reason: work.reason };
      }
      return idempotent(process, context)(event, work);
    });
  return handler as unknown as CloudTrailLambda;
}
