/**
 * The credential chain of the deployed functions, in place of the SDK's default Node chain
 * (@aws-sdk/credential-provider-node: env, SSO, INI profiles, process, web identity, ECS/IMDS).
 * serverless.yml's custom.esbuild aliases `@aws-sdk/credential-provider-node` to this module.
 *
 * Lambda puts the function role's temporary credentials in the environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the environment provider is all a function needs;
 * `invoke local` and serverless-offline run with the same variables set. Leaving out the rest of
 * the chain (and the STS/SSO clients it bundles) keeps iamEvents under its 500 KB size target.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** Same name and call shape as @aws-sdk/credential-provider-node's export, which the SDK clients import. */
export function defaultProvider(_init: unknown = {}): ReturnType<typeof fromEnv> {
  return fromEnv();
}
