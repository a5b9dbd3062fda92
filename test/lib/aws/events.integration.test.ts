import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import { InvalidRequestError, NotFoundError } from '../../../lib/aws/errors';
import { EvaluationEventPublisher } from '../../../lib/aws/events';
import { clientsFor, useMoto } from '../../support/moto';

const moto = useMoto();

beforeEach(async () => {
  await moto().reset();
});

describe('EvaluationEventPublisher against moto', () => {
  it('puts an evaluation on a created bus', async () => {
    // Prepare
    const clients = clientsFor(moto().endpoint);
    await clients.eventBridge.send(new CreateEventBusCommand({ Name: 'guard' }));
    const publisher = new EvaluationEventPublisher(clients.eventBridge, 'guard');

    // Act
    const result = publisher.put({ schema: 'eks-trust-guard/evaluation@1', outcome: 'fixed', role: { name: 'é 100%' } });

    // Assess
    await expect(result).resolves.toBeUndefined();
  });

  it('maps a bus that does not exist to NotFoundError', async () => {
    // Prepare
    const publisher = new EvaluationEventPublisher(clientsFor(moto().endpoint).eventBridge, 'missing');

    // Act
    const error = await publisher.put({ a: 1 }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('refuses a detail that is not a JSON object (EventBridge would), without calling it', async () => {
    // Prepare
    const clients = clientsFor(moto().endpoint);
    await clients.eventBridge.send(new CreateEventBusCommand({ Name: 'guard' }));
    const publisher = new EvaluationEventPublisher(clients.eventBridge, 'guard');

    // Act
    const error = await publisher.put('just a string').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).code).toBe('MalformedDetail');
  });
});
