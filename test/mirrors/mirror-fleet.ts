// The whole set-up of `npm run test:mirrors`: the site and its builds, three nginx mirrors on 127.0.0.2–.4 (m1
// current, m2 a build behind, m3 partial), and `cdn-include serve` origins of the site's source (real processes of
// dist/, as `npm run build` compiles it) whose config file lists the mirrors, checked every second.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCli, startServer, stopServer, type ServerChild } from '../soak/server-child';
import { pollUntil, standings } from './mirror-links';
import { makeMirrorSite, PAGE, type MirrorSite } from './mirror-site';
import { NginxMirror } from './nginx-mirrors';

/** The config's mirrorCheckInterval, in seconds. */
export const CHECK_INTERVAL_SECONDS = 1;

/** A running origin: the serve process, its URL (no trailing slash) and its port. */
export interface Origin {
  server: ServerChild;
  url: string;
  port: number;
}

/** The running mirrors and a way to start origins in front of them. */
export interface MirrorFleet {
  site: MirrorSite;
  m1: NginxMirror;
  m2: NginxMirror;
  m3: NginxMirror;
  /** Each mirror's base URL → its name, for describeLinks. */
  names: Map<string, string>;
  /** Starts another origin on the site's source with the mirrors' config file. */
  startOrigin(): Promise<Origin>;
  /**
   * Stops every origin and mirror started here and removes the temp folders; with `keep`, the mirrors' folders
   * (configs, access logs) and the config file stay, and are named.
   */
  stop(keep: boolean): Promise<void>;
}

/** Builds the site, starts the three mirrors, and writes the origins' config file. */
export async function startMirrorFleet(): Promise<MirrorFleet> {
  const site = await makeMirrorSite();
  const m1 = new NginxMirror({ name: 'm1', host: '127.0.0.2', root: site.copies.m1, digests: true });
  // m2 sends no digest fields: a mirror that cannot be RFC 6249 `pref`.
  const m2 = new NginxMirror({ name: 'm2', host: '127.0.0.3', root: site.copies.m2, digests: false });
  const m3 = new NginxMirror({ name: 'm3', host: '127.0.0.4', root: site.copies.m3, digests: true });
  const mirrors = [m1, m2, m3];
  await Promise.all(mirrors.map((mirror) => mirror.start()));
  const configFolder = mkdtempSync(join(tmpdir(), 'cdn-include-mirrors-config-'));
  const configFile = join(configFolder, 'cdn-include.json');
  const config = {
    // Listed out of offer order: m1 and m2 by priority, then m3, which has none.
    mirrors: [
      { name: 'm3', url: m3.url, geo: 'us' },
      { name: 'm2', url: m2.url, geo: 'fr', priority: 2 },
      { name: 'm1', url: m1.url, geo: 'de', priority: 1 },
    ],
    mirrorCheckInterval: CHECK_INTERVAL_SECONDS,
    cacheRules: [{ path: '/private/**', private: true }],
  };
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  const origins: Origin[] = [];
  const startOrigin = async (): Promise<Origin> => {
    const server = await startServer(findCli(), site.source.root, ['--config', configFile, '-q']);
    const origin = { server, url: server.origin, port: Number(new URL(server.origin).port) };
    origins.push(origin);
    return origin;
  };
  const stop = async (keep: boolean): Promise<void> => {
    await Promise.all(origins.map((origin) => stopServer(origin.server)));
    await Promise.all(mirrors.map((mirror) => mirror.stop()));
    // The site's folders hold 320 MB of copies of the big file: never kept.
    site.remove();
    if (keep) {
      console.log(`kept ${[configFolder, ...mirrors.map((mirror) => mirror.prefix)].join(' ')}`);
      return;
    }
    rmSync(configFolder, { recursive: true, force: true });
    for (const mirror of mirrors) mirror.remove();
  };
  const names = new Map(mirrors.map((mirror) => [mirror.url, mirror.name]));
  return { site, m1, m2, m3, names, startOrigin, stop };
}

/**
 * Waits until `origin`'s prober has checked every mirror once (the mirror list of a page every mirror holds shows
 * each eligible); rejects after a few intervals.
 */
export async function firstRound(origin: Origin): Promise<void> {
  await pollUntil(
    () => standings(origin.port, PAGE),
    (seen) => ['m1', 'm2', 'm3'].every((name) => seen[name] === 'eligible'),
    'every mirror eligible for a page they all hold',
    5 * CHECK_INTERVAL_SECONDS * 1000,
  );
}
