/**
 * The on-demand API (CONTRACTS.md, "On-demand API"): routes, request validation and JSON errors.
 * Pure request -> response over injected services, so it is tested without HTTP or AWS; the
 * Lambda handler (functions/api.ts) only adapts API Gateway events to it.
 */
// zod/mini with named imports: tree-shaken to a few KB (the full API costs ~450 KB of bundle).
import { array, literal, maxLength, optional, record, regex, strictObject, string, union, unknown, type ZodMiniType } from 'zod/mini';
import { evaluate } from '../engine';
import { ACCOUNT_ID } from '../policy/query';
import type { RemediationMode } from '../remediation/config';
import type { RemediationReport } from '../remediation/remediator';
import type { RollbackReport } from '../remediation/rollback';
import { RollbackError } from '../remediation/rollback';
import type { RoleState } from '../remediation/ports';

/** Largest request body accepted (a trust policy is at most 8 KiB; JSON-in-JSON doubles it). */
export const MAX_BODY_BYTES = 64 * 1024;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export interface ApiRequest {
  method: string;
  path: string;
  body: string | undefined;
  isBase64Encoded?: boolean;
  /** The caller (IAM principal ARN from the AWS_IAM authoriser). */
  actor?: string;
  requestId: string;
}

export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface ApiServices {
  getRole(roleName: string): Promise<RoleState | null>;
  remediate(roleName: string, mode: RemediationMode | undefined, actor: string | undefined, requestId: string): Promise<RemediationReport>;
  rollback(roleName: string, actor: string | undefined, requestId: string): Promise<RollbackReport>;
  startSweep(requestId: string, actor: string | undefined): Promise<{ sweepId: string; started: 'async' | 'inline'; summary?: unknown }>;
  trustedAccounts?: string[];
  maxPolicyLength: number;
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function json(statusCode: number, body: unknown): ApiResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

const EvaluateBody = strictObject({
  policy: union([record(string(), unknown()), string()]),
  roleArn: optional(string().check(regex(/^arn:[\w-]+:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN'))),
  trustedAccounts: optional(array(string().check(regex(ACCOUNT_ID, 'must be a 12-digit account id'))).check(maxLength(1000))),
});
const RemediateBody = strictObject({ mode: optional(literal(['fix', 'tag', 'audit'])) });
const EmptyBody = strictObject({});

function parseBody<T>(req: ApiRequest, schema: ZodMiniType<T>, required: boolean): T {
  let text = req.body ?? '';
  if (req.isBase64Encoded && text) text = Buffer.from(text, 'base64').toString('utf8');
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new ApiError(413, 'PayloadTooLarge', `request body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  if (text.trim() === '') {
    if (required) throw new ApiError(400, 'MissingBody', 'a JSON request body is required');
    text = '{}';
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, 'InvalidJson', `request body is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'body';
    throw new ApiError(400, 'ValidationError', `${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function roleNameParam(raw: string): string {
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, 'InvalidRoleName', 'role name is not valid URL encoding');
  }
  if (!ROLE_NAME.test(name)) throw new ApiError(400, 'InvalidRoleName', `"${name.slice(0, 80)}" is not a valid IAM role name`);
  return name;
}

const ROUTES: { method: string; pattern: RegExp; name: string }[] = [
  { method: 'POST', pattern: /^\/evaluate\/?$/, name: 'evaluate' },
  { method: 'GET', pattern: /^\/roles\/([^/]+)\/?$/, name: 'getRole' },
  { method: 'POST', pattern: /^\/roles\/([^/]+)\/remediate\/?$/, name: 'remediate' },
  { method: 'POST', pattern: /^\/roles\/([^/]+)\/rollback\/?$/, name: 'rollback' },
  { method: 'POST', pattern: /^\/sweep\/?$/, name: 'sweep' },
];

async function route(req: ApiRequest, services: ApiServices): Promise<ApiResponse> {
  const method = req.method.toUpperCase();
  const matches = ROUTES.filter((r) => r.pattern.test(req.path));
  if (matches.length === 0) throw new ApiError(404, 'NotFound', `no route for ${req.path}`);
  const r = matches.find((m) => m.method === method);
  if (!r) throw new ApiError(405, 'MethodNotAllowed', `${method} is not allowed on ${req.path}`);
  const param = r.pattern.exec(req.path)?.[1];

  switch (r.name) {
    case 'evaluate': {
      const body = parseBody(req, EvaluateBody, true);
      const result = evaluate(body.policy, {
        roleArn: body.roleArn,
        trustedAccounts: body.trustedAccounts ?? services.trustedAccounts,
        maxPolicyLength: services.maxPolicyLength,
      });
      return json(200, { findings: result.findings, fixedPolicy: result.fixedPolicy, ...(result.fixRejected ? { fixRejected: result.fixRejected } : {}) });
    }
    case 'getRole': {
      const name = roleNameParam(param!);
      const role = await services.getRole(name);
      if (!role) throw new ApiError(404, 'RoleNotFound', `role ${name} does not exist`);
      const result = evaluate(role.trustPolicyText, { roleArn: role.arn, rolePath: role.path, trustedAccounts: services.trustedAccounts, maxPolicyLength: services.maxPolicyLength });
      return json(200, {
        role: { name: role.name, arn: role.arn, path: role.path },
        tags: Object.fromEntries(Object.entries(role.tags).filter(([k]) => k.startsWith('eks-trust-guard:'))),
        findings: result.findings,
        fixedPolicy: result.fixedPolicy,
        policy: result.originalPolicy,
      });
    }
    case 'remediate': {
      const name = roleNameParam(param!);
      const body = parseBody(req, RemediateBody, false);
      const report = await services.remediate(name, body.mode, req.actor, req.requestId);
      if (report.outcome === 'missing') throw new ApiError(404, 'RoleNotFound', `role ${name} does not exist`);
      return json(200, report);
    }
    case 'rollback': {
      const name = roleNameParam(param!);
      parseBody(req, EmptyBody, false);
      try {
        return json(200, await services.rollback(name, req.actor, req.requestId));
      } catch (e) {
        if (e instanceof RollbackError) {
          const status = e.code === 'RoleNotFound' || e.code === 'NothingToRollBack' ? 404 : 409;
          throw new ApiError(status, e.code, e.message);
        }
        throw e;
      }
    }
    case 'sweep': {
      parseBody(req, EmptyBody, false);
      const started = await services.startSweep(req.requestId, req.actor);
      return json(started.started === 'async' ? 202 : 200, started);
    }
  }
  throw new ApiError(404, 'NotFound', `no route for ${req.path}`);
}

/** Never throws: every failure is a JSON error, and nothing internal (stack, SDK text) leaks. */
export async function handleApiRequest(req: ApiRequest, services: ApiServices, log?: (msg: string, extra: Record<string, unknown>) => void): Promise<ApiResponse> {
  try {
    return await route(req, services);
  } catch (e) {
    if (e instanceof ApiError) return json(e.statusCode, errorBody(e.code, e.message));
    const err = e as Error & { retryable?: boolean; name?: string };
    log?.('request failed', { error: err?.message, name: err?.name, requestId: req.requestId });
    if (err?.name === 'ThrottledError' || err?.retryable) {
      return json(503, errorBody('ServiceUnavailable', `AWS is busy; retry later (request ${req.requestId})`));
    }
    if (err?.name === 'AccessDeniedError') return json(502, errorBody('AccessDenied', `the guardrail is not allowed to do this (request ${req.requestId})`));
    return json(500, errorBody('InternalError', `internal error (request ${req.requestId})`));
  }
}
