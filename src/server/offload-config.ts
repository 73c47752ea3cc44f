// The `offload` setting (README "Under load"): where requests are redirected under load, for which paths and when,
// and who must never be redirected; its types, defaults and the one check of a configured value. Pure: no I/O.

import { BlockList } from 'node:net';
import { addAddressBlock } from '../fields/address-blocks';
import { AddressMatcher } from '../fields/address-matcher';
import { hostName } from '../fields/loop-fields';
import { checkUnderLoad, type ResolvedUnderLoad, type UnderLoadSettings } from './under-load-fields';

/** When a request is redirected: always, while the load signal sheds it, or when its Referer's origin is listed. */
export type OffloadWhen = 'overloaded' | 'always' | { referrerOrigins: readonly string[] };

/** Which requests are redirected to a CDN or mirror, and which never are, as given (config file or ssi() option). */
export interface OffloadConfig {
  /** The base URL redirected to: `Location` is this plus the request's path and query, unchanged. */
  to: string;
  /**
   * `overloaded`: when the load signal sheds the request; `always`; or `{ "referrerOrigins": [...] }`: visitors
   * whose Referer's origin is listed, whatever the load. @default 'overloaded'
   */
  when?: OffloadWhen;
  /** URL-path prefixes of the request-target as received (not decoded) that may be redirected. @default ['/'] */
  paths?: readonly string[];
  /** Our edges, whose fetches are never redirected (they would come straight back). @default none */
  edges?: {
    /** Names our edges put in CDN-Loop (RFC 8586) or as Via's received-by (nginx, Varnish). @default [] */
    cdnLoop?: readonly string[];
    /** Client addresses and CIDR blocks of our edges (`ctx.ip`: set trustProxy behind proxies). @default [] */
    addresses?: readonly string[];
  };
  /**
   * The query parameter an edge adds when it sends a client back (Coral's `coral-no-serve`): such a request is
   * served here, the parameter taken off first. @default 'cdn-include-local'
   */
  bounceParam?: string;
  /**
   * Host names that are ours besides `to`'s (other names of this origin): a request naming one is never redirected.
   * @default []
   */
  ownHosts?: readonly string[];
  /**
   * The longer caching fields our edges' fetches get while the load is not normal (see UnderLoadSettings), or
   * `false` for none. @default {} (CDN-Cache-Control, Surrogate-Control and Cache-Control, each at its default)
   */
  underLoad?: UnderLoadSettings | false;
}

/**
 * `config` with the hosts of `origins` (URLs such as a mirror's or an asset host's) among its own hosts: a request
 * that reached us under one of those names is never redirected (loop guard (b)).
 * @example withOwnHosts({ to: 'https://cdn.example.net/' }, ['https://a1.example']).ownHosts // ['a1.example']
 */
export function withOwnHosts(config: OffloadConfig, origins: readonly string[]): OffloadConfig {
  const hosts = origins.filter((origin) => URL.canParse(origin)).map((origin) => new URL(origin).host);
  // A value that is no object is left as it is, for checkOffload to name the mistake.
  if (hosts.length === 0 || typeof config !== 'object' || config === null || Array.isArray(config))
    return config;
  return { ...config, ownHosts: [...(config.ownHosts ?? []), ...hosts] };
}

/** The default bounce-back marker: a name no site is likely to use for itself. */
export const DEFAULT_BOUNCE_PARAM = 'cdn-include-local';

/** A checked `offload`, ready for the request path: sets and lists, lowercase where compared without case. */
export interface ResolvedOffload {
  /** `to` as a URL ending in `/`. */
  to: string;
  /** `to`'s host name: the CDN suffix no Host may carry twice. */
  toHost: string;
  when: 'overloaded' | 'always' | { referrerOrigins: ReadonlySet<string> };
  paths: readonly string[];
  cdnLoop: ReadonlySet<string>;
  /** None without `edges.addresses`, so no request pays an address check. */
  addresses: AddressMatcher | undefined;
  bounceParam: string;
  /** `toHost` and `ownHosts`, lowercase. */
  ownHosts: ReadonlySet<string>;
  /** The under-load fields of edge fetches; undefined when turned off. */
  underLoad: ResolvedUnderLoad | undefined;
}

const KEYS = ['to', 'when', 'paths', 'edges', 'bounceParam', 'ownHosts', 'underLoad'];
const EDGE_KEYS = ['cdnLoop', 'addresses'];
const EXAMPLE = '{ "to": "https://cdn.example.net/", "when": "overloaded" }';
// RFC 3986 §2.3: unreserved characters, so the marker is the same whether percent-encoded or not.
const PARAM_NAME = /^[A-Za-z0-9._~-]+$/;

/**
 * The offload `value` names, checked, with its defaults; throws an Error whose one-line message names the field,
 * e.g. `offload.when must be "overloaded", "always" or { "referrerOrigins": [...] }, not "busy"`.
 * @example checkOffload({ to: 'https://cdn.example.net' }).to // 'https://cdn.example.net/'
 */
