/**
 * `serverless package` runs offline, with no credentials, and the CloudFormation it produces holds
 * what the deployment sections of the issues ask for: the five functions of CONTRACTS.md, exact
 * EventBridge patterns, the sweep's schedule, the IAM-authorised HTTP API, slackNotifier's
 * filtered subscription, dead-letter queues, alarms, the encrypted topic, the tables, the
 * environment of CONTRACTS.md, least-privilege roles that can never change the service's own
 * roles, and small bundles.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  actionsOf,
  asArray,
  iamWildcardMatch,
  matchesPattern,
  renderSub,
  resolveGetAttArns,
  resource,
  roleStatements,
  runServerless,
  zipEntries,
  type CfnResource,
  type CfnTemplate,
  type Json,
  type RoleStatement,
} from './support';

const SERVICE = 'eks-trust-guard';
const STAGE = 'test';
const ACCOUNT = '123456789012';
const OWN_ROLE_PREFIX = `${SERVICE}-${STAGE}-`;
const pseudo = (region: string) => ({ 'AWS::Partition': 'aws', 'AWS::AccountId': ACCOUNT, 'AWS::Region': region });

interface FunctionUnderTest {
  name: string;
  functionId: string;
  roleId: string;
  /** Dead-letter queue (on-failure destination); the api is synchronous and has none. */
  dlqId?: string;
  /** EventBridge rule that triggers it. */
  ruleId?: string;
  /** CloudFormation condition every resource of this function carries (IAM: one region only). */
  condition?: string;
}

const IAM_EVENTS: FunctionUnderTest = {
  name: 'iamEvents',
  functionId: 'IamEventsLambdaFunction',
  roleId: 'IamEventsRole',
  dlqId: 'IamEventsDlq',
  ruleId: 'IamEventsRule',
  condition: 'IsIamEventsRegion',
};
const POD_IDENTITY_EVENTS: FunctionUnderTest = {
  name: 'podIdentityEvents',
  functionId: 'PodIdentityEventsLambdaFunction',
  roleId: 'PodIdentityEventsRole',
  dlqId: 'PodIdentityEventsDlq',
  ruleId: 'PodIdentityEventsRule',
};
const SWEEP: FunctionUnderTest = {
  name: 'sweep',
  functionId: 'SweepLambdaFunction',
  roleId: 'SweepRole',
  dlqId: 'SweepDlq',
  ruleId: 'SweepScheduleRule',
  condition: 'IsIamEventsRegion',
};
const API: FunctionUnderTest = {
  name: 'api',
  functionId: 'ApiLambdaFunction',
  roleId: 'ApiRole',
  condition: 'IsIamEventsRegion',
};
const SLACK_NOTIFIER: FunctionUnderTest = {
  name: 'slackNotifier',
  functionId: 'SlackNotifierLambdaFunction',
  roleId: 'SlackNotifierRole',
  dlqId: 'SlackNotifierDlq',
  condition: 'HasSlack',
};
/** The EventBridge-triggered event handlers. */
/** Everything that evaluates and remediates roles (reads, fixes, tags, journals, notifies). */
const REMEDIATING = [IAM_EVENTS, POD_IDENTITY_EVENTS, SWEEP, API];
const FUNCTIONS = [...REMEDIATING, SLACK_NOTIFIER];
const RULE_TRIGGERED = FUNCTIONS.filter((fn) => fn.ruleId);
const WITH_DLQ = FUNCTIONS.filter((fn) => fn.dlqId);
const SWEEP_ARN = { 'Fn::Sub': `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${SERVICE}-${STAGE}-sweep` };
const SLACK_PARAMETER = '/eks-trust-guard/slack-webhook';

const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });
const ref = (id: string) => ({ Ref: id });

let packageDir: string;
let template: CfnTemplate;
let localEnvironment: Record<string, unknown>;
let localFunctions: Record<string, { environment?: Record<string, unknown> }>;
/** `serverless print` of the test stage with Slack and a schedule configured by --param. */
let configured: { resources: { Resources: Record<string, CfnResource> } };

