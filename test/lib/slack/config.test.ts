import { DEFAULT_CACHE_SECONDS, loadSlackConfig } from '../../../lib/slack/config';
import { SlackConfigError } from '../../../lib/slack/errors';

describe('loadSlackConfig', () => {
  it('reads an SSM parameter name in the function region', () => {
    expect(loadSlackConfig({ SLACK_WEBHOOK_PARAMETER: '/eks-trust-guard/slack-webhook', AWS_REGION: 'eu-west-1' })).toEqual({
      webhook: { kind: 'ssm', name: '/eks-trust-guard/slack-webhook', region: 'eu-west-1' },
      cacheSeconds: DEFAULT_CACHE_SECONDS,
    });
  });

  it('takes the region from an ARN', () => {
    const arn = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:slack-AbCdEf';
    expect(loadSlackConfig({ SLACK_WEBHOOK_SECRET_ARN: arn, AWS_REGION: 'eu-west-1', SLACK_WEBHOOK_CACHE_SECONDS: '60' })).toEqual({
      webhook: { kind: 'secretsmanager', secretId: arn, region: 'us-west-2' },
      cacheSeconds: 60,
    });
    const parameterArn = 'arn:aws:ssm:ap-southeast-2:111122223333:parameter/shared/slack';
    expect(loadSlackConfig({ SLACK_WEBHOOK_PARAMETER: parameterArn }).webhook).toEqual({ kind: 'ssm', name: parameterArn, region: 'ap-southeast-2' });
  });

  it('refuses a webhook URL in the environment, without echoing it', () => {
    const url = 'https://hooks.slack.com/services/T/B/SecretToken';
    expect(() => loadSlackConfig({ SLACK_WEBHOOK_URL: url })).toThrow(SlackConfigError);
    expect(() => loadSlackConfig({ SLACK_WEBHOOK_URL: url })).toThrow(/SLACK_WEBHOOK_URL is not supported/);
    let message = '';
    try {
      loadSlackConfig({ SLACK_WEBHOOK_PARAMETER: url });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('SLACK_WEBHOOK_PARAMETER holds a URL; it must name the SSM parameter or secret that holds the webhook URL');
  });

  it('needs exactly one location', () => {
    expect(() => loadSlackConfig({})).toThrow(/neither SLACK_WEBHOOK_PARAMETER nor SLACK_WEBHOOK_SECRET_ARN is set/);
    expect(() => loadSlackConfig({ SLACK_WEBHOOK_PARAMETER: '/a', SLACK_WEBHOOK_SECRET_ARN: 'b' })).toThrow(/not both/);
  });

  it('rejects a bad cache time', () => {
    expect(() => loadSlackConfig({ SLACK_WEBHOOK_PARAMETER: '/a', SLACK_WEBHOOK_CACHE_SECONDS: 'soon' })).toThrow(/SLACK_WEBHOOK_CACHE_SECONDS/);
  });
});
