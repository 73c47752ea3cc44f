// The asset-host part of `check --asset-hosts`: one `asset …` line per origin the page uses, the connections
// Chromium and Firefox open, each asset host's validators, the problems and a verdict. Pure formatting.

import type { AssetHostReport } from '../check/asset-host-check';
import type { CoalescingPrediction, OriginFacts, OriginConnections } from '../check/connection-coalescing';

/**
 * The lines the report prints for the asset hosts of a page.
 * @example formatAssetHostReport(report)[0] // 'asset origin https://www.example (the page): 1 request, h2 at …'
 */
export function formatAssetHostReport(report: AssetHostReport): string[] {
  return [
    ...report.origins.map((origin, index) =>
      formatOrigin(origin, report.chromium.origins[index], index === 0),
    ),
    ...(report.origins.length === 0
      ? []
      : [formatConnections(report.chromium), formatConnections(report.firefox)]),
    ...report.validators.map(
      (comparison) => `asset validators ${comparison.origin}: ${comparison.verdict}: ${comparison.message}`,
    ),
    ...report.problems.map((problem) => `${problem.severity} ${problem.code}: ${problem.message}`),
    report.ok
      ? 'asset hosts: serve the page host’s files with its validators'
      : 'asset hosts: NOT as they should be (see the errors above)',
  ];
}

function formatOrigin(origin: OriginFacts, connections: OriginConnections, isPage: boolean): string {
  const requests = `${origin.requests} request${origin.requests === 1 ? '' : 's'}`;
  const head = `asset origin ${origin.origin}${isPage ? ' (the page)' : ''}: ${requests}`;
  if (origin.failure !== undefined) return `${head}, unreachable: ${origin.failure}`;
  const addresses = `resolves to ${origin.addresses.join(', ')}`;
  if (origin.tls === undefined) return `${head}, ${addresses}; ${connections.reason}`;
  const names = [...origin.tls.names.dnsNames, ...origin.tls.names.ipAddresses].join(', ') || 'no name';
  const trust = origin.tls.trusted ? 'trusted' : `NOT trusted: ${origin.tls.trustError ?? 'unknown reason'}`;
  const tls = `${origin.tls.protocol} at ${origin.tls.peerAddress}, certificate for ${names} (${trust})`;
  return `${head}, ${addresses}, ${tls}; ${connections.reason}`;
}

function formatConnections(prediction: CoalescingPrediction): string {
  const browser = prediction.rule === 'chromium' ? 'Chromium' : 'Firefox';
  const carrying =
    prediction.minConnections === prediction.maxConnections
      ? `${prediction.maxConnections}`
      : `${prediction.minConnections} to ${prediction.maxConnections}`;
  return `asset connections in ${browser}: ${carrying} carrying requests, at most ${prediction.maxOpened} opened`;
}
