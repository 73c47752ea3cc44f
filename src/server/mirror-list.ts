// `PATH?mirrorlist` (README "Mirrors"): every configured mirror for one file, eligible or left out with the reason,
// as an HTML page or, for `Accept: application/json`, as JSON. What an operator (or a test) reads to see why a
// mirror is not offered. Pure: the middleware finds the standings and sets the body made here.

import type { Context } from 'koa';
import type { MirrorStanding } from '../mirrors/mirror-directory';
import { fileUrl } from '../mirrors/mirror-prober';
import { escapeMarkup } from './markup-escape';

/** The query that asks for a file's mirror list. */
export const MIRROR_LIST_QUERY = 'mirrorlist';

/** One mirror of the list. */
export interface MirrorListEntry {
  name: string;
  /** Where the mirror holds the file. */
  url: string;
  geo?: string;
  priority?: number;
  eligible: boolean;
  /** Why it is left out; absent when eligible. */
  reason?: string;
}

/** The mirror list of one file. */
export interface MirrorList {
  /** The docroot file (`/files/x.iso`). */
  path: string;
  /** The SHA-256 (base64) a mirror's copy must have. */
  sha256: string;
  mirrors: MirrorListEntry[];
}

/** The request-target's path when it asks for a mirror list (`/x.iso?mirrorlist`), else undefined. */
export function mirrorListSubjectOf(target: string): string | undefined {
  const query = target.indexOf('?');
  return query >= 0 && target.slice(query + 1) === MIRROR_LIST_QUERY ? target.slice(0, query) : undefined;
}

/** The list for `path` with `sha256` from the directory's standings, in their order. */
export function mirrorListOf(path: string, sha256: string, standings: readonly MirrorStanding[]): MirrorList {
  return {
    path,
    sha256,
    mirrors: standings.map((standing) => {
      const { mirror } = standing;
      // Keys in this order, absent ones left out, so the JSON reads the same for every mirror.
      return {
        name: mirror.name,
        url: fileUrl(mirror.url, path).href,
        ...(mirror.geo !== undefined && { geo: mirror.geo }),
        ...(mirror.priority !== undefined && { priority: mirror.priority }),
        eligible: standing.eligible,
        ...(!standing.eligible && { reason: standing.reason }),
      };
    }),
  };
}

/**
 * Answers with `list`: JSON when the client prefers it, else HTML. Never stored (it changes with every check of the
 * mirrors), and Vary: Accept for the two forms.
 */
export function sendMirrorList(ctx: Context, list: MirrorList): void {
  ctx.status = 200;
  ctx.set('Cache-Control', 'no-store');
  ctx.vary('Accept');
  if (ctx.accepts('text/html', 'application/json') === 'application/json') {
    ctx.type = 'application/json';
    ctx.body = `${JSON.stringify(list, null, 2)}\n`;
    return;
  }
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = mirrorListHtml(list);
}

function mirrorListHtml(list: MirrorList): string {
  const rows = list.mirrors.map(
    (entry) =>
      `<tr><td>${escapeMarkup(entry.name)}</td><td><a href="${escapeMarkup(entry.url)}">${escapeMarkup(entry.url)}</a></td>` +
      `<td>${escapeMarkup(entry.geo ?? '')}</td><td>${entry.priority ?? ''}</td>` +
      `<td>${entry.eligible ? 'eligible' : `left out: ${escapeMarkup(entry.reason ?? '')}`}</td></tr>`,
  );
  return [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>Mirrors of ${escapeMarkup(list.path)}</title></head><body>`,
    `<h1>Mirrors of ${escapeMarkup(list.path)}</h1>`,
    `<p>SHA-256 (base64): <code>${escapeMarkup(list.sha256)}</code></p>`,
    '<table><thead><tr><th>Mirror</th><th>URL</th><th>Country</th><th>Priority</th><th>Status</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
    '</body></html>',
    '',
  ].join('\n');
}
