/**
 * The one middy stack every CloudTrail handler uses: Powertools logger with Lambda context,
 * schema parsing of the EventBridge envelope (safe: a malformed event is logged and
 * acknowledged, never thrown) and correlation by CloudTrail eventID.
 *
 * EventBridge delivers at least once. A second delivery is harmless without an idempotency store:
 * the journal's conditional write (Journal.recordFix) accepts one fix per eventID and role, so a
 * redelivered event changes and announces nothing; tag outcomes are deduplicated by the findings
 * tag; a compliant role costs one GetRole.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { CloudTrailEventSchema, classify, type Classified, type CloudTrailEvent } from './cloudtrail';
import { logger, selfRolePrefix } from './runtime';

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

/** What Lambda calls: any event in (it is validated here), a result out. */
export type CloudTrailLambda = (event: unknown, context: Context) => Promise<HandlerResult>;

export function cloudTrailHandler(allowed: readonly string[], process: Process): CloudTrailLambda {
  const handler = middy()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(parser({ schema: CloudTrailEventSchema, safeParse: true }))
    .handler(async (parsed: SafeParsed): Promise<HandlerResult> => {
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
      return process(event, work);
    });
  return handler as unknown as CloudTrailLambda;
}
