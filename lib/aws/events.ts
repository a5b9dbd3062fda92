/**
 * EventBridge adapter: puts every evaluation on a bus (EVENT_BUS_NAME) for other consumers.
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { callAws, InvalidRequestError, mapAwsError } from './errors';

export const EVENT_SOURCE = 'eks-trust-guard';
export const EVALUATION_DETAIL_TYPE = 'Trust Policy Evaluation';

export class EvaluationEventPublisher {
  static readonly actions = ['events:PutEvents'] as const;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  /**
   * Put one event. PutEvents reports per-entry failures in a 200 response; they are thrown here
   * as the matching error class (e.g. ThrottlingException -> ThrottledError, retryable).
   */
  async put(detail: unknown): Promise<void> {
    // EventBridge wants a JSON object; moto would accept any JSON, so check here for both.
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      throw new InvalidRequestError('events:PutEvents', 'the event detail must be a JSON object', { code: 'MalformedDetail' });
    }
    const out = await callAws('events:PutEvents', () =>
      this.client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.busName,
              Source: EVENT_SOURCE,
              DetailType: EVALUATION_DETAIL_TYPE,
              Detail: JSON.stringify(detail),
            },
          ],
        }),
      ),
    );
    if ((out.FailedEntryCount ?? 0) > 0) {
      const failed = out.Entries?.find((e) => e.ErrorCode) ?? {};
      const code = failed.ErrorCode ?? 'FailedEntry';
      throw mapAwsError({ name: code, message: failed.ErrorMessage ?? 'PutEvents rejected the entry' }, 'events:PutEvents');
    }
  }
}