beforeAll(async () => {
  packageDir = mkdtempSync(path.join(tmpdir(), 'etg-package-'));
  const [, printed, printedWithSlack] = await Promise.all([
    runServerless(['package', '--stage', STAGE, '--package', packageDir]),
    runServerless(['print', '--stage', 'local', '--format', 'json']),
    runServerless([
      'print',
      '--stage',
      STAGE,
      '--format',
      'json',
      `--param=slackWebhookParameter=${SLACK_PARAMETER}`,
      '--param=slackSeverities=critical,high,medium',
      '--param=sweepSchedule=cron(0 3 * * ? *)',
    ]),
  ]);
  template = JSON.parse(readFileSync(path.join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'));
  const local = JSON.parse(printed.stdout);
  localEnvironment = local.provider.environment;
  localFunctions = local.functions;
  configured = JSON.parse(printedWithSlack.stdout);
}, 120_000);

afterAll(() => {
  if (packageDir) rmSync(packageDir, { recursive: true, force: true });
});

describe('functions', () => {
  it.each(FUNCTIONS)('$name runs on nodejs22.x, arm64, with its own role', (fn) => {
    // Prepare
    const lambda = resource(template, fn.functionId);

    // Act
    const props = lambda.Properties ?? {};

    // Assess
    expect(lambda.Type).toBe('AWS::Lambda::Function');
    expect(props.Runtime).toBe('nodejs22.x');
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.Handler).toBe(`functions/${fn.name}.handler`);
    expect(props.FunctionName).toBe(`${SERVICE}-${STAGE}-${fn.name}`);
    expect(props.Role).toEqual(getAtt(fn.roleId));
  });

  it('creates iamEvents, the sweep and the API and everything of them only in the region IAM events reach (us-east-1)', () => {
    // Prepare
    const ofIamRegion = Object.entries(template.Resources).filter(([id]) => /^(IamEvents|Sweep|Api|HttpApi)/.test(id));
    const podResources = Object.entries(template.Resources).filter(([id]) => id.startsWith('PodIdentityEvents'));

    // Act
    const unconditional = ofIamRegion.filter(([, r]) => r.Condition !== 'IsIamEventsRegion').map(([id]) => id);

    // Assess
    expect(template.Conditions?.IsIamEventsRegion).toEqual({ 'Fn::Equals': [ref('AWS::Region'), 'us-east-1'] });
    expect(ofIamRegion.map(([id]) => id)).toEqual(
      expect.arrayContaining([
        'IamEventsLambdaFunction',
        'IamEventsLogGroup',
        'IamEventsLambdaEvConf',
        'IamEventsRole',
        'IamEventsDlq',
        'IamEventsDlqPolicy',
        'IamEventsRule',
        'IamEventsRulePermission',
        'IamEventsDlqAlarm',
        'IamEventsErrorsAlarm',
        'SweepLambdaFunction',
        'SweepLogGroup',
        'SweepLambdaEvConf',
        'SweepRole',
        'SweepDlq',
        'SweepDlqPolicy',
        'SweepScheduleRule',
        'SweepScheduleRulePermission',
        'SweepDlqAlarm',
        'SweepErrorsAlarm',
        'ApiLambdaFunction',
        'ApiLogGroup',
        'ApiRole',
        'ApiErrorsAlarm',
        'Api5xxAlarm',
        'ApiLambdaPermissionHttpApi',
        'HttpApi',
        'HttpApiStage',
        'HttpApiLogGroup',
        'HttpApiIntegrationApi',
      ]),
    );
    expect(unconditional).toEqual([]);
    for (const output of ['HttpApiId', 'HttpApiUrl', 'SweepFunctionName', 'SweepDeadLetterQueueUrl', 'IamEventsDeadLetterQueueUrl']) {
      expect([output, (template.Outputs?.[output] as { Condition?: string }).Condition]).toEqual([output, 'IsIamEventsRegion']);
    }
    expect(podResources.length).toBeGreaterThanOrEqual(9);
    expect(podResources.filter(([, r]) => r.Condition !== undefined)).toEqual([]);
  });

  it('creates slackNotifier and everything of it only when a webhook parameter or secret is configured', () => {
    // Prepare
    const slackResources = Object.entries(template.Resources).filter(([id]) => id.startsWith('SlackNotifier'));

    // Act
    const unconditional = slackResources.filter(([, r]) => r.Condition !== 'HasSlack').map(([id]) => id);

    // Assess
    expect(template.Conditions?.HasSlack).toEqual({ 'Fn::Or': [{ Condition: 'HasSlackParameter' }, { Condition: 'HasSlackSecret' }] });
    // The test stage configures no webhook: both are '' = '' (false), so no Slack resources.
    expect(template.Conditions?.HasSlackParameter).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
    expect(template.Conditions?.HasSlackSecret).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
    expect(slackResources.map(([id]) => id).sort()).toEqual(
      [
        'SlackNotifierDlq',
        'SlackNotifierDlqAlarm',
        'SlackNotifierDlqPolicy',
        'SlackNotifierErrorsAlarm',
        'SlackNotifierLambdaEvConf',
        'SlackNotifierLambdaFunction',
        'SlackNotifierLogGroup',
        'SlackNotifierRole',
        'SlackNotifierSubscription',
        'SlackNotifierSubscriptionPermission',
      ].sort(),
    );
    expect(unconditional).toEqual([]);
  });

  it('sets the environment of CONTRACTS.md, with the stack\'s own topic and tables, and each function\'s own', () => {
    // Prepare
    const common = {
      REMEDIATION_MODE: 'fix',
      NOTIFY_TOPIC_ARN: ref('NotifyTopic'),
      TRUSTED_ACCOUNTS: '',
      EXEMPT_TAG_KEY: 'eks-trust-guard:exempt',
      EVENT_BUS_NAME: '',
      JOURNAL_TABLE: ref('JournalTable'),
      TRUST_POLICY_MAX_LENGTH: '2048',
      EKS_REGIONS: 'us-east-1',
      ROLLBACK_EXEMPT_HOURS: '24',
      SELF_ROLE_PREFIX: OWN_ROLE_PREFIX,
      POWERTOOLS_SERVICE_NAME: 'eks-trust-guard',
      LOG_LEVEL: 'INFO',
    };
    const own: Record<string, Record<string, Json>> = {
      api: { SWEEP_FUNCTION_NAME: `${SERVICE}-${STAGE}-sweep` },
      slackNotifier: { SLACK_WEBHOOK_PARAMETER: '', SLACK_WEBHOOK_SECRET_ARN: '' },
    };

    // Act
    const environments = FUNCTIONS.map((fn) => ({
      name: fn.name,
      variables: (resource(template, fn.functionId).Properties?.Environment as { Variables: Record<string, Json> }).Variables,
    }));

    // Assess
    for (const { name, variables } of environments) expect({ name, variables }).toEqual({ name, variables: { ...common, ...own[name] } });
  });

  it('gives the local stage plain values, so invoke local needs no deployed stack, and sweeps in-process', () => {
    // Prepare
    const required = ['NOTIFY_TOPIC_ARN', 'JOURNAL_TABLE', 'EKS_REGIONS', 'REMEDIATION_MODE'];

    // Act
    const nonStrings = Object.entries(localEnvironment).filter(([, v]) => typeof v !== 'string');

    // Assess
    expect(nonStrings).toEqual([]);
    for (const name of required) expect(localEnvironment[name]).toEqual(expect.any(String));
    expect(localEnvironment.NOTIFY_TOPIC_ARN).toMatch(/^arn:aws:sns:us-east-1:\d{12}:/);
    expect(localEnvironment.JOURNAL_TABLE).not.toBe('');
    // serverless-offline cannot invoke a Lambda function asynchronously: POST /sweep runs inline.
    expect(localFunctions.api.environment?.SWEEP_FUNCTION_NAME).toBe('');
  });

  it('runs the sweep up to Lambda\'s 15 minutes, one at a time', () => {
    // Prepare
    const sweep = resource(template, SWEEP.functionId);

    // Act
    const props = sweep.Properties ?? {};

    // Assess
    expect(props.Timeout).toBe(900);
    expect(props.ReservedConcurrentExecutions).toBe(1);
  });

  it('keeps the api within the HTTP API\'s 30-second integration limit', () => {
    // Act
    const timeout = resource(template, API.functionId).Properties?.Timeout as number;

    // Assess
    expect(timeout).toBeLessThan(30);
  });
});

describe('on-demand API', () => {
  const CONTRACT_ROUTES = [
    'POST /evaluate',
    'GET /roles/{roleName}',
    'POST /roles/{roleName}/remediate',
    'POST /roles/{roleName}/rollback',
    'POST /sweep',
  ];
  const routes = () => Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route');

  it('has exactly the routes of CONTRACTS.md, each AWS_IAM-authorised and sent to the api function', () => {
    // Prepare
    const integration = resource(template, 'HttpApiIntegrationApi');

    // Act
    const found = routes().map(([, r]) => ({
      routeKey: r.Properties?.RouteKey,
      auth: r.Properties?.AuthorizationType,
      target: r.Properties?.Target,
    }));

    // Assess
    expect(found.map((r) => r.routeKey).sort()).toEqual([...CONTRACT_ROUTES].sort());
    for (const route of found) {
      expect(route).toEqual({ routeKey: route.routeKey, auth: 'AWS_IAM', target: { 'Fn::Join': ['/', ['integrations', ref('HttpApiIntegrationApi')]] } });
    }
    expect(integration.Properties).toMatchObject({
      ApiId: ref('HttpApi'),
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: getAtt(API.functionId),
      PayloadFormatVersion: '2.0',
    });
  });

  it('is an HTTP API whose stage throttles, logs every call with its IAM caller, and may invoke the api function only', () => {
    // Prepare
    const api = resource(template, 'HttpApi');
    const stage = resource(template, 'HttpApiStage');
    const permission = resource(template, 'ApiLambdaPermissionHttpApi');

    // Act
    const settings = stage.Properties?.DefaultRouteSettings as Record<string, Json>;
    const logFormat = JSON.parse((stage.Properties?.AccessLogSettings as { Format: string }).Format);

    // Assess
    expect(api.Type).toBe('AWS::ApiGatewayV2::Api');
    expect(api.Properties?.ProtocolType).toBe('HTTP');
    expect(settings.ThrottlingRateLimit).toBe(10);
    expect(settings.ThrottlingBurstLimit).toBe(20);
    expect(logFormat).toMatchObject({ caller: '$context.identity.userArn', routeKey: '$context.routeKey', status: '$context.status' });
    expect(permission.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', FunctionName: getAtt(API.functionId), Principal: 'apigateway.amazonaws.com' });
  });

  it('alarms to the topic when the API answers with a server error', () => {
    // Act
    const alarm = resource(template, 'Api5xxAlarm');

    // Assess
    expect(alarm.Properties).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [
        { Name: 'ApiId', Value: ref('HttpApi') },
        { Name: 'Stage', Value: '$default' },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [ref('NotifyTopic')],
    });
  });
});

describe('sweep schedule', () => {
  it('starts the sweep daily by default', () => {
    // Act
    const rule = resource(template, 'SweepScheduleRule');

    // Assess
    expect(rule.Type).toBe('AWS::Events::Rule');
    expect(rule.Properties?.ScheduleExpression).toBe('rate(1 day)');
    expect(rule.Properties?.EventPattern).toBeUndefined();
    expect(rule.Properties?.State).toBe('ENABLED');
  });

  it('takes its schedule from the sweepSchedule parameter', () => {
    // Act
    const rule = configured.resources.Resources.SweepScheduleRule;

    // Assess
    expect(rule.Properties?.ScheduleExpression).toBe('cron(0 3 * * ? *)');
  });
});

describe('Slack subscription', () => {
  /** SNS filter policies use EventBridge's operators; Fn::Split is resolved first. */
  const resolveSplit = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(resolveSplit);
    if (value && typeof value === 'object') {
      const split = (value as Record<string, Json>)['Fn::Split'];
      if (Array.isArray(split)) return String(split[1]).split(String(split[0]));
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveSplit(v)]));
    }
    return value;
  };
  const filterPolicy = (subscription: CfnResource) => resolveSplit(subscription.Properties?.FilterPolicy as Json) as Record<string, Json>;

  it('subscribes slackNotifier to the topic with a dead-letter queue for what SNS cannot deliver', () => {
    // Prepare
    const subscription = resource(template, 'SlackNotifierSubscription');
    const permission = resource(template, 'SlackNotifierSubscriptionPermission');

    // Act
    const props = subscription.Properties ?? {};

    // Assess
    expect(props).toMatchObject({
      TopicArn: ref('NotifyTopic'),
      Protocol: 'lambda',
      Endpoint: getAtt(SLACK_NOTIFIER.functionId),
      FilterPolicyScope: 'MessageAttributes',
      RedrivePolicy: { deadLetterTargetArn: getAtt('SlackNotifierDlq') },
    });
    expect(permission.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt(SLACK_NOTIFIER.functionId),
      Principal: 'sns.amazonaws.com',
      SourceArn: ref('NotifyTopic'),
    });
  });

  it.each([
    [{ severity: 'critical', outcome: 'fixed' }, true],
    [{ severity: 'high', outcome: 'tagged' }, true],
    [{ severity: 'medium', outcome: 'fixed' }, false],
    [{ severity: 'low', outcome: 'reported' }, false],
    [{ severity: 'low', outcome: 'summary' }, true],
    [{ severity: 'none', outcome: 'failed' }, true],
    [{}, true],
  ])('takes severities critical,high by default, and always summaries, failures and alarms: %j -> %s', (attributes, expected) => {
    // Act
    const matched = matchesPattern(filterPolicy(resource(template, 'SlackNotifierSubscription')), attributes);

    // Assess
    expect(matched).toBe(expected);
  });

  it('takes its severities from the slackSeverities parameter', () => {
    // Act
    const policy = filterPolicy(configured.resources.Resources.SlackNotifierSubscription);

    // Assess
    expect(matchesPattern(policy, { severity: 'medium', outcome: 'fixed' })).toBe(true);
    expect(matchesPattern(policy, { severity: 'low', outcome: 'fixed' })).toBe(false);
  });
});

