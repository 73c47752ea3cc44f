// Connects if/elif expressions to one render: variables, request headers, server variables, access checks.
// Every read of the request or the clock is recorded, so the response gets the right Vary and Cache-Control.

import { BoundedMemo } from '../ssi/bounded-memo';
import { type ByteString, utf8ToByteString } from '../ssi/byte-string';
import { type ExpressionHost, type ParseResult, type ExpressionSyntax, parseExpression } from '../ssi/expr';
import { canonicalHeaderName, headerNameOfVariable } from './header-names';
import { type DocumentFrame } from './document-frame';
import { parentPath } from './file-source';
import { headerValue } from './render-request';
import { type RenderState } from './render-state';

/** Builds the ExpressionHost an if/elif in `frame` evaluates against. */
export function createExpressionHost(render: RenderState, frame: DocumentFrame): ExpressionHost {
  const request = render.request;
  return {
    variable: (name) => render.variable(frame, name),
    serverVariable: (name) => serverVariable(render, frame, name),
    requestHeader(name, { vary }) {
      if (vary) render.recorder.header(canonicalHeaderName(name.toLowerCase()));
      return headerValue(request.headers, name);
    },
    // Responses are built after rendering, so no response header exists yet while a page is expanded.
    responseHeader: () => undefined,
    note: () => undefined,
    osEnvironment: (name) => render.options.environment[name],
    remoteAddress() {
      render.recorder.record({ kind: 'client' });
      return request.remoteAddress ?? '127.0.0.1';
    },
    isUrlAccessible: (url) => isUrlAccessible(frame, url),
    backReference: (index) => frame.captures?.[index],
    setCaptures(captures) {
      frame.captures = captures;
    },
  };
}

// Keyed by page text, counted with the syntax tree as about four times the source (tokens, nodes, strings):
// 2000 typical expressions, 4 MiB at most however long they are.
const parsedExpressions = new BoundedMemo<ParseResult>({
  maxBytes: 4 * 1024 * 1024,
  maxEntries: 2000,
  entryBytes: 512,
});

/** Parses an expression once per process: the same `if` in a shared fragment is seen on every page. */
export function parseCached(source: ByteString, syntax: ExpressionSyntax): ParseResult {
  const key = `${syntax}\0${source}`;
  return parsedExpressions.get(key) ?? parsedExpressions.remember(key, parseExpression(source, syntax));
}

/**
 * ap_expr `-A`/`-U` and legacy `-A`: would a subrequest for the URL pass the access check? Apache only runs the
 * access phases (ap_sub_req_lookup_uri, no handler), so a missing file still counts as accessible; the only
 * failure our docroot can produce is a URL whose `..` segments climb above the root (ap_getparents → 400).
 * The raw bytes are normalized without %-decoding, as the binary does (`/%2e%2e/x` is accessible).
 */
function isUrlAccessible(frame: DocumentFrame, url: ByteString): boolean {
  const questionMark = url.indexOf('?');
  const path = questionMark < 0 ? url : url.slice(0, questionMark);
  const absolute = path.startsWith('/') ? path : `${utf8ToByteString(parentPath(frame.path))}/${path}`;
  let depth = 0;
  for (const segment of absolute.split('/')) {
    if (segment === '' || segment === '.') continue;
    depth += segment === '..' ? -1 : 1;
    if (depth < 0) return false;
  }
  return true;
}

function serverVariable(render: RenderState, frame: DocumentFrame, name: string): ByteString {
  const request = render.request;
  if (name.startsWith('TIME')) return timeVariable(render, name);
  if (name.startsWith('HTTP_')) {
    const header = headerNameOfVariable(name.slice(5));
    render.recorder.header(header);
    return headerValue(request.headers, header) ?? '';
  }
  if (name.startsWith('REMOTE_') || name === 'CONN_REMOTE_ADDR') render.recorder.record({ kind: 'client' });
  if (name === 'QUERY_STRING' || name === 'THE_REQUEST') render.recorder.record({ kind: 'target' });
  const path = utf8ToByteString(frame.path);
  const values: Record<string, ByteString | undefined> = {
    REQUEST_METHOD: request.method ?? 'GET',
    REQUEST_SCHEME: request.scheme ?? 'http',
    REQUEST_URI: path,
    DOCUMENT_URI: path,
    REQUEST_FILENAME: utf8ToByteString(render.options.documentRoot) + path,
    SCRIPT_FILENAME: utf8ToByteString(render.options.documentRoot) + path,
    QUERY_STRING: frame.depth === 0 ? (request.query ?? '') : (render.variable(frame, 'QUERY_STRING') ?? ''),
    THE_REQUEST: `${request.method ?? 'GET'} ${request.target ?? path} ${request.protocol ?? 'HTTP/1.1'}`,
    REMOTE_ADDR: request.remoteAddress ?? '127.0.0.1',
    CONN_REMOTE_ADDR: request.connectionAddress ?? request.remoteAddress ?? '127.0.0.1',
    REMOTE_PORT: String(request.remotePort ?? 0),
    SERVER_ADDR: request.serverAddress ?? '127.0.0.1',
    SERVER_PORT: String(request.serverPort ?? 80),
    SERVER_PROTOCOL: request.protocol ?? 'HTTP/1.1',
    SERVER_SOFTWARE: render.options.serverSoftware,
    SERVER_ADMIN: render.options.serverAdmin,
    DOCUMENT_ROOT: utf8ToByteString(render.options.documentRoot),
    CONTEXT_DOCUMENT_ROOT: utf8ToByteString(render.options.documentRoot),
    HTTPS: request.scheme === 'https' ? 'on' : 'off',
    IS_SUBREQ: frame.depth > 0 ? 'true' : 'false',
    HANDLER: 'text/html',
    REQUEST_STATUS: '200',
  };
  if (name === 'SERVER_NAME') return render.variable(frame, 'SERVER_NAME') ?? '';
  return values[name] ?? '';
}

/** TIME, TIME_YEAR … TIME_WDAY in local time, as util_expr_eval.c formats them; reading them makes the page time-dependent. */
function timeVariable(render: RenderState, name: string): ByteString {
  render.recorder.record({ kind: 'time' });
  const date = new Date(render.time);
  const pad = (value: number) => String(value).padStart(2, '0');
  const parts: Record<string, string> = {
    TIME_YEAR: String(date.getFullYear()),
    TIME_MON: pad(date.getMonth() + 1),
    TIME_DAY: pad(date.getDate()),
    TIME_HOUR: pad(date.getHours()),
    TIME_MIN: pad(date.getMinutes()),
    TIME_SEC: pad(date.getSeconds()),
    TIME_WDAY: String(date.getDay()),
  };
  if (name === 'TIME') {
    return `${parts.TIME_YEAR}${parts.TIME_MON}${parts.TIME_DAY}${parts.TIME_HOUR}${parts.TIME_MIN}${parts.TIME_SEC}`;
  }
  return parts[name] ?? '';
}
