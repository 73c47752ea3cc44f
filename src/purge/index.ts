// The `cdn-include/purge` entry (README "The library"): the purge client that sends purges through a request
// template, with a cap on requests in flight and retries. No logic here; test/unit/architecture/public-api.test.ts
// pins the list.

export { formatPurgeEvent, PurgeQueue } from './purge-queue';
export type { PurgeEvent, PurgeQueueOptions } from './purge-queue';
export { checkPurgeTarget, purgeTargetFromFlags } from './purge-target';
export type { PurgeAnswer, PurgeJob, PurgeRequest, PurgeTarget } from './purge-target';