describe('EventBridge rules', () => {
  const IAM_PATTERN = {
    source: ['aws.iam'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['iam.amazonaws.com'],
      eventName: ['CreateRole', 'UpdateAssumeRolePolicy'],
      $or: [
        { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } } },
        { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': getAtt('IamEventsRole') }] } } } },
      ],
    },
  };
  const POD_PATTERN = {
    source: ['aws.eks'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['eks.amazonaws.com'],
      eventName: ['CreatePodIdentityAssociation', 'UpdatePodIdentityAssociation'],
    },
  };

  it('matches IAM CreateRole / UpdateAssumeRolePolicy, except those made by iamEvents itself', () => {
    // Act
    const rule = resource(template, 'IamEventsRule');

    // Assess
    expect(rule.Type).toBe('AWS::Events::Rule');
    expect(rule.Properties?.EventBusName).toBeUndefined();
    expect(rule.Properties?.State).toBe('ENABLED');
    expect(rule.Properties?.EventPattern).toEqual(IAM_PATTERN);
  });

  it('matches EKS CreatePodIdentityAssociation / UpdatePodIdentityAssociation', () => {
    // Act
    const rule = resource(template, 'PodIdentityEventsRule');

    // Assess
    expect(rule.Type).toBe('AWS::Events::Rule');
    expect(rule.Properties?.EventBusName).toBeUndefined();
    expect(rule.Properties?.State).toBe('ENABLED');
    expect(rule.Properties?.EventPattern).toEqual(POD_PATTERN);
  });

  it.each(RULE_TRIGGERED)('$name rule targets the function, retries, then dead-letters; EventBridge may invoke it', (fn) => {
    // Prepare
    const rule = resource(template, fn.ruleId!);
    const permission = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties?.SourceArn) === JSON.stringify(getAtt(fn.ruleId!)),
    );

    // Act
    const targets = rule.Properties?.Targets as Array<Record<string, Json>>;
    const retry = targets[0].RetryPolicy as { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };

    // Assess
    expect(targets).toHaveLength(1);
    expect(targets[0].Arn).toEqual(getAtt(fn.functionId));
    expect(targets[0].DeadLetterConfig).toEqual({ Arn: getAtt(fn.dlqId!) });
    expect(rule.Condition).toBe(fn.condition);
    // EventBridge's limits: 0..185 attempts, 60..86400 seconds.
    expect(retry.MaximumRetryAttempts).toBeGreaterThanOrEqual(1);
    expect(retry.MaximumRetryAttempts).toBeLessThanOrEqual(185);
    expect(retry.MaximumEventAgeInSeconds).toBeGreaterThanOrEqual(60);
    expect(retry.MaximumEventAgeInSeconds).toBeLessThanOrEqual(86400);
    expect(permission?.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt(fn.functionId),
      Principal: 'events.amazonaws.com',
    });
    expect(permission?.Condition).toBe(fn.condition);
  });

  describe('the IAM pattern against recorded CloudTrail events', () => {
    const fixtures = path.join(__dirname, '../../../shared/fixtures/cloudtrail');
    const ownRoleArn = `arn:aws:iam::${ACCOUNT}:role/${OWN_ROLE_PREFIX}us-east-1-iamEvents`;
    const envelope = (detail: Record<string, unknown>) => ({
      version: '0',
      id: 'c0ffee00-0000-4000-8000-000000000000',
      'detail-type': 'AWS API Call via CloudTrail',
      source: `aws.${String(detail.eventSource).split('.')[0]}`,
      account: ACCOUNT,
      time: '2024-01-01T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail,
    });
    const record = (file: string) => JSON.parse(readFileSync(path.join(fixtures, file), 'utf8')) as Record<string, unknown>;
    const iamPattern = () =>
      resolveGetAttArns(resource(template, 'IamEventsRule').Properties?.EventPattern as Json, { IamEventsRole: ownRoleArn }) as Record<string, Json>;

    it.each([
      ['techant_CreateRole_1.json', 'an IAM user (no session issuer)'],
      ['panther_CreateRole_1.json', 'an assumed role'],
      ['panther_UpdateAssumeRolePolicy_1.json', 'an assumed role'],
      ['panther_UpdateAssumeRolePolicy_2.json', 'an assumed role'],
      ['panther_UpdateAssumeRolePolicy_3.json', 'an assumed role'],
    ])('delivers %s, made by %s', (file) => {
      // Act
      const matched = matchesPattern(iamPattern(), envelope(record(file)));

      // Assess
      expect(matched).toBe(true);
    });

    it.each(['panther_AttachRolePolicy_1.json', 'panther_AttachRolePolicy_3.json'])('ignores %s (not a trust change)', (file) => {
      // Act
      const matched = matchesPattern(iamPattern(), envelope(record(file)));

      // Assess
      expect(matched).toBe(false);
    });

    it('ignores the UpdateAssumeRolePolicy that iamEvents made itself (loop safety)', () => {
      // Prepare
      const own = record('panther_UpdateAssumeRolePolicy_2.json');
      const identity = own.userIdentity as { sessionContext: { sessionIssuer: { arn: string } } };
      const self = {
        ...own,
        userIdentity: { ...identity, sessionContext: { ...identity.sessionContext, sessionIssuer: { ...identity.sessionContext.sessionIssuer, arn: ownRoleArn } } },
      };

      // Act
      const matched = matchesPattern(iamPattern(), envelope(self));

      // Assess
      expect(matched).toBe(false);
    });

    it('ignores IAM events that are not CloudTrail API calls of iam.amazonaws.com', () => {
      // Prepare
      const event = envelope(record('panther_CreateRole_1.json'));

      // Act
      const otherType = matchesPattern(iamPattern(), { ...event, 'detail-type': 'AWS Service Event via CloudTrail' });
      const otherSource = matchesPattern(iamPattern(), { ...event, source: 'aws.sts' });

      // Assess
      expect(otherType).toBe(false);
      expect(otherSource).toBe(false);
    });
  });

  describe('the EKS pattern', () => {
    const podPattern = () => resource(template, 'PodIdentityEventsRule').Properties?.EventPattern as Record<string, Json>;
    const event = (eventName: string) => ({
      source: 'aws.eks',
      'detail-type': 'AWS API Call via CloudTrail',
      region: 'eu-west-1',
      detail: { eventSource: 'eks.amazonaws.com', eventName, awsRegion: 'eu-west-1', requestParameters: { name: 'prod' } },
    });

    it.each([
      ['CreatePodIdentityAssociation', true],
      ['UpdatePodIdentityAssociation', true],
      ['DeletePodIdentityAssociation', false],
      ['TagResource', false],
      ['CreateCluster', false],
    ])('%s delivered: %s', (eventName, expected) => {
      // Act
      const matched = matchesPattern(podPattern(), event(eventName));

      // Assess
      expect(matched).toBe(expected);
    });
  });
});

