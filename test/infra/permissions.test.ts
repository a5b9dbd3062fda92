/**
 * Least privilege, checked against the code (STYLE.md point 7): for every function in
 * serverless.yml, the AWS actions its execution role allows are exactly the actions of the SDK
 * commands its bundle contains, plus the plumbing Lambda itself needs (listed below, with why).
 * And every module of lib/aws declares (`static readonly actions`) exactly the actions its own SDK
 * commands map to, each of them granted to every function that bundles it.
 *
 * The bundles are built with the settings serverless-esbuild uses (read from custom.esbuild), so
 * the SDK's ES-module builds (dist-es, one file per command) are what gets inspected.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { actionsOf, roleStatements, ROOT, runServerless, type CfnResource } from './support';

/** SDK client package -> IAM service prefix. A client missing here fails the test: add it. */
const SERVICE_PREFIX: Record<string, string> = {
  'client-iam': 'iam',
  'client-eks': 'eks',
  'client-sns': 'sns',
  'client-dynamodb': 'dynamodb',
  'client-eventbridge': 'events',
  'client-sts': 'sts',
  'client-ssm': 'ssm',
  'client-secrets-manager': 'secretsmanager',
  'client-sqs': 'sqs',
  'client-lambda': 'lambda',
};

/** API operations whose IAM action has another name (the Service Authorization Reference). */
const ACTION_OF_OPERATION: Record<string, string | string[]> = {
  'lambda:Invoke': 'lambda:InvokeFunction',
  'lambda:InvokeWithResponseStream': 'lambda:InvokeFunction',
  // Authorised per item action, not as an action of its own. The journal's transaction (the only
  // one) puts and updates items.
  'dynamodb:TransactWriteItems': ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
};

/**
 * Granted, but called by AWS on the function's behalf rather than by its code. Each is expected
 * exactly when its reason applies (see plumbingExpected).
 */
const PLUMBING: Record<string, string> = {
  'logs:CreateLogStream': 'Lambda writes the function\'s logs to its log group with the execution role',
  'logs:PutLogEvents': 'Lambda writes the function\'s logs to its log group with the execution role',
  'sqs:SendMessage': 'Lambda sends an event that failed all async retries to the on-failure destination (the dead-letter queue) with the execution role',
  'kms:GenerateDataKey': 'SNS encrypts what the function publishes with the topic\'s KMS key, as the caller',
  'kms:Decrypt':
    'SNS encrypts what the function publishes with the topic\'s KMS key, as the caller; SSM / Secrets Manager decrypt the Slack webhook with a customer managed key, as the caller',
};

/** Command modules that are bundled but never sent, so need no grant. */
const NEVER_SENT: Record<string, string> = {
  'dynamodb:DescribeEndpoints':
    'DynamoDBClient wires it for endpoint discovery, which stays off unless endpointDiscoveryEnabled is set (it is not)',
  // Powertools' SSMProvider (lib/slack/secret.ts) is one class with getMultiple/set methods, so its
  // other commands stay in the bundle; the notifier only calls provider.get (ssm:GetParameter).
  'ssm:GetParameters': 'bundled with Powertools\' SSMProvider (getMultiple by names); lib/slack/secret.ts only calls get',
  'ssm:GetParametersByPath': 'bundled with Powertools\' SSMProvider (getMultiple by path); lib/slack/secret.ts only calls get',
  'ssm:PutParameter': 'bundled with Powertools\' SSMProvider (set); lib/slack/secret.ts never writes',
};
// The SDK's default credential chain bundles @aws-sdk/nested-clients (STS AssumeRoleWithWebIdentity,
// SSO, sign-in) for profiles and web identity; in Lambda credentials come from the environment and
// that code is not reached. Those modules are not client-* packages and are not counted. Assuming
// roles on purpose (fromTemporaryCredentials, for other accounts) is counted: sts:AssumeRole.
const ASSUMES_ROLES = /node_modules\/@aws-sdk\/credential-providers\/dist-es\/fromTemporaryCredentials/;

const COMMAND_MODULE = /node_modules\/@aws-sdk\/(client-[a-z0-9-]+)\/dist-es\/commands\/([A-Za-z0-9]+)Command\.js$/;
const CJS_CLIENT = /node_modules\/@aws-sdk\/client-[a-z0-9-]+\/dist-cjs\//;

