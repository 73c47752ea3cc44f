// `cdn-include check URL`: revalidates a page the way a CDN edge does, prints one line per request, what a CDN
// would do with the page and the problems found (or JSON), and exits 0 when the origin revalidates correctly,
// 1 when not, 2 on a usage error.

import { EXIT_FAILURE, EXIT_SUCCESS, EXIT_USAGE, type Command, type CommandIo } from './command';
import {
  flagHelp,
  HELP_FLAG_LINE,
  interpretArguments,
  listed,
  switched,
  wholeNumberFlag,
  withDefault,
  type FlagDeclaration,
} from './flags';
import { UsageError, formatUsageError, settleArguments, type ArgumentsResult } from './usage';
import { isToken } from '../fields/http-fields';
import { DEFAULT_CHECK_TIMEOUT_MS, ExchangeError, checkRevalidation } from '../check/revalidation-check';
import { checkAssetHosts } from '../check/asset-host-check';
import { formatCheckErrorJson, formatCheckJson, formatCheckReport } from './check-report';
import { CA_FILE, RESOLVE, readCaFile } from './check-connection-flags';

/** What `cdn-include check` was asked to do. */
export interface CheckOptions {
  /** The page to check, an absolute http: or https: URL. */
  url: string;
  /** Header fields sent with every request, by name as given. @default {} */
  headers: Record<string, string>;
  /** Milliseconds each request may take. @default 10000 */
  timeoutMs: number;
  /** Print one JSON document instead of the text report. @default false */
  json: boolean;
  /** Also check the asset hosts the page references. @default false */
  assetHosts: boolean;
  /** A PEM file of CA certificates trusted besides Node's roots. @default none */
  caFile: string | undefined;
  /** Addresses used for host names instead of DNS (lower-case name → addresses). @default {} */
  resolve: Record<string, string[]>;
}

/** `-H, --header 'NAME: VALUE'`, repeatable: the header fields sent with every request. */
const HEADER: FlagDeclaration<Record<string, string>> = {
  flag: withDefault(
    listed(
      {
        name: 'header',
        short: 'H',
        argument: "'NAME: VALUE'",
        help: 'send this header field with every request (e.g. Host, Accept-Encoding);\nrepeat it for several',
      },
      parseHeaderFields,
    ),
    {},
  ),
};

/** `--timeout MS`: how long each request may take. */
const TIMEOUT: FlagDeclaration<number> = {
  flag: withDefault(
    wholeNumberFlag(
      {
        name: 'timeout',
        argument: 'MS',
        help: `milliseconds each request may take (default: ${DEFAULT_CHECK_TIMEOUT_MS})`,
      },
      { min: 1, max: 3_600_000 },
    ),
    DEFAULT_CHECK_TIMEOUT_MS,
  ),
};

/** `--json`: one JSON document instead of the report. */
const JSON_OUTPUT: FlagDeclaration<boolean> = {
  flag: switched(
    {
      name: 'json',
      help:
        'print one JSON document on stdout instead of the report (also when the\n' +
        'origin cannot be reached: then "error" says why)',
    },
    true,
    false,
  ),
};

/** `--asset-hosts`: also check the hosts the page's subresources come from. */
const ASSET_HOSTS: FlagDeclaration<boolean> = {
  flag: switched(
    {
      name: 'asset-hosts',
      help:
        "also list the origins the page's subresources come from, resolve each, open\n" +
        'TLS (ALPN h2, http/1.1), predict the connections Chromium and Firefox open\n' +
        '(HTTP/2 coalescing), and compare one asset per asset host with the same\n' +
        "path on the page's host (ETag, Last-Modified)",
    },
    true,
    false,
  ),
};

/** Every flag of `check`, in --help order, keyed by the name of its value in CheckOptions. */
const CHECK_FLAGS = {
  headers: HEADER,
  timeoutMs: TIMEOUT,
  json: JSON_OUTPUT,
  assetHosts: ASSET_HOSTS,
  caFile: CA_FILE,
  resolve: RESOLVE,
};