describe('dead-letter queues and alarms', () => {
  /** Who else sends to the queue besides Lambda's on-failure destination: an EventBridge rule or the SNS subscription. */
  const senderOf = (fn: FunctionUnderTest) =>
    fn.ruleId
      ? { Principal: { Service: 'events.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': getAtt(fn.ruleId) } } }
      : { Principal: { Service: 'sns.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': ref('NotifyTopic') } } };

  it.each(WITH_DLQ)('$name has an encrypted 14-day dead-letter queue for its trigger and for Lambda', (fn) => {
    // Prepare
    const dlqId = fn.dlqId!;
    const queue = resource(template, dlqId);
    const queuePolicy = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::SQS::QueuePolicy' && JSON.stringify(r.Properties?.Queues) === JSON.stringify([ref(dlqId)]),
    );
    const invokeConfig = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && JSON.stringify(r.Properties?.FunctionName) === JSON.stringify(ref(fn.functionId)),
    );

    // Act
    const statements = asArray((queuePolicy?.Properties?.PolicyDocument as { Statement: Json[] }).Statement) as Array<Record<string, Json>>;
    const senderGrant = statements.find((s) => s.Effect === 'Allow');

    // Assess
    expect(queue.Type).toBe('AWS::SQS::Queue');
    expect(queue.Condition).toBe(fn.condition);
    expect(queue.Properties?.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(queue.Properties?.SqsManagedSseEnabled).toBe(true);
    expect(senderGrant).toEqual(expect.objectContaining({ ...senderOf(fn), Action: 'sqs:SendMessage', Resource: getAtt(dlqId) }));
    expect(invokeConfig?.Properties?.DestinationConfig).toEqual({ OnFailure: { Destination: getAtt(dlqId) } });
    expect(invokeConfig?.Properties?.MaximumRetryAttempts).toEqual(expect.any(Number));
    expect(invokeConfig?.Condition).toBe(fn.condition);
  });

  const alarms = () => Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
  const dimensionOf = (alarm: { Properties?: Record<string, Json> }) => (alarm.Properties?.Dimensions as Array<{ Name: string; Value: Json }>)[0];

  it.each(WITH_DLQ)('alarms to the topic when $name\'s dead-letter queue holds a message', (fn) => {
    // Act
    const alarm = alarms().find((a) => JSON.stringify(dimensionOf(a).Value) === JSON.stringify(getAtt(fn.dlqId!, 'QueueName')));

    // Assess
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [ref('NotifyTopic')],
    });
    expect(dimensionOf(alarm!).Name).toBe('QueueName');
    expect(alarm?.Condition).toBe(fn.condition);
  });

  it.each(FUNCTIONS)('alarms to the topic when $name reports an error', (fn) => {
    // Act
    const alarm = alarms().find((a) => JSON.stringify(dimensionOf(a).Value) === JSON.stringify(ref(fn.functionId)));

    // Assess
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [ref('NotifyTopic')],
    });
    expect(dimensionOf(alarm!).Name).toBe('FunctionName');
    expect(alarm?.Condition).toBe(fn.condition);
  });
});

