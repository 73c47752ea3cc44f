// Writes the httpd.conf of the reference Apache: one docroot, INCLUDES on *.shtml, the legacy parser under /legacy.
// Pure text generation plus the lookup of the binary, modules and run-as user; starts nothing.

import { existsSync, readFileSync } from 'node:fs';

/** Where Debian's apache2 package installs the server and its modules. */
export const APACHE_BINARY = '/usr/sbin/apache2';
export const APACHE_MODULES = '/usr/lib/apache2/modules';

/** Modules the configuration needs (mod_unixd and mod_log_config are compiled into Debian's binary). */
const MODULES = ['mpm_prefork', 'authz_core', 'mime', 'include', 'dir', 'alias'];

/** What the configuration is written for. */
export interface ApacheConfigOptions {
  /** Folder for the pid file, error log and runtime files. */
  serverRoot: string;
  /** The docroot both servers serve (absolute, no trailing slash). */
  docroot: string;
  port: number;
  /** Set when Apache starts as root, which must hand its children to an unprivileged user. */
  runAs?: { user: string; group: string };
}

/** The full text of httpd.conf for a run. */
export function apacheConfig(options: ApacheConfigOptions): string {
  const { serverRoot, docroot, port, runAs } = options;
  return [
    `ServerRoot "${serverRoot}"`,
    ...MODULES.map((name) => `LoadModule ${name}_module ${APACHE_MODULES}/mod_${name}.so`),
    ...(runAs ? [`User ${runAs.user}`, `Group ${runAs.group}`] : []),
    `Listen 127.0.0.1:${port}`,
    'ServerName localhost',
    `PidFile "${serverRoot}/apache2.pid"`,
    `ErrorLog "${serverRoot}/error.log"`,
    'LogLevel warn',
    `DefaultRuntimeDir "${serverRoot}/run"`,
    'StartServers 2',
    'MinSpareServers 1',
    'MaxSpareServers 4',
    'TypesConfig /etc/mime.types',
    'AddType text/html .shtml',
    'AddOutputFilter INCLUDES .shtml',
    'DirectoryIndex index.shtml index.html',
    // The same error document as ours (ERROR_DOCUMENTS in differential.apache.ts): a 404 renders it with REDIRECT_*.
    'ErrorDocument 404 /errors/404.shtml',
    `DocumentRoot "${docroot}"`,
    '<Directory />',
    '  Options FollowSymLinks',
    '  AllowOverride None',
    '  Require all denied',
    '</Directory>',
    `<Directory "${docroot}">`,
    '  Options +IncludesNOEXEC',
    '  AllowOverride None',
    '  Require all granted',
    '</Directory>',
    `<Directory "${docroot}/legacy">`,
    '  SSILegacyExprParser on',
    '</Directory>',
    '',
  ].join('\n');
}

/** The user Apache's children run as when it is started by root: www-data if it exists, else nobody. */
export function unprivilegedUser(): { user: string; group: string } {
  const users = readFileSync('/etc/passwd', 'utf8');
  const groups = readFileSync('/etc/group', 'utf8');
  const has = (table: string, name: string): boolean =>
    table.split('\n').some((line) => line.startsWith(`${name}:`));
  if (has(users, 'www-data') && has(groups, 'www-data')) return { user: 'www-data', group: 'www-data' };
  return { user: 'nobody', group: has(groups, 'nogroup') ? 'nogroup' : 'nobody' };
}

/** Throws one clear message when Apache or a needed module is missing. */
export function assertApacheInstalled(): void {
  const missing = [APACHE_BINARY, ...MODULES.map((name) => `${APACHE_MODULES}/mod_${name}.so`)].filter(
    (path) => !existsSync(path),
  );
  if (missing.length > 0) {
    throw new Error(
      `Apache httpd 2.4 is not installed (missing ${missing.join(', ')}). ` +
        'Install it with: sudo apt-get install -y apache2 (CI does this in .ci/run).',
    );
  }
}
