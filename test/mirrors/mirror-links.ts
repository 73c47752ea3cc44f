// What an origin says about its mirrors, read the way clients read it: the Link field lines of a response (RFC
// 8288, RFC 6249 §3), as one short line each for readable diffs, and the JSON mirror list of `PATH?mirrorlist`.

import type { MirrorList } from '../../src/server/mirror-list';
import type { RawResponse } from '../support/raw-request';
import { rawRequestToPort } from '../support/raw-request';

/** One link of a Link field: its target and its parameters (a parameter without value maps to ''). */
export interface ParsedLink {
  target: string;
  params: Record<string, string>;
}

/** The values of every Link field line of `response`, as received (repeated lines not joined). */
export function linkLines(response: RawResponse): string[] {
  const lines: string[] = [];
  for (let index = 0; index < response.rawHeaders.length; index += 2)
    if (response.rawHeaders[index].toLowerCase() === 'link') lines.push(response.rawHeaders[index + 1]);
  return lines;
}

/** Parses one Link field value: `<target>; name=value; name="value"; name`, links separated by commas. */
export function parseLinks(value: string): ParsedLink[] {
  const links: ParsedLink[] = [];
  const pattern = /\s*<([^>]*)>((?:\s*;\s*[^;,=\s]+(?:\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^;,\s]*))?)*)\s*(?:,|$)/y;
  for (let match = pattern.exec(value); match !== null && match[0] !== ''; match = pattern.exec(value)) {
    const params: Record<string, string> = {};
    const parameter = /;\s*([^;,=\s]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^;,\s]*))?/g;
    for (const [, name, raw = ''] of match[2].matchAll(parameter))
      params[name.toLowerCase()] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    links.push({ target: match[1], params });
  }
  return links;
}

/**
 * Every link of `response` as one line, `rel <target> name=value …` (parameters sorted by name), with a
 * mirror's base URL written as its name (`<m1/big.bin>`) and the origin's own URLs as paths, so two origins on
 * different ports read alike.
 */
export function describeLinks(
  response: RawResponse,
  originUrl: string,
  mirrorNames: ReadonlyMap<string, string>,
): string[] {
  return linkLines(response)
    .flatMap(parseLinks)
    .map(({ target, params }) => {
      let shown = new URL(target, `${originUrl}/`).href;
      if (shown.startsWith(`${originUrl}/`)) shown = shown.slice(originUrl.length);
      for (const [base, name] of mirrorNames)
        if (shown.startsWith(base)) shown = `${name}/${shown.slice(base.length)}`;
      const { rel = '', ...rest } = params;
      const shownParams = Object.entries(rest)
        .map(([name, value]) => (value === '' ? name : `${name}=${value}`))
        .sort();
      return [rel, `<${shown}>`, ...shownParams].join(' ');
    });
}

/** The `rel=duplicate` links of `response`, described as describeLinks does, in the order sent. */
export function duplicateLinks(
  response: RawResponse,
  originUrl: string,
  mirrorNames: ReadonlyMap<string, string>,
): string[] {
  return describeLinks(response, originUrl, mirrorNames).filter((link) => link.startsWith('duplicate '));
}

/** GETs `path?mirrorlist` as JSON from the origin on `port`; throws unless it is a 200 with a JSON body. */
export async function mirrorList(port: number, path: string): Promise<MirrorList> {
  const response = await rawRequestToPort(port, `${path}?mirrorlist`, { Accept: 'application/json' });
  if (response.status !== 200) throw new Error(`${path}?mirrorlist answered ${response.status}`);
  return JSON.parse(response.body.toString('utf8')) as MirrorList;
}

/** Each mirror of `path`'s mirror list as `eligible` or its reason, by name. */
export async function standings(port: number, path: string): Promise<Record<string, string>> {
  const list = await mirrorList(port, path);
  return Object.fromEntries(
    list.mirrors.map((mirror) => [mirror.name, mirror.eligible ? 'eligible' : (mirror.reason ?? '')]),
  );
}

/**
 * Polls `probe` every 100 ms until `holds` accepts its value; resolves with the milliseconds it took, or rejects
 * after `timeoutMs` with the last value (or error) seen.
 */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  holds: (value: T) => boolean,
  what: string,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  let last: unknown;
  while (Date.now() - started <= timeoutMs) {
    try {
      const value = await probe();
      if (holds(value)) return Date.now() - started;
      last = value;
    } catch (err) {
      last = err instanceof Error ? err.message : err;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`);
}
