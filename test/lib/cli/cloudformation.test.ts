import * as jsYaml from 'js-yaml';
import { cfnYamlSchema, looksLikeTemplate, materializePolicy, subjectsFromTemplate, TemplateResolver, Unresolved } from '../../../lib/cli/cloudformation';

const yaml = (text: string) => jsYaml.load(text, { schema: cfnYamlSchema(jsYaml) }) as Record<string, unknown>;

describe('CloudFormation YAML short forms', () => {
  it('maps every short-form tag to its long form, scalar and sequence', () => {
    // Act
    const v = yaml(
      [
        'a: !Ref Param',
        'b: !Sub "arn:${AWS::Partition}:x"',
        'c: !Sub ["${x}-y", { x: !Ref P }]',
        'd: !GetAtt Role.Arn',
        'e: !GetAtt [Role, Arn]',
        'f: !Join ["-", [a, b]]',
        'g: !If [IsProd, x, !Ref AWS::NoValue]',
        'h: !Select [0, !Split [",", "a,b"]]',
        'i: !ImportValue shared-oidc',
        'j: !FindInMap [Map, Top, Second]',
        'k: !Base64 text',
        'l: !Equals [a, b]',
        'm: !Not [!Condition C]',
        'n: !And [!Condition C, !Or [!Condition D, !Condition E]]',
        'o: !GetAZs ""',
      ].join('\n'),
    );

    // Assess
    expect(v).toEqual({
      a: { Ref: 'Param' },
      b: { 'Fn::Sub': 'arn:${AWS::Partition}:x' },
      c: { 'Fn::Sub': ['${x}-y', { x: { Ref: 'P' } }] },
      d: { 'Fn::GetAtt': ['Role', 'Arn'] },
      e: { 'Fn::GetAtt': ['Role', 'Arn'] },
      f: { 'Fn::Join': ['-', ['a', 'b']] },
      g: { 'Fn::If': ['IsProd', 'x', { Ref: 'AWS::NoValue' }] },
      h: { 'Fn::Select': [0, { 'Fn::Split': [',', 'a,b'] }] },
      i: { 'Fn::ImportValue': 'shared-oidc' },
      j: { 'Fn::FindInMap': ['Map', 'Top', 'Second'] },
      k: { 'Fn::Base64': 'text' },
      l: { 'Fn::Equals': ['a', 'b'] },
      m: { 'Fn::Not': [{ Condition: 'C' }] },
      n: { 'Fn::And': [{ Condition: 'C' }, { 'Fn::Or': [{ Condition: 'D' }, { Condition: 'E' }] }] },
      o: { 'Fn::GetAZs': '' },
    });
  });

  it('keeps an unquoted account id with a leading zero as written', () => {
    expect(yaml('AWS: 012345678901\nn: 42')).toEqual({ AWS: '012345678901', n: 42 });
  });

  it('reads an unquoted 2012-10-17 as the string it is', () => {
    expect(yaml('Version: 2012-10-17')).toEqual({ Version: '2012-10-17' });
  });
});

