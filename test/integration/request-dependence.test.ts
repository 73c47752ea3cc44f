// Each variable and function that reads the request or the clock gives the response treatment of README "Request-dependent pages"
// (Vary, private, no Last-Modified), on the 200 and on the 304 that revalidates it.

import request from 'supertest';
import { createApp } from '../../src/server/app';
import { at, TempSite } from '../support/temp-site';

interface Expectation {
  vary?: string;
  cacheControl: string;
  lastModified: boolean;
  /** printenv shows the request's own headers and port, so a replay never has the same bytes. @default 304 */
  replayStatus?: number;
}

const PUBLIC = 'public, max-age=0';
const CLIENT = 'private, no-cache';
const cases: Array<[string, string, Record<string, string>, Expectation]> = [
  [
    'HTTP_ACCEPT_LANGUAGE',
    '<!--#echo var="HTTP_ACCEPT_LANGUAGE" -->',
    { 'Accept-Language': 'de' },
    { vary: 'Accept-Language', cacheControl: PUBLIC, lastModified: true },
  ],
  [
    'HTTP_* not sent',
    '<!--#echo var="HTTP_X_THEME" -->',
    {},
    { vary: 'X-Theme', cacheControl: PUBLIC, lastModified: true },
  ],
  [
    "req('X-Lang')",
    "<!--#if expr=\"req('X-Lang') == 'de'\" -->de<!--#endif -->",
    { 'X-Lang': 'de' },
    { vary: 'X-Lang', cacheControl: PUBLIC, lastModified: true },
  ],
  [
    "http('X-Lang')",
    "<!--#if expr=\"http('X-Lang') == 'de'\" -->de<!--#endif -->",
    { 'X-Lang': 'de' },
    { vary: 'X-Lang', cacheControl: PUBLIC, lastModified: true },
  ],
  [
    "req_novary('X-Lang')",
    "<!--#if expr=\"req_novary('X-Lang') == 'de'\" -->de<!--#endif -->",
    { 'X-Lang': 'de' },
    { cacheControl: PUBLIC, lastModified: true },
  ],
  [
    '%{HTTP_USER_AGENT}',
    '<!--#if expr="%{HTTP_USER_AGENT} =~ /curl/" -->curl<!--#endif -->',
    { 'User-Agent': 'curl/8' },
    { vary: 'User-Agent', cacheControl: PUBLIC, lastModified: true },
  ],
  [
    "req('Host')",
    "<!--#if expr=\"req('Host') != ''\" -->host<!--#endif -->",
    {},
    { cacheControl: PUBLIC, lastModified: true },
  ],
  [
    'HTTP_COOKIE',
    '<!--#echo var="HTTP_COOKIE" -->',
    { Cookie: 'a=1' },
    { vary: 'Cookie', cacheControl: 'private, max-age=0', lastModified: true },
  ],
  ['REMOTE_ADDR', '<!--#echo var="REMOTE_ADDR" -->', {}, { cacheControl: CLIENT, lastModified: false }],
  [
    '%{REMOTE_ADDR}',
    '<!--#if expr="%{REMOTE_ADDR} =~ /1/" -->x<!--#endif -->',
    {},
    { cacheControl: CLIENT, lastModified: false },
  ],
  [
    '-R',
    '<!--#if expr="-R \'127.0.0.0/8\'" -->local<!--#endif -->',
    {},
    { cacheControl: CLIENT, lastModified: false },
  ],
  ['printenv', '<!--#printenv -->', {}, { cacheControl: CLIENT, lastModified: false, replayStatus: 200 }],
  [
    'DATE_GMT',
    '<!--#config timefmt="%Y" --><!--#echo var="DATE_GMT" -->',
    {},
    { cacheControl: PUBLIC, lastModified: false },
  ],
  [
    'DATE_LOCAL',
    '<!--#config timefmt="%Y" --><!--#echo var="DATE_LOCAL" -->',
    {},
    { cacheControl: PUBLIC, lastModified: false },
  ],
  [
    '%{TIME_YEAR}',
    '<!--#if expr="%{TIME_YEAR} -gt 2000" -->now<!--#endif -->',
    {},
    { cacheControl: PUBLIC, lastModified: false },
  ],
  [
    'LAST_MODIFIED (files only)',
    '<!--#echo var="LAST_MODIFIED" -->',
    {},
    { cacheControl: PUBLIC, lastModified: true },
  ],
  [
    'QUERY_STRING (part of the URL)',
    '<!--#echo var="QUERY_STRING" -->',
    {},
    { cacheControl: PUBLIC, lastModified: true },
  ],
];

describe('request dependence on 200 and 304', () => {
  let site: TempSite;
  afterEach(() => site.remove());

  it.each(cases)(
    '%s › Vary, Cache-Control and Last-Modified as the README table says, the same on the 304',
    async (_name, page, headers, expected) => {
      site = new TempSite().write('p.shtml', page, at(1));
      const server = request(createApp({ root: site.root }).callback());
      const first = await server.get('/p.shtml').set(headers).expect(200);
      const replay = await server
        .get('/p.shtml')
        .set(headers)
        .set('If-None-Match', first.headers.etag)
        .expect(expected.replayStatus ?? 304);
      for (const response of [first, replay]) {
        expect(response.headers.vary).toBe(expected.vary);
        expect(response.headers['cache-control']).toBe(expected.cacheControl);
        expect(response.headers['last-modified'] !== undefined).toBe(expected.lastModified);
      }
    },
  );
});
