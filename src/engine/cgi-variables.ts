// Fills a VariableTable with Apache's include variables and CGI environment for one request. No I/O.
// Each variable that depends on the request or the clock is marked, so reading it shapes Vary and Cache-Control.

import { type ByteString, utf8ToByteString } from '../ssi/byte-string';
import { unescapeQueryForShell } from '../ssi/query-string';
import { formatTime } from '../ssi/time-format';
import { canonicalHeaderName } from './header-names';
import { type RedirectedRequest, type RenderRequest } from './render-request';
import { type VariableTable } from './variables';
import { fieldValue } from '../fields/http-fields';

/** Facts about the server that CGI variables report. */
export interface ServerIdentity {
  software: string;
  /** Real path of the docroot (DOCUMENT_ROOT). */
  documentRoot: string;
  admin: string;
}

/** Facts about the requested page's file. */
export interface PageFile {
  mtimeMs: number;
  owner?: string;
}

/** Variables that carry the query string: reading one makes the output vary with the request-target. */
const TARGET = { kind: 'target' } as const;

/** Headers Apache never exports to the environment (util_script.c): credentials. */
const HIDDEN_HEADERS = new Set(['authorization', 'proxy-authorization', 'proxy']);

/** Sets Apache's include variables (add_include_vars) and the CGI variables (ap_add_common_vars, ap_add_cgi_vars). */
export function addRequestVariables(
  table: VariableTable,
  request: RenderRequest,
  page: PageFile,
  server: ServerIdentity,
  time: number,
): void {
  addIncludeVariables(table, request, page, time);
  addHeaderVariables(table, request);
  addServerVariables(table, request, server);
  if (request.redirect) addRedirectVariables(table, request.redirect);
}

/**
 * The variables Apache's internal redirect to an ErrorDocument sets (http_request.c: REDIRECT_STATUS and the
 * original REQUEST_METHOD renamed; util_script.c: REDIRECT_URL, REDIRECT_QUERY_STRING when there was a query).
 */
function addRedirectVariables(table: VariableTable, redirect: RedirectedRequest): void {
  table.set('REDIRECT_REQUEST_METHOD', redirect.method);
  table.set('REDIRECT_STATUS', String(redirect.status));
  table.set('REDIRECT_URL', utf8ToByteString(redirect.url), TARGET);
  if (redirect.query !== undefined) table.set('REDIRECT_QUERY_STRING', redirect.query, TARGET);
}

function addIncludeVariables(
  table: VariableTable,
  request: RenderRequest,
  page: PageFile,
  time: number,
): void {
  const path = utf8ToByteString(request.path);
  table.set('DATE_LOCAL', (format) => formatTime(format, time, 'local'), { kind: 'time' });
  table.set('DATE_GMT', (format) => formatTime(format, time, 'gmt'), { kind: 'time' });
  table.set('LAST_MODIFIED', (format) => formatTime(format, page.mtimeMs, 'local'));
  table.set('DOCUMENT_URI', path);
  table.set('DOCUMENT_ARGS', request.query ?? '', TARGET);
  table.set('USER_NAME', () => page.owner ?? '<unknown>');
  table.set('DOCUMENT_NAME', path.slice(path.lastIndexOf('/') + 1));
  if (request.query !== undefined)
    table.set('QUERY_STRING_UNESCAPED', unescapeQueryForShell(request.query), TARGET);
}

function addHeaderVariables(table: VariableTable, request: RenderRequest): void {
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value === undefined || HIDDEN_HEADERS.has(name)) continue;
    const joined = fieldValue(value) as string;
    const header = canonicalHeaderName(name);
    if (name === 'content-type') table.set('CONTENT_TYPE', joined, { kind: 'header', header });
    else if (name === 'content-length') table.set('CONTENT_LENGTH', joined, { kind: 'header', header });
    // Apache exports only header names made of letters, digits and '-' (others could collide: X_Foo vs X-Foo).
    else if (/^[A-Za-z0-9-]+$/.test(name)) {
      table.set(`HTTP_${name.toUpperCase().replace(/-/g, '_')}`, joined, { kind: 'header', header });
    }
  }
}

function addServerVariables(table: VariableTable, request: RenderRequest, server: ServerIdentity): void {
  const path = utf8ToByteString(request.path);
  const query = request.query ?? '';
  const host = request.headers?.host;
  const serverName =
    (typeof host === 'string' ? host.replace(/:\d+$/, '') : '') || request.serverAddress || 'localhost';
  const values: Array<[string, ByteString]> = [
    ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    ['SERVER_SIGNATURE', ''],
    ['SERVER_SOFTWARE', server.software],
    ['SERVER_NAME', serverName],
    ['SERVER_ADDR', request.serverAddress ?? '127.0.0.1'],
    ['SERVER_PORT', String(request.serverPort ?? 80)],
    ['DOCUMENT_ROOT', utf8ToByteString(server.documentRoot)],
    ['REQUEST_SCHEME', request.scheme ?? 'http'],
    ['CONTEXT_PREFIX', ''],
    ['CONTEXT_DOCUMENT_ROOT', utf8ToByteString(server.documentRoot)],
    ['SERVER_ADMIN', server.admin],
    ['SCRIPT_FILENAME', utf8ToByteString(server.documentRoot) + path],
    ['GATEWAY_INTERFACE', 'CGI/1.1'],
    ['SERVER_PROTOCOL', request.protocol ?? 'HTTP/1.1'],
    ['REQUEST_METHOD', request.method ?? 'GET'],
    ['QUERY_STRING', query],
    ['REQUEST_URI', request.target ?? (request.query === undefined ? path : `${path}?${query}`)],
    ['SCRIPT_NAME', path],
  ];
  for (const [name, value] of values)
    table.set(name, value, name === 'QUERY_STRING' || name === 'REQUEST_URI' ? TARGET : undefined);
  table.set('REMOTE_ADDR', request.remoteAddress ?? '127.0.0.1', { kind: 'client' });
  table.set('REMOTE_PORT', String(request.remotePort ?? 0), { kind: 'client' });
}
