/**
 * `slackNotifier`: the notification topic's subscriber. Posts each SNS record to Slack (see
 * lib/slack/notifier.ts). Thin by design. An event that is not an SNS event is logged and thrown
 * (retried, then kept by the on-failure destination), never dropped silently.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { SnsSchema } from '@aws-lambda-powertools/parser/schemas/sns';
import type { SnsEvent } from '@aws-lambda-powertools/parser/types';
import { logger } from '../lib/handler/runtime';
import { SlackError } from '../lib/slack/errors';
import type { NotifyResult, SlackNotifier } from '../lib/slack/notifier';
import { slackNotifier } from '../lib/slack/runtime';

/** Kept back from the Lambda's remaining time so a timed-out post still ends with our error. */
export const TIME_RESERVE_MS = 1500;

interface SafeParsed {
  success: boolean;
  data?: SnsEvent;
  error?: { message?: string };
}

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(parser({ schema: SnsSchema, safeParse: true }))
  .handler(async (parsed: SafeParsed, context: Context): Promise<NotifyResult> => {
    if (!parsed.success || !parsed.data) {
      const reason = parsed.error?.message ?? 'does not match the SNS event schema';
      logger.error('not an SNS event; nothing posted', { reason });
      throw new SlackError(`slackNotifier expects an SNS event: ${reason}`, false);
    }
    const deadline = Date.now() + context.getRemainingTimeInMillis() - TIME_RESERVE_MS;
    let notifier: SlackNotifier;
    try {
      notifier = slackNotifier();
    } catch (error) {
      logger.error('slackNotifier is not configured; nothing posted', { error });
      throw error;
    }
    return notifier.notify(parsed.data.Records, { deadline });
  });
