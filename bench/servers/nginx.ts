// nginx config writer: SSI for the pages (ngx_http_ssi_module), plain static files under /static/.
// Writes only into its own folder of the run's temp folder; never /etc, never port 80.

import fs from 'node:fs';
import path from 'node:path';
import type { ServerCommand } from '../server-process';
import { isRoot, type ServerSetup } from './server-setup';

/** Writes nginx.conf for `workers` worker processes and returns the command that runs it in the foreground. */
export function nginxServer(setup: ServerSetup, port: number, workers: number): ServerCommand {
  const dir = path.join(setup.workDir, `nginx-${workers}w`);
  fs.mkdirSync(dir, { recursive: true });
  // The temp paths default to /var/lib/nginx, which may not exist; keep everything in our folder.
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `  ${kind}_temp_path ${dir}/${kind}-temp;`)
    .join('\n');
  const config = `${isRoot() ? `user ${setup.runUser};\n` : ''}worker_processes ${workers};
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  types { text/html html shtml; }
  default_type application/octet-stream;
${temp}
  # Every server formats and writes one access-log line per request, as cdn-include serve does.
  access_log /dev/null;
  keepalive_requests 1000000;
  sendfile on;
  server {
    listen 127.0.0.1:${port};
    root ${setup.siteRoot};
    location / {
      ssi on;
      # Default ssi_last_modified off: nginx drops Last-Modified on SSI output (it cannot answer 304s).
    }
    location /static/ { ssi off; }
  }
}
`;
  const file = path.join(dir, 'nginx.conf');
  fs.writeFileSync(file, config);
  return {
    name: `nginx ${workers}w`,
    command: '/usr/sbin/nginx',
    args: ['-p', dir, '-c', file],
    port,
    logFile: path.join(dir, 'stderr.log'),
  };
}
