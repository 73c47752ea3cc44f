// The four loop guards of offloading (README "Under load"), each its own rule: our edge's own fetch (CDN-Loop, Via,
// or an edge address), a Host of ours, the bounce-back marker, a Host repeating the CDN suffix. Reads the request
// only; never answers it.

import type { Context } from 'koa';
import { hostName, namesListedProxy, suffixRepeats } from '../fields/loop-fields';
import type { ResolvedOffload } from './offload-config';

/** How our edges are recognised: the names they put in CDN-Loop or Via, and their addresses. */
export type EdgeRecognition = Pick<ResolvedOffload, 'cdnLoop' | 'addresses'>;

/**
 * Guard (a): why the request is one of our edges' own fetches — `loop-guard` (its CDN-Loop, RFC 8586, or Via,
 * RFC 9110 §7.6.3, names our edge) or `edge-address` (`ctx.ip` lies in an edge block) — or undefined.
 * @example edgeRequestReason(ctx, checkOffload({ to, edges: { cdnLoop: ['our-edge'] } }))
 */
export function edgeRequestReason(
  ctx: Context,
  edges: EdgeRecognition,
): 'loop-guard' | 'edge-address' | undefined {
  const { headers } = ctx.req;
  if (namesListedProxy('cdn-loop', headers['cdn-loop'], edges.cdnLoop)) return 'loop-guard';
  if (namesListedProxy('via', headers.via, edges.cdnLoop)) return 'loop-guard';
  if (edges.addresses !== undefined && edges.addresses.has(ctx.ip)) return 'edge-address';
  return undefined;
}

/**
 * Whether the request comes from one of our edges (guard (a)): what the steps that treat edge fetches apart ask,
 * such as longer CDN-Cache-Control under load.
 * @example if (isEdgeRequest(ctx, edges)) ctx.set('CDN-Cache-Control', 'max-age=60, stale-if-error=86400');
 */
export function isEdgeRequest(ctx: Context, edges: EdgeRecognition): boolean {
  return edgeRequestReason(ctx, edges) !== undefined;
}

/** Guard (b): whether Host names one of our offload, mirror or asset hosts (a request that reached us through them). */
export function isOwnHost(host: string | undefined, ownHosts: ReadonlySet<string>): boolean {
  return host !== undefined && ownHosts.has(hostName(host));
}

/**
 * Guard (c): the request-target without the bounce-back marker `param` (`?param` or `?param=…`, each occurrence),
 * or undefined when it carries none. The rest of the query keeps its order and bytes.
 * @example withoutBounceMarker('/a?x=1&cdn-include-local=1', 'cdn-include-local') // '/a?x=1'
 */
export function withoutBounceMarker(target: string, param: string): string | undefined {
  const query = target.indexOf('?');
  // The cheap test first: a request-target without the name pays one search.
  if (query < 0 || target.indexOf(param, query) < 0) return undefined;
  const kept: string[] = [];
  let marked = false;
  for (const pair of target.slice(query + 1).split('&')) {
    if (pair === param || pair.startsWith(`${param}=`)) marked = true;
    else kept.push(pair);
  }
  if (!marked) return undefined;
  const path = target.slice(0, query);
  return kept.length === 0 ? path : `${path}?${kept.join('&')}`;
}

/**
 * Guard (d): whether Host carries the CDN suffix (the offload target's host name) more than once, as in
 * `www.site.cdn.example.cdn.example`: a request bounced through the CDN onto itself, refused with 400.
 */
export function repeatsCdnSuffix(host: string | undefined, toHost: string): boolean {
  return suffixRepeats(host, toHost) > 1;
}
