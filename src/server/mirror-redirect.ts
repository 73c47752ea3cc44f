// Answers a download with a 302 to a near mirror proven to hold the same bytes (README "Redirecting to a near
// mirror"): the configured paths, sizes and load only, never a revalidation or a mirror's own request. The mirror is
// the client's country's first, then weighted rendezvous hashing on (client network, path). Sends nothing else.

import type { Context } from 'koa';
import { digestFromField, instanceDigestValue } from '../fields/integrity-fields';
import type { GeoLookup } from '../mirrors/geo-lookup';
import type { MirrorConfig } from '../mirrors/mirror-config';
import { clientNetworkOf, nearestCandidates, rendezvousChoice } from '../mirrors/mirror-choice';
import type { MirrorDirectory } from '../mirrors/mirror-directory';
import { fileUrl } from '../mirrors/mirror-prober';
import {
  checkMirrorRedirect,
  type MirrorRedirectPolicy,
  type ResolvedMirrorRedirectPolicy,
} from '../mirrors/mirror-redirect-policy';
import type { Representation } from './representation';

/** The ssi() options a redirect is made from. */
export interface MirrorRedirectOptions {
  /**
   * Answer downloads under these URL-path prefixes, of at least `minBytes`, with a 302 to a near mirror that is
   * proven to hold the same bytes (README "Redirecting to a near mirror"); needs `mirrorDirectory`. @default none
   */
  mirrorRedirect?: MirrorRedirectPolicy;
  /** Which mirrors hold a path's bytes; required with `mirrorRedirect`. */
  mirrorDirectory?: MirrorDirectory;
  /**
   * The country of a client address (`ctx.ip`: set `trustProxy` behind proxies), so a redirect goes to a mirror of
   * the client's own country when one holds the file. @default none: every mirror alike
   */
  geo?: GeoLookup;
  /**
   * The origin's load signal, asked per redirectable request when `mirrorRedirect.when` is `overloaded`; it must be
   * cheap and must not throw. @default none: such a policy never redirects
   */
  overloaded?: () => boolean;
}

/** The redirect step of the middleware, asked before each file or page response is sent. */
export interface MirrorRedirect {
  /**
   * Answers the request for docroot file `path` with a redirect when the policy wants one and a mirror holds the
   * bytes of `identityOf()` (called only then); true when it answered, false to send the file as usual.
   */
  answer(
    ctx: Context,
    path: string | undefined,
    identityOf: () => Representation | undefined | Promise<Representation | undefined>,
  ): Promise<boolean>;
}

/** RFC 6249 §3.2 has no bound, but a response with hundreds of Link fields helps nobody: at most this many. */
export const MAX_REDIRECT_LINKS = 10;

// Fields whose validators the client got from one server: a mirror's differ (another ETag, another date), so the
// origin answers them itself (a 304 is cheaper than a redirect anyway). Range alone (and If-Range) is redirected:
// a mirror that does not match an If-Range sends the whole file, which the client must accept (RFC 9110 §13.1.5).
const VALIDATOR_FIELDS = ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since'] as const;

/**
 * The redirect step for `options`, or undefined without `mirrorRedirect` (so a site without it pays one check per
 * response). Misuse is a TypeError naming the option, as for every ssi() option.
 * @example mirrorRedirectOf({ mirrorRedirect: { paths: ['/downloads/'] }, mirrorDirectory: prober })
 */
export function mirrorRedirectOf(options: MirrorRedirectOptions): MirrorRedirect | undefined {
  if (options.mirrorRedirect === undefined) return undefined;
  let policy: ResolvedMirrorRedirectPolicy;
  try {
    policy = checkMirrorRedirect(options.mirrorRedirect, "option 'mirrorRedirect'");
  } catch (err) {
    throw new TypeError(`ssi(): ${(err as Error).message}`, { cause: err });
  }
  const { mirrorDirectory: directory, geo, overloaded } = options;
  if (directory === undefined || typeof directory.eligibleMirrors !== 'function')
    throw new TypeError("ssi(): option 'mirrorRedirect' needs option 'mirrorDirectory' (a MirrorDirectory)");
  if (geo !== undefined && typeof geo.countryOf !== 'function')
    throw new TypeError("ssi(): option 'geo' must be a GeoLookup (an object with countryOf(address))");
  if (overloaded !== undefined && typeof overloaded !== 'function')
    throw new TypeError("ssi(): option 'overloaded' must be a function returning true or false");
  return new PolicyRedirect(policy, directory, geo, overloaded);
}

class PolicyRedirect implements MirrorRedirect {
  constructor(
    private readonly policy: ResolvedMirrorRedirectPolicy,
    private readonly directory: MirrorDirectory,
    private readonly geo: GeoLookup | undefined,
    private readonly overloaded: (() => boolean) | undefined,
  ) {}

