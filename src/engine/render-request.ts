// The request a page is rendered for: what its CGI-style variables and ap_expr request functions read. No I/O.

import { type ByteString } from '../ssi/byte-string';
import { fieldValue } from '../fields/http-fields';

/** Request header values as Node gives them (latin1, so they are ByteStrings), by lower-case name. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** The request a page is rendered for. Only `path` is required; the rest defaults to a plain local GET. */
export interface RenderRequest {
  /** Docroot path of the page's file after the directory index, e.g. `/news/index.shtml` (DOCUMENT_URI). */
  path: string;
  /** The raw query string without '?'; undefined when the URL has none (QUERY_STRING_UNESCAPED is then unset). */
  query?: ByteString;
  /** @default 'GET' */
  method?: string;
  /** @default {} */
  headers?: RequestHeaders;
  /** The request-target as received (REQUEST_URI). @default path plus query */
  target?: ByteString;
  /**
   * The visitor's address (REMOTE_ADDR, ap_expr's `-ipmatch`): behind trusted proxies the one they forwarded, as
   * Apache's mod_remoteip gives it. @default '127.0.0.1'
   */
  remoteAddress?: string;
  /** The address of the connection's other end (CONN_REMOTE_ADDR). @default remoteAddress */
  connectionAddress?: string;
  /** @default 0 */
  remotePort?: number;
  /** @default '127.0.0.1' */
  serverAddress?: string;
  /** @default 80 */
  serverPort?: number;
  /** @default 'http' */
  scheme?: string;
  /** @default 'HTTP/1.1' */
  protocol?: string;
  /** Request start, epoch ms (DATE_LOCAL, DATE_GMT, ap_expr TIME). @default Date.now() */
  time?: number;
  /**
   * Set when the page is an error document answering another request (Apache's ErrorDocument internal
   * redirect): the REDIRECT_* variables describe that request. @default none
   */
  redirect?: RedirectedRequest;
}

/** The request an error document answers, as Apache's internal redirect passes it on. */
export interface RedirectedRequest {
  /** The status it got (REDIRECT_STATUS), e.g. 404. */
  status: number;
  /** Its decoded URL-path (REDIRECT_URL), e.g. `/no/such page`. */
  url: string;
  /** Its raw query without '?' (REDIRECT_QUERY_STRING); undefined when it had none. */
  query: ByteString | undefined;
  /** Its method (REDIRECT_REQUEST_METHOD). */
  method: string;
}

/** Reads one request header as a single value (repeated headers joined with ', '). */
export function headerValue(headers: RequestHeaders | undefined, name: string): ByteString | undefined {
  return fieldValue(headers?.[name.toLowerCase()]);
}
