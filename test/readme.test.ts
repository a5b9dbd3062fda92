import { readFileSync } from 'node:fs';
import { renderReadme, README } from '../scripts/docs';
import { RULES } from '../lib/rules';
import { RULE_IDS } from '../lib/policy/types';

describe('README', () => {
  const text = readFileSync(README, 'utf8');

  it('has the rule table generated from the registry (run scripts/docs.ts when this fails)', () => {
    expect(renderReadme(text)).toBe(text);
  });

  it('explains every rule id in a sentence', () => {
    expect(RULES.map((r) => r.id).sort()).toEqual([...RULE_IDS].sort());
    for (const r of RULES) {
      expect(r.summary).not.toMatch(/TODO/);
      expect(r.summary.length).toBeGreaterThan(30);
      expect(text).toContain(`\`${r.id}\``);
    }
  });

  it('documents the two commands and every configuration variable', () => {
    expect(text).toContain('npm ci && npm start');
    expect(text).toContain('npm test');
    for (const v of ['REMEDIATION_MODE', 'NOTIFY_TOPIC_ARN', 'TRUSTED_ACCOUNTS', 'EXEMPT_TAG_KEY', 'EVENT_BUS_NAME', 'JOURNAL_TABLE', 'TRUST_POLICY_MAX_LENGTH']) {
      expect(text).toContain(`\`${v}\``);
    }
  });
});