  async answer(
    ctx: Context,
    path: string | undefined,
    identityOf: () => Representation | undefined | Promise<Representation | undefined>,
  ): Promise<boolean> {
    if (path === undefined || !this.wants(ctx, path)) return false;
    const identity = await identityOf();
    if (identity === undefined) return false;
    if ((identity.streamed?.length ?? identity.body.length) < this.policy.minBytes) return false;
    const client = ctx.ip;
    // A mirror syncing or checking its copy must get the file itself, never be sent to another mirror.
    if (this.directory.isMirrorAddress?.(client) === true) return false;
    const sha256 = digestFromField(identity.digests.field('sha-256'), 'sha-256');
    if (sha256 === undefined) return false;
    const eligible = this.directory.eligibleMirrors(path, Buffer.from(sha256).toString('base64'));
    const order = this.clientOrder(eligible, client, path);
    if (order.length === 0) return false;
    sendRedirect(ctx, path, order, sha256);
    return true;
  }

  /** The cheap part: method, path, validators, load; nothing read, nothing hashed. */
  private wants(ctx: Context, path: string): boolean {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return false;
    if (!this.policy.paths.some((prefix) => path.startsWith(prefix))) return false;
    const headers = ctx.req.headers;
    if (VALIDATOR_FIELDS.some((name) => headers[name] !== undefined)) return false;
    return this.policy.when === 'always' || this.overloaded?.() === true;
  }

  /**
   * The eligible mirrors in this client's order: the chosen one first, then the rest of its country's, then the
   * others, each group in offer order.
   */
  private clientOrder(eligible: readonly MirrorConfig[], client: string, path: string): MirrorConfig[] {
    if (eligible.length === 0) return [];
    const candidates = eligible.map((mirror) => ({
      mirror,
      name: mirror.name,
      weight: mirror.weight ?? 1,
      geo: mirror.geo,
    }));
    const nearest = nearestCandidates(candidates, this.geo?.countryOf(client));
    const chosen = rendezvousChoice(nearest, `${clientNetworkOf(client)} ${path}`);
    if (chosen === undefined) return [];
    const near = nearest.filter((candidate) => candidate !== chosen);
    const far = candidates.filter((candidate) => candidate !== chosen && !near.includes(candidate));
    return [chosen, ...near, ...far].map((candidate) => candidate.mirror);
  }
}

/**
 * The 302 itself: Location on the first mirror of `order` (with the request's query), private and revalidated every
 * time (it depends on the client's address and on the mirrors' state), with the Metalink/HTTP fields (RFC 6249)
 * so a client can fetch from several mirrors and check what it got.
 */
function sendRedirect(ctx: Context, path: string, order: readonly MirrorConfig[], sha256: Uint8Array): void {
  const target = ctx.req.url ?? '/';
  const queryStart = target.indexOf('?');
  const location = fileUrl(order[0].url, path).href + (queryStart < 0 ? '' : target.slice(queryStart));
  ctx.status = 302;
  ctx.set('Location', location);
  ctx.set('Cache-Control', 'private, no-cache');
  ctx.set('Link', redirectLinkValues(order, path, metalinkReference(ctx)));
  // RFC 3230 §4.3.2: an instance digest names the file's bytes, not this answer's, so it may ride on the 302.
  ctx.set('Digest', instanceDigestValue(sha256));
  ctx.type = 'text/plain';
  ctx.body = `302 Found: ${location}\n`;
}

/**
 * The Link field values of a redirect: RFC 6249 §3.2 `rel=duplicate` for each mirror of `order` (at most
 * MAX_REDIRECT_LINKS), `pri` following this client's order, `geo` where configured; then the Metalink, RFC 6249
 * §3.3 `rel=describedby`, when there is one.
 * @example redirectLinkValues([m1], '/a.iso', '/a.iso.meta4') // ['<http://m1/a.iso>; rel=duplicate; pri=1', …]
 */
export function redirectLinkValues(
  order: readonly MirrorConfig[],
  path: string,
  metalink: string | undefined,
): string[] {
  const values = order
    .slice(0, MAX_REDIRECT_LINKS)
    .map(
      (mirror, index) =>
        `<${fileUrl(mirror.url, path).href}>; rel=duplicate; pri=${index + 1}` +
        (mirror.geo === undefined ? '' : `; geo=${mirror.geo}`),
    );
  if (metalink !== undefined) values.push(`<${metalink}>; rel=describedby; type="application/metalink4+xml"`);
  return values;
}

/**
 * The origin's `PATH.meta4` for this request, as an absolute path (RFC 8288 §3.1 resolves it against the request);
 * none for a folder's URL, or one with characters a Link target cannot hold unescaped.
 */
function metalinkReference(ctx: Context): string | undefined {
  const original = ctx.originalUrl;
  const queryStart = original.indexOf('?');
  const pathname = queryStart < 0 ? original : original.slice(0, queryStart);
  if (pathname.endsWith('/') || !/^\/[\x21-\x7e]*$/.test(pathname) || /[<>"]/.test(pathname))
    return undefined;
  return `${pathname}.meta4`;
}