describe('notification topic', () => {
  it('is encrypted with a customer managed key that CloudWatch alarms may use', () => {
    // Prepare
    const topic = resource(template, 'NotifyTopic');
    const key = resource(template, 'NotifyKey');

    // Act
    const statements = (key.Properties?.KeyPolicy as { Statement: Array<Record<string, Json>> }).Statement;
    const cloudWatch = statements.find((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }));
    const account = statements.find((s) => JSON.stringify(s.Principal).includes(':root'));

    // Assess
    expect(topic.Type).toBe('AWS::SNS::Topic');
    expect(topic.Properties?.KmsMasterKeyId).toEqual(getAtt('NotifyKey'));
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties?.EnableKeyRotation).toBe(true);
    expect(cloudWatch?.Effect).toBe('Allow');
    expect(asArray(cloudWatch?.Action as string | string[])).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
    expect(account).toMatchObject({ Effect: 'Allow', Action: 'kms:*' });
  });

  it('lets CloudWatch alarms of this account publish to it', () => {
    // Prepare
    const policy = Object.values(template.Resources).find((r) => r.Type === 'AWS::SNS::TopicPolicy');

    // Act
    const statements = (policy?.Properties?.PolicyDocument as { Statement: Array<Record<string, Json>> }).Statement;
    const cloudWatch = statements.find((s) => s.Effect === 'Allow');

    // Assess
    expect(policy?.Properties?.Topics).toEqual([ref('NotifyTopic')]);
    expect(cloudWatch).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: ref('NotifyTopic'),
      Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
    });
  });
});

