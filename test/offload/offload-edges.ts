// The edges of the offload runs, each started from a temp folder with its own config (nothing in /etc is read):
// nginx on 127.0.0.2 as the CDN that offloaded clients are sent to, proxying back to the origin with
// `CDN-Loop: our-edge` and caching with proxy_cache_use_stale; Varnish 7 on 127.0.0.1 in front of the origin,
// our edge for every path but /foreign/, where it plays a cache the origin does not know.

import { nginxPreamble, startNginxWith } from '../edge/nginx-edge';
import { startVarnishWith } from '../edge/varnish-edge';
import { freePort, type ServerProcess } from '../support/server-process';

/** The address of the CDN nginx: not the origin's, so its host is no host of the origin's own requests. */
export const CDN_HOST = '127.0.0.2';

/** The name our edges put in CDN-Loop (RFC 8586), as the origin's `offload.edges.cdnLoop` lists it. */
export const OUR_EDGE = 'our-edge';

/** Paths under which Varnish sends no CDN-Loop: a cache in front of the origin that is not one of our edges. */
export const FOREIGN_PREFIX = '/foreign/';

/**
 * nginx as the offload target: every request proxied to the origin with `CDN-Loop: our-edge` (so the origin never
 * sends it back), cached by the origin's fields (Cache-Control s-maxage, max-age, stale-while-revalidate,
 * stale-if-error), and a stale copy served while the origin fails or answers 5xx, refreshed in the background.
 */
export function cdnNginxConfig(
  prefix: string,
  port: number,
  originPort: number,
  user: string | undefined,
): string {
  return `# cdn-include test:offload — nginx as the CDN offloaded clients go to, in front of 127.0.0.1:${originPort}
${nginxPreamble(prefix, user)}  server {
    listen ${CDN_HOST}:${port};
    location / {
      proxy_pass http://127.0.0.1:${originPort};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header CDN-Loop ${OUR_EDGE};
      proxy_cache edge;
      proxy_cache_revalidate on;
      proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;
      proxy_cache_background_update on;
      add_header X-Cache-Status $upstream_cache_status always;
    }
  }
}
`;
}

/** A free port for the CDN nginx: chosen before the origin starts, whose config names it. */
export function freeCdnPort(): Promise<number> {
  return freePort(CDN_HOST);
}

/** Starts the CDN nginx on 127.0.0.2:`port` in `prefix`. */
export function startCdnNginx(prefix: string, port: number, originPort: number): Promise<ServerProcess> {
  return startNginxWith(prefix, port, (user) => cdnNginxConfig(prefix, port, originPort, user), CDN_HOST);
}

/**
 * The VCL: Varnish takes TTL and grace from the origin's Cache-Control (stale-while-revalidate is its grace,
 * RFC 5861 §3), names itself in CDN-Loop except under /foreign/, and keeps its stale copy when a background
 * refresh gets a 5xx (RFC 5861 §4 stale-if-error) instead of replacing it with the error. No-store responses (the
 * 307) are never stored: Varnish's built-in VCL makes them uncacheable, and this VCL leaves it to run.
 */
export function edgeVarnishVcl(originPort: number): string {
  return `vcl 4.1;
# cdn-include test:offload — Varnish as an edge in front of the origin on 127.0.0.1:${originPort}

backend origin {
  .host = "127.0.0.1";
  .port = "${originPort}";
}

sub vcl_backend_fetch {
  if (bereq.url !~ "^${FOREIGN_PREFIX}") {
    set bereq.http.CDN-Loop = "${OUR_EDGE}";
  }
}

sub vcl_backend_response {
  if (beresp.status >= 500 && bereq.is_bgfetch) {
    return (abandon);
  }
}

sub vcl_deliver {
  set resp.http.X-Cache-Hits = obj.hits;
}
`;
}

/** Starts Varnish in `folder` on a free port of 127.0.0.1. */
export function startEdgeVarnish(folder: string, originPort: number): Promise<ServerProcess> {
  return startVarnishWith(folder, edgeVarnishVcl(originPort));
}
