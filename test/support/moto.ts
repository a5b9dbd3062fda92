/**
 * Emulator harness for integration tests: a moto server per test file, real SDK clients pointed at
 * it. Nothing is installed here: when python3 or moto is missing, the test fails with what to run
 * (never a silent skip).
 *
 *   const moto = useMoto();                       // at the top of a describe / file
 *   beforeEach(() => moto().reset());
 *   const clients = clientsFor(moto().endpoint);
 */
import { ClientFactory, type AwsClients } from '../../lib/aws/clients';
import { startMotoServer, type MotoServer, type SnsMessage, type StartOptions } from '../../scripts/moto';

export type { MotoServer, SnsMessage, StartOptions };

/**
 * moto does not know AWS managed policies (AmazonEKSWorkerNodePolicy, ...) unless asked: pass
 * `{ env: LOAD_MANAGED_POLICIES }` to attach them to roles in a test. Costly: moto then loads
 * about a thousand policies at start and on every reset (~4 s each on this machine under load),
 * so use it only in the file that needs it, or use customer managed policies instead.
 */
export const LOAD_MANAGED_POLICIES = { MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' };

/** moto's fixed account id. */
export const MOTO_ACCOUNT = '123456789012';
export const TEST_REGION = 'us-east-1';

/** Start a moto server on a free loopback port (call stop() when done, e.g. in afterAll). */
export async function startMoto(opts: StartOptions = {}): Promise<MotoServer> {
  return startMotoServer(opts);
}

/**
 * Register beforeAll/afterAll that start and stop one moto server for the enclosing describe
 * block (or file). Returns an accessor valid inside tests and hooks.
 */
export function useMoto(opts: StartOptions = {}): () => MotoServer {
  let server: MotoServer | undefined;
  beforeAll(async () => {
    server = await startMoto(opts);
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('moto server is not running (useMoto() must be called at describe level)');
    return server;
  };
}

/** A factory whose clients talk to `endpoint` with dummy credentials and few retries. */
export function clientFactoryFor(endpoint: string, maxAttempts = 2): ClientFactory {
  return new ClientFactory({
    endpoint,
    maxAttempts,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}

/** Real SDK clients (us-east-1) for the emulator at `endpoint`. */
export function clientsFor(endpoint: string, region = TEST_REGION): AwsClients {
  return clientFactoryFor(endpoint).forTarget({ region });
}