interface PrintedFunction {
  handler: string;
  role?: string;
  destinations?: { onFailure?: { type?: string } | string };
}

interface PrintedConfig {
  functions: Record<string, PrintedFunction>;
  custom: { esbuild: { target: string; platform: 'node'; format: 'cjs' | 'esm'; mainFields: string[]; exclude?: string[]; external?: string[]; alias?: Record<string, string> } };
  resources: { Resources: Record<string, CfnResource> };
}

/**
 * esbuild keeps top-level calls of packages that do not declare `"sideEffects": false`. Three
 * @aws-sdk packages do not (core, lib-dynamodb, lib-storage), so lib-dynamodb's paginators would
 * keep ScanCommand in every bundle that uses the document client, though nothing can call it.
 * They are side-effect free in fact: mark them so here (the deployed bundle only carries a few
 * dead bytes more).
 */
function sdkWithoutSideEffects(): Plugin {
  const sdkDir = path.join(ROOT, 'node_modules', '@aws-sdk');
  const undeclared = readdirSync(sdkDir).filter((name) => {
    try {
      return JSON.parse(readFileSync(path.join(sdkDir, name, 'package.json'), 'utf8')).sideEffects !== false;
    } catch {
      return false;
    }
  });
  const packages = undeclared.map((name) => `@aws-sdk/${name}`);
  const directories = packages.map((name) => `${path.sep}node_modules${path.sep}${name.replace('/', path.sep)}${path.sep}`);
  return {
    name: 'sdk-without-side-effects',
    setup(esbuild) {
      esbuild.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'resolving') return undefined;
        const isPackage = packages.some((name) => args.path === name || args.path.startsWith(`${name}/`));
        const isInside = args.path.startsWith('.') && directories.some((dir) => args.importer.includes(dir));
        if (!isPackage && !isInside) return undefined;
        const resolved = await esbuild.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'resolving',
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        return { path: resolved.path, namespace: resolved.namespace, external: resolved.external, sideEffects: false };
      });
    },
  };
}

/** The IAM actions of the SDK commands a bundle contains (files that kept any bytes). */
function sdkActions(output: Metafile['outputs'][string]): { actions: string[]; unknownClients: string[]; cjsClients: string[] } {
  const actions = new Set<string>();
  const unknownClients = new Set<string>();
  const cjsClients = new Set<string>();
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput === 0) continue;
    if (CJS_CLIENT.test(file)) cjsClients.add(file);
    if (ASSUMES_ROLES.test(file)) actions.add('sts:AssumeRole');
    const command = COMMAND_MODULE.exec(file);
    if (!command) continue;
    const prefix = SERVICE_PREFIX[command[1]];
    if (!prefix) {
      unknownClients.add(command[1]);
      continue;
    }
    const operation = `${prefix}:${command[2]}`;
    const mapped = ACTION_OF_OPERATION[operation] ?? operation;
    for (const action of Array.isArray(mapped) ? mapped : [mapped]) if (!(action in NEVER_SENT)) actions.add(action);
  }
  return { actions: [...actions].sort(), unknownClients: [...unknownClients], cjsClients: [...cjsClients] };
}

/** The `static actions` declared by the classes a module exports, all together and per class. */
function declaredActions(modulePath: string): { classes: string[]; actions: string[]; byClass: Record<string, string[]> } {
  const exported = require(modulePath) as Record<string, unknown>;
  const classes: string[] = [];
  const actions = new Set<string>();
  const byClass: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(exported)) {
    const declared = typeof value === 'function' ? (value as { actions?: unknown }).actions : undefined;
    if (Array.isArray(declared)) {
      classes.push(name);
      byClass[name] = declared.map(String);
      for (const action of declared) actions.add(String(action));
    }
  }
  return { classes: classes.sort(), actions: [...actions].sort(), byClass };
}

const ADAPTER_DIR = path.join(ROOT, 'lib', 'aws');
const adapterModules = readdirSync(ADAPTER_DIR)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => path.join('lib', 'aws', file));
/**
 * Other modules that declare `static actions` (their SDK use goes through a library, so their
 * bundle holds more commands than they send): each function bundling one must be granted them.
 */
