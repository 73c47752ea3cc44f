// Writes a VCL that caches one origin with a short grace and a long keep, so stale objects are revalidated with a
// conditional backend request, and bans by purge tag; starts varnishd on it from a temp working folder.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startServerProcess, type ServerProcess as EdgeProcess } from '../support/server-process';
import { edgeRequest, type EdgeResponse } from './edge-request';

/** Where Debian installs varnishd. */
export const VARNISHD_BINARY = '/usr/sbin/varnishd';

/** Seconds a stale object is kept only to revalidate it (beresp.keep). */
export const VARNISH_KEEP_SECONDS = 60;

/**
 * The VCL: Varnish takes the TTL from the origin's Cache-Control (RFC 9111 §4.2.1). `grace = 0s` makes a
 * stale object never served as is, and `keep` holds it so the next miss fetches with If-None-Match /
 * If-Modified-Since from it (RFC 9111 §4.3.1) and turns a 304 into the stored 200.
 */
export function varnishVcl(originPort: number): string {
  return `vcl 4.1;
# cdn-include test:edge — Varnish as a caching edge in front of the origin on 127.0.0.1:${originPort}

backend origin {
  .host = "127.0.0.1";
  .port = "${originPort}";
}

# Purge by tag (README "Behind a CDN"): \`curl -X BAN -H 'Surrogate-Key: <tag>'\` from this host evicts every object whose
# Surrogate-Key lists the tag as a whole word; the ban is checked on each object's next lookup.
acl purgers {
  "127.0.0.1";
}

sub vcl_recv {
  if (req.method == "BAN") {
    if (client.ip !~ purgers) {
      return (synth(405, "BAN not allowed"));
    }
    if (req.http.Surrogate-Key !~ "^[0-9A-Za-z_-]+$") {
      return (synth(400, "BAN needs one tag in Surrogate-Key"));
    }
    ban("obj.http.Surrogate-Key ~ (^|\\s)" + req.http.Surrogate-Key + "(\\s|$)");
    return (synth(200, "Banned"));
  }
}

sub vcl_backend_response {
  set beresp.grace = 0s;
  set beresp.keep = ${VARNISH_KEEP_SECONDS}s;
}

sub vcl_deliver {
  set resp.http.X-Cache-Hits = obj.hits;
}
`;
}

/** Bans every object tagged `tag` (its Surrogate-Key lists it) through the VCL's BAN handler. */
export function banTag(port: number, tag: string): Promise<EdgeResponse> {
  return edgeRequest(port, 'BAN', '/', { 'Surrogate-Key': tag });
}

/** Writes `folder/edge.vcl` and starts varnishd in the foreground (`-F`) on a free port. */
export function startVarnish(folder: string, originPort: number): Promise<EdgeProcess> {
  return startVarnishWith(folder, varnishVcl(originPort));
}

/** Writes `vcl` to `folder/edge.vcl` and starts varnishd in the foreground (`-F`) on a free port of 127.0.0.1. */
export async function startVarnishWith(folder: string, vcl: string): Promise<EdgeProcess> {
  const workdir = join(folder, 'work');
  mkdirSync(workdir, { recursive: true });
  const port = await freePort();
  const vclFile = join(folder, 'edge.vcl');
  writeFileSync(vclFile, vcl);
  const pidFile = join(folder, 'varnishd.pid');
  return startServerProcess({
    name: 'varnish',
    // -j none: no privilege separation (no varnish/vcache users needed); -T none: no management port.
    command: [
      VARNISHD_BINARY,
      '-F',
      '-j',
      'none',
      '-n',
      workdir,
      '-a',
      `127.0.0.1:${port}`,
      '-T',
      'none',
      '-f',
      vclFile,
      '-s',
      'malloc,64m',
      '-P',
      pidFile,
    ],
    port,
    pidFile,
    logFiles: [],
  });
}
