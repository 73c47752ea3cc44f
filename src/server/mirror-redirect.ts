// Answers a download with a 302 to a near mirror proven to hold the same bytes (README "Redirecting to a near
// mirror"): the configured paths, sizes and load only, never a revalidation or a mirror's own request. The mirror is
// the client's country's first, then weighted rendezvous hashing on (client network, path). Sends nothing else.

import type { Context } from 'koa';
import type { GeoLookup } from '../mirrors/geo-lookup';
import type { MirrorConfig } from '../mirrors/mirror-config';
import { clientNetworkOf, nearestCandidates, rendezvousChoice } from '../mirrors/mirror-choice';
import type { MirrorDirectory } from '../mirrors/mirror-directory';
import { fileUrl } from '../mirrors/mirror-prober';
import { type MirrorLinks, sha256Of } from './mirror-links';
import {
  checkMirrorRedirect,
  type MirrorRedirectPolicy,
  type ResolvedMirrorRedirectPolicy,
} from '../mirrors/mirror-redirect-policy';
import { hasPreconditions } from './preconditions';
import type { Representation } from './representation';
import type { LoadSignal } from './load-signal';

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
  /** The origin's load signal: without `overloaded`, a request is redirected when the signal sheds it. @default none */
  loadSignal?: LoadSignal;
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

/**
 * The redirect step for `options`, or undefined without `mirrorRedirect` (so a site without it pays one check per
 * response). Its mirror fields come from `links` (the middleware's own), its Metalink link under the mount prefix
 * `prefixOf` finds. Misuse is a TypeError naming the option, as for every ssi() option.
 * @example mirrorRedirectOf({ mirrorRedirect: { paths: ['/downloads/'] }, mirrorDirectory: prober }, links, () => '')
 */
export function mirrorRedirectOf(
  options: MirrorRedirectOptions,
  links: MirrorLinks | undefined,
  prefixOf: (ctx: Context) => string,
): MirrorRedirect | undefined {
  if (options.mirrorRedirect === undefined) return undefined;
  let policy: ResolvedMirrorRedirectPolicy;
  try {
    policy = checkMirrorRedirect(options.mirrorRedirect, "option 'mirrorRedirect'");
  } catch (err) {
    throw new TypeError(`ssi(): ${(err as Error).message}`, { cause: err });
  }
  const { mirrorDirectory: directory, geo, loadSignal } = options;
  const overloaded = options.overloaded ?? (loadSignal && (() => loadSignal.shed()));
  if (directory === undefined || links === undefined || typeof directory.eligibleMirrors !== 'function')
    throw new TypeError("ssi(): option 'mirrorRedirect' needs option 'mirrorDirectory' (a MirrorDirectory)");
  if (geo !== undefined && typeof geo.countryOf !== 'function')
    throw new TypeError("ssi(): option 'geo' must be a GeoLookup (an object with countryOf(address))");
  if (overloaded !== undefined && typeof overloaded !== 'function')
    throw new TypeError("ssi(): option 'overloaded' must be a function returning true or false");
  return new PolicyRedirect(policy, directory, { links, prefixOf }, geo, overloaded);
}

class PolicyRedirect implements MirrorRedirect {
  constructor(
    private readonly policy: ResolvedMirrorRedirectPolicy,
    private readonly directory: MirrorDirectory,
    private readonly fields: { links: MirrorLinks; prefixOf: (ctx: Context) => string },
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
    const order = this.clientOrder(this.directory.eligibleMirrors(path, sha256Of(identity)), client, path);
    if (order.length === 0) return false;
    this.sendRedirect(ctx, path, order, identity);
    return true;
  }

  /** The cheap part: method, path, validators, load; nothing read, nothing hashed. */
  private wants(ctx: Context, path: string): boolean {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return false;
    if (!this.policy.paths.some((prefix) => path.startsWith(prefix))) return false;
    // Preconditions carry validators the client got from one server: a mirror's differ (another ETag, another
    // date), so the origin answers them itself (a 304 is cheaper than a redirect anyway). Range alone (and If-Range)
    // is redirected: a mirror that does not match an If-Range sends the whole file, which the client must accept
    // (RFC 9110 §13.1.5).
    if (hasPreconditions(ctx.req.headers)) return false;
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

  /**
   * The 302 itself: Location on the first mirror of `order` (with the request's query), private and revalidated
   * every time (it rests on the client's address and the mirrors' state), with the Metalink/HTTP fields (RFC 6249)
   * so a client can fetch from several mirrors and check what it got.
   */
  private sendRedirect(
    ctx: Context,
    path: string,
    order: readonly MirrorConfig[],
    identity: Representation,
  ): void {
    const target = ctx.req.url ?? '/';
    const queryStart = target.indexOf('?');
    const location = fileUrl(order[0].url, path).href + (queryStart < 0 ? '' : target.slice(queryStart));
    ctx.status = 302;
    ctx.set('Location', location);
    ctx.set('Cache-Control', 'private, no-cache');
    // RFC 6249 §3.2: clients take mirrors by `pri`, so this client's order is written as its pri.
    const ranked = order.map((mirror, index) => ({ ...mirror, priority: index + 1 }));
    const { links, prefixOf } = this.fields;
    // The Digest (RFC 3230 instance digest) names the file's bytes, not this answer's, so it rides on the 302.
    links.setFields(ctx, { path, sent: identity, identity, requestIndependent: true }, ranked, prefixOf(ctx));
    ctx.type = 'text/plain';
    ctx.body = `302 Found: ${location}\n`;
  }
}
