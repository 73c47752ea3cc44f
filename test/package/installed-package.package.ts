// The packed tarball installed as users install it: into a scratch ES module project (Koa 3, whose types come only
// through the package's own dependencies) and a scratch CommonJS project (Koa 2 and its types, the other end of the
// peer range). Each imports `ssi` and `cdn-include/check`, serves the demo site from a Koa app on port 0, fetches the
// home page and runs the revalidation check against it, and type-checks a consumer file and every declaration it
// reaches (no skipLibCheck) with only what the install brought.

import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packTarball, REPOSITORY, type PackedTarball } from './packed-tarball';
import { createScratchProject } from './scratch-project';

const run = promisify(execFile);
const TSC = join(REPOSITORY, 'node_modules/typescript/bin/tsc');

/** Serves the demo site, fetches `/`, checks its revalidation, and prints what it saw as one JSON line. */
const SERVE_AND_FETCH = `
  const app = new Koa();
  app.use(ssi({ root }));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = 'http://127.0.0.1:' + server.address().port + '/';
  const response = await fetch(url);
  const body = await response.text();
  const check = await checkRevalidation(url);
  server.close();
  server.closeAllConnections();
  process.stdout.write(JSON.stringify({
    status: response.status,
    etag: response.headers.get('etag'),
    title: /<title>(.*)<\\/title>/.exec(body)?.[1],
    directivesLeft: body.includes('<!--#'),
    check: { ok: check.ok, problems: check.problems.map((problem) => problem.code) },
  }));
`;

const ESM_APP = `import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import { ssi } from 'cdn-include';
import { checkRevalidation } from 'cdn-include/check';

const root = join(dirname(fileURLToPath(import.meta.resolve('cdn-include/package.json'))), 'site');
${SERVE_AND_FETCH}`;

const COMMONJS_APP = `const { once } = require('node:events');
const { dirname, join } = require('node:path');
const Koa = require('koa');
const { ssi } = require('cdn-include');
const { checkRevalidation } = require('cdn-include/check');

const root = join(dirname(require.resolve('cdn-include/package.json')), 'site');
(async () => {
${SERVE_AND_FETCH}
})();
`;

/** A TypeScript user's file: it compiles only if ssi() and checkRevalidation() carry their real types. */
const CONSUMER = `import Koa from 'koa';
import { ssi, type SsiMiddleware } from 'cdn-include';
import { checkRevalidation, type RevalidationCheckResult } from 'cdn-include/check';
import { PurgeQueue } from 'cdn-include/purge';

const app = new Koa();
const middleware: SsiMiddleware = ssi({ root: 'site', cacheControl: 'public, max-age=0' });
const asKoaMiddleware: Koa.Middleware = middleware;
app.use(asKoaMiddleware);
// Were Koa's types missing (ssi() typed \`any\` under skipLibCheck), these would compile and the directives fail.
// @ts-expect-error a middleware is not a number
export const notANumber: number = middleware;
// @ts-expect-error ssiExtensions is a list of extensions
ssi({ root: 'site', ssiExtensions: 7 });
export const checked: Promise<RevalidationCheckResult> = checkRevalidation('http://127.0.0.1/');
export const queue: typeof PurgeQueue = PurgeQueue;
`;

/**
 * Each project's tsconfig.json: what an ESM and a CommonJS TypeScript user would set, with the declarations in
 * node_modules checked too, so a type the package's declarations import but the install lacks is an error.
 */
const TSCONFIG = (module: 'nodenext' | 'node16'): string =>
  JSON.stringify({
    compilerOptions: {
      module,
      moduleResolution: module,
      target: 'es2022',
      strict: true,
      noEmit: true,
      esModuleInterop: true,
      skipLibCheck: false,
    },
    files: ['consumer.ts'],
  });

const PROJECTS = [
  { type: 'module', koa: '3', packages: ['koa@^3'], app: ESM_APP, module: 'nodenext' },
  { type: 'commonjs', koa: '2', packages: ['koa@^2', '@types/koa@^2'], app: COMMONJS_APP, module: 'node16' },
] as const;

let packed: PackedTarball;
const folders = new Map<string, string>();

beforeAll(async () => {
  packed = await packTarball();
  const created = await Promise.all(
    PROJECTS.map((project) =>
      createScratchProject(packed.tarball, {
        type: project.type,
        packages: [...project.packages],
        files: { 'app.js': project.app, 'consumer.ts': CONSUMER, 'tsconfig.json': TSCONFIG(project.module) },
      }),
    ),
  );
  PROJECTS.forEach((project, index) => folders.set(project.type, created[index]));
});

afterAll(() => {
  for (const folder of [packed?.folder, ...folders.values()])
    if (folder) rmSync(folder, { recursive: true, force: true });
});

describe.each(PROJECTS)('the tarball installed in a $type project (Koa $koa)', (project) => {
  const folder = (): string => folders.get(project.type) ?? '';

  it('koa and its types › the major version of the peer range the project asked for', () => {
    const major = (name: string): string => {
      const manifest = readFileSync(join(folder(), 'node_modules', name, 'package.json'), 'utf8');
      return (JSON.parse(manifest) as { version: string }).version.split('.')[0];
    };
    expect({ koa: major('koa'), types: major('@types/koa') }).toEqual({
      koa: project.koa,
      types: project.koa,
    });
  });

  it('ssi() in a Koa app on port 0 › the demo home page, 200 with an ETag, and a clean revalidation check', async () => {
    const { stdout } = await run(process.execPath, ['app.js'], { cwd: folder(), timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({
      status: 200,
      etag: expect.stringMatching(/^"[^"]+"$/),
      title: 'Welcome · Café Lindenblüte',
      directivesLeft: false,
      check: { ok: true, problems: [] },
    });
  });

  it('a TypeScript consumer › type-checks against the installed declarations (ssi() is not `any`)', async () => {
    const result = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: folder() }).catch(
      (err: { stdout: string }) => ({ stdout: err.stdout }),
    );
    expect(result.stdout).toBe('');
  });
});
