/**
 * serverless-offline against moto for the API's HTTP tests and its benchmark. The code lives in
 * scripts/offline.ts, shared with the local playground (`npm run local`); re-exported here so the
 * tests keep one import path.
 */
export * from '../../scripts/offline';
