// `cdn-include check URL`: revalidates a page the way a CDN edge does, prints one line per request and the
// problems found, and exits 0 when the origin revalidates correctly, 1 when not, 2 on a usage error.

import { EXIT_FAILURE, EXIT_SUCCESS, type Command, type CommandIo } from './command';
import {
  UsageError,
  interpretArguments,
  parseIntegerOption,
  settleArguments,
  type ArgumentsResult,
} from './usage';
import {
  DEFAULT_CHECK_TIMEOUT_MS,
  ExchangeError,
  checkRevalidation,
  type RevalidationCheckResult,
} from '../http/revalidation-check';
import { RECORDED_HEADERS, fieldName, stepLabel, type RecordedExchange } from '../http/revalidation-exchange';

/** What `cdn-include check` was asked to do. */
export interface CheckOptions {
  /** The page to check, an absolute http: or https: URL. */
  url: string;
  /** Header fields sent with every request, by name as given. @default {} */
  headers: Record<string, string>;
  /** Milliseconds each request may take. @default 10000 */
  timeoutMs: number;
}

const CHECK_OPTIONS = {
  header: { type: 'string', short: 'H', multiple: true },
  timeout: { type: 'string' },
} as const;

const CHECK_HELP = `Usage: cdn-include check URL [options]

Checks that the origin serving URL lets a CDN revalidate the page, as an edge server would:
  1. GET URL, recording the status, ETag, Last-Modified, Cache-Control, Vary, Date, Content-Length
     and the body's length and SHA-256;
  2. GET with If-Modified-Since set to that Last-Modified (if there was one): expects 304;
  3. GET with If-None-Match set to that ETag (if there was one): expects 304;
  4. HEAD: expects the same header fields as the GET.
It flags a missing validator, a replayed validator not answered 304, a 304 with content or without
the ETag, Cache-Control, Vary or Date of the 200 (RFC 9110 §15.4.5), a HEAD that differs from GET,
a Last-Modified later than Date, a weak ETag and a missing freshness lifetime (RFC 9111 §4.2.2).
Works against any HTTP server.

Arguments:
  URL                     the page to check (http: or https:)

Options:
  -H, --header 'NAME: VALUE'
                          send this header field with every request (e.g. Host, Accept-Encoding);
                          repeat it for several
  --timeout MS            milliseconds each request may take (default: ${DEFAULT_CHECK_TIMEOUT_MS})
  -h, --help              show this help

Exit status: 0 the origin revalidates correctly (warnings allowed), 1 it does not or could not be
reached, 2 usage error.

Example:
  cdn-include check http://127.0.0.1:8080/ --header 'Accept-Encoding: gzip'
`;

/**
 * Turns the arguments after `check` into CheckOptions, a help request, or a usage error. Pure.
 * @example
 * parseCheckArguments(['http://localhost/', '-H', 'Host: example.com']); // { kind: 'run', options: { … } }
 */
export function parseCheckArguments(args: string[]): ArgumentsResult<CheckOptions> {
  return interpretArguments(args, CHECK_OPTIONS, (values, positionals) => {
    if (positionals.length === 0) throw new UsageError('missing URL');
    if (positionals.length > 1)
      throw new UsageError(`unexpected extra argument '${positionals[1]}' after URL`);
    return {
      url: parseUrl(positionals[0]),
      headers: parseHeaders(values.header ?? []),
      timeoutMs:
        values.timeout === undefined
          ? DEFAULT_CHECK_TIMEOUT_MS
          : parseIntegerOption(values.timeout, 'timeout', 1, 3_600_000),
    };
  });
}

function parseUrl(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`URL must be an absolute http: or https: URL, not '${text}'`);
  }
  return url.href;
}

function parseHeaders(fields: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const field of fields) {
    // RFC 9110 §5.1, §5.5: field-name is a token; a value holds no CR, LF or NUL.
    const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([^\r\n\0]*?)[ \t]*$/.exec(field);
    if (match === null) throw new UsageError(`option '--header' needs 'Name: value', not '${field}'`);
    const [, name, value] = match;
    if (/^if-/i.test(name)) throw new UsageError(`option '--header' cannot set ${name}: check sends its own`);
    const existing = Object.keys(headers).find((known) => known.toLowerCase() === name.toLowerCase());
    headers[existing ?? name] = existing === undefined ? value : `${headers[existing]}, ${value}`;
  }
  return headers;
}

/** One report line for an exchange: the request, the status and the recorded fields. */
export function formatExchange(exchange: RecordedExchange): string {
  const validator = exchange.validator['if-modified-since'] ?? exchange.validator['if-none-match'];
  const request =
    validator === undefined ? stepLabel(exchange.step) : `${stepLabel(exchange.step)}: ${validator}`;
  const fields = RECORDED_HEADERS.filter((name) => exchange.headers[name] !== undefined).map(
    (name) => `${fieldName(name)}: ${exchange.headers[name]}`,
  );
  const body =
    exchange.bodyLength === 0
      ? 'no body'
      : `body ${exchange.bodyLength} bytes sha256:${exchange.bodySha256.slice(0, 16)}`;
  return `${request} -> ${exchange.status} | ${[...fields, body].join(' | ')}`;
}

/** The whole report printed by `check`, one line per exchange, skipped step and problem, then the verdict. */
export function formatCheckReport(result: RevalidationCheckResult): string {
  const lines = [
    `check ${result.url}`,
    ...result.exchanges.map(formatExchange),
    ...result.skipped.map((skipped) => `skipped ${stepLabel(skipped.step)}: ${skipped.reason}`),
    ...result.problems.map((problem) => `${problem.severity} ${problem.code}: ${problem.message}`),
    result.ok ? 'verdict: origin revalidates correctly' : 'verdict: origin does NOT revalidate correctly',
  ];
  return `${lines.join('\n')}\n`;
}

/** `cdn-include check URL [--header 'Name: value' …] [--timeout MS]` */
export const checkCommand: Command = {
  name: 'check',
  summary: 'test whether an origin lets a CDN revalidate a page',
  help: CHECK_HELP,
  run(args: string[], io: CommandIo): Promise<number> {
    return settleArguments(checkCommand, parseCheckArguments(args), io, async (options) => {
      try {
        const result = await checkRevalidation(options.url, options);
        io.stdout(formatCheckReport(result));
        return result.ok ? EXIT_SUCCESS : EXIT_FAILURE;
      } catch (err) {
        if (!(err instanceof ExchangeError)) throw err;
        io.stderr(`cdn-include check: ${err.message}\n`);
        return EXIT_FAILURE;
      }
    });
  },
};
