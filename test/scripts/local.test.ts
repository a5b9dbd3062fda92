/**
 * The local playground (`npm run local`, scripts/local.ts) and the Slack preview
 * (`npm run slack-preview`, scripts/slack-preview.ts), end to end on loopback: the playground is
 * started programmatically, every route of CONTRACTS.md is called over HTTP exactly as the printed
 * curl commands do, moto's state is read back, and the preview is run against the same moto.
 * Then the command itself is started and stopped with SIGINT, as Ctrl-C does.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsClients, ClientFactory } from '../../lib/aws/clients';
import { assertPortFree, banner, curlCommand, DEMO_ROLE, EXAMPLE_ROLES, parseArgs, ROUTE_CALLS, slackPreviewCommand, startLocal, type LocalPlayground, type RouteCall } from '../../scripts/local';
import { freePort, PROJECT_ROOT } from '../../scripts/moto';
import { parseArgs as parsePreviewArgs, renderText, slackPreview, type SlackPreview } from '../../scripts/slack-preview';
import { clientFactoryFor } from '../support/moto';
import { LOCAL_ACCOUNT, LOCAL_NAMES } from '../support/offline';

let local: LocalPlayground | undefined;
let factory: ClientFactory;
let clients: AwsClients;

const seeded = (name: string) => EXAMPLE_ROLES.find((r) => r.name === name)!.policy;
const routeCall = (method: string, routePath: string) => ROUTE_CALLS.find((c) => c.method === method && c.path === routePath)!;

/** What the printed curl command does, with fetch. */
async function call(c: RouteCall): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${local!.apiUrl}${c.path}`, {
    method: c.method,
    headers: c.body === undefined ? {} : { 'content-type': 'application/json' },
    body: c.body === undefined ? undefined : JSON.stringify(c.body),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function livePolicy(name: string): Promise<unknown> {
  const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: name }));
  return JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!));
}

async function journalKinds(name: string): Promise<unknown[]> {
  const items = (await clients.dynamodb.send(new ScanCommand({ TableName: LOCAL_NAMES.journalTable }))).Items ?? [];
  return items
    .filter((i) => i.roleArn === `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`)
    .sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
    .map((i) => i.kind);
}

const payloadText = (p: SlackPreview) => JSON.stringify(p.payload);

beforeAll(async () => {
  local = await startLocal({ install: false });
  factory = clientFactoryFor(local.motoEndpoint);
  clients = factory.forTarget({ region: 'us-east-1' });
}, 60_000);

afterAll(async () => {
  factory?.destroy();
  await local?.stop();
}, 15_000);

describe('npm run local', () => {
  it('prints a curl command for every API route and the slack-preview command', () => {
    // Act
    const text = banner(local!);

    // Assess: the five routes of CONTRACTS.md, each with a pasteable command against the API.
    const routes = ROUTE_CALLS.map((c) => `${c.method} ${c.path.replace(`/roles/${DEMO_ROLE}`, '/roles/{roleName}')}`);
    expect(routes.sort()).toEqual(['GET /roles/{roleName}', 'POST /evaluate', 'POST /roles/{roleName}/remediate', 'POST /roles/{roleName}/rollback', 'POST /sweep']);
    for (const c of ROUTE_CALLS) expect(text).toContain(curlCommand(local!.apiUrl, c));
    expect(curlCommand('http://127.0.0.1:3000', routeCall('POST', '/sweep'))).toBe('curl -s -X POST http://127.0.0.1:3000/sweep');
    expect(text).toContain(slackPreviewCommand(local!.motoEndpoint));
    expect(local!.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(local!.motoEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('is what the README walks through: the same commands, for --port 3000', () => {
    // Prepare
    const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('<!-- local:begin -->'), readme.indexOf('<!-- local:end -->'));

    // Assess
    expect(section).toContain('npm run local -- --port 3000');
    for (const c of ROUTE_CALLS) expect(section).toContain(curlCommand('http://127.0.0.1:3000', c));
    expect(section).toContain('npm run slack-preview -- --endpoint http://127.0.0.1:');
  });

  it('refuses a --port something already listens on, before starting anything', async () => {
    // Prepare
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));

    // Act / Assess
    try {
      await expect(startLocal({ port, install: false })).rejects.toThrow(`port ${port} is already in use`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    await expect(assertPortFree(port)).resolves.toBeUndefined();
  });

  it('parses its flags and refuses bad ones', () => {
    // Act / Assess
    expect(parseArgs(['--port', '3000', '--once'])).toEqual({ port: 3000, once: true, logs: false, install: true });
    expect(parseArgs(['--port=8080', '--logs', '--no-install'])).toEqual({ port: 8080, once: false, logs: true, install: false });
    expect(parseArgs(['--port', 'x'])).toHaveProperty('error');
    expect(parseArgs(['--frobnicate'])).toHaveProperty('error');
  });
});

describe('the routes over HTTP, as printed', () => {
  it('POST /evaluate answers the findings and the fixed policy without touching AWS', async () => {
    // Act
    const answer = await call(routeCall('POST', '/evaluate'));

    // Assess: a Fargate policy without aws:SourceArn is fargate-source-arn (high, fixable); with
    // no cluster known the fix pins arn:aws:eks:*:ACCOUNT:fargateprofile/* (RULES.md).
    expect(answer.status).toBe(200);
    expect((answer.body.findings as Array<{ ruleId: string; severity: string; fixable: boolean }>).map((f) => [f.ruleId, f.severity, f.fixable])).toEqual([
      ['fargate-source-arn', 'high', true],
    ]);
    expect(JSON.stringify(answer.body.fixedPolicy)).toContain(`arn:aws:eks:*:${LOCAL_ACCOUNT}:fargateprofile/*`);
  });

  it('GET /roles/{roleName} evaluates the seeded role', async () => {
    // Act
    const answer = await call(routeCall('GET', `/roles/${DEMO_ROLE}`));

    // Assess: a Pod Identity role without sts:TagSession (aws:SourceAccount pinned).
    expect(answer.status).toBe(200);
    expect((answer.body.findings as Array<{ ruleId: string }>).map((f) => f.ruleId)).toEqual(['pod-identity-tag-session']);
    expect(answer.body.policy).toEqual(seeded(DEMO_ROLE));
  });

  it('POST /roles/{roleName}/remediate fixes the role in moto', async () => {
    // Act
    const answer = await call(routeCall('POST', `/roles/${DEMO_ROLE}/remediate`));

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ roleName: DEMO_ROLE, outcome: 'fixed', changed: true });
    expect(((await livePolicy(DEMO_ROLE)) as { Statement: Array<{ Action: unknown }> }).Statement[0].Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(await journalKinds(DEMO_ROLE)).toEqual(['fix']);
  });

  it('POST /roles/{roleName}/rollback restores the original policy in moto and journals the rollback', async () => {
    // Act
    const answer = await call(routeCall('POST', `/roles/${DEMO_ROLE}/rollback`));

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.restoredPolicy).toEqual(seeded(DEMO_ROLE));
    expect(await livePolicy(DEMO_ROLE)).toEqual(seeded(DEMO_ROLE));
    expect(await journalKinds(DEMO_ROLE)).toEqual(['fix', 'rollback']);
  });

  it('npm run slack-preview shows the Slack payload of the fix: role, rule id and how to roll back', async () => {
    // Act
    const previews = await slackPreview(local!.motoEndpoint, { topicArn: LOCAL_NAMES.topicArn });

    // Assess: the fix, then the rollback (outcome exempt), both about the demo role.
    expect(previews.map((p) => p.kind)).toEqual(['evaluation', 'evaluation']);
    const [fix, rollback] = previews;
    for (const text of [payloadText(fix), renderText(fix.payload)]) {
      expect(text).toContain(DEMO_ROLE);
      expect(text).toContain('pod-identity-tag-session');
      expect(text).toContain(`POST /roles/${DEMO_ROLE}/rollback`);
    }
    expect(fix.payload.blocks?.[0]).toMatchObject({ type: 'header' });
    expect(payloadText(rollback)).toContain('rolled back');
    expect(renderText(rollback.payload)).toContain(DEMO_ROLE);
  });

  it('POST /sweep sweeps every seeded role in-process and answers the summary', async () => {
    // Act
    const answer = await call(routeCall('POST', '/sweep'));

    // Assess: the Fargate role (fargate-source-arn) and the IRSA role (irsa-aud-missing) get a
    // fix; the backdoored node role only has findings that are not fixed without TRUSTED_ACCOUNTS
    // (tagged); the rolled-back role is exempt for 24 h; the node role is compliant.
    expect(answer.status).toBe(200);
    expect(answer.body.started).toBe('inline');
    const summary = answer.body.summary as { roles: number; byOutcome: Record<string, number>; summaryPublished: boolean };
    expect(summary.roles).toBe(EXAMPLE_ROLES.length);
    expect(summary.byOutcome).toEqual({ fixed: 2, tagged: 1, exempt: 1, compliant: 1 });
    expect(summary.summaryPublished).toBe(true);
    expect(await livePolicy(DEMO_ROLE)).toEqual(seeded(DEMO_ROLE));
  });

  it('npm run slack-preview shows the last 5 notifications by default, the sweep summary last', async () => {
    // Act
    const previews = await slackPreview(local!.motoEndpoint);

    // Assess
    expect(previews).toHaveLength(5);
    const last = previews[previews.length - 1];
    expect(last.kind).toBe('sweep');
    expect(renderText(last.payload)).toContain(`${EXAMPLE_ROLES.length} roles evaluated`);
  });

  it('slack-preview parses its flags and needs an endpoint', () => {
    // Act / Assess
    expect(parsePreviewArgs(['--endpoint', 'http://127.0.0.1:5000', '--json', '--last', '2'])).toEqual({ endpoint: 'http://127.0.0.1:5000', json: true, last: 2, topicArn: undefined });
    expect(parsePreviewArgs(['--json'])).toHaveProperty('error');
    expect(parsePreviewArgs(['--endpoint', 'http://127.0.0.1:5000', '--last', '0'])).toHaveProperty('error');
  });
});

describe('the command', () => {
  it('serves until SIGINT (Ctrl-C), then stops the API and moto', async () => {
    // Prepare
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'run-ts.js'), 'scripts/local.ts', '--no-install'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 45_000;
      while (!output.includes('Ctrl-C') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const apiUrl = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const motoEndpoint = /--endpoint (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      expect({ apiUrl, motoEndpoint, output: apiUrl && motoEndpoint ? 'ok' : output }).toEqual({ apiUrl: expect.any(String), motoEndpoint: expect.any(String), output: 'ok' });
      const role = await fetch(`${apiUrl}/roles/example-node`, { signal: AbortSignal.timeout(20_000) });

      // Act
      child.kill('SIGINT');
      const code = await exited;

      // Assess
      expect(role.status).toBe(200);
      expect(code).toBe(0);
      for (const url of [apiUrl!, `${motoEndpoint}/moto-api/`]) {
        await expect(fetch(url, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
      }
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    }
  }, 60_000);
});
