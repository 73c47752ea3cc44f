// lighttpd config writer: mod_ssi with ssi.conditional-requests, lighttpd's only way to send validators
// (and answer 304s) for SSI output. Writes only into its own folder of the run's temp folder.

import fs from 'node:fs';
import path from 'node:path';
import type { ServerCommand } from '../server-process';
import { isRoot, type ServerSetup } from './server-setup';

/** Writes lighttpd.conf and returns the foreground command. */
export function lighttpdServer(setup: ServerSetup, port: number): ServerCommand {
  const dir = path.join(setup.workDir, 'lighttpd');
  fs.mkdirSync(dir, { recursive: true });
  const config = `server.document-root = "${setup.siteRoot}"
server.bind = "127.0.0.1"
server.port = ${port}
server.pid-file = "${dir}/lighttpd.pid"
${isRoot() ? `server.username = "${setup.runUser}"\nserver.groupname = "${setup.runUser}"\n` : ''}server.modules = ("mod_ssi", "mod_accesslog")
server.max-keep-alive-requests = 1000000
# Every server formats and writes one access-log line per request, as cdn-include serve does.
accesslog.filename = "/dev/null"
mimetype.assign = (".shtml" => "text/html", ".html" => "text/html")
ssi.extension = (".shtml")
# Last-Modified/ETag on SSI output and 304s for them.
ssi.conditional-requests = "enable"
# Nested includes of .shtml fragments are expanded only up to this depth (0 = not at all).
ssi.recursion-max = 20
`;
  const file = path.join(dir, 'lighttpd.conf');
  fs.writeFileSync(file, config);
  return {
    name: 'lighttpd',
    command: '/usr/sbin/lighttpd',
    args: ['-D', '-f', file],
    port,
    logFile: path.join(dir, 'stderr.log'),
  };
}