describe('TemplateResolver', () => {
  const template = {
    Parameters: {
      Cluster: { Type: 'String', Default: 'prod' },
      Subnets: { Type: 'CommaDelimitedList', Default: 'a, b' },
      NoDefault: { Type: 'String' },
    },
    Mappings: { Accounts: { prod: { Trusted: '444455556666' } } },
  };

  it('resolves pseudo parameters from the options', () => {
    // Prepare
    const r = new TemplateResolver(template, { account: '111122223333', partition: 'aws-cn' });

    // Act & Assess
    expect(r.resolve({ Ref: 'AWS::AccountId' })).toBe('111122223333');
    expect(r.resolve({ Ref: 'AWS::Partition' })).toBe('aws-cn');
    expect(r.resolve({ Ref: 'AWS::URLSuffix' })).toBe('amazonaws.com.cn');
    expect(r.takeUnresolved()).toEqual([]);
  });

  it('leaves the region and an unknown account unresolved, as placeholders without ":"', () => {
    // Prepare
    const r = new TemplateResolver(template);

    // Act
    const arn = r.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:eks:${AWS::Region}:${AWS::AccountId}:fargateprofile/${Cluster}/*' });

    // Assess
    expect(arn).toBe('arn:aws:eks:${Unresolved.AWS.Region}:${Unresolved.AWS.AccountId}:fargateprofile/prod/*');
    expect((arn as string).split(':')).toHaveLength(6);
    expect(r.takeUnresolved()).toEqual(['AWS::Region', 'AWS::AccountId']);
  });

  it('resolves Fn::Sub variable maps, ${!Literal}, Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap and Fn::Base64', () => {
    // Prepare
    const r = new TemplateResolver(template, { account: '111122223333' });

    // Act & Assess
    expect(r.resolve({ 'Fn::Sub': ['${Who}:${!Literal}', { Who: { Ref: 'Cluster' } }] })).toBe('prod:${Literal}');
    expect(r.resolve({ 'Fn::Join': ['/', ['a', { Ref: 'Cluster' }, { Ref: 'AWS::AccountId' }]] })).toBe('a/prod/111122223333');
    expect(r.resolve({ 'Fn::Select': [1, { Ref: 'Subnets' }] })).toBe('b');
    expect(r.resolve({ 'Fn::Select': ['0', { 'Fn::Split': [':', 'x:y'] }] })).toBe('x');
    expect(r.resolve({ 'Fn::FindInMap': ['Accounts', { Ref: 'Cluster' }, 'Trusted'] })).toBe('444455556666');
    expect(r.resolve({ 'Fn::Base64': 'hi' })).toBe('aGk=');
    expect(r.takeUnresolved()).toEqual([]);
  });

  it('marks what cannot be known offline', () => {
    // Prepare
    const r = new TemplateResolver(template, { account: '111122223333' });

    // Act
    const values = [
      r.resolve({ Ref: 'NoDefault' }),
      r.resolve({ Ref: 'SomeResource' }),
      r.resolve({ 'Fn::GetAtt': ['Role', 'Arn'] }),
      r.resolve({ 'Fn::If': ['IsProd', 'a', 'b'] }),
      r.resolve({ 'Fn::ImportValue': 'shared:oidc' }),
    ];

    // Assess
    expect(values.every((v) => v instanceof Unresolved)).toBe(true);
    expect(values.map((v) => (v as Unresolved).placeholder)).toEqual([
      '${Unresolved.Ref.NoDefault}',
      '${Unresolved.Ref.SomeResource}',
      '${Unresolved.GetAtt.Role.Arn}',
      '${Unresolved.If.IsProd}',
      '${Unresolved.ImportValue.shared.oidc}',
    ]);
    expect(r.takeUnresolved()).toEqual(['Ref NoDefault', 'Ref SomeResource', 'Fn::GetAtt Role.Arn', 'Fn::If IsProd', 'Fn::ImportValue shared:oidc']);
  });

  it('drops AWS::NoValue from objects and lists', () => {
    // Prepare
    const r = new TemplateResolver(template);

    // Act & Assess
    expect(r.resolve({ a: 1, b: { Ref: 'AWS::NoValue' }, c: ['x', { Ref: 'AWS::NoValue' }] })).toEqual({ a: 1, c: ['x'] });
  });
});

describe('materializePolicy', () => {
  it('writes placeholders where strings go and leaves out unresolved statements and conditions, with notes', () => {
    // Prepare
    const notes: string[] = [];
    const doc = {
      Version: '2012-10-17',
      Statement: [
        new Unresolved('Fn::If Extra'),
        { Effect: 'Allow', Principal: { AWS: new Unresolved('Fn::GetAtt Role.Arn') }, Action: 'sts:AssumeRole', Condition: { StringEquals: new Unresolved('Fn::If C') } },
      ],
    };

    // Act
    const out = materializePolicy(doc, notes);

    // Assess
    expect(out).toEqual({
      policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '${Unresolved.GetAtt.Role.Arn}' }, Action: 'sts:AssumeRole', Condition: {} }] },
    });
    expect(notes).toEqual([
      'Statement[0] is Fn::If Extra: left out of the evaluation',
      'Statement[0].Condition.StringEquals is Fn::If C: left out, so findings about missing conditions may not hold once deployed',
    ]);
  });

  it('skips a document that is itself unresolved', () => {
    expect(materializePolicy(new Unresolved('Fn::ImportValue x'), [])).toEqual({ skipped: 'AssumeRolePolicyDocument is Fn::ImportValue x, which cannot be resolved offline' });
  });
});

describe('subjectsFromTemplate', () => {
  it('makes one subject per role with name, ARN, path and attached managed policies', () => {
    // Prepare
    const template = {
      Resources: {
        Named: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'node',
            Path: '/eks/',
            ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AmazonEKSWorkerNodePolicy' }],
            AssumeRolePolicyDocument: { Statement: [] },
          },
        },
        Unnamed: { Type: 'AWS::IAM::Role', Properties: { RoleName: { 'Fn::GetAtt': ['X', 'Y'] }, AssumeRolePolicyDocument: '{"Statement":[]}' } },
        Queue: { Type: 'AWS::SQS::Queue' },
      },
    };

    // Act
    const [named, unnamed, ...rest] = subjectsFromTemplate(template, 't.yaml', { account: '111122223333' });

    // Assess
    expect(rest).toEqual([]);
    expect(named).toEqual(
      expect.objectContaining({
        source: 't.yaml#Named',
        logicalId: 'Named',
        roleName: 'node',
        roleArn: 'arn:aws:iam::111122223333:role/eks/node',
        context: { roleArn: 'arn:aws:iam::111122223333:role/eks/node', rolePath: '/eks/', attachedPolicies: ['arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy'] },
      }),
    );
    expect(unnamed).toEqual(expect.objectContaining({ roleName: 'Unnamed', roleArn: null, context: { account: '111122223333' }, policy: '{"Statement":[]}' }));
  });

  it('says when the account is unknown and which intrinsics stayed unresolved', () => {
    // Prepare
    const template = {
      Resources: {
        R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { AWS: { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:root' } } }] } } },
      },
    };

    // Act
    const [s] = subjectsFromTemplate(template, 't.json');

    // Assess
    expect(s.notes).toEqual([
      'the document contains unresolved intrinsic functions: AWS::AccountId (pass --account to resolve AWS::AccountId); they are shown as ${Unresolved.…}',
      "the role's account is unknown: rules that compare accounts cannot tell it (pass --account)",
    ]);
    expect(s.policy).toEqual({ Statement: [{ Principal: { AWS: 'arn:aws:iam::${Unresolved.AWS.AccountId}:root' } }] });
  });

  it('skips a role without AssumeRolePolicyDocument and reports a template without roles', () => {
    // Act
    const [noDoc] = subjectsFromTemplate({ Resources: { R: { Type: 'AWS::IAM::Role', Properties: {} } } }, 't');
    const [none] = subjectsFromTemplate({ Resources: { B: { Type: 'AWS::S3::Bucket' } } }, 't');

    // Assess
    expect(noDoc.skipped).toMatch(/no AssumeRolePolicyDocument/);
    expect(none).toEqual(expect.objectContaining({ source: 't', skipped: 'no AWS::IAM::Role resources in the template' }));
  });

  it('recognises templates by content', () => {
    expect(looksLikeTemplate({ AWSTemplateFormatVersion: '2010-09-09' })).toBe(true);
    expect(looksLikeTemplate({ Resources: { R: { Type: 'AWS::IAM::Role' } } })).toBe(true);
    expect(looksLikeTemplate({ Resources: { R: 'not a resource' } })).toBe(false);
    expect(looksLikeTemplate({ Version: '2012-10-17', Statement: [] })).toBe(false);
  });
});
