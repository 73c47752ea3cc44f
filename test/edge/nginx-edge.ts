// Writes an nginx configuration that caches one origin (proxy_cache + proxy_cache_revalidate) and starts nginx on
// it from a temp folder. Nothing in /etc/nginx is read or touched.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startServerProcess, type ServerProcess as EdgeProcess } from '../support/server-process';

/** Where Debian installs nginx. */
export const NGINX_BINARY = '/usr/sbin/nginx';

/** What the nginx configuration needs to know. */
export interface NginxConfigOptions {
  /** The temp folder holding the config, logs, temp paths and the cache. */
  prefix: string;
  port: number;
  originPort: number;
  /** Worker user when started as root (nginx then needs one); undefined leaves the directive out. */
  user: string | undefined;
}

/**
 * What every edge config of the tests starts with, up to the open `http {` block: one worker in the foreground,
 * every path (pid, logs, temp folders, the cache) under `prefix`, and the cache zone `edge`.
 */
export function nginxPreamble(prefix: string, user: string | undefined): string {
  return `${user === undefined ? '' : `user ${user};\n`}daemon off;
master_process on;
worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} warn;
events { worker_connections 256; }
http {
  access_log ${join(prefix, 'access.log')};
  client_body_temp_path ${join(prefix, 'client_body')};
  proxy_temp_path ${join(prefix, 'proxy_temp')};
  fastcgi_temp_path ${join(prefix, 'fastcgi_temp')};
  uwsgi_temp_path ${join(prefix, 'uwsgi_temp')};
  scgi_temp_path ${join(prefix, 'scgi_temp')};
  proxy_cache_path ${join(prefix, 'cache')} levels=1:2 keys_zone=edge:1m max_size=64m inactive=10m use_temp_path=off;
`;
}

/**
 * The whole nginx.conf: one server on 127.0.0.1:port caching everything from the origin. nginx takes the TTL from
 * the origin's Cache-Control (RFC 9111 §4.2.1), revalidates a stale entry with If-Modified-Since and
 * If-None-Match (`proxy_cache_revalidate on`, RFC 9111 §4.3.1), and keeps one entry per Vary variant.
 */
export function nginxConfig(options: NginxConfigOptions): string {
  const { prefix, port, originPort, user } = options;
  return `# cdn-include test:edge — nginx as a caching edge in front of the origin on 127.0.0.1:${originPort}
${nginxPreamble(prefix, user)}  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${originPort};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache edge;
      proxy_cache_revalidate on;
      add_header X-Cache-Status $upstream_cache_status always;
    }
  }
}
`;
}

/** Writes `prefix/nginx.conf` and starts nginx in the foreground on a free port. */
export async function startNginx(prefix: string, originPort: number): Promise<EdgeProcess> {
  const port = await freePort();
  return startNginxWith(prefix, port, (user) => nginxConfig({ prefix, port, originPort, user }));
}

/**
 * Writes `prefix/nginx.conf` from `config` (given the user to run as: root when the tests are, else none) and
 * starts nginx in the foreground, ready once it listens on `host`:`port`.
 */
export async function startNginxWith(
  prefix: string,
  port: number,
  config: (user: string | undefined) => string,
  host = '127.0.0.1',
): Promise<EdgeProcess> {
  mkdirSync(prefix, { recursive: true });
  const user = process.getuid?.() === 0 ? 'root' : undefined;
  const configFile = join(prefix, 'nginx.conf');
  writeFileSync(configFile, config(user));
  const errorLog = join(prefix, 'error.log');
  return startServerProcess({
    name: 'nginx',
    // -e: the error log before the config is read, so nginx never opens /var/log/nginx.
    command: [NGINX_BINARY, '-p', prefix, '-c', configFile, '-e', errorLog],
    port,
    host,
    pidFile: join(prefix, 'nginx.pid'),
    logFiles: [errorLog],
  });
}
