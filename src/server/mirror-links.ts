// The mirror fields of a response (README "Mirrors"): RFC 6249 Metalink/HTTP `Link: <…>; rel=duplicate` for each
// mirror proven to hold the bytes sent, `Link: <X.meta4>; rel=describedby`, the RFC 3230 `Digest` Metalink clients
// read, and the purge tag of every response carrying mirror links. Only public responses resting on files alone get
// them: a shared cache hands them to every client, so they must not depend on the one that asked.

import LinkHeader from 'http-link-header';
import type { Context } from 'koa';
import { digestFromField, instanceDigestValue } from '../fields/integrity-fields';
import { directiveName, splitCacheControl } from '../fields/cache-control';
import type { MirrorConfig } from '../mirrors/mirror-config';
import type { MirrorDirectory } from '../mirrors/mirror-directory';
import { fileUrl } from '../mirrors/mirror-prober';
import { METALINK_TYPE } from './metalink-file';
import { tagOf } from './purge-tags';
import type { Representation } from './representation';

/** RFC 6249 §3.1 leaves the number of duplicates open; more than ten only lengthen every response. */
export const MAX_MIRROR_LINKS = 10;

/**
 * The purge tag of every response that carries mirror links (`cdn-include tag /.well-known/cdn-include/mirror-links`
 * prints it): purged when a mirror's eligibility changes, so no CDN keeps advertising a mirror that lost the bytes.
 */
export const MIRROR_LINKS_TAG = tagOf('/.well-known/cdn-include/mirror-links');

/** The purge-tag headers of the site (see purgeTagOptions), which get MIRROR_LINKS_TAG. */
export interface TagHeaderNames {
  surrogateKeyHeader: string | false;
  cacheTagHeader: string | false;
}

/** What a response rests on, as far as its mirror links go. */
export interface MirroredResponse {
  /** The docroot file (`/files/x.iso`): the path mirrors hold it at. */
  path: string;
  /** The representation sent (a compressed one has no Digest). */
  sent: Representation;
  /** The identity representation: its SHA-256 is what a mirror's copy must have. */
  identity: Representation;
  /** Whether the bytes are the same for every request: no header, target, client or clock read. */
  requestIndependent: boolean;
}

/**
 * The Link field value for `mirrors` (in the order given, at most MAX_MIRROR_LINKS) holding docroot path `path`,
 * plus the describedby link to `metalinkTarget`: `pri` when configured (RFC 6249 §3.2: absent is the last), `geo`
 * when known, `pref` for a mirror that sends the same digests (RFC 6249 §3.3).
 * @example mirrorLinkValue([{ name: 'm1', url: 'http://m1/', geo: 'de', priority: 1 }], '/x.iso', '/x.iso.meta4', () => false)
 * // '<http://m1/x.iso>; rel=duplicate; pri=1; geo=de, </x.iso.meta4>; rel=describedby; type="application/metalink4+xml"'
 */
export function mirrorLinkValue(
  mirrors: readonly MirrorConfig[],
  path: string,
  metalinkTarget: string,
  sendsDigests: (name: string) => boolean,
): string {
  const links = new LinkHeader();
  for (const mirror of mirrors.slice(0, MAX_MIRROR_LINKS)) {
    // The URI goes out as given: fileUrl percent-encodes every segment, so it never breaks the field.
    const link: LinkHeader.Reference = { uri: fileUrl(mirror.url, path).href, rel: 'duplicate' };
    if (mirror.priority !== undefined) link.pri = String(mirror.priority);
    if (mirror.geo !== undefined) link.geo = mirror.geo;
    if (sendsDigests(mirror.name)) link.pref = '';
    links.set(link);
  }
  links.set({ uri: metalinkTarget, rel: 'describedby', type: METALINK_TYPE });
  // http-link-header writes a valueless parameter as `pref=""`; RFC 6249 §3.3 writes it bare, as aria2 expects.
  return links.toString().replace(/; pref=""/g, '; pref');
}

/** The request-target of docroot path `path`'s Metalink file, under the mount prefix `prefix`. */
export function metalinkTargetOf(prefix: string, path: string): string {
  return `${prefix}${path.split('/').map(encodeURIComponent).join('/')}.meta4`;
}

/** The SHA-256 (standard base64) of a representation, as manifests list it. */
export function sha256Of(representation: Representation): string {
  const digest = digestFromField(representation.digests.field('sha-256'), 'sha-256');
  return digest === undefined ? '' : Buffer.from(digest).toString('base64');
}

/** What one identity representation's mirror fields are while the directory stays as it was. */
interface MirrorFields {
  /** The directory's generation they were made in. */
  generation: number;
  /** The mirrors eligible for the bytes, in configured order (RFC 6249 §3.2 `pri`, then as listed). */
  duplicates: readonly MirrorConfig[];
  /** RFC 3230 `Digest` of the identity bytes. */
  digest: string;
  /** The Link value of `duplicates` for the last mount prefix asked (one per app, in practice). */
  link?: { prefix: string; value: string };
}

