import { sanitiseTagKey, sanitiseTags, sanitiseTagValue } from '../../../lib/aws/tags';

describe('tag sanitising', () => {
  it('keeps every character IAM allows: letters, digits, spaces and _ . : / = + - @', () => {
    // Prepare
    const value = 'Ab9 _.:/=+-@ éß 名前';

    // Act
    const out = sanitiseTagValue(value);

    // Assess
    expect(out).toBe(value);
  });

  it('replaces characters IAM rejects (commas, quotes, brackets, control characters)', () => {
    // Prepare
    const value = 'fargate-source-arn,irsa-sub-missing "x" [y]\n';

    // Act
    const out = sanitiseTagValue(value);

    // Assess
    expect(out).toBe('fargate-source-arn_irsa-sub-missing _x_ _y__');
  });

  it('cuts values to 256 and keys to 128 characters without splitting a character', () => {
    // Prepare
    const long = 'a'.repeat(255) + '𝒜𝒜';

    // Act
    const value = sanitiseTagValue(long);
    const key = sanitiseTagKey('k'.repeat(200));

    // Assess
    expect(Array.from(value)).toHaveLength(256);
    expect(value.endsWith('𝒜')).toBe(true);
    expect(key).toHaveLength(128);
  });

  it('sanitises keys and values of a map and refuses an empty key', () => {
    // Prepare
    const tags = { 'eks-trust-guard:findings': 'a,b', 'odd key!': 'v' };

    // Act
    const out = sanitiseTags(tags);

    // Assess
    expect(out).toEqual({ 'eks-trust-guard:findings': 'a_b', 'odd key_': 'v' });
    expect(() => sanitiseTags({ '': 'v' })).toThrow(TypeError);
  });
});
