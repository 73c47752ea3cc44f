// Writes and starts an nginx that caches a fleet of origins (an upstream, round-robin) and revalidates with
// If-Modified-Since alone, as Akamai does by default: a hop in front of the origins drops their ETag before the
// cache stores the response. Nothing in /etc/nginx is read or touched.

import { freePort, type ServerProcess } from '../support/server-process';
import { nginxPreamble, startNginxWith } from './nginx-edge';

/** How long the edge keeps a page before revalidating it (its Cache-Control is ignored). */
export const FLEET_EDGE_TTL = '1s';

/**
 * The whole nginx.conf: the edge on `port` caches for FLEET_EDGE_TTL whatever the origins say (proxy_cache_valid)
 * and revalidates with `proxy_cache_revalidate on` (RFC 9111 §4.3.1); the hop on `hopPort` spreads requests over
 * `originPorts` round-robin and hides their ETag, so the edge holds only a Last-Modified to revalidate with.
 */
export function fleetNginxConfig(
  prefix: string,
  port: number,
  hopPort: number,
  originPorts: number[],
  user?: string,
): string {
  return `# cdn-include test:edge — nginx in front of a fleet of ${originPorts.length} origins
${nginxPreamble(prefix, user)}  upstream origins {
${originPorts.map((originPort) => `    server 127.0.0.1:${originPort} max_fails=0;`).join('\n')}
  }
  server {
    listen 127.0.0.1:${hopPort};
    location / {
      proxy_pass http://origins;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_hide_header ETag;
      add_header X-Origin $upstream_addr always;
    }
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${hopPort};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache edge;
      proxy_cache_revalidate on;
      proxy_ignore_headers Cache-Control Expires;
      proxy_cache_valid 200 ${FLEET_EDGE_TTL};
      add_header X-Cache-Status $upstream_cache_status always;
    }
  }
}
`;
}

/** Writes `prefix/nginx.conf` and starts nginx in the foreground on a free port, in front of `originPorts`. */
export async function startFleetNginx(prefix: string, originPorts: number[]): Promise<ServerProcess> {
  const [port, hopPort] = [await freePort(), await freePort()];
  return startNginxWith(prefix, port, (user) => fleetNginxConfig(prefix, port, hopPort, originPorts, user));
}
