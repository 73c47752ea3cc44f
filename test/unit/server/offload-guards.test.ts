// Each loop guard of offloading on its own (edge fetch, own host, bounce-back marker, CDN suffix repeated), and the
// redirect's Location built from configuration and the request-target alone.

import type { Context } from 'koa';
import { checkOffload } from '../../../src/server/offload-config';
import {
  edgeRequestReason,
  isEdgeRequest,
  isOwnHost,
  repeatsCdnSuffix,
  withoutBounceMarker,
} from '../../../src/server/offload-guards';
import { offloadLocation } from '../../../src/server/offload';

const CONFIG = checkOffload({
  to: 'https://cdn.example.net/',
  edges: { cdnLoop: ['our-edge'], addresses: ['10.0.0.0/8'] },
  ownHosts: ['mirror.example'],
});

function contextOf(headers: Record<string, string>, ip = '203.0.113.9'): Context {
  return { req: { headers }, ip } as unknown as Context;
}

describe('guard (a): our edge’s own fetch', () => {
  it.each([
    [{ 'cdn-loop': 'other, our-edge' }, '203.0.113.9', 'loop-guard'],
    [{ via: '1.1 our-edge (Varnish/7.5)' }, '203.0.113.9', 'loop-guard'],
    [{}, '10.2.3.4', 'edge-address'],
    [{}, '::ffff:10.2.3.4', 'edge-address'],
    [{ 'cdn-loop': 'other-cdn' }, '203.0.113.9', undefined],
    [{ via: '1.1 other' }, '192.0.2.1', undefined],
  ])('%j from %s › %s', (headers, ip, reason) => {
    const ctx = contextOf(headers, ip);
    expect(edgeRequestReason(ctx, CONFIG)).toBe(reason);
    expect(isEdgeRequest(ctx, CONFIG)).toBe(reason !== undefined);
  });

  it('no edges configured › no request is an edge’s', () => {
    const bare = checkOffload({ to: 'https://cdn.example.net/' });
    expect(isEdgeRequest(contextOf({ 'cdn-loop': 'our-edge' }, '10.0.0.1'), bare)).toBe(false);
  });
});

describe('guard (b): a Host of ours', () => {
  it.each([
    ['cdn.example.net', true],
    ['CDN.example.net:443', true],
    ['mirror.example.', true],
    ['www.site.example', false],
    [undefined, false],
  ])('%s › %s', (host, ours) => {
    expect(isOwnHost(host, CONFIG.ownHosts)).toBe(ours);
  });
});

describe('guard (c): the bounce-back marker', () => {
  it.each([
    ['/a?cdn-include-local', '/a'],
    ['/a?cdn-include-local=1', '/a'],
    ['/a?x=1&cdn-include-local=1&y=%20', '/a?x=1&y=%20'],
    ['/a?cdn-include-local&cdn-include-local=2&x', '/a?x'],
    ['/a?x=cdn-include-local', undefined],
    ['/a?cdn-include-localx=1', undefined],
    ['/cdn-include-local', undefined],
    ['/a', undefined],
  ])('%s › %s', (target, unmarked) => {
    expect(withoutBounceMarker(target, 'cdn-include-local')).toBe(unmarked);
  });
});

describe('guard (d): the CDN suffix repeated in Host', () => {
  it.each([
    ['www.site.cdn.example.net.cdn.example.net', true],
    ['www.site.cdn.example.net', false],
    ['cdn.example.net', false],
  ])('%s › %s', (host, refused) => {
    expect(repeatsCdnSuffix(host, CONFIG.toHost)).toBe(refused);
  });
});

describe('offloadLocation', () => {
  it.each([
    ['/', 'https://cdn.example.net/'],
    ['/news/?a=1&b', 'https://cdn.example.net/news/?a=1&b'],
    ['/a%20b/%2F..%2f?q=%ZZ&=&', 'https://cdn.example.net/a%20b/%2F..%2f?q=%ZZ&=&'],
    ['//evil.example/x', 'https://cdn.example.net//evil.example/x'],
    ['/caf\u00c3\u00a9', 'https://cdn.example.net/caf\u00c3\u00a9'],
    // An absolute-form target gives its path and query only: the request's host never reaches Location.
    ['http://evil.example/x?y', 'https://cdn.example.net/x?y'],
    ['http://evil.example?y', 'https://cdn.example.net/?y'],
    ['http://evil.example', 'https://cdn.example.net/'],
  ])('%s › %s', (target, location) => {
    expect(offloadLocation(CONFIG.to, target)).toBe(location);
  });

  it('a base with a path › the request path goes under it', () => {
    expect(offloadLocation('https://mirror.example/site/', '/news/?x')).toBe(
      'https://mirror.example/site/news/?x',
    );
  });
});
