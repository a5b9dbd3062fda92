import { evaluate } from '../../lib/engine';

describe('evaluate', () => {
  it('adds sts:TagSession to a Pod Identity statement that lacks it', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' },
    };
    const r = evaluate(policy, { roleArn: 'arn:aws:iam::111122223333:role/app' });
    expect(r.findings.map((f) => f.ruleId)).toContain('pod-identity-tag-session');
    expect(r.fixedPolicy).not.toBeNull();
    const st = (r.fixedPolicy as { Statement: { Action: string[] } }).Statement;
    expect(st.Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(r.fixedRuleIds).toContain('pod-identity-tag-session');
    expect(policy.Statement.Action).toBe('sts:AssumeRole');
  });

  it('reports unparseable text as policy-invalid without throwing', () => {
    const r = evaluate('{"Version": ');
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].ruleId).toBe('policy-invalid');
    expect(r.findings[0].message).toMatch(/not valid JSON/);
    expect(r.fixedPolicy).toBeNull();
  });

  it('decodes URL-encoded documents as IAM returns them', () => {
    const text = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }));
    const r = evaluate(text, { roleArn: 'arn:aws:iam::111122223333:role/node' });
    expect(r.findings.filter((f) => f.ruleId === 'policy-invalid')).toEqual([]);
  });
});

describe('deriveContext partition', () => {
  it('infers aws-cn from a China service principal when no role ARN is given', () => {
    const r = evaluate(
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks-fargate-pods.amazonaws.com.cn' }, Action: 'sts:AssumeRole' }] },
      { account: '111122223333' },
    );
    const st = (r.fixedPolicy as { Statement: { Condition: { ArnLike: Record<string, string> } }[] }).Statement[0];
    expect(st.Condition.ArnLike['aws:SourceArn']).toBe('arn:aws-cn:eks:*:111122223333:fargateprofile/*');
  });
});

describe('fixes of a rule with fixable and unfixable findings side by side', () => {
  it('counts the fixable ones as fixed and keeps the others open', () => {
    const p1 = 'oidc.eks.us-east-1.amazonaws.com/id/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const p2 = 'oidc.eks.us-east-1.amazonaws.com/id/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
    const fed = (p: string) => `arn:aws:iam::111122223333:oidc-provider/${p}`;
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'One', Effect: 'Allow', Principal: { Federated: fed(p1) }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${p1}:sub`]: 'system:serviceaccount:a:b' } } },
        // Two providers: an aud condition for one would fail the other's tokens, so not fixable.
        { Sid: 'Two', Effect: 'Allow', Principal: { Federated: [fed(p1), fed(p2)] }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${p1}:sub`]: 'system:serviceaccount:a:b', [`${p2}:sub`]: 'system:serviceaccount:a:b' } } },
      ],
    };
    const ctx = { roleArn: 'arn:aws:iam::111122223333:role/x' };
    const r = evaluate(policy, ctx);
    const aud = r.findings.filter((f) => f.ruleId === 'irsa-aud-missing');
    expect(aud.map((f) => [f.statement, f.fixable])).toEqual([
      [0, true],
      [1, false],
    ]);
    expect(r.fixedRuleIds).toContain('irsa-aud-missing');
    const after = evaluate(r.fixedPolicy, ctx);
    expect(after.findings.filter((f) => f.ruleId === 'irsa-aud-missing').map((f) => f.statement)).toEqual([1]);
  });
});

describe('parser strictness (what IAM rejects is policy-invalid, with a short message)', () => {
  const base = { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };
  const invalid = (doc: unknown) => evaluate(doc).findings.filter((f) => f.ruleId === 'policy-invalid').map((f) => f.message);

  it('rejects unknown statement elements, unknown operators and a non-string Id', () => {
    expect(invalid({ Version: '2012-10-17', Statement: [{ ...base, Foo: 1 }] })).toEqual(['Statement[0] has an unknown element "Foo"']);
    expect(invalid({ Version: '2012-10-17', Statement: [{ ...base, Condition: { Foo: { 'aws:x': 'y' } } }] })).toEqual(['Statement[0].Condition has an unknown condition operator "Foo"']);
    expect(invalid({ Version: '2012-10-17', Statement: [{ ...base, Condition: { NullIfExists: { 'aws:x': 'true' } } }] })).toHaveLength(1);
    expect(invalid({ Version: '2012-10-17', Id: { a: 1 }, Statement: [base] })).toEqual(['Id must be a string, got an object']);
  });

  it('describes huge or deep values without echoing them', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const [m1] = invalid({ Version: '2012-10-17', Statement: [{ ...base, Effect: deep }] });
    expect(m1).toBe('Statement[0].Effect is a list of 1, not "Allow" or "Deny"');
    const [m2] = invalid({ Version: '2012-10-17', Statement: [{ ...base, Effect: 'A'.repeat(50_000) }] });
    expect(m2.length).toBeLessThan(120);
  });
});

describe('names that exist on Object.prototype', () => {
  it('are unknown principal keys and ordinary actions, not crashes', () => {
    const base = { Effect: 'Allow', Action: 'sts:AssumeRole' };
    for (const key of ['constructor', '__proto__', 'toString']) {
      const principal = JSON.parse(`{"${key}": "x"}`);
      const r = evaluate({ Version: '2012-10-17', Statement: [{ ...base, Principal: principal }] });
      expect(r.findings.map((f) => [f.ruleId, f.message])).toEqual([['policy-invalid', `Statement[0].Principal has an unknown key "${key}" (expected AWS, Service, Federated or CanonicalUser)`]]);
    }
    const r = evaluate({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: ['sts:AssumeRole', 'constructor'] }] }, { roleArn: 'arn:aws:iam::111122223333:role/x' });
    expect(r.findings.filter((f) => /could not evaluate/.test(f.message))).toEqual([]);
  });
});