export function checkOffload(value: unknown, label = 'offload'): ResolvedOffload {
  const fields = objectOf(value, label, KEYS, `an object such as ${EXAMPLE}`);
  const to = checkBase(fields.to, `${label}.to`);
  const toHost = hostName(new URL(to).host);
  const edges =
    fields.edges === undefined ? {} : objectOf(fields.edges, `${label}.edges`, EDGE_KEYS, 'an object');
  const bounceParam = fields.bounceParam ?? DEFAULT_BOUNCE_PARAM;
  if (typeof bounceParam !== 'string' || !PARAM_NAME.test(bounceParam))
    throw new Error(`${label}.bounceParam must be a query parameter name of letters, digits and "._~-"`);
  const cdnLoop = stringsOf(edges.cdnLoop, `${label}.edges.cdnLoop`, 'names such as ["our-edge"]');
  const ownHosts = stringsOf(fields.ownHosts, `${label}.ownHosts`, 'host names such as ["mirror.example"]');
  return {
    to,
    toHost,
    when: checkWhen(fields.when, `${label}.when`),
    paths: checkPaths(fields.paths, `${label}.paths`),
    cdnLoop: new Set(cdnLoop.map((name) => name.toLowerCase())),
    addresses: addressesOf(edges.addresses, `${label}.edges.addresses`),
    bounceParam,
    ownHosts: new Set([toHost, ...ownHosts.map(hostName)]),
    underLoad: checkUnderLoad(fields.underLoad, `${label}.underLoad`),
  };
}

function objectOf(value: unknown, label: string, keys: readonly string[], shape: string) {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${label} must be ${shape}`);
  const unknown = Object.keys(value).find((key) => !keys.includes(key));
  if (unknown !== undefined)
    throw new Error(`${label} has an unknown key '${unknown}' (known: ${keys.join(', ')})`);
  return value as Record<string, unknown>;
}

/** An http(s) URL without query or fragment, made to end in `/` so a path is appended to it. */
function checkBase(to: unknown, label: string): string {
  const wrong = `${label} must be an http:// or https:// URL without query or fragment, such as "https://cdn.example.net/"`;
  if (typeof to !== 'string' || !URL.canParse(to)) throw new Error(wrong);
  const url = new URL(to);
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '')
    throw new Error(wrong);
  if (url.username !== '' || url.password !== '')
    throw new Error(`${label} must not hold a user name or password`);
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

function checkWhen(when: unknown, label: string): ResolvedOffload['when'] {
  if (when === undefined || when === 'overloaded') return 'overloaded';
  if (when === 'always') return 'always';
  if (typeof when === 'object' && when !== null && !Array.isArray(when)) {
    const fields = objectOf(when, label, ['referrerOrigins'], 'an object');
    const origins = stringsOf(
      fields.referrerOrigins,
      `${label}.referrerOrigins`,
      'origins such as ["https://news.example"]',
    );
    if (origins.length === 0) throw new Error(`${label}.referrerOrigins must list at least one origin`);
    return {
      referrerOrigins: new Set(
        origins.map((origin, index) => originOf(origin, `${label}.referrerOrigins[${index}]`)),
      ),
    };
  }
  throw new Error(
    `${label} must be "overloaded", "always" or { "referrerOrigins": ["https://news.example"] }, not ${JSON.stringify(when)}`,
  );
}

/** The ASCII serialisation of an origin (RFC 6454 §6.2), as a Referer's is compared with it. */
function originOf(text: string, label: string): string {
  const origin = URL.canParse(text) ? new URL(text).origin : 'null';
  if (origin === 'null')
    throw new Error(`${label} must be an origin such as "https://news.example", not ${JSON.stringify(text)}`);
  return origin;
}

function checkPaths(paths: unknown, label: string): string[] {
  if (paths === undefined) return ['/'];
  const list = stringsOf(paths, label, 'URL-path prefixes such as ["/"]');
  const wrong = list.findIndex((path) => !path.startsWith('/'));
  if (list.length === 0 || wrong >= 0)
    throw new Error(`${label}${wrong >= 0 ? `[${wrong}]` : ''} must be a URL-path prefix starting with "/"`);
  return list;
}

function addressesOf(addresses: unknown, label: string): AddressMatcher | undefined {
  const list = stringsOf(addresses, label, 'addresses or CIDR blocks such as ["10.0.0.0/8"]');
  if (list.length === 0) return undefined;
  list.forEach((block, index) => {
    try {
      addAddressBlock(new BlockList(), block);
    } catch (err) {
      throw new Error(`${label}[${index}]: ${(err as Error).message}`, { cause: err });
    }
  });
  return new AddressMatcher(list);
}

function stringsOf(value: unknown, label: string, shape: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== ''))
    throw new Error(`${label} must be a list of ${shape}`);
  return [...(value as string[])];
}
