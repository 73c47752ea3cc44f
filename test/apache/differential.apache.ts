// The differential run (`npm run test:apache`): each corpus case is requested from a real Apache 2.4 and from
// cdn-include serving the same docroot, and status, Content-Type and body bytes must agree.

import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic } from '../../src/engine/diagnostics';
import { createApp } from '../../src/server/app';
import { assertApacheInstalled } from './apache-config';
import { type ApacheServer, startApache } from './apache-server';
import { describeDifference } from './compare-responses';
import { type CorpusCase, findCases, readKnownDifferences } from './corpus-cases';
import { prepareDocroot, readMtimeExceptions } from './docroot-copy';
import { httpGet, type Observed } from './http-get';
import { RunReport } from './run-report';

const CORPUS = join(__dirname, 'corpus');
const KNOWN_DIFFERENCES_FILE = join(__dirname, 'known-differences.json');
/** URL-path prefixes parsed with the legacy expression syntax (Apache: SSILegacyExprParser on in <Directory>). */
const LEGACY_PREFIXES = ['/legacy/'];
/** Apache: `ErrorDocument 404 /errors/404.shtml` (apache-config.ts). */
const ERROR_DOCUMENTS = { 404: '/errors/404.shtml' };

const cases = findCases(CORPUS, join(__dirname, 'requests.json'));
const known = readKnownDifferences(KNOWN_DIFFERENCES_FILE);
const report = new RunReport(cases, known);
let apacheMissing: string | undefined;
try {
  assertApacheInstalled();
} catch (err) {
  apacheMissing = (err as Error).message;
}

let work = '';
let apache: ApacheServer | undefined;
let ours: Server | undefined;
let setupError: string | undefined;
const diagnostics: string[] = [];

async function startBoth(): Promise<void> {
  work = mkdtempSync(join(tmpdir(), 'cdn-include-apache-'));
  chmodSync(work, 0o755);
  const docroot = join(work, 'docroot');
  mkdirSync(docroot);
  prepareDocroot(CORPUS, docroot, readMtimeExceptions(join(__dirname, 'mtimes.json')));
  apache = await startApache(join(work, 'apache'), docroot);
  const app = createApp({
    root: docroot,
    documentRoot: docroot,
    legacyExpressionPrefixes: LEGACY_PREFIXES,
    errorDocuments: ERROR_DOCUMENTS,
    onDiagnostic: (diagnostic) => diagnostics.push(formatDiagnostic(diagnostic)),
  });
  const server = createServer(app.callback());
  ours = server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
}

async function stopBoth(): Promise<void> {
  const server = ours;
  try {
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  } finally {
    await apache?.stop();
  }
}

/** Requests one case from both servers, Apache first, and collects what each logged meanwhile. */
async function observe(entry: CorpusCase): Promise<{ apache: Observed; ours: Observed; logs: string }> {
  const apacheServer = apache as ApacheServer;
  const oursPort = ((ours as Server).address() as AddressInfo).port;
  diagnostics.length = 0;
  const fromApache = await httpGet(apacheServer.port, entry.path, entry.headers).catch((err: Error) => {
    const log = apacheServer.takeErrorLogLines().trimEnd();
    throw new Error(`apache: ${err.message}${log ? `\napache error log:\n${log}` : ''}`);
  });
  const fromOurs = await httpGet(oursPort, entry.path, entry.headers).catch((err: Error) => {
    throw new Error(`ours: ${err.message}`);
  });
  const apacheLog = apacheServer.takeErrorLogLines().trimEnd();
  const logs = [
    apacheLog ? `apache error log:\n${apacheLog}` : '',
    diagnostics.length > 0 ? `ours diagnostics:\n${diagnostics.join('\n')}` : '',
  ].filter(Boolean);
  return { apache: fromApache, ours: fromOurs, logs: logs.join('\n') };
}

/** A failure jest prints as its message alone: the difference line is the point, not a stack trace. */
function failure(message: string): Error {
  const error = new Error(message);
  error.stack = message;
  return error;
}

if (apacheMissing) {
  it('apache2 is installed', () => {
    throw failure(apacheMissing as string);
  });
} else {
  describe('cdn-include agrees with Apache 2.4 mod_include', () => {
    beforeAll(async () => {
      try {
        await startBoth();
      } catch (err) {
        setupError = (err as Error).message;
        process.stdout.write(`\nthe servers did not start:\n${setupError}\n`);
      }
    }, 60000);

    afterAll(async () => {
      try {
        await stopBoth();
      } finally {
        const keep = report.failed > 0 || setupError !== undefined;
        if (work && !keep) rmSync(work, { recursive: true, force: true });
        const kept =
          work && keep
            ? [`kept ${work} (Apache's error log: ${apache?.errorLog ?? join(work, 'apache', 'error.log')})`]
            : [];
        process.stdout.write(`\n${[...report.lines(), ...kept].join('\n')}\n`);
      }
    }, 30000);

    it.each(cases)('$name', async (entry) => {
      if (setupError)
        throw failure('the servers did not start: see the message printed before the list of cases');
      let observed;
      try {
        observed = await observe(entry);
      } catch (err) {
        const [first, ...details] = (err as Error).message.split('\n');
        const line = report.fail(`${entry.name}: request failed: ${first}`);
        throw failure([line, ...details].join('\n'));
      }
      const difference = describeDifference(entry.name, observed.apache, observed.ours);
      const problem = report.record(entry.name, difference);
      if (problem) throw failure(observed.logs ? `${problem}\n${observed.logs}` : problem);
    });
  });
}