const declaringModules = [...adapterModules, path.join('lib', 'slack', 'secret.ts')];

let config: PrintedConfig;
/** Bundle output by entry point (relative path, e.g. functions/iamEvents.ts). */
const bundles = new Map<string, Metafile['outputs'][string]>();

function handlerEntry(handler: string): string {
  const base = handler.slice(0, handler.lastIndexOf('.'));
  for (const extension of ['.ts', '.js']) {
    const candidate = `${base}${extension}`;
    if (readdirSync(path.join(ROOT, path.dirname(candidate))).includes(path.basename(candidate))) return candidate;
  }
  throw new Error(`no source file for handler ${handler}`);
}

beforeAll(async () => {
  const printed = await runServerless(['print', '--stage', 'test', '--format', 'json']);
  config = JSON.parse(printed.stdout);
  const settings = config.custom.esbuild;
  const entries = [...Object.values(config.functions).map((fn) => handlerEntry(fn.handler)), ...declaringModules];
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: entries,
    outdir: path.join(ROOT, '.esbuild', 'permissions-test'),
    outbase: '.',
    write: false,
    metafile: true,
    bundle: true,
    logLevel: 'silent',
    platform: settings.platform,
    target: settings.target,
    format: settings.format,
    mainFields: settings.mainFields,
    // Relative alias targets are relative to the service directory, as serverless-esbuild passes them.
    alias: Object.fromEntries(Object.entries(settings.alias ?? {}).map(([from, to]) => [from, to.startsWith('.') ? path.join(ROOT, to) : to])),
    external: [...(settings.external ?? []), ...(settings.exclude ?? [])],
    plugins: [sdkWithoutSideEffects()],
  });
  for (const output of Object.values(result.metafile.outputs)) {
    if (output.entryPoint) bundles.set(output.entryPoint, output);
  }
}, 120_000);

function bundleOf(entry: string): Metafile['outputs'][string] {
  const output = bundles.get(entry);
  if (!output) throw new Error(`no bundle for ${entry}`);
  return output;
}

function grantsOf(functionName: string): { allowed: string[]; denied: string[] } {
  const roleId = config.functions[functionName].role;
  if (!roleId) throw new Error(`function ${functionName} has no role of its own (set role: in serverless.yml)`);
  const role = config.resources.Resources[roleId];
  if (!role) throw new Error(`role ${roleId} of ${functionName} is not defined in infra/`);
  const statements = roleStatements(role);
  return { allowed: actionsOf(statements, 'Allow'), denied: actionsOf(statements, 'Deny') };
}

function plumbingExpected(fn: PrintedFunction, codeActions: string[]): string[] {
  const expected = ['logs:CreateLogStream', 'logs:PutLogEvents'];
  const onFailure = fn.destinations?.onFailure;
  if (typeof onFailure === 'object' && onFailure.type === 'sqs') expected.push('sqs:SendMessage');
  if (codeActions.includes('sns:Publish')) expected.push('kms:GenerateDataKey', 'kms:Decrypt');
  // The Slack webhook under a customer managed key (granted only when one is configured).
  else if (codeActions.includes('ssm:GetParameter') || codeActions.includes('secretsmanager:GetSecretValue')) expected.push('kms:Decrypt');
  return expected.sort();
}

describe('every function', () => {
  it('is checked: serverless.yml defines the functions of CONTRACTS.md with their own roles', () => {
    // Act
    const names = Object.keys(config.functions);

    // Assess
    expect([...names].sort()).toEqual(['api', 'iamEvents', 'podIdentityEvents', 'slackNotifier', 'sweep']);
    for (const name of names) expect([name, typeof config.functions[name].role]).toEqual([name, 'string']);
  });

  it('is bundled from the SDK\'s ES-module builds, so its commands are visible one per file', () => {
    // Act
    const problems = Object.values(config.functions).map((fn) => {
      const { unknownClients, cjsClients } = sdkActions(bundleOf(handlerEntry(fn.handler)));
      return { handler: fn.handler, unknownClients, cjsClients };
    });

    // Assess
    for (const problem of problems) expect(problem).toEqual({ handler: problem.handler, unknownClients: [], cjsClients: [] });
  });
});

