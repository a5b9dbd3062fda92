/**
 * AWS adapters: one module per service, each the only importer of its SDK client.
 */
import { EksAdapter, EksInventory } from './eks';
import { EvaluationEventPublisher } from './events';
import { IamAdapter, IamInventory } from './iam';
import { Journal } from './journal';
import { FunctionInvoker } from './lambda';
import { NotificationPublisher } from './sns';

export * from './clients';
export * from './errors';
export * from './eks';
export * from './events';
export * from './iam';
export * from './journal';
export * from './lambda';
export * from './sns';
export * from './tags';

/**
 * The IAM actions each adapter calls, for least-privilege grants: a test holds serverless.yml's
 * per-function statements to the adapters the function uses.
 */
export const ADAPTER_ACTIONS = {
  iam: IamAdapter.actions,
  iamInventory: IamInventory.actions,
  eks: EksAdapter.actions,
  eksInventory: EksInventory.actions,
  sns: NotificationPublisher.actions,
  journal: Journal.actions,
  events: EvaluationEventPublisher.actions,
  lambda: FunctionInvoker.actions,
} as const;

export type AdapterName = keyof typeof ADAPTER_ACTIONS;
export type AdapterAction = (typeof ADAPTER_ACTIONS)[AdapterName][number];