describe('tables', () => {
  it('keeps the journal (pk/sk, on demand, point-in-time recovery, encrypted, retained; event markers expire by TTL expiresAt)', () => {
    // Act
    const table = resource(template, 'JournalTable');

    // Assess
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: expect.arrayContaining([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('has no idempotency table: the journal\'s conditional write deduplicates events', () => {
    // Act
    const tables = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table').map(([id]) => id);

    // Assess
    expect(tables).toEqual(['JournalTable']);
  });
});

describe('execution roles', () => {
  const statementsOf = (fn: FunctionUnderTest): RoleStatement[] => roleStatements(resource(template, fn.roleId));
  const allowed = (fn: FunctionUnderTest, action: string) =>
    statementsOf(fn).filter(({ statement }) => statement.Effect === 'Allow' && asArray(statement.Action).includes(action));

  it.each(FUNCTIONS)('$name\'s role can be assumed by Lambda only and is named with the own-role prefix', (fn) => {
    // Prepare
    const role = resource(template, fn.roleId);

    // Act
    const name = renderSub(role.Properties?.RoleName as Json, pseudo('us-east-1'));

    // Assess
    expect(role.Properties?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    expect(name.startsWith(OWN_ROLE_PREFIX)).toBe(true);
    expect(name.length).toBeLessThanOrEqual(64);
  });

  it.each(REMEDIATING)('$name\'s grants are scoped to the resources they are for', (fn) => {
    // Prepare
    const anyRole = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*' };
    const scoped: Array<[string, Json[]]> = [
      ['iam:GetRole', [anyRole]],
      ['iam:UpdateAssumeRolePolicy', [anyRole]],
      ['iam:TagRole', [anyRole]],
      ['sns:Publish', [ref('NotifyTopic')]],
      ['kms:GenerateDataKey', [getAtt('NotifyKey')]],
      ['kms:Decrypt', [getAtt('NotifyKey')]],
      ['dynamodb:Query', [getAtt('JournalTable')]],
      // The journal's transaction (entry, flap counter, event marker) is authorised per item action.
      ['dynamodb:PutItem', [getAtt('JournalTable')]],
      ['dynamodb:UpdateItem', [getAtt('JournalTable')]],
      ['dynamodb:GetItem', []],
      ['dynamodb:DeleteItem', []],
      ['sqs:SendMessage', fn.dlqId ? [getAtt(fn.dlqId)] : []],
      // The sweep continues itself; the api starts it (POST /sweep). Nothing else invokes anything.
      ['lambda:InvokeFunction', fn === SWEEP || fn === API ? [SWEEP_ARN] : []],
      ['logs:PutLogEvents', [{ 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${SERVICE}-${STAGE}-${fn.name}:*` }]],
    ];

    // Act
    const resourcesOf = (action: string) => allowed(fn, action).flatMap(({ statement }) => asArray(statement.Resource as Json));
    const unscoped = statementsOf(fn).filter(({ statement }) => statement.Effect === 'Allow' && asArray(statement.Resource as Json).includes('*'));

    // Assess
    for (const [action, expected] of scoped) expect([action, resourcesOf(action)]).toEqual([action, expected]);
    // The actions IAM offers no resource type for (Service Authorization Reference).
    // The event functions never read whole pages of roles: only the sweep (and the api, which can
    // run a sweep inline) hold iam:GetAccountAuthorizationDetails.
    const readsAllRoles = fn === SWEEP || fn === API;
    expect(unscoped.flatMap(({ statement }) => asArray(statement.Action)).sort()).toEqual(readsAllRoles ? ['eks:ListClusters', 'iam:GetAccountAuthorizationDetails'] : ['eks:ListClusters']);
  });

  it('slackNotifier reads the configured webhook parameter or secret and nothing else of AWS', () => {
    // Prepare
    const statements = statementsOf(SLACK_NOTIFIER);
    const withSlack = roleStatements(configured.resources.Resources.SlackNotifierRole);

    // Act
    const byAction = (list: RoleStatement[], action: string) => list.filter(({ statement }) => asArray(statement.Action).includes(action));
    const parameterArn = renderSub(byAction(withSlack, 'ssm:GetParameter')[0].statement.Resource as Json, pseudo('eu-west-1'));

    // Assess
    expect(actionsOf(statements, 'Allow')).toEqual(
      ['kms:Decrypt', 'logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:GetSecretValue', 'sqs:SendMessage', 'ssm:GetParameter'].sort(),
    );
    expect(actionsOf(statements, 'Deny')).toEqual([]);
    expect(byAction(statements, 'ssm:GetParameter').map((s) => s.onlyIf)).toEqual(['HasSlackParameter']);
    expect(byAction(statements, 'secretsmanager:GetSecretValue').map((s) => s.onlyIf)).toEqual(['HasSlackSecret']);
    const decrypt = byAction(statements, 'kms:Decrypt');
    expect(decrypt.map((s) => s.onlyIf)).toEqual(['HasSlackKey']);
    expect(decrypt[0].statement.Condition).toEqual({
      StringEquals: { 'kms:ViaService': [{ 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' }, { 'Fn::Sub': 'secretsmanager.${AWS::Region}.amazonaws.com' }] },
    });
    expect(byAction(statements, 'sqs:SendMessage').map((s) => s.statement.Resource)).toEqual([getAtt('SlackNotifierDlq')]);
    expect(parameterArn).toBe(`arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter${SLACK_PARAMETER}`);
  });

  it.each(REMEDIATING)('$name tags roles and associations with eks-trust-guard:* keys only', (fn) => {
    // Act
    const tagging = ['iam:TagRole', 'iam:UntagRole', 'eks:TagResource'].flatMap((action) => allowed(fn, action));

    // Assess
    expect(tagging.length).toBeGreaterThanOrEqual(2);
    for (const { statement } of tagging) {
      expect(statement.Condition).toEqual({ 'ForAllValues:StringLike': { 'aws:TagKeys': 'eks-trust-guard:*' } });
    }
  });

  it.each(REMEDIATING)('$name may put evaluations on an event bus only when EVENT_BUS_NAME is set', (fn) => {
    // Act
    const putEvents = allowed(fn, 'events:PutEvents');

    // Assess
    expect(putEvents.length).toBeGreaterThan(0);
    for (const grant of putEvents) expect(grant.onlyIf).toBe('HasEventBus');
    expect(template.Conditions?.HasEventBus).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
  });

  it.each(REMEDIATING)('$name can never change the trust policy or tags of any of the service\'s own roles', (fn) => {
    // Prepare
    const protectedActions = ['iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole'];
    const ownRoleArns = FUNCTIONS.flatMap((other) =>
      ['us-east-1', 'eu-west-1', 'ap-southeast-2'].map(
        (region) => `arn:aws:iam::${ACCOUNT}:role/${renderSub(resource(template, other.roleId).Properties?.RoleName as Json, pseudo(region))}`,
      ),
    );
    const denies = statementsOf(fn).filter(({ statement, onlyIf }) => statement.Effect === 'Deny' && onlyIf === undefined);

    // Act
    const deniedFor = (action: string, arn: string) =>
      denies.some(
        ({ statement }) =>
          asArray(statement.Action).includes(action) &&
          statement.Condition === undefined &&
          asArray(statement.Resource as Json).some((r) => iamWildcardMatch(renderSub(r, pseudo('us-east-1')), arn)),
      );

    // Assess
    expect(actionsOf(statementsOf(fn), 'Deny')).toEqual([...protectedActions].sort());
    for (const action of protectedActions) {
      for (const arn of ownRoleArns) expect([action, arn, deniedFor(action, arn)]).toEqual([action, arn, true]);
      expect(deniedFor(action, `arn:aws:iam::${ACCOUNT}:role/my-app-pod-role`)).toBe(false);
    }
  });
});

describe('bundles', () => {
  it.each(FUNCTIONS)('$name is one bundled file, SDK included, under 500 KB zipped', (fn) => {
    // Prepare
    const archive = readFileSync(path.join(packageDir, `${fn.name}.zip`));

    // Act
    const entries = zipEntries(archive);
    const unzipped = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
    console.info(`${fn.name}.zip: ${archive.length} bytes zipped, ${unzipped} bytes unzipped (${entries.map((e) => e.name).join(', ')})`);

    // Assess
    expect(entries.map((e) => e.name)).toEqual([`functions/${fn.name}.js`]);
    expect(archive.length).toBeLessThan(500 * 1024);
  });

  it('builds iamEvents under 500 KB (500,000 bytes) unzipped: the size target of issue 3', () => {
    // Prepare
    const archive = readFileSync(path.join(packageDir, `${IAM_EVENTS.name}.zip`));

    // Act
    const [bundle] = zipEntries(archive);

    // Assess
    expect(bundle.name).toBe('functions/iamEvents.js');
    expect(bundle.uncompressedSize).toBeLessThan(500_000);
  });
});
