/** Attached managed policies are matched by name (the end of the ARN), whatever the partition or path. */
export function policyName(arnOrName: string): string {
  return (arnOrName.split('/').pop() ?? arnOrName).toLowerCase();
}

export function hasPolicy(attached: readonly string[], name: string): boolean {
  const wanted = name.toLowerCase();
  return attached.some((p) => policyName(p) === wanted);
}
