import * as path from 'node:path';
import { InputError, readInputs, subjectsFromText } from '../../../lib/cli/inputs';
import { tempDir } from './run-cli';

const POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const noStdin = () => Promise.reject(new Error('stdin not expected'));

describe('subjectsFromText: what a file is, by content', () => {
  it('reads a JSON trust policy, with the account from --account', () => {
    // Act
    const [s] = subjectsFromText({ file: 'p.txt', text: JSON.stringify(POLICY) }, { account: '111122223333' });

    // Assess
    expect(s).toEqual(expect.objectContaining({ kind: 'trust-policy', source: 'p.txt', policy: POLICY, context: { account: '111122223333' }, notes: [] }));
  });

  it('says the account is unknown without --account', () => {
    const [s] = subjectsFromText({ file: 'p.json', text: JSON.stringify(POLICY) });
    expect(s.notes).toEqual(["the role's account is unknown: rules that compare accounts cannot tell it (pass --account)"]);
  });

  it('decodes a URL-encoded policy', () => {
    // Act
    const [s] = subjectsFromText({ file: 'p', text: `${encodeURIComponent(JSON.stringify(POLICY))}\n` }, { account: '111122223333' });

    // Assess
    expect(s.policy).toEqual(POLICY);
    expect(s.notes).toEqual(['URL-encoded document, decoded']);
  });

  it('reads a trust policy written in YAML (with a BOM)', () => {
    // Act
    const [s] = subjectsFromText(
      { file: 'p.yml', text: '\uFEFFVersion: "2012-10-17"\nStatement:\n  - Effect: Allow\n    Principal: { Service: ec2.amazonaws.com }\n    Action: sts:AssumeRole\n' },
      { account: '111122223333' },
    );

    // Assess
    expect(s.kind).toBe('trust-policy');
    expect(s.policy).toEqual(POLICY);
  });

  it('recognises a CloudTrail record and a template whatever the file is called', () => {
    // Prepare
    const record = { eventVersion: '1.08', eventSource: 'iam.amazonaws.com', eventName: 'DeleteRole', requestParameters: { roleName: 'x' } };
    const template = 'Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: { Statement: [] }\n';

    // Act
    const [ct] = subjectsFromText({ file: 'policy.json', text: JSON.stringify(record) });
    const [cfn] = subjectsFromText({ file: 'event.json', text: template });

    // Assess
    expect(ct).toEqual(expect.objectContaining({ kind: 'cloudtrail', skipped: 'not a trust-policy event (DeleteRole)' }));
    expect(cfn).toEqual(expect.objectContaining({ kind: 'cloudformation', source: 'event.json#R' }));
  });

  it('hands anything else to the engine as a policy, with a note', () => {
    // Act
    const [s] = subjectsFromText({ file: 'k8s.yaml', text: 'apiVersion: v1\nkind: ServiceAccount\n' }, { account: '111122223333' });

    // Assess
    expect(s.kind).toBe('unknown');
    expect(s.policy).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount' });
    expect(s.notes).toEqual(['not recognised as a CloudTrail record or CloudFormation template, so read as a trust policy']);
  });

  it.each([
    ['', /the file is empty/],
    ['  \n', /the file is empty/],
    ['{"Statement": [}', /^not valid JSON: /],
    ['%7B%22broken', /^URL-decoded text is not valid JSON/],
    ['a: [1, 2\n', /^not valid JSON or YAML: /],
    ['just some words', /neither a JSON object nor a YAML mapping/],
  ])('turns %j into a policy-invalid finding', (text, message) => {
    // Act
    const [s] = subjectsFromText({ file: 'f', text });

    // Assess
    expect(s.findings).toEqual([{ ruleId: 'policy-invalid', severity: 'critical', statement: null, message: expect.stringMatching(message), fixable: false }]);
    expect(s.policy).toBeUndefined();
  });
});

describe('readInputs', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('reads files and standard input in the order given', async () => {
    // Prepare
    const a = tmp.write('a.json', 'A');

    // Act
    const inputs = await readInputs([a, '-'], () => Promise.resolve('S'));

    // Assess
    expect(inputs).toEqual([
      { file: a, text: 'A' },
      { file: '<stdin>', text: 'S' },
    ]);
  });

  it('expands a directory to its policy and template files, sorted, recursively', async () => {
    // Prepare
    tmp.write('b.yaml', 'B');
    tmp.write('a.json', 'A');
    tmp.write('README.md', 'not a policy');
    tmp.write('nested/c.template', 'C');

    // Act
    const inputs = await readInputs([tmp.dir], noStdin);

    // Assess
    expect(inputs.map((i) => path.relative(tmp.dir, i.file))).toEqual(['a.json', 'b.yaml', path.join('nested', 'c.template')]);
  });

  it('fails with every unreadable file named', async () => {
    // Prepare
    const missing = path.join(tmp.dir, 'missing.json');
    const empty = path.join(tmp.dir, 'empty');
    tmp.write('empty/notes.txt', 'x');

    // Act
    const attempt = readInputs([missing, empty], noStdin);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(readInputs([missing, empty], noStdin)).rejects.toThrow(`${missing}: no such file\n${empty}: a directory with no .json, .yaml, .yml or .template file`);
  });
});
