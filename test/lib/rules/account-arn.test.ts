import { ACCOUNT_ID, describeAwsPrincipal, isSamlProvider, parseArn, parseOidcProvider } from '../../../lib/policy/query';
import { arnAccountStart, awsAccountStart, FederatedKind, federatedKind, rootAccountStart, trustedAt } from '../../../lib/rules/support/account-arn';

/** Where parseArn's account field starts in `v` (its fields and separators before it). */
function accountFieldStart(v: string): number {
  const arn = parseArn(v);
  if (!arn) throw new Error(`not an ARN: ${v}`);
  return 'arn:'.length + arn.partition.length + 1 + arn.service.length + 1 + arn.region.length + 1;
}

/** Reference: parseArn(v)?.account passing ACCOUNT_ID, and where it starts. */
function referenceArnAccountStart(v: string): number {
  const arn = parseArn(v);
  return arn && ACCOUNT_ID.test(arn.account) ? accountFieldStart(v) : -1;
}

/** Reference: describeAwsPrincipal(v).account non-null, and where it starts (0 for a bare id). */
function referenceAwsAccountStart(v: string): number {
  if (describeAwsPrincipal(v).account === null) return -1;
  return ACCOUNT_ID.test(v) ? 0 : accountFieldStart(v);
}

/** Reference: describeAwsPrincipal(v) of kind root with an account, and where it starts. */
function referenceRootAccountStart(v: string): number {
  const d = describeAwsPrincipal(v);
  if (d.kind !== 'root' || d.account === null) return -1;
  return ACCOUNT_ID.test(v) ? 0 : accountFieldStart(v);
}

/** Reference: the kind isSamlProvider / parseOidcProvider / parseArn tell. */
function referenceFederatedKind(v: string): number {
  if (isSamlProvider(v)) return FederatedKind.Saml;
  if (parseOidcProvider(v) !== null) return FederatedKind.Oidc;
  return parseArn(v) ? FederatedKind.OtherArn : FederatedKind.NotArn;
}

const ID = '111122223333';
const VALUES = [
  ID,
  `${ID}x`,
  ID.slice(1),
  '11112222333a',
  '*',
  'AROAEXAMPLEID1234567',
  `arn:aws:iam::${ID}:root`,
  `arn:aws-cn:iam::${ID}:root`,
  `arn:aws:iam:us-east-1:${ID}:root`, // a region: still root to describeAwsPrincipal
  `arn:aws:iam::${ID}:rootx`,
  `arn:aws:iam::${ID}:xroot`,
  `arn:aws:iam::${ID}:root:`,
  `arn:aws:iam::${ID}:`,
  `arn:aws:iam::${ID}`, // no separator after the account: not an ARN
  `arn:aws:iam::${ID}1:root`, // 13 digits
  `arn:aws:iam::${ID.slice(1)}:root`, // 11 digits
  `arn:aws:iam::11112222333a:root`,
  `arn:aws:iamx::${ID}:root`,
  `arn:aws:ia::${ID}:root`,
  `arn:aws:sts::${ID}:root`,
  `arn:aws::${ID}:root`, // too few fields: the account field is "root"
  `arn:aws:iam::${ID}:role/r`,
  `arn:aws:iam::${ID}:role/a:b:c`,
  `arn:aws:sts::${ID}:assumed-role/r/s`,
  `arn:aws:iam::${ID}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC`,
  `arn:aws:iam:::root`,
  `arn:aws:s3:::bucket`,
  `arn:aws:iam:${ID}::root`,
  `arn:aws:iam::${ID}::`,
  `Arn:aws:iam::${ID}:root`,
  'arn:',
  'arn:aws',
  'arn:aws:iam:',
  'arn:aws:iam::',
  '',
  'cognito-identity.amazonaws.com',
  `arn:aws:iam::${ID}:saml-provider/corp`,
  `arn:aws:iam::${ID}:saml-provider`,
  `arn:aws:iam::${ID}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC`,
  `arn:aws:iam:us-east-1:${ID}:oidc-provider/x`,
  `arn:aws:iam::${ID}:Oidc-provider/x`,
  'arn:aws:iam:::oidc-provider/x',
  'arn:aws:iam::x:saml-provider/x',
  `arn:aws:sts::${ID}:saml-provider/corp`,
  `arn:aws:iamx::${ID}:saml-provider/corp`,
  'arn:aws:iamx::saml-provider/x', // not an ARN; read as if the service were "iam", a SAML provider
  'arn:aws:iam:oidc-provider/x',
  'arn:aws:iam::oidc-provider/x',
  'arn::::saml-provider/x',
  'arn:aws:iam',
];

describe('support/account-arn', () => {
  // Each helper against the straightforward reference it must agree with, over every value.
  describe.each<[string, string, (v: string) => number, (v: string) => number]>([
    ['arnAccountStart', 'is where parseArn finds a 12-digit account', arnAccountStart, referenceArnAccountStart],
    ['awsAccountStart', 'is where describeAwsPrincipal finds an account', awsAccountStart, referenceAwsAccountStart],
    ['rootAccountStart', 'is where describeAwsPrincipal finds a root account', rootAccountStart, referenceRootAccountStart],
    ['federatedKind', 'is the kind isSamlProvider / parseOidcProvider / parseArn tell', federatedKind, referenceFederatedKind],
  ])('%s', (name, says, helper, reference) => {
    it.each(VALUES)(`${name}(%j) ${says}`, (v) => {
      // Act
      const got = helper(v);
      // Assess
      expect(got).toBe(reference(v));
    });
  });

  it('finds the accounts of the spec examples where they are', () => {
    // Assess
    expect(arnAccountStart(`arn:aws:iam::${ID}:role/r`)).toBe(13);
    expect(rootAccountStart(`arn:aws:iam::${ID}:root`)).toBe(13);
    expect(rootAccountStart(`arn:aws:iam::${ID}:role/r`)).toBe(-1);
    expect(awsAccountStart(ID)).toBe(0);
    expect(federatedKind(`arn:aws:iam::${ID}:saml-provider/corp`)).toBe(FederatedKind.Saml);
    expect(federatedKind(`arn:aws:iam::${ID}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC`)).toBe(FederatedKind.Oidc);
    expect(federatedKind('cognito-identity.amazonaws.com')).toBe(FederatedKind.NotArn);
  });

  describe('trustedAt', () => {
    const v = `arn:aws:iam::${ID}:root`;

    it('is true when the set holds the account', () => {
      // Assess
      expect(trustedAt(v, 13, new Set(['999988887777', ID]))).toBe(true);
      expect(trustedAt(ID, 0, new Set([ID]))).toBe(true);
    });

    it('is false for an empty set or other accounts', () => {
      // Assess
      expect(trustedAt(v, 13, new Set())).toBe(false);
      expect(trustedAt(v, 13, new Set(['999988887777']))).toBe(false);
    });

    it('matches whole 12-character members only, not prefixes or longer strings', () => {
      // Assess (what trusted.has(v.slice(13, 25)) answers)
      expect(trustedAt(v, 13, new Set([ID.slice(0, 11), ID.slice(0, 4), '']))).toBe(false);
      expect(trustedAt(v, 13, new Set([`${ID}:`, `${ID}:root`]))).toBe(false);
    });
  });
});