const CHECK_HELP = `Usage: cdn-include check URL [options]

Checks that the origin serving URL lets a CDN revalidate the page, as an edge server would:
  1. GET URL, recording the status, ETag, Last-Modified, Cache-Control, Vary, Date, Content-Length,
     Content-Encoding, Age, Surrogate-Key, Cache-Tag and the body's length and SHA-256;
  2. GET with If-Modified-Since set to that Last-Modified (if there was one): expects 304;
  3. GET with If-None-Match set to that ETag (if there was one): expects 304;
  4. HEAD: expects the same header fields as the GET;
  5. GET with another Accept-Encoding: a different Content-Encoding needs Vary: Accept-Encoding.
It reports what a shared cache (CDN) does with the response (RFC 9111): whether it stores it, for
how long it is fresh (s-maxage, max-age, Expires or a heuristic) and how much Age used up, which
field it revalidates with, when it may serve it stale (stale-while-revalidate, stale-if-error,
must-revalidate) and what the cache key varies on. It flags a missing validator, a replayed
validator not answered 304, a 304 with content or without the ETag, Cache-Control, Vary or Date
of the 200 (RFC 9110 §15.4.5) or without its Surrogate-Key / Cache-Tag (a warning), a HEAD that
differs from GET, a Last-Modified later than Date, a weak ETag (Akamai needs strong ones), a
missing Vary, Vary: *, a response no CDN stores, and a missing freshness lifetime (RFC 9111
§4.2.2). Works against any HTTP server.

With --asset-hosts it also reads the page (parse5) for the origins its subresources come from and
tells, per origin, what it resolves to, which protocol TLS negotiates (ALPN) and which names its
certificate covers; whether Chromium and Firefox coalesce it onto an earlier HTTP/2 connection
(RFC 9113 §9.1.1: same port, a certificate covering the name, and for Chromium the earlier
connection's address among the name's addresses, for Firefox any shared address) or open their own;
how many connections the page costs; and whether one asset per asset host carries the same ETag and
Last-Modified as the same path on the page's host.

Arguments:
  URL                     the page to check (http: or https:)

Options:
${flagHelp(CHECK_FLAGS)}
${HELP_FLAG_LINE}

Exit status: 0 the origin revalidates correctly (warnings allowed) and, with --asset-hosts, every
asset host is reachable, trusted and serves the page host's files with the same validators; 1 not,
or the origin could not be reached; 2 usage error.

Example:
  cdn-include check http://127.0.0.1:8080/ --header 'Accept-Encoding: gzip'
  cdn-include check https://www.example.com/ --json | jq '.cdn.freshnessLifetime'
  cdn-include check https://www.example.com/ --asset-hosts --ca private-ca.pem
`;

/**
 * Turns the arguments after `check` into CheckOptions, a help request, or a usage error. Pure.
 * @example
 * parseCheckArguments(['http://localhost/', '-H', 'Host: example.com']); // { kind: 'run', options: { … } }
 */
export function parseCheckArguments(args: string[]): ArgumentsResult<CheckOptions> {
  return interpretArguments(args, CHECK_FLAGS, '/', (values, positionals) => {
    if (positionals.length === 0) throw new UsageError('missing URL');
    if (positionals.length > 1)
      throw new UsageError(`unexpected extra argument '${positionals[1]}' after URL`);
    return { url: parseUrl(positionals[0]), ...values };
  });
}

function parseUrl(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`URL must be an absolute http: or https: URL, not '${text}'`);
  }
  return url.href;
}

/** `--header 'Name: value'`, repeated: the fields by name as first given, repeated names joined with ', '. */
function parseHeaderFields(fields: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const field of fields) {
    // RFC 9110 §5.1, §5.5: field-name is a token; a value holds no CR, LF or NUL.
    const match = /^([^:]+):[ \t]*([^\r\n\0]*?)[ \t]*$/.exec(field);
    if (match === null || !isToken(match[1]))
      throw new UsageError(`option '--header' needs 'Name: value', not '${field}'`);
    const [, name, value] = match;
    if (/^if-/i.test(name)) throw new UsageError(`option '--header' cannot set ${name}: check sends its own`);
    const existing = Object.keys(headers).find((known) => known.toLowerCase() === name.toLowerCase());
    headers[existing ?? name] = existing === undefined ? value : `${headers[existing]}, ${value}`;
  }
  return headers;
}

/** `cdn-include check URL [--header 'Name: value' …] [--timeout MS] [--json] [--asset-hosts] [--ca FILE] …` */
export const checkCommand: Command = {
  name: 'check',
  help: CHECK_HELP,
  run(args: string[], io: CommandIo): Promise<number> {
    return settleArguments(checkCommand, parseCheckArguments(args), io, async (options) => {
      let ca: string | undefined;
      try {
        ca = options.caFile === undefined ? undefined : readCaFile(options.caFile);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        io.stderr(formatUsageError(checkCommand.name, err.message));
        return EXIT_USAGE;
      }
      const connection = { ...(ca === undefined ? {} : { ca }), resolve: options.resolve };
      try {
        const result = await checkRevalidation(options.url, { ...options, ...connection });
        const assets = options.assetHosts
          ? await checkAssetHosts(new URL(options.url), { ...options, ...connection })
          : undefined;
        io.stdout(options.json ? formatCheckJson(result, assets) : formatCheckReport(result, assets));
        return result.ok && (assets?.ok ?? true) ? EXIT_SUCCESS : EXIT_FAILURE;
      } catch (err) {
        if (!(err instanceof ExchangeError)) throw err;
        if (options.json) io.stdout(formatCheckErrorJson(options.url, err.step, err.message));
        else io.stderr(`cdn-include check: ${err.message}\n`);
        return EXIT_FAILURE;
      }
    });
  },
};
