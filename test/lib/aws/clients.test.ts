import { ClientFactory, DEFAULT_MAX_ATTEMPTS, iamRegionFor, USER_AGENT } from '../../../lib/aws/clients';

const staticCredentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

/** The retry strategy's mode (`standard` or `adaptive`); not part of the strategy's public type. */
async function retryMode(client: { config: { retryStrategy: () => Promise<unknown> } }): Promise<unknown> {
  return ((await client.config.retryStrategy()) as { mode?: unknown }).mode;
}

describe('iamRegionFor', () => {
  it.each([
    ['eu-west-1', 'us-east-1'],
    ['us-east-1', 'us-east-1'],
    ['cn-northwest-1', 'cn-north-1'],
    ['us-gov-east-1', 'us-gov-west-1'],
  ])('serves IAM for %s from %s', (region, expected) => {
    // Act
    const out = iamRegionFor(region);

    // Assess
    expect(out).toBe(expected);
  });
});

describe('ClientFactory', () => {
  it('creates the IAM client in us-east-1 and the regional clients in the region asked for', async () => {
    // Prepare
    const factory = new ClientFactory({ credentials: staticCredentials });

    // Act
    const clients = factory.forTarget({ region: 'eu-west-1' });

    // Assess
    expect(await clients.iam.config.region()).toBe('us-east-1');
    expect(await clients.eks.config.region()).toBe('eu-west-1');
    expect(await clients.sns.config.region()).toBe('eu-west-1');
    expect(await clients.eventBridge.config.region()).toBe('eu-west-1');
    expect(await clients.dynamodbClient.config.region()).toBe('eu-west-1');
    expect(clients.dynamodb.config).toBe(clients.dynamodbClient.config);
    factory.destroy();
  });

  it('uses adaptive retries with 5 attempts by default, or the number given', async () => {
    // Prepare
    const byDefault = new ClientFactory({ credentials: staticCredentials });
    const custom = new ClientFactory({ credentials: staticCredentials, maxAttempts: 2 });

    // Act
    const a = byDefault.forTarget({ region: 'us-east-1' });
    const b = custom.forTarget({ region: 'us-east-1' });

    // Assess
    expect(DEFAULT_MAX_ATTEMPTS).toBe(5);
    expect(await a.sns.config.maxAttempts()).toBe(5);
    expect(await retryMode(a.sns)).toBe('adaptive');
    expect(await retryMode(a.iam)).toBe('adaptive');
    expect(await b.iam.config.maxAttempts()).toBe(2);
    expect(() => new ClientFactory({ maxAttempts: 0 })).toThrow(RangeError);
  });

  it('caches clients per account and region, sharing the global IAM client across regions', () => {
    // Prepare
    const factory = new ClientFactory({ credentials: staticCredentials });

    // Act
    const a = factory.forTarget({ region: 'eu-west-1' });
    const again = factory.forTarget({ region: 'eu-west-1' });
    const otherRegion = factory.forTarget({ region: 'eu-central-1' });
    const otherAccount = factory.forTarget({ region: 'eu-west-1', accountId: '111122223333' });

    // Assess
    expect(again).toBe(a);
    expect(otherRegion).not.toBe(a);
    expect(otherRegion.iam).toBe(a.iam);
    expect(otherAccount.iam).not.toBe(a.iam);
    factory.destroy();
  });

  it('asks credentialsFor once per account and falls back to the default credentials', async () => {
    // Prepare
    const provider = jest.fn(async () => ({ accessKeyId: 'CROSS', secretAccessKey: 's' }));
    const credentialsFor = jest.fn((account: string) => (account === '111122223333' ? provider : undefined));
    const factory = new ClientFactory({ credentials: staticCredentials, credentialsFor });

    // Act
    const cross = factory.forTarget({ region: 'eu-west-1', accountId: '111122223333' });
    factory.forTarget({ region: 'eu-west-1', accountId: '111122223333' });
    const other = factory.forTarget({ region: 'eu-west-1', accountId: '444455556666' });
    const crossCreds = await cross.sns.config.credentials();
    const otherCreds = await other.sns.config.credentials();

    // Assess
    expect(credentialsFor).toHaveBeenCalledTimes(2);
    expect(crossCreds.accessKeyId).toBe('CROSS');
    expect(otherCreds.accessKeyId).toBe('AKIDEXAMPLE');
    factory.destroy();
  });

  it('identifies itself in the user agent so its own CloudTrail events can be recognised', async () => {
    // Prepare
    const factory = new ClientFactory({ credentials: staticCredentials });

    // Act
    const clients = factory.forTarget({ region: 'us-east-1' });

    // Assess
    expect(JSON.stringify(clients.iam.config.customUserAgent)).toContain(USER_AGENT);
    factory.destroy();
  });
});
