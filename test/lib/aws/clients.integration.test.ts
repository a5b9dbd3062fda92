import { CreateTopicCommand, ListTopicsCommand } from '@aws-sdk/client-sns';
import { ClientFactory } from '../../../lib/aws/clients';
import { TransientError } from '../../../lib/aws/errors';
import { IamAdapter } from '../../../lib/aws/iam';
import { freePort } from '../../../scripts/moto';
import { MOTO_ACCOUNT, useMoto } from '../../support/moto';

const moto = useMoto();
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

describe('ClientFactory against moto', () => {
  const saved = process.env.AWS_ENDPOINT_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
  });

  it('reaches the emulator through AWS_ENDPOINT_URL alone (the SDK reads it; invoke local relies on it)', async () => {
    // Prepare
    process.env.AWS_ENDPOINT_URL = moto().endpoint;
    const factory = new ClientFactory({ credentials, maxAttempts: 1 });
    const clients = factory.forTarget({ region: 'eu-west-1' });

    // Act
    await clients.sns.send(new CreateTopicCommand({ Name: 'via-env' }));
    const topics = await clients.sns.send(new ListTopicsCommand({}));
    const role = await new IamAdapter(clients.iam).getRole('none');

    // Assess
    expect(topics.Topics?.map((t) => t.TopicArn)).toContain(`arn:aws:sns:eu-west-1:${MOTO_ACCOUNT}:via-env`);
    expect(role).toBeNull();
    factory.destroy();
  });

  it('turns an unreachable endpoint into a retryable TransientError after its attempts', async () => {
    // Prepare
    const port = await freePort();
    const factory = new ClientFactory({ credentials, maxAttempts: 2, endpoint: `http://127.0.0.1:${port}` });
    const iam = new IamAdapter(factory.forTarget({ region: 'us-east-1' }).iam);

    // Act
    const error = await iam.getRole('x').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryable).toBe(true);
    factory.destroy();
  });
});
