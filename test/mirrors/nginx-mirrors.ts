// The mirrors of `npm run test:mirrors`: each a stock nginx, started from a temp folder on its own loopback address
// (127.0.0.2, .3, .4) and a free port, serving one copy of a build output, with an access log of one JSON object a
// line. Stopped and started again by PID on the same port. Nothing in /etc is read.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type ServerProcess } from '../support/server-process';
import { nginxPreamble, startNginxWith } from '../edge/nginx-edge';

/** The include `build --nginx-digests` writes into its output. */
const DIGEST_INCLUDE = '.well-known/cdn-include/nginx-digests.conf';

/** The access log's line: one JSON object of the fields MirrorLogEntry names. */
const LOG_FORMAT = `'{"agent":"$http_user_agent","method":"$request_method","uri":"$uri",'
    '"range":"$http_range","status":$status,"bytes":$body_bytes_sent}'`;

/** One request a mirror logged. */
export interface MirrorLogEntry {
  agent: string;
  method: string;
  uri: string;
  /** The Range request field, '' when none. */
  range: string;
  status: number;
  bytes: number;
}

/** What a mirror is: its name, address, docroot, and whether it sends the origin's digest fields. */
export interface NginxMirrorOptions {
  name: string;
  host: string;
  root: string;
  /** Include the build's nginx-digests.conf, so it sends Repr-Digest and Digest as the origin does. */
  digests: boolean;
}

/** A stock nginx serving a copy of the build output. */
export class NginxMirror {
  readonly prefix = mkdtempSync(join(tmpdir(), 'cdn-include-mirrors-nginx-'));
  port = 0;
  private process: ServerProcess | undefined;

  constructor(readonly options: NginxMirrorOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** The base URL of its copy of the docroot, ending in `/`. */
  get url(): string {
    return `http://${this.options.host}:${this.port}/`;
  }

  /** Starts nginx (again, on the same port after the first time). */
  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort(this.options.host);
    this.process = await startNginxWith(
      this.prefix,
      this.port,
      (user) => this.config(user),
      this.options.host,
    );
  }

  /** Sends SIGTERM to the PID in nginx's pid file and waits for it to exit. */
  async stop(): Promise<void> {
    await this.process?.stop();
    this.process = undefined;
  }

  /** Every request logged so far, oldest first. */
  log(): MirrorLogEntry[] {
    let text: string;
    try {
      text = readFileSync(join(this.prefix, 'mirror-access.log'), 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as MirrorLogEntry);
  }

  /** Removes its temp folder (config, pid file, logs). */
  remove(): void {
    rmSync(this.prefix, { recursive: true, force: true });
  }

  private config(user: string | undefined): string {
    const { root, host, digests } = this.options;
    // The include first: nginx fixes its map hash sizes at the first map it reads.
    const include = digests ? `  include ${join(root, DIGEST_INCLUDE)};\n` : '';
    const fields = digests
      ? '    add_header Repr-Digest $cdn_include_repr_digest;\n    add_header Digest $cdn_include_digest;\n'
      : '';
    return `# cdn-include test:mirrors — nginx as mirror ${this.name} of a build output
${nginxPreamble(this.prefix, user)}${include}  log_format mirror escape=json ${LOG_FORMAT};
  server {
    listen ${host}:${this.port};
    root ${root};
    access_log ${join(this.prefix, 'mirror-access.log')} mirror;
${fields}  }
}
`;
  }
}
