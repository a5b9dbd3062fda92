/**
 * IAM adapter: the only module that talks to IAM. Roles come back with their trust policy as the
 * JSON text IAM stores (URL-decoded), their tags and path.
 */
import {
  GetAccountAuthorizationDetailsCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRolesCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  type IAMClient,
  type Role,
  type RoleDetail,
} from '@aws-sdk/client-iam';
import { decodePolicyText } from '../policy/normalize';
import { parseArn } from '../policy/query';
import { callAws, NotFoundError } from './errors';
import { sanitiseTags } from './tags';

/** The role state shape is the remediation port's (lib/remediation/ports.ts). */
export type { RoleState } from '../remediation/ports';
import type { RoleState } from '../remediation/ports';

/** IAM accepts at most 50 tags per TagRole call (and per role). */
const MAX_TAGS_PER_CALL = 50;

/** IAM actions the adapters below may call. */
export type IamAction =
  | 'iam:GetRole'
  | 'iam:UpdateAssumeRolePolicy'
  | 'iam:TagRole'
  | 'iam:ListAttachedRolePolicies'
  | 'iam:ListRoles'
  | 'iam:GetAccountAuthorizationDetails';

export class IamAdapter {
  static readonly actions: readonly IamAction[] = [
    'iam:GetRole',
    'iam:UpdateAssumeRolePolicy',
    'iam:TagRole',
    'iam:ListAttachedRolePolicies',
  ];

  constructor(protected readonly client: IAMClient) {}

  /** The role's current state, or null when it does not exist (deleted before we got to it). */
  async getRole(name: string): Promise<RoleState | null> {
    try {
      const out = await callAws('iam:GetRole', () => this.client.send(new GetRoleCommand({ RoleName: name })));
      if (!out.Role) return null;
      return toRoleState(out.Role);
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }

  /** Replace the trust policy. The document is sent as compact JSON (it counts against 2048 chars). */
  async updateTrustPolicy(name: string, doc: object): Promise<void> {
    const text = JSON.stringify(doc);
    await callAws('iam:UpdateAssumeRolePolicy', () =>
      this.client.send(new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: text })),
    );
  }

  /** Add or overwrite tags; values are made acceptable to IAM first (see tags.ts). */
  async tagRole(name: string, tags: Record<string, string>): Promise<void> {
    const entries = Object.entries(sanitiseTags(tags)).map(([Key, Value]) => ({ Key, Value }));
    for (let i = 0; i < entries.length; i += MAX_TAGS_PER_CALL) {
      const Tags = entries.slice(i, i + MAX_TAGS_PER_CALL);
      await callAws('iam:TagRole', () => this.client.send(new TagRoleCommand({ RoleName: name, Tags })));
    }
  }



  /** ARNs of the managed policies attached to the role (all pages). */
  async listAttachedPolicyArns(name: string): Promise<string[]> {
    const arns: string[] = [];
    let marker: string | undefined;
    do {
      const out = await callAws('iam:ListAttachedRolePolicies', () =>
        this.client.send(new ListAttachedRolePoliciesCommand({ RoleName: name, Marker: marker })),
      );
      for (const p of out.AttachedPolicies ?? []) if (p.PolicyArn) arns.push(p.PolicyArn);
      marker = out.IsTruncated ? out.Marker : undefined;
    } while (marker);
    return arns;
  }
}

/**
 * What the sweep reads besides the remediation path: whole pages of roles. A class of its own so
 * the event functions, which never list roles, neither bundle nor are granted these calls.
 */
export class IamInventory extends IamAdapter {
  // Written out (not spread from the parent) so bundlers can still drop an unused class.
  static override readonly actions: readonly IamAction[] = [
    'iam:GetRole',
    'iam:UpdateAssumeRolePolicy',
    'iam:TagRole',
    'iam:ListAttachedRolePolicies',
    'iam:ListRoles',
    'iam:GetAccountAuthorizationDetails',
  ];

  /**
   * One page of ListRoles. ListRoles returns no tags (`tags` is `{}`); call getRole for them.
   * Real IAM URL-encodes the documents here too, moto does not: both are handled.
   */
  async listRolesPage(marker?: string, maxItems = 1000): Promise<{ roles: RoleState[]; marker?: string }> {
    const out = await callAws('iam:ListRoles', () =>
      this.client.send(new ListRolesCommand({ Marker: marker, MaxItems: maxItems })),
    );
    const roles = (out.Roles ?? []).map((r) => toRoleState({ ...r, Tags: undefined }));
    const next = out.IsTruncated ? out.Marker : undefined;
    return next ? { roles, marker: next } : { roles };
  }

  /**
   * One page of GetAccountAuthorizationDetails for roles only: trust policy, path, tags and
   * attached managed policies of up to `maxItems` roles in one call, so a sweep reads every role
   * with one call per page (no GetRole, no ListAttachedRolePolicies). Real IAM URL-encodes the
   * documents, moto does not (and ignores paging): both are handled.
   */
  async roleDetailsPage(marker?: string, maxItems = 1000): Promise<RoleDetailsPage> {
    const out = await callAws('iam:GetAccountAuthorizationDetails', () =>
      this.client.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'], Marker: marker, MaxItems: maxItems })),
    );
    const roles = (out.RoleDetailList ?? []).map((d) => ({
      role: toRoleState(roleOfDetail(d)),
      attachedPolicies: (d.AttachedManagedPolicies ?? []).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : [])),
    }));
    const next = out.IsTruncated ? out.Marker : undefined;
    return next ? { roles, marker: next } : { roles };
  }
}

/** The page shapes are the sweep port's (lib/sweep/ports.ts). */
export type { RoleDetails, RoleDetailsPage } from '../sweep/ports';
import type { RoleDetailsPage } from '../sweep/ports';

function roleOfDetail(d: RoleDetail): Role {
  return {
    RoleName: d.RoleName ?? '',
    RoleId: d.RoleId ?? '',
    Arn: d.Arn ?? '',
    Path: d.Path ?? '/',
    CreateDate: d.CreateDate,
    AssumeRolePolicyDocument: d.AssumeRolePolicyDocument,
    Tags: d.Tags,
  } as Role;
}

/** Decode a document from GetRole/ListRoles: URL-encoded JSON, or raw JSON (moto's ListRoles). */
export function decodeRolePolicy(text: string | undefined): string {
  if (text === undefined) return '';
  return decodePolicyText(text);
}

function toRoleState(role: Role): RoleState {
  const arn = role.Arn ?? '';
  const tags: Record<string, string> = {};
  for (const t of role.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  const state: RoleState = {
    name: role.RoleName ?? '',
    arn,
    path: role.Path ?? '/',
    accountId: parseArn(arn)?.account ?? '',
    trustPolicyText: decodeRolePolicy(role.AssumeRolePolicyDocument),
    tags,
  };
  if (role.CreateDate) state.createDate = new Date(role.CreateDate).toISOString();
  return state;
}
