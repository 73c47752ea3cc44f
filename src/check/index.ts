// The `cdn-include/check` entry (README "The library"): the auditor that replays a CDN edge's revalidation
// against any origin. No logic here; test/unit/architecture/public-api.test.ts pins the list.

export { checkRevalidation, ExchangeError } from './revalidation-check';
export type { RevalidationCheckOptions, RevalidationCheckResult } from './revalidation-check';
export type { RevalidationVerdict } from './revalidation-verdict';
export type { RevalidationProblem, RevalidationProblemCode } from './revalidation-problem';
export type {
  CheckStep,
  PlannedRequest,
  RecordedExchange,
  RecordedHeaderName,
  RecordedHeaders,
  SkippedStep,
} from './revalidation-exchange';
export type { FreshnessSource, RevalidationValidator, SharedCacheBehaviour } from './cdn-behaviour';
export { checkAssetHosts } from './asset-host-check';
export type {
  AssetHostCheckOptions,
  AssetHostProblem,
  AssetHostProblemCode,
  AssetHostReport,
  SubresourceLister,
} from './asset-host-check';
export type { AssetResponse, ValidatorComparison, ValidatorVerdict } from './asset-validators';
export type { CertificateNames } from './certificate-names';
export type {
  CoalescingPrediction,
  CoalescingRule,
  OriginConnections,
  OriginFacts,
  TlsFacts,
} from './connection-coalescing';
export type { ConnectionOptions } from './recorded-request';