describe('each function (all of serverless.yml)', () => {
  const functionNames = () => Object.keys(config.functions);
  const codeOf = (name: string) => sdkActions(bundleOf(handlerEntry(config.functions[name].handler))).actions;

  it('is granted exactly the AWS actions its code can call, besides the plumbing', () => {
    // Act
    const compared = functionNames().map((name) => ({
      name,
      granted: grantsOf(name).allowed.filter((action) => !(action in PLUMBING)),
      code: codeOf(name),
    }));

    // Assess
    for (const { name, granted, code } of compared) {
      expect(code.length).toBeGreaterThan(0);
      expect({ name, granted }).toEqual({ name, granted: code });
    }
  });

  it('is granted the plumbing it needs and no other', () => {
    // Act
    const compared = functionNames().map((name) => ({
      name,
      plumbing: grantsOf(name).allowed.filter((action) => action in PLUMBING),
      expected: plumbingExpected(config.functions[name], codeOf(name)),
    }));

    // Assess
    for (const { name, plumbing, expected } of compared) expect({ name, plumbing }).toEqual({ name, plumbing: expected });
  });

  it('is granted no wildcard actions', () => {
    // Act
    const wildcards = functionNames().flatMap((name) => grantsOf(name).allowed.filter((a) => a.includes('*')).map((a) => `${name}: ${a}`));

    // Assess
    expect(wildcards).toEqual([]);
  });

  it('is granted every action declared by each lib/aws module (and lib/slack/secret.ts) it bundles', () => {
    // Prepare
    const bundledAdapters = (name: string) =>
      Object.entries(bundleOf(handlerEntry(config.functions[name].handler)).inputs)
        .filter(([file, { bytesInOutput }]) => bytesInOutput > 0 && declaringModules.includes(file))
        .map(([file]) => file);

    // Act
    // A module may hold several adapter classes (e.g. IamAdapter and the sweep's IamInventory); a
    // class is in a bundle when the bundle can send every command its actions name.
    const missing = functionNames().flatMap((name) => {
      const { allowed } = grantsOf(name);
      const inBundle = new Set(sdkActions(bundleOf(handlerEntry(config.functions[name].handler))).actions);
      return bundledAdapters(name).flatMap((file) =>
        Object.entries(declaredActions(path.join(ROOT, file)).byClass)
          .filter(([, actions]) => actions.every((a) => inBundle.has(a) || !/^(iam|eks|sns|dynamodb|events|lambda|sts):/.test(a)))
          .flatMap(([cls, actions]) => actions.filter((action) => !allowed.includes(action)).map((action) => `${name} bundles ${file} (${cls}), which declares ${action}`)),
      );
    });

    // Assess
    for (const name of ['iamEvents', 'podIdentityEvents', 'sweep', 'api']) {
      expect(bundledAdapters(name)).toEqual(expect.arrayContaining(['lib/aws/iam.ts', 'lib/aws/eks.ts', 'lib/aws/sns.ts', 'lib/aws/journal.ts']));
    }
    for (const name of ['sweep', 'api']) expect(bundledAdapters(name)).toContain('lib/aws/lambda.ts');
    expect(bundledAdapters('slackNotifier')).toContain('lib/slack/secret.ts');
    expect(missing).toEqual([]);
  });
});

describe('lib/aws modules', () => {
  it.each(adapterModules)('%s declares exactly the actions of the SDK commands it uses', (file) => {
    // Prepare
    const { actions: used } = sdkActions(bundleOf(file));

    // Act
    const { actions: declared } = declaredActions(path.join(ROOT, file));

    // Assess
    expect(declared).toEqual(used);
  });

  it('include an adapter with declared actions for each service the functions call', () => {
    // Act
    const declaring = adapterModules.filter((file) => declaredActions(path.join(ROOT, file)).classes.length > 0);

    // Assess
    expect(declaring).toEqual(expect.arrayContaining(['lib/aws/iam.ts', 'lib/aws/eks.ts', 'lib/aws/sns.ts', 'lib/aws/journal.ts', 'lib/aws/events.ts']));
  });
});
