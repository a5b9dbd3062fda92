import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ensureMoto,
  freePort,
  MotoUnavailableError,
  parseSnsMessages,
  startMotoServer,
  VENV_DIR,
  VENV_PYTHON,
  type CommandRunner,
} from '../../scripts/moto';

/** A fake command runner: answers by "cmd args" prefix, records what ran. */
function fakeRunner(answers: Record<string, number>): { run: CommandRunner; ran: string[] } {
  const ran: string[] = [];
  const run: CommandRunner = (cmd, args) => {
    const line = [cmd, ...args].join(' ');
    ran.push(line);
    const key = Object.keys(answers).find((k) => line.startsWith(k));
    const status = key === undefined ? 1 : answers[key];
    return { status, error: undefined, stderr: status === 0 ? '' : 'simulated failure' };
  };
  return { run, ran };
}

const quiet = () => undefined;

describe('ensureMoto', () => {
  it('prefers the project .venv when it can import moto.server', () => {
    // Prepare
    const { run, ran } = fakeRunner({ [`${VENV_PYTHON} -c import moto.server`]: 0 });

    // Act
    const python = ensureMoto({ run, venvExists: () => true, log: quiet });

    // Assess
    expect(python).toBe(VENV_PYTHON);
    expect(ran).toHaveLength(1);
  });

  it('uses python3 when it has moto, installing nothing', () => {
    // Prepare
    const { run, ran } = fakeRunner({ 'python3 -c import moto.server': 0 });

    // Act
    const python = ensureMoto({ run, venvExists: () => false, log: quiet });

    // Assess
    expect(python).toBe('python3');
    expect(ran.some((l) => l.includes('pip'))).toBe(false);
  });

  it('creates .venv and installs moto[server] into it when python3 lacks moto', () => {
    // Prepare
    let venv = false;
    const { run, ran } = fakeRunner({
      'python3 --version': 0,
      [`python3 -m venv ${VENV_DIR}`]: 0,
      [`${VENV_PYTHON} -m pip install`]: 0,
    });
    const runAndTrack: CommandRunner = (cmd, args) => {
      const r = run(cmd, args);
      if (args.includes('venv') && r.status === 0) venv = true;
      // After pip succeeded, the venv python imports moto.
      if (cmd === VENV_PYTHON && args[0] === '-c') return { ...r, status: ran.some((l) => l.includes('pip install')) ? 0 : 1 };
      return r;
    };

    // Act
    const python = ensureMoto({ run: runAndTrack, venvExists: () => venv, log: quiet });

    // Assess
    expect(python).toBe(VENV_PYTHON);
    expect(ran).toContain(`python3 -m venv ${VENV_DIR}`);
    expect(ran).toContain(`${VENV_PYTHON} -m pip install --quiet moto[server]`);
  });

  it('says exactly what to run when the virtual environment cannot be created', () => {
    // Prepare
    const { run, ran } = fakeRunner({ 'python3 --version': 0 });

    // Act
    const attempt = () => ensureMoto({ run, venvExists: () => false, log: quiet });

    // Assess
    expect(attempt).toThrow(MotoUnavailableError);
    expect(attempt).toThrow(/python3 -m venv \.venv && \.venv\/bin\/pip install 'moto\[server\]'/);
    expect(ran.some((l) => l.includes('pip'))).toBe(false);
  });

  it('says exactly what to run when pip cannot install moto (e.g. no network)', () => {
    // Prepare
    const { run } = fakeRunner({ 'python3 --version': 0, [`python3 -m venv`]: 0 });

    // Act
    const attempt = () => ensureMoto({ run, venvExists: () => false, log: quiet });

    // Assess
    expect(attempt).toThrow(/Installing moto\[server\] into \.venv failed[\s\S]*python3 -m pip install 'moto\[server\]'/);
  });

  it('reports a missing python3', () => {
    // Prepare
    const { run } = fakeRunner({});

    // Act
    const attempt = () => ensureMoto({ run, venvExists: () => false, log: quiet });

    // Assess
    expect(attempt).toThrow(/python3 was not found/);
  });
});

describe('startMotoServer failures', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'moto-test-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails with install instructions when the interpreter does not exist', async () => {
    // Prepare
    const python = path.join(dir, 'no-such-python');

    // Act
    const error = await startMotoServer({ python }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(MotoUnavailableError);
    expect((error as Error).message).toMatch(/not found/);
    expect((error as Error).message).toContain("pip install 'moto[server]'");
  });

  it('fails with install instructions when python has no moto', async () => {
    // Prepare: python3 in isolated mode without site-packages cannot see moto.
    const python = path.join(dir, 'python-without-moto');
    writeFileSync(python, '#!/bin/sh\nexec python3 -I -S "$@"\n');
    chmodSync(python, 0o755);

    // Act
    const error = await startMotoServer({ python }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(MotoUnavailableError);
    expect((error as Error).message).toMatch(/has no moto server module/);
    expect((error as Error).message).toContain("python3 -m venv .venv && .venv/bin/pip install 'moto[server]'");
  });
});

describe('startMotoServer', () => {
  it('serves on a loopback port until stopped, and stop() may be called twice', async () => {
    // Prepare
    const server = await startMotoServer();

    // Act
    const before = await fetch(`${server.endpoint}/moto-api/`);
    await server.stop();
    await server.stop();
    const after = await fetch(`${server.endpoint}/moto-api/`).then(
      () => 'answered',
      () => 'refused',
    );

    // Assess
    expect(server.endpoint).toBe(`http://127.0.0.1:${server.port}`);
    expect(before.status).toBe(200);
    expect(after).toBe('refused');
  });
});

describe('freePort', () => {
  it('returns a loopback port that can be listened on', async () => {
    // Prepare
    const port = await freePort();

    // Act
    const listening = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });

    // Assess
    expect(port).toBeGreaterThan(0);
    expect(listening).toBe(true);
  });
});

describe('parseSnsMessages', () => {
  it("reads moto 5.2's sns.Topic[].sent_notifications tuples", () => {
    // Prepare: the shape GET /moto-api/data.json returns (trimmed).
    const data = {
      sns: {
        Topic: [
          {
            arn: 'arn:aws:sns:us-east-1:123456789012:t',
            name: 't',
            sent_notifications: [
              ['id-1', '{"a":1}', 'hello', { severity: { Type: 'String', Value: 'high' }, ruleIds: { Type: 'String.Array', Value: '["x"]' } }, null],
              ['id-2', 'plain', null, {}, null],
            ],
          },
          { arn: 'arn:aws:sns:us-east-1:123456789012:quiet', sent_notifications: [] },
        ],
      },
    };

    // Act
    const messages = parseSnsMessages(data);

    // Assess
    expect(messages).toEqual([
      {
        topicArn: 'arn:aws:sns:us-east-1:123456789012:t',
        messageId: 'id-1',
        subject: 'hello',
        message: '{"a":1}',
        attributes: { severity: { type: 'String', value: 'high' }, ruleIds: { type: 'String.Array', value: '["x"]' } },
      },
      { topicArn: 'arn:aws:sns:us-east-1:123456789012:t', messageId: 'id-2', subject: null, message: 'plain', attributes: {} },
    ]);
    expect(parseSnsMessages({ iam: {} })).toEqual([]);
  });
});
