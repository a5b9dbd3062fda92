import { mockClient } from 'aws-sdk-client-mock';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AccessDeniedError, NotFoundError } from '../../../lib/aws/errors';
import { WebhookUrlError } from '../../../lib/slack/errors';
import { SecretsManagerWebhookUrl, SsmWebhookUrl, validateWebhookUrl } from '../../../lib/slack/secret';

const URL_VALUE = 'https://hooks.slack.com/services/T000/B000/SecretToken123';
const PARAMETER = '/eks-trust-guard/slack-webhook';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:eks-trust-guard/slack-AbCdEf';

const ssm = mockClient(SSMClient);
const secrets = mockClient(SecretsManagerClient);

afterEach(() => {
  ssm.reset();
  secrets.reset();
});

function accessDenied(): Error {
  return Object.assign(new Error('User is not authorized to perform this action'), { name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

describe('SsmWebhookUrl', () => {
  it('reads the SecureString with decryption and caches it', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: URL_VALUE } });
    const source = new SsmWebhookUrl(new SSMClient({ region: 'eu-west-1' }), PARAMETER, 300);

    // Act
    const first = await source.get();
    const second = await source.get();

    // Assess
    expect(first).toBe(URL_VALUE);
    expect(second).toBe(URL_VALUE);
    const calls = ssm.commandCalls(GetParameterCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({ Name: PARAMETER, WithDecryption: true });
    expect(source.description).toBe(`SSM parameter ${PARAMETER}`);
  });

  it('fetches again after invalidate() (a rotated webhook is picked up)', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolvesOnce({ Parameter: { Value: URL_VALUE } }).resolves({ Parameter: { Value: `${URL_VALUE}-rotated` } });
    const source = new SsmWebhookUrl(new SSMClient({ region: 'eu-west-1' }), PARAMETER, 300);

    // Act
    await source.get();
    source.invalidate();
    const after = await source.get();

    // Assess
    expect(after).toBe(`${URL_VALUE}-rotated`);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('does not cache with a max age of 0', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: URL_VALUE } });
    const source = new SsmWebhookUrl(new SSMClient({ region: 'eu-west-1' }), PARAMETER, 0);
    await source.get();
    await source.get();
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('translates a missing parameter into NotFoundError', async () => {
    // Prepare
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'Parameter not found', $metadata: { httpStatusCode: 400 } }));
    const source = new SsmWebhookUrl(new SSMClient({ region: 'eu-west-1' }), PARAMETER);

    // Act
    const error = await source.get().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ action: 'ssm:GetParameter', retryable: false });
  });

  it('translates AccessDenied into AccessDeniedError', async () => {
    ssm.on(GetParameterCommand).rejects(accessDenied());
    const error = await new SsmWebhookUrl(new SSMClient({ region: 'eu-west-1' }), PARAMETER).get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ action: 'ssm:GetParameter' });
  });

  it('refuses a value that is not a URL without repeating it', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'xoxb-SecretBotToken' } });

    // Act
    const error = await new SsmWebhookUrl(new SSMClient({ region: 'eu-west-1' }), PARAMETER).get().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(WebhookUrlError);
    expect((error as Error).message).toBe(`SSM parameter ${PARAMETER} does not hold a valid URL`);
    expect(JSON.stringify(error)).not.toContain('SecretBotToken');
  });

  it('refuses an empty parameter', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '  ' } });
    const error = await new SsmWebhookUrl(new SSMClient({ region: 'eu-west-1' }), PARAMETER).get().catch((e: unknown) => e);
    expect((error as Error).message).toBe(`SSM parameter ${PARAMETER} is empty`);
  });
});

describe('SecretsManagerWebhookUrl', () => {
  it('reads a secret holding the bare URL', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: `${URL_VALUE}\n` });
    const source = new SecretsManagerWebhookUrl(new SecretsManagerClient({ region: 'eu-west-1' }), SECRET_ARN, 300);

    // Act
    const url = await source.get();
    await source.get();

    // Assess
    expect(url).toBe(URL_VALUE);
    const calls = secrets.commandCalls(GetSecretValueCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({ SecretId: SECRET_ARN });
  });

  it.each([['url'], ['webhookUrl'], ['webhook_url']])('reads a JSON secret with a %s key', async (key) => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ channel: '#alerts', [key]: URL_VALUE }) });
    const url = await new SecretsManagerWebhookUrl(new SecretsManagerClient({ region: 'eu-west-1' }), SECRET_ARN).get();
    expect(url).toBe(URL_VALUE);
  });

  it('reads a binary secret', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new TextEncoder().encode(URL_VALUE) });
    const url = await new SecretsManagerWebhookUrl(new SecretsManagerClient({ region: 'eu-west-1' }), SECRET_ARN).get();
    expect(url).toBe(URL_VALUE);
  });

  it('refuses a JSON secret without a URL key, without repeating its content', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ token: 'xoxb-SecretBotToken' }) });
    const error = await new SecretsManagerWebhookUrl(new SecretsManagerClient({ region: 'eu-west-1' }), SECRET_ARN).get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookUrlError);
    expect((error as Error).message).toBe(`secret ${SECRET_ARN} is a JSON object without a url / webhookUrl / webhook_url key`);
    expect(JSON.stringify(error)).not.toContain('SecretBotToken');
  });

  it('translates a missing secret into NotFoundError', async () => {
    secrets.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: { httpStatusCode: 400 } }));
    const error = await new SecretsManagerWebhookUrl(new SecretsManagerClient({ region: 'eu-west-1' }), SECRET_ARN).get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ action: 'secretsmanager:GetSecretValue' });
  });
});

describe('validateWebhookUrl', () => {
  it('accepts https and loopback http', () => {
    expect(validateWebhookUrl(` ${URL_VALUE} `, 'x')).toBe(URL_VALUE);
    expect(validateWebhookUrl('http://127.0.0.1:8080/services/a', 'x')).toBe('http://127.0.0.1:8080/services/a');
    expect(validateWebhookUrl('http://localhost/services/a', 'x')).toBe('http://localhost/services/a');
  });

  it('refuses plain http elsewhere', () => {
    expect(() => validateWebhookUrl('http://hooks.slack.com/services/T/B/SecretToken', 'secret s')).toThrow(
      new WebhookUrlError('secret s must hold an https URL (plain http is accepted only for a loopback host)'),
    );
  });
});
