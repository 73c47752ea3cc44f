// The TLS front of `npm run test:browser`: a stock nginx on 127.0.0.1 (a port > 1024) terminating TLS for the page
// host and the asset hosts, over HTTP/2 or HTTP/1.1, proxying to a cdn-include serve with the Host kept, logging
// each request with the serial number of its connection, and counting accepted connections (stub_status on a
// second, plain port). Restarted on the same port for each scenario. Nothing in /etc is read.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nginxPreamble, startNginxWith } from '../edge/nginx-edge';
import { freePort, type ServerProcess } from '../support/server-process';

/** One certificate and the names nginx serves it for (the first server block is the default one). */
export interface CertificateBlock {
  serverNames: string[];
  certFile: string;
  keyFile: string;
}

/** What a scenario sets up: the protocol and which certificate answers which name. */
export interface TlsFrontScenario {
  http2: boolean;
  certificates: CertificateBlock[];
}

/** One request nginx logged. */
export interface LoggedRequest {
  /** nginx's serial number of the connection the request came on. */
  connection: number;
  host: string;
  protocol: string;
  status: number;
  uri: string;
}

/** nginx in front of the cdn-include serve at `originPort`. */
export class TlsFront {
  readonly prefix = mkdtempSync(join(tmpdir(), 'cdn-include-browser-nginx-'));
  port = 0;
  private statusPort = 0;
  private process: ServerProcess | undefined;

  /** The port of the cdn-include serve nginx proxies to; set before the first start. */
  originPort = 0;

  /** Picks the ports; the asset-host configuration names the TLS port before nginx first starts. */
  async reservePorts(): Promise<void> {
    this.port = await freePort();
    this.statusPort = await freePort();
  }

  /** (Re)starts nginx with `scenario`, with an empty access log and fresh counters. */
  async start(scenario: TlsFrontScenario): Promise<void> {
    await this.stop();
    rmSync(join(this.prefix, 'requests.log'), { force: true });
    this.process = await startNginxWith(this.prefix, this.port, (user) => this.config(user, scenario));
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    this.process = undefined;
  }

  /** Every request logged so far, oldest first. */
  requests(): LoggedRequest[] {
    const text = readFileSync(join(this.prefix, 'requests.log'), 'utf8');
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LoggedRequest);
  }

  /**
   * TLS connections nginx accepted since it started: stub_status's count on both ports, less the readiness probe
   * on the TLS port when it started and this request on the status port.
   */
  async acceptedConnections(): Promise<number> {
    const reply = await fetch(`http://127.0.0.1:${this.statusPort}/status`);
    const text = await reply.text();
    // "server accepts handled requests\n 12 12 80": the first figure.
    const accepts = /server accepts handled requests\s+(\d+)/.exec(text);
    if (accepts === null) throw new Error(`no counters in nginx's stub_status:\n${text}`);
    return Number(accepts[1]) - 2;
  }

  remove(): void {
    rmSync(this.prefix, { recursive: true, force: true });
  }

  private config(user: string | undefined, scenario: TlsFrontScenario): string {
    const listen = `listen 127.0.0.1:${this.port} ssl${scenario.http2 ? ' http2' : ''}`;
    const servers = scenario.certificates.map(
      (block, index) => `  server {
    ${listen}${index === 0 ? ' default_server' : ''};
    server_name ${block.serverNames.join(' ')};
    ssl_certificate ${block.certFile};
    ssl_certificate_key ${block.keyFile};
    access_log ${join(this.prefix, 'requests.log')} requests;
    location / {
      proxy_pass http://127.0.0.1:${this.originPort};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }
  }
`,
    );
    return `# cdn-include test:browser — nginx terminating TLS (${scenario.http2 ? 'HTTP/2' : 'HTTP/1.1'}) in front of cdn-include
${nginxPreamble(this.prefix, user)}  log_format requests escape=json
    '{"connection":$connection,"host":"$host","protocol":"$server_protocol","status":$status,"uri":"$request_uri"}';
${servers.join('')}  server {
    listen 127.0.0.1:${this.statusPort};
    access_log off;
    location = /status { stub_status; }
  }
}
`;
  }
}
