import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { NotFoundError } from '../../../lib/aws/errors';
import { NotificationPublisher } from '../../../lib/aws/sns';
import { clientsFor, MOTO_ACCOUNT, useMoto } from '../../support/moto';

const moto = useMoto();

beforeEach(async () => {
  await moto().reset();
});

describe('NotificationPublisher against moto', () => {
  it('publishes and the message, subject and attributes can be read back from moto', async () => {
    // Prepare
    const clients = clientsFor(moto().endpoint);
    const topic = await clients.sns.send(new CreateTopicCommand({ Name: 'eks-trust-guard' }));
    const publisher = new NotificationPublisher(clients.sns, topic.TopicArn!);
    const message = { schema: 'eks-trust-guard/evaluation@1', role: { name: 'my-role' }, outcome: 'fixed' };

    // Act
    const id = await publisher.publish({
      subject: '[HIGH] fixed trust policy of role my-role (fargate-source-arn)\n',
      message,
      severity: 'high',
      outcome: 'fixed',
      ruleIds: ['fargate-source-arn'],
    });
    await publisher.publish({ subject: 'x'.repeat(150), message: 'plain', severity: 'low', outcome: 'reported', ruleIds: [] });
    const sent = await moto().snsMessages();

    // Assess
    expect(sent).toHaveLength(2);
    expect(sent[0]).toEqual({
      topicArn: `arn:aws:sns:us-east-1:${MOTO_ACCOUNT}:eks-trust-guard`,
      messageId: id,
      subject: '[HIGH] fixed trust policy of role my-role (fargate-source-arn)',
      message: JSON.stringify(message),
      attributes: {
        severity: { type: 'String', value: 'high' },
        outcome: { type: 'String', value: 'fixed' },
        ruleIds: { type: 'String.Array', value: '["fargate-source-arn"]' },
      },
    });
    expect(sent[1].subject!.length).toBeLessThanOrEqual(100);
    expect(sent[1].attributes).not.toHaveProperty('ruleIds');
  });

  it('reset() forgets published messages', async () => {
    // Prepare
    const clients = clientsFor(moto().endpoint);
    const topic = await clients.sns.send(new CreateTopicCommand({ Name: 't' }));
    await new NotificationPublisher(clients.sns, topic.TopicArn!).publish({ subject: 's', message: {}, severity: 'low', outcome: 'reported', ruleIds: [] });

    // Act
    await moto().reset();
    const sent = await moto().snsMessages();

    // Assess
    expect(sent).toEqual([]);
  });

  it('maps publishing to a topic that does not exist', async () => {
    // Prepare
    const clients = clientsFor(moto().endpoint);
    const publisher = new NotificationPublisher(clients.sns, `arn:aws:sns:us-east-1:${MOTO_ACCOUNT}:missing`);

    // Act
    const error = await publisher.publish({ subject: 's', message: {}, severity: 'low', outcome: 'reported', ruleIds: [] }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
  });
});
