import { handleApiRequest, MAX_BODY_BYTES, type ApiRequest, type ApiServices } from '../../../lib/api/router';
import { RollbackError } from '../../../lib/remediation/rollback';

const ACCOUNT = '111122223333';
const podIdentity = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }] };

function services(overrides: Partial<ApiServices> = {}): ApiServices & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    maxPolicyLength: 2048,
    getRole: async (name) => {
      calls.push(['getRole', name]);
      return name === 'app' ? { name: 'app', arn: `arn:aws:iam::${ACCOUNT}:role/app`, path: '/', accountId: ACCOUNT, trustPolicyText: JSON.stringify(podIdentity), tags: { team: 'x', 'eks-trust-guard:status': 'noncompliant' } } : null;
    },
    remediate: async (name, mode, actor) => {
      calls.push(['remediate', name, mode, actor]);
      return { roleName: name, outcome: name === 'gone' ? 'missing' : 'fixed', findings: [], changed: true, notified: true };
    },
    rollback: async (name) => {
      calls.push(['rollback', name]);
      if (name === 'never') throw new RollbackError('NothingToRollBack', 'the journal holds no change to role never');
      if (name === 'twice') throw new RollbackError('AlreadyRolledBack', 'already');
      return { roleName: name, roleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`, restoredPolicy: podIdentity, rolledBackChangeAt: '2026-11-23T00:00:00.000Z', exemptUntil: '2026-11-24T00:00:00.000Z' };
    },
    startSweep: async (requestId) => {
      calls.push(['startSweep', requestId]);
      return { sweepId: `sweep-${requestId}`, started: 'async' };
    },
    ...overrides,
  };
}

function req(method: string, path: string, body?: unknown): ApiRequest {
  return { method, path, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), requestId: 'r-1', actor: 'arn:aws:iam::111122223333:user/alice' };
}

async function call(r: ApiRequest, s = services()) {
  const res = await handleApiRequest(r, s);
  return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers };
}

describe('POST /evaluate', () => {
  it('returns findings and the fixed policy without calling any service', async () => {
    const s = services();
    const res = await call(req('POST', '/evaluate', { policy: podIdentity, roleArn: `arn:aws:iam::${ACCOUNT}:role/app` }), s);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['pod-identity-tag-session']);
    expect(res.body.fixedPolicy.Statement[0].Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(s.calls).toEqual([]);
  });

  it('accepts the policy as a string, URL-encoded too', async () => {
    const res = await call(req('POST', '/evaluate', { policy: encodeURIComponent(JSON.stringify(podIdentity)), roleArn: `arn:aws:iam::${ACCOUNT}:role/app` }));
    expect(res.status).toBe(200);
    expect(res.body.findings[0].ruleId).toBe('pod-identity-tag-session');
  });

  it('reports a broken policy as a policy-invalid finding, not an HTTP error', async () => {
    const res = await call(req('POST', '/evaluate', { policy: '{"Statement": [' }));
    expect(res.status).toBe(200);
    expect(res.body.findings[0].ruleId).toBe('policy-invalid');
    expect(res.body.fixedPolicy).toBeNull();
  });

  it.each([
    ['no body', undefined, 400, 'MissingBody'],
    ['broken JSON', '{"policy":', 400, 'InvalidJson'],
    ['no policy', {}, 400, 'ValidationError'],
    ['unknown field', { policy: podIdentity, extra: 1 }, 400, 'ValidationError'],
    ['bad roleArn', { policy: podIdentity, roleArn: 'nope' }, 400, 'ValidationError'],
    ['bad trusted account', { policy: podIdentity, trustedAccounts: ['12'] }, 400, 'ValidationError'],
  ])('rejects %s with a JSON error', async (_label, body, status, code) => {
    const res = await call(req('POST', '/evaluate', body));
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
    expect(res.body.error.message).not.toMatch(/\n\s+at /);
  });

  it('rejects a body over the size limit with 413', async () => {
    const res = await call(req('POST', '/evaluate', { policy: 'x'.repeat(MAX_BODY_BYTES) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PayloadTooLarge');
  });
});

describe('role routes', () => {
  it('GET /roles/{name} evaluates the live role and shows only our tags', async () => {
    const res = await call(req('GET', '/roles/app'));
    expect(res.status).toBe(200);
    expect(res.body.role).toEqual({ name: 'app', arn: `arn:aws:iam::${ACCOUNT}:role/app`, path: '/' });
    expect(res.body.tags).toEqual({ 'eks-trust-guard:status': 'noncompliant' });
    expect(res.body.findings[0].ruleId).toBe('pod-identity-tag-session');
  });

  it('GET /roles/{name} answers 404 for a missing role and 400 for an invalid name', async () => {
    expect((await call(req('GET', '/roles/nobody'))).status).toBe(404);
    const bad = await call(req('GET', `/roles/${encodeURIComponent('a/b c')}`));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('InvalidRoleName');
  });

  it('POST /roles/{name}/remediate passes the mode and the caller', async () => {
    const s = services();
    const res = await call(req('POST', '/roles/app/remediate', { mode: 'tag' }), s);
    expect(res.status).toBe(200);
    expect(s.calls).toEqual([['remediate', 'app', 'tag', 'arn:aws:iam::111122223333:user/alice']]);
    expect((await call(req('POST', '/roles/app/remediate', { mode: 'yolo' }))).body.error.code).toBe('ValidationError');
    expect((await call(req('POST', '/roles/gone/remediate'))).status).toBe(404);
  });

  it('POST /roles/{name}/rollback maps journal states to 200/404/409', async () => {
    expect((await call(req('POST', '/roles/app/rollback'))).body.exemptUntil).toBe('2026-11-24T00:00:00.000Z');
    const never = await call(req('POST', '/roles/never/rollback'));
    expect(never.status).toBe(404);
    expect(never.body.error.code).toBe('NothingToRollBack');
    const twice = await call(req('POST', '/roles/twice/rollback'));
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('AlreadyRolledBack');
  });

  it('POST /sweep returns the sweep id (202 when started asynchronously)', async () => {
    const res = await call(req('POST', '/sweep'));
    expect(res.status).toBe(202);
    expect(res.body.sweepId).toBe('sweep-r-1');
  });
});

describe('errors', () => {
  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    expect((await call(req('GET', '/nope'))).body.error.code).toBe('NotFound');
    const res = await call(req('GET', '/evaluate'));
    expect(res.status).toBe(405);
    expect(res.body.error.code).toBe('MethodNotAllowed');
  });

  it('turns an unexpected failure into a JSON 500 without internals, and throttling into 503', async () => {
    const boom = services({ getRole: async () => { throw new Error('secret internal detail at line 42'); } });
    const res = await call(req('GET', '/roles/app'), boom);
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toMatch(/secret internal detail/);
    const busy = services({ getRole: async () => { throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottledError', retryable: true }); } });
    expect((await call(req('GET', '/roles/app'), busy)).status).toBe(503);
  });
});
