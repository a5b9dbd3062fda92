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