/**
 * Adds the mirror fields to responses, from the directory's current view. What a representation gets is worked out
 * once per change of the directory, not per request.
 */
export class MirrorLinks {
  private generation = 0;
  private readonly fields = new WeakMap<Representation, MirrorFields>();
  private readonly publicity = new WeakMap<Representation, boolean>();
  private readonly stopListening: () => void;

  constructor(
    private readonly directory: MirrorDirectory,
    private readonly tagHeaders: TagHeaderNames | undefined,
  ) {
    this.stopListening = directory.onChange(() => {
      this.generation += 1;
    });
  }

  /** Stops following the directory's changes. */
  close(): void {
    this.stopListening();
  }

  /**
   * The eligible mirrors of `response` in configured order, when it may carry mirror links: public, the same for
   * every request, asked for without credentials. Empty otherwise.
   */
  mirrorsFor(ctx: Context, response: MirroredResponse): readonly MirrorConfig[] {
    if (!response.requestIndependent || hasCredentials(ctx) || !this.isPublic(response.sent)) return [];
    return this.fieldsOf(response).duplicates;
  }

  /** Sets the mirror fields on a response just answered from `response` (200, 206 or 304; others get none). */
  decorate(ctx: Context, response: MirroredResponse, prefix: string): void {
    const status = ctx.status;
    if (status !== 200 && status !== 206 && status !== 304) return;
    const mirrors = this.mirrorsFor(ctx, response);
    if (mirrors.length === 0) return;
    this.setFields(ctx, response, mirrors, prefix);
  }

  /**
   * Sets Link for `mirrors` (in the order given: a redirect lists its chosen mirror first), the Digest on an
   * identity answer with a body's fields (not on 304, RFC 9530 §2: it sends no representation), and the purge tag.
   */
  setFields(
    ctx: Context,
    response: MirroredResponse,
    mirrors: readonly MirrorConfig[],
    prefix: string,
  ): void {
    const { path, sent } = response;
    const fields = this.fieldsOf(response);
    const shared = mirrors === fields.duplicates;
    ctx.append('Link', shared ? this.sharedLink(fields, path, prefix) : this.linkOf(mirrors, path, prefix));
    if (sent.contentEncoding === undefined && ctx.status !== 304) ctx.set('Digest', fields.digest);
    this.addPurgeTag(ctx);
    this.directory.noteAdvertised(path);
  }

  /** The Link value every client gets for `fields`' mirrors: made once per change of the directory. */
  private sharedLink(fields: MirrorFields, path: string, prefix: string): string {
    if (fields.link?.prefix !== prefix)
      fields.link = { prefix, value: this.linkOf(fields.duplicates, path, prefix) };
    return fields.link.value;
  }

  private linkOf(mirrors: readonly MirrorConfig[], path: string, prefix: string): string {
    return mirrorLinkValue(mirrors, path, metalinkTargetOf(prefix, path), (name) =>
      this.directory.sendsDigests(name),
    );
  }

  private fieldsOf({ path, identity }: MirroredResponse): MirrorFields {
    const known = this.fields.get(identity);
    if (known !== undefined && known.generation === this.generation) return known;
    const sha256 = sha256Of(identity);
    const made: MirrorFields = {
      generation: this.generation,
      duplicates: this.directory.eligibleMirrors(path, sha256),
      digest: instanceDigestValue(Buffer.from(sha256, 'base64')),
    };
    this.fields.set(identity, made);
    return made;
  }

  /** Whether shared caches may keep `representation`: neither `private` nor `no-store` (RFC 9111 §5.2.2). */
  private isPublic(representation: Representation): boolean {
    let known = this.publicity.get(representation);
    if (known === undefined) {
      known = !splitCacheControl(representation.cacheControl).some((directive) =>
        PERSONAL_DIRECTIVES.has(directiveName(directive)),
      );
      this.publicity.set(representation, known);
    }
    return known;
  }

  /** Appends MIRROR_LINKS_TAG to the tag headers the response already carries (none: it has no tags to purge by). */
  private addPurgeTag(ctx: Context): void {
    if (this.tagHeaders === undefined) return;
    const { surrogateKeyHeader, cacheTagHeader } = this.tagHeaders;
    appendTag(ctx, surrogateKeyHeader, ' ');
    appendTag(ctx, cacheTagHeader, ',');
  }
}

const PERSONAL_DIRECTIVES = new Set(['private', 'no-store']);

function appendTag(ctx: Context, header: string | false, separator: string): void {
  if (header === false) return;
  const tags = ctx.response.get(header);
  if (typeof tags === 'string' && tags !== '') ctx.set(header, `${tags}${separator}${MIRROR_LINKS_TAG}`);
}

/** RFC 9110 §11.6.2, RFC 6265: a request with Authorization or Cookie may be answered for its sender alone. */
function hasCredentials(ctx: Context): boolean {
  const { headers } = ctx.req;
  return headers.authorization !== undefined || headers.cookie !== undefined;
}
