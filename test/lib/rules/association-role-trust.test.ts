import { evaluate } from '../../../lib/engine';
import type { EvaluationContext, PolicyDocument } from '../../../lib/policy/types';
import { rule } from '../../../lib/rules/association-role-trust';
import { FIXTURE_FILES, loadAssociation, podIdentityRoleTrust } from '../../support/pod-identity-fixtures';

const association = loadAssociation(FIXTURE_FILES[0]);
const ctx: EvaluationContext = { roleArn: association.roleArn, association };

function trustFindings(policy: unknown, context: EvaluationContext = ctx) {
  return evaluate(policy, context).findings.filter((f) => f.ruleId === 'association-role-trust');
}

const ec2Trust: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

describe('association-role-trust', () => {
  it('is a high-severity association rule without a fix', () => {
    // Assess
    expect(rule.id).toBe('association-role-trust');
    expect(rule.severity).toBe('high');
    expect(rule.scope).toBe('association');
    expect(rule.fix).toBeUndefined();
  });

  it.each(FIXTURE_FILES)('accepts the EKS user guide trust policy for the role of %s', (file) => {
    // Prepare
    const a = loadAssociation(file);
    // Act
    const found = trustFindings(podIdentityRoleTrust(), { roleArn: a.roleArn, association: a });
    // Assess
    expect(found).toEqual([]);
  });

  it('accepts the user guide get-role output (Sid with spaces) URL-encoded as IAM returns it', () => {
    // Prepare: seed 001, `aws iam get-role … --query Role.AssumeRolePolicyDocument` example output.
    const doc = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Allow EKS Auth service to assume this role for Pod Identities',
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
        },
      ],
    };
    // Act
    const found = trustFindings(encodeURIComponent(JSON.stringify(doc)));
    // Assess
    expect(found).toEqual([]);
  });

  it('reports a role that does not trust pods.eks.amazonaws.com at all', () => {
    // Act
    const found = trustFindings(ec2Trust);
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'high', subject: 'association', statement: null, fixable: false });
    expect(found[0].message).toContain(`EKS Pod Identity cannot assume role ${association.roleArn}`);
    expect(found[0].message).toContain('no Allow statement for the service principal pods.eks.amazonaws.com');
    expect(found[0].message).toContain('Add a statement trusting pods.eks.amazonaws.com');
    expect(found[0].message).toContain('widens access');
  });

  it('never fixes it (adding a trusted principal widens access)', () => {
    // Act
    const r = evaluate(ec2Trust, ctx);
    // Assess
    expect(r.fixedRuleIds).not.toContain('association-role-trust');
    expect(r.fixedPolicy).toBeNull();
  });

  it('reports a role that names the service but never allows it sts:AssumeRole', () => {
    // Prepare
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:TagSession' }] };
    // Act
    const found = trustFindings(doc);
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('names pods.eks.amazonaws.com (statement 0) but never allows it sts:AssumeRole');
  });

  it('does not count a Deny statement as trust', () => {
    // Prepare
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    // Act
    const found = trustFindings(doc);
    // Assess
    expect(found).toHaveLength(1);
  });

  it('reads the association role policy from associationRole when the evaluated role is another one', () => {
    // Prepare
    const other = { roleArn: 'arn:aws:iam::111122223333:role/some-other-role', association };
    // Act
    const fromFacts = trustFindings(podIdentityRoleTrust(), { ...other, associationRole: { exists: true, trustPolicy: JSON.stringify(ec2Trust) } });
    const unknown = trustFindings(ec2Trust, other);
    // Assess
    expect(fromFacts).toHaveLength(1);
    expect(unknown).toEqual([]);
  });

  it('says nothing when the role is missing or its policy is invalid', () => {
    // Act
    const missing = trustFindings(undefined, { association, associationRole: { exists: false } });
    const invalid = evaluate('{"Version": ', ctx);
    // Assess
    expect(missing).toEqual([]);
    expect(invalid.findings.map((f) => f.ruleId)).toEqual(['policy-invalid']);
  });

  it('works in the China partition', () => {
    // Prepare
    const cn = {
      roleArn: 'arn:aws-cn:iam::111122223333:role/app',
      association: { clusterName: 'cn', roleArn: 'arn:aws-cn:iam::111122223333:role/app', clusterAccount: '111122223333' },
    };
    const cnTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com.cn' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] };
    // Act + Assess
    expect(trustFindings(podIdentityRoleTrust(), cn)).toEqual([]);
    expect(trustFindings(cnTrust, cn)).toEqual([]);
    expect(trustFindings(ec2Trust, cn)[0].message).toContain('arn:aws-cn:iam::111122223333:role/app');
  });
});
