// The rows of the benchmark: which server, which request, which page. Pure: builds the list from what the
// run has (servers started, flags found); the preflight fills in validators and marks rows unavailable.

import { BENCH_PAGES, type BenchPage } from './sites';

/** The kinds of request measured. */
export type RequestKind = '200' | '304 IMS' | '304 INM' | 'gzip 200' | 'cold 200';

/** One row of the table. */
export interface Scenario {
  /** Server key as started by the bench (see BenchServers). */
  server: string;
  /** Label of the server column. */
  serverLabel: string;
  kind: RequestKind;
  page: BenchPage;
  /** URL path requested. */
  path: string;
  /** Worker processes of the server, for the same-workers comparison. */
  workers: number;
  /** Why this row is not measured in this run (a flag missing…); set here or by the preflight. */
  unavailable?: string;
}

/** Which servers run in this bench, keyed as Scenario.server. */
export interface BenchServers {
  /** cdn-include with 2 workers; false when the build has no --workers flag. */
  cdnInclude2w: boolean;
  /** cdn-include with its render cache off; false when there is no switch for that. */
  cdnIncludeCold: boolean;
}

const SSI_KINDS: readonly RequestKind[] = ['200', '304 IMS', '304 INM', 'gzip 200'];

function row(
  server: string,
  serverLabel: string,
  kind: RequestKind,
  page: BenchPage,
  workers: number,
): Scenario {
  const path = server.startsWith('koa') || serverLabel.endsWith('static') ? page.staticPath : page.ssiPath;
  return { server, serverLabel, kind, page, path, workers };
}

const [PAGE_12K] = BENCH_PAGES as [BenchPage, ...BenchPage[]];

/** The Koa baseline that sends cdn-include's own header fields and logs each request (koa-baseline-server.ts). */
export const KOA_FIELDS = 'koa same fields + log';

/** Every row of the benchmark, in the order the table prints them (and each round runs them). */
export function buildScenarios(servers: BenchServers): Scenario[] {
  const rows: Scenario[] = [];
  for (const page of BENCH_PAGES) {
    for (const kind of SSI_KINDS) rows.push(row('cdn-1w', 'cdn-include 1w', kind, page, 1));
    for (const kind of SSI_KINDS) {
      const scenario = row('cdn-2w', 'cdn-include 2w', kind, page, 2);
      rows.push(
        servers.cdnInclude2w ? scenario : { ...scenario, unavailable: 'n/a (flag missing: --workers)' },
      );
    }
    const cold = row('cdn-cold', 'cdn-include 1w cache off', 'cold 200', page, 1);
    rows.push(
      servers.cdnIncludeCold ? cold : { ...cold, unavailable: 'n/a (flag missing: no --no-…cache switch)' },
    );
    rows.push(row('koa-constant', 'koa constant Buffer', '200', page, 1));
    rows.push(row('koa-fields', KOA_FIELDS, '200', page, 1));
    rows.push(row('koa-static', 'koa-static', '200', page, 1));
    rows.push(row('apache', 'apache mod_include', '200', page, 1));
    rows.push(row('nginx-1w', 'nginx ssi 1w', '200', page, 1));
    rows.push(row('nginx-2w', 'nginx ssi 2w', '200', page, 2));
    rows.push(row('lighttpd', 'lighttpd mod_ssi', '200', page, 1));
    rows.push(row('lighttpd', 'lighttpd mod_ssi', '304 IMS', page, 1));
  }
  rows.push(row('koa-constant', 'koa constant Buffer', '304 INM', PAGE_12K, 1));
  rows.push(row('koa-fields', KOA_FIELDS, '304 INM', PAGE_12K, 1));
  rows.push(row('apache', 'apache static', '200', PAGE_12K, 1));
  rows.push(row('apache', 'apache static', '304 IMS', PAGE_12K, 1));
  rows.push(row('nginx-1w', 'nginx static', '200', PAGE_12K, 1));
  rows.push(row('nginx-1w', 'nginx static', '304 IMS', PAGE_12K, 1));
  return rows;
}

/** A stable key for a row: server label, request kind and page. */
export function scenarioKey(scenario: Pick<Scenario, 'serverLabel' | 'kind' | 'page'>): string {
  return `${scenario.serverLabel}|${scenario.kind}|${scenario.page.name}`;
}
