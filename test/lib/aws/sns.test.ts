import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { AccessDeniedError, AwsAdapterError, NotFoundError } from '../../../lib/aws/errors';
import { NotificationPublisher, sanitiseSubject } from '../../../lib/aws/sns';
import { sdkError } from './sdk-errors';

const snsMock = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:eks-trust-guard';
const publisher = new NotificationPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC);

afterEach(() => {
  snsMock.reset();
});

describe('NotificationPublisher.publish', () => {
  it('publishes the JSON message with subject and the severity, outcome and ruleIds attributes', async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const message = { schema: 'eks-trust-guard/evaluation@1', outcome: 'fixed' };

    // Act
    const id = await publisher.publish({
      subject: '[HIGH] fixed trust policy of role my-role (fargate-source-arn)',
      message,
      severity: 'high',
      outcome: 'fixed',
      ruleIds: ['fargate-source-arn', 'pod-identity-tag-session'],
    });

    // Assess
    expect(id).toBe('m-1');
    expect(snsMock.commandCalls(PublishCommand)[0].args[0].input).toEqual({
      TopicArn: TOPIC,
      Subject: '[HIGH] fixed trust policy of role my-role (fargate-source-arn)',
      Message: JSON.stringify(message),
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'high' },
        outcome: { DataType: 'String', StringValue: 'fixed' },
        ruleIds: { DataType: 'String.Array', StringValue: '["fargate-source-arn","pod-identity-tag-session"]' },
      },
    });
  });

  it('leaves out the ruleIds attribute when there are none, and sends a string message as is', async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-2' });

    // Act
    await publisher.publish({ subject: 'sweep summary', message: '{"schema":"eks-trust-guard/sweep@1"}', severity: 'info', outcome: 'summary', ruleIds: [] });

    // Assess
    const input = snsMock.commandCalls(PublishCommand)[0].args[0].input;
    expect(input.Message).toBe('{"schema":"eks-trust-guard/sweep@1"}');
    expect(Object.keys(input.MessageAttributes ?? {})).toEqual(['severity', 'outcome']);
  });

  it('maps a missing topic and denied publish', async () => {
    // Prepare
    snsMock.on(PublishCommand).rejectsOnce(sdkError('NotFoundException', 404)).rejectsOnce(sdkError('AuthorizationErrorException', 403));

    // Act
    const n = { subject: 's', message: {}, severity: 'low', outcome: 'reported', ruleIds: ['x'] };
    const first = await publisher.publish(n).catch((e: unknown) => e);
    const second = await publisher.publish(n).catch((e: unknown) => e);

    // Assess
    expect(first).toBeInstanceOf(NotFoundError);
    expect(second).toBeInstanceOf(AccessDeniedError);
    expect((second as AccessDeniedError).action).toBe('sns:Publish');
  });

  it('fails when SNS returns no MessageId', async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves({});

    // Act
    const error = await publisher.publish({ subject: 's', message: {}, severity: 'low', outcome: 'reported', ruleIds: [] }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsAdapterError);
  });
});

describe('sanitiseSubject', () => {
  it('keeps a subject of 100 characters and shortens a longer one to 100', () => {
    // Prepare
    const exact = 'x'.repeat(100);
    const long = `[HIGH] fixed trust policy of role ${'r'.repeat(64)} (fargate-source-arn, pod-identity-tag-session)`;

    // Act
    const a = sanitiseSubject(exact);
    const b = sanitiseSubject(long);

    // Assess
    expect(a).toBe(exact);
    expect(b.length).toBeLessThanOrEqual(100);
    expect(b.startsWith('[HIGH] fixed trust policy of role rrr')).toBe(true);
  });

  it('removes line breaks and control characters, strips accents, replaces other non-ASCII, trims', () => {
    // Prepare
    const subject = '  [LOW]\r\nrôle\tcafé\u0007 名 ';

    // Act
    const out = sanitiseSubject(subject);

    // Assess
    expect(out).toBe('[LOW] role cafe ?');
    expect(out).toMatch(/^[\x20-\x7e]+$/);
  });

  it('omits a subject that sanitises to nothing', async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves({ MessageId: 'm' });

    // Act
    await publisher.publish({ subject: '\n\t', message: {}, severity: 'low', outcome: 'reported', ruleIds: [] });

    // Assess
    expect(snsMock.commandCalls(PublishCommand)[0].args[0].input).not.toHaveProperty('Subject');
  });
});
