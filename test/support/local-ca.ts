// Test helper: a throw-away certificate authority made with the openssl binary in a temp folder, and server
// certificates it signs for chosen names (one shared key, so a browser can trust them by one SPKI hash).
// Test tooling only: openssl runs by execFile, never through a shell.

import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OPENSSL = '/usr/bin/openssl';

/** A server certificate the CA signed: PEM files on disk and their text. */
export interface ServerCertificate {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

/** A CA in a temp folder; `remove()` deletes it. */
export class LocalCa {
  readonly folder = mkdtempSync(join(tmpdir(), 'cdn-include-ca-'));
  readonly caFile = join(this.folder, 'ca.pem');
  private readonly caKeyFile = join(this.folder, 'ca.key');
  /** The key every server certificate shares. */
  readonly serverKeyFile = join(this.folder, 'server.key');
  private serial = 0;

  constructor() {
    this.openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      this.caKeyFile,
      '-out',
      this.caFile,
      '-days',
      '2',
      '-subj',
      '/CN=cdn-include test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    this.openssl([
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      this.serverKeyFile,
    ]);
  }

  /** The CA certificate, PEM. */
  get caPem(): string {
    return readFileSync(this.caFile, 'utf8');
  }

  /** base64 SHA-256 of the server key's SubjectPublicKeyInfo: Chromium's --ignore-certificate-errors-spki-list. */
  get serverSpkiHash(): string {
    const der = createPublicKey(readFileSync(this.serverKeyFile)).export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(der).digest('base64');
  }

  /** Signs a server certificate whose subjectAltName lists exactly `names` (DNS names). */
  issue(names: string[]): ServerCertificate {
    const base = join(this.folder, `server-${++this.serial}`);
    const extensions = `${base}.ext`;
    writeFileSync(
      extensions,
      [
        `subjectAltName=${names.map((name) => `DNS:${name}`).join(',')}`,
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth',
        '',
      ].join('\n'),
    );
    this.openssl([
      'req',
      '-new',
      '-key',
      this.serverKeyFile,
      '-subj',
      `/CN=${names[0]}`,
      '-out',
      `${base}.csr`,
    ]);
    this.openssl([
      'x509',
      '-req',
      '-in',
      `${base}.csr`,
      '-CA',
      this.caFile,
      '-CAkey',
      this.caKeyFile,
      '-set_serial',
      String(1000 + this.serial),
      '-days',
      '2',
      '-extfile',
      extensions,
      '-out',
      `${base}.pem`,
    ]);
    const cert = readFileSync(`${base}.pem`, 'utf8');
    return {
      certFile: `${base}.pem`,
      keyFile: this.serverKeyFile,
      cert,
      key: readFileSync(this.serverKeyFile, 'utf8'),
    };
  }

  remove(): void {
    rmSync(this.folder, { recursive: true, force: true });
  }

  private openssl(args: string[]): void {
    execFileSync(OPENSSL, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
  }
}
