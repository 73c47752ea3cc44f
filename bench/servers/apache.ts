// Apache httpd config writer: mod_include for the pages, plain static files (with their own ETag and
// Last-Modified, so 304s) under /static/. Writes only into its own folder of the run's temp folder.

import fs from 'node:fs';
import path from 'node:path';
import type { ServerCommand } from '../server-process';
import { isRoot, type ServerSetup } from './server-setup';

const MODULES_DIR = '/usr/lib/apache2/modules';
// mod_log_config is built into Debian's apache2.
const MODULES = ['mpm_event', 'authz_core', 'mime', 'include'];

/** Writes httpd.conf (event MPM with Debian's default sizes) and returns the foreground command. */
export function apacheServer(setup: ServerSetup, port: number): ServerCommand {
  const dir = path.join(setup.workDir, 'apache');
  fs.mkdirSync(dir, { recursive: true });
  const modules = MODULES.map((name) => `LoadModule ${name}_module ${MODULES_DIR}/mod_${name}.so`).join('\n');
  const config = `ServerRoot ${dir}
DefaultRuntimeDir ${dir}
PidFile ${dir}/httpd.pid
Mutex file:${dir} default
${modules}
${isRoot() ? `User ${setup.runUser}\nGroup ${setup.runUser}\n` : ''}ServerName 127.0.0.1
Listen 127.0.0.1:${port}
ErrorLog ${dir}/error.log
LogLevel warn
# Every server formats and writes one access-log line per request, as cdn-include serve does.
LogFormat "%h %l %u %t \\"%r\\" %>s %b" common
CustomLog /dev/null common
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 5
StartServers 2
MinSpareThreads 25
MaxSpareThreads 75
ThreadLimit 64
ThreadsPerChild 25
MaxRequestWorkers 150
TypesConfig /dev/null
AddType text/html .html .shtml
DocumentRoot ${setup.siteRoot}
<Directory ${setup.siteRoot}>
  Options +Includes
  AddOutputFilter INCLUDES .shtml
  Require all granted
</Directory>
`;
  const file = path.join(dir, 'httpd.conf');
  fs.writeFileSync(file, config);
  return {
    name: 'apache',
    command: '/usr/sbin/apache2',
    args: ['-f', file, '-DFOREGROUND'],
    port,
    logFile: path.join(dir, 'stderr.log'),
  };
}
