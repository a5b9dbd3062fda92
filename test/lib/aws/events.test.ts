import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidRequestError, NotFoundError, ThrottledError } from '../../../lib/aws/errors';
import { EvaluationEventPublisher } from '../../../lib/aws/events';
import { sdkError } from './sdk-errors';

const ebMock = mockClient(EventBridgeClient);
const publisher = new EvaluationEventPublisher(new EventBridgeClient({ region: 'us-east-1' }), 'guard-bus');

afterEach(() => {
  ebMock.reset();
});

describe('EvaluationEventPublisher.put', () => {
  it('puts one event with the contract source and detail-type on the bus', async () => {
    // Prepare
    ebMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const detail = { schema: 'eks-trust-guard/evaluation@1', outcome: 'fixed' };

    // Act
    await publisher.put(detail);

    // Assess
    expect(ebMock.commandCalls(PutEventsCommand)[0].args[0].input).toEqual({
      Entries: [{ EventBusName: 'guard-bus', Source: 'eks-trust-guard', DetailType: 'Trust Policy Evaluation', Detail: JSON.stringify(detail) }],
    });
  });

  it('throws when an entry failed inside a successful response, mapped by its error code', async () => {
    // Prepare
    ebMock
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }] })
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }] });

    // Act
    const first = await publisher.put({}).catch((e: unknown) => e);
    const second = await publisher.put({}).catch((e: unknown) => e);

    // Assess
    expect(first).toBeInstanceOf(ThrottledError);
    expect((first as ThrottledError).action).toBe('events:PutEvents');
    expect(second).toBeInstanceOf(InvalidRequestError);
    expect((second as Error).message).toContain('Detail is malformed.');
  });

  it('maps a missing bus', async () => {
    // Prepare
    ebMock.on(PutEventsCommand).rejects(sdkError('ResourceNotFoundException', 400, 'Event bus guard-bus does not exist.'));

    // Act
    const error = await publisher.put({}).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('refuses a detail that is not a JSON object without calling EventBridge', async () => {
    // Prepare
    ebMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });

    // Act
    const errors = await Promise.all([null, 'text', [1]].map((d) => publisher.put(d).catch((e: unknown) => e)));

    // Assess
    for (const e of errors) expect(e).toBeInstanceOf(InvalidRequestError);
    expect(ebMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
