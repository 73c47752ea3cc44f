// Test helper: a real HTTP mirror, a small node:http static server of a folder (a copy of a build output) with
// an ETag and Last-Modified per file and 304 on a matching If-None-Match, recording each request it answers. It can
// be stopped and started again on the same port.

import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** One request a mirror answered. */
export interface MirrorHit {
  path: string;
  headers: IncomingHttpHeaders;
  status: number;
}

/** A static HTTP server of `folder` on a loopback address (127.0.0.1 unless told another of 127.0.0.0/8). */
export class StaticMirror {
  readonly hits: MirrorHit[] = [];
  private server: Server | undefined;
  port = 0;

  constructor(
    readonly folder: string,
    readonly host = '127.0.0.1',
  ) {}

  /** The base URL of the copy, ending in `/`. */
  get url(): string {
    return `http://${this.host}:${this.port}/`;
  }

  /** Listens (again) on its port, any free one the first time. */
  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://mirror').pathname);
      const status = this.answer(path, req.headers, res);
      this.hits.push({ path, headers: req.headers, status });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts every connection, as a killed server would. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private answer(path: string, headers: IncomingHttpHeaders, res: ServerResponse): number {
    let bytes: Buffer;
    let mtime: Date;
    try {
      const file = join(this.folder, path);
      mtime = statSync(file).mtime;
      bytes = readFileSync(file);
    } catch {
      res.writeHead(404).end('not found');
      return 404;
    }
    const etag = `"${createHash('sha1').update(bytes).digest('base64')}"`;
    const fields = { etag, 'last-modified': mtime.toUTCString() };
    if (headers['if-none-match'] === etag) {
      res.writeHead(304, fields).end();
      return 304;
    }
    res.writeHead(200, { ...fields, 'content-length': bytes.length }).end(bytes);
    return 200;
  }
}
