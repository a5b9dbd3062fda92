/**
 * SDK-shaped errors for unit tests, built the way the SDK's deserialisers build them: `name` is the
 * error code, `$fault` says whose fault, `$metadata.httpStatusCode` the HTTP status.
 */
export function sdkError(name: string, httpStatusCode = 400, message = `${name} happened`): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode, attempts: 1 },
  });
}
