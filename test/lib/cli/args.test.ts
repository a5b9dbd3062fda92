import { parseArgs, UsageError } from '../../../lib/cli/args';

describe('parseArgs', () => {
  it('defaults to text output failing on low', () => {
    // Act
    const c = parseArgs(['check', 'a.json']);

    // Assess
    expect(c).toEqual({ command: 'check', format: 'text', failOn: 'low', files: ['a.json'] });
  });

  it('reads every option, in both --flag value and --flag=value forms', () => {
    // Act
    const c = parseArgs(['check', '--json', '--fail-on=HIGH', '--account', '111122223333', '--trusted-accounts', '444455556666, 777788889999', 'a.json', '-']);

    // Assess
    expect(c).toEqual({
      command: 'check',
      format: 'json',
      failOn: 'high',
      account: '111122223333',
      trustedAccounts: ['444455556666', '777788889999'],
      files: ['a.json', '-'],
    });
  });

  it('selects SARIF with --format sarif', () => {
    expect(parseArgs(['check', '--format', 'sarif', 'a.json'])).toEqual(expect.objectContaining({ format: 'sarif' }));
  });

  it('treats an empty --trusted-accounts as "configured, nobody trusted"', () => {
    expect(parseArgs(['check', '--trusted-accounts', '', 'a.json'])).toEqual(expect.objectContaining({ trustedAccounts: [] }));
  });

  it('takes everything after -- as a file', () => {
    expect(parseArgs(['check', '--', '--json'])).toEqual(expect.objectContaining({ files: ['--json'], format: 'text' }));
  });

  it.each([
    [[], /no command/],
    [['scan', 'a.json'], /unknown command "scan"/],
    [['check'], /no FILE given/],
    [['check', '--verbose', 'a.json'], /unknown option --verbose/],
    [['check', '--fail-on', 'urgent', 'a.json'], /--fail-on: "urgent"/],
    [['check', 'a.json', '--fail-on'], /--fail-on needs a value/],
    [['check', '--account', '1234567890123', 'a.json'], /--account: "1234567890123" is not a 12-digit/],
    [['check', '--account', 'abcdefghijkl', 'a.json'], /is not a 12-digit/],
    [['check', '--trusted-accounts', '111122223333,,444455556666', 'a.json'], /--trusted-accounts: ""/],
    [['check', '--format', 'xml', 'a.json'], /--format: "xml"/],
    [['check', '--json', '--format', 'sarif', 'a.json'], /conflicts/],
    [['check', '--json=yes', 'a.json'], /takes no value/],
    [['check', '-', '-'], /only once/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('recognises help and version', () => {
    expect(parseArgs(['--help'])).toEqual({ command: 'help' });
    expect(parseArgs(['check', '-h'])).toEqual({ command: 'help' });
    expect(parseArgs(['--version'])).toEqual({ command: 'version' });
  });
});
