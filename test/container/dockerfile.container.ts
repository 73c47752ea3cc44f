// The repository's Dockerfile, built as written by a real builder (buildah, Docker-format image so HEALTHCHECK is
// kept) from the repository as build context, then run: the image's configuration, what its runtime stage holds
// (no sources, no devDependencies), and the server it starts, its health check and its stop. The base image
// `node:22-bookworm-slim` is a local stand-in made by stand-in-base-image.sh where no registry is reachable.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { commandLineOf, descendantsOf } from '../support/process-tree';
import { freePort } from '../support/server-process';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPOSITORY = join(__dirname, '../..');
const STORAGE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cdn-include-buildah');
const BUILDAH = ['--root', STORAGE, '--runroot', join(STORAGE, 'run'), '--storage-driver', 'vfs'];
const IMAGE = 'localhost/cdn-include:container-test';

let container: string;

function buildah(args: string[], timeout = 300_000) {
  return run('buildah', [...BUILDAH, ...args], { timeout, maxBuffer: 64 * 1024 * 1024 });
}

/** Runs `command` in the container (its user and environment, the host's network), as `docker exec` would. */
function inContainer(command: string[], options: { env?: Record<string, string>; volume?: string } = {}) {
  const env = Object.entries(options.env ?? {}).flatMap(([name, value]) => ['--env', `${name}=${value}`]);
  const volume = options.volume ? ['--volume', options.volume] : [];
  return ['run', '--isolation', 'chroot', ...env, ...volume, container, '--', ...command];
}

/** The server started by `buildah run` (process `pid`): the node process below it, the container's first. */
function serverProcess(pid: number): number | undefined {
  return descendantsOf(pid).find((each) => {
    const argv = commandLineOf(each);
    return argv[0].endsWith('/node') && argv[1] === '/app/dist/cli/main.js';
  });
}

interface DockerConfig {
  User: string;
  Env: string[];
  Entrypoint: string[];
  Cmd: string[];
  ExposedPorts: Record<string, unknown>;
  Healthcheck: { Test: string[] };
  StopSignal: string;
  Volumes: Record<string, unknown>;
}
let config: DockerConfig;

beforeAll(async () => {
  await run(join(__dirname, 'stand-in-base-image.sh'), [STORAGE], { timeout: 600_000 });
  await buildah(
    ['bud', '--pull-never', '--isolation', 'chroot', '--format', 'docker', '-t', IMAGE, REPOSITORY],
    600_000,
  );
  const inspected = JSON.parse((await buildah(['inspect', '--type', 'image', IMAGE])).stdout) as {
    Docker: { config: DockerConfig };
  };
  config = inspected.Docker.config;
  container = (await buildah(['from', '--pull-never', IMAGE])).stdout.trim();
});

afterAll(async () => {
  if (container) await buildah(['rm', container]);
  await buildah(['rmi', IMAGE]).catch(() => undefined);
});

describe('the image the Dockerfile builds', () => {
  it('configuration › runs as node, serves /srv/site on 0.0.0.0:$PORT, checks its health, stops with SIGTERM', () => {
    expect(config.User).toBe('node');
    expect(config.Entrypoint).toEqual(['node', '/app/dist/cli/main.js']);
    expect(config.Cmd).toEqual(['serve', '/srv/site']);
    expect(config.Env).toEqual(expect.arrayContaining(['HOST=0.0.0.0', 'PORT=8080', 'NODE_ENV=production']));
    expect(Object.keys(config.ExposedPorts)).toEqual(['8080/tcp']);
    expect(config.Healthcheck.Test.join(' ')).toContain('/_cdn-include/health');
    expect(config.StopSignal).toBe('SIGTERM');
    expect(Object.keys(config.Volumes)).toEqual(['/var/lib/cdn-include']);
  });

  it('runtime stage › the compiled server and every runtime dependency; no sources, no devDependency', async () => {
    const manifest = JSON.parse(readFileSync(join(REPOSITORY, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    // npm installs peer dependencies too (koa).
    const runtime = [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)];
    const names = [...new Set([...runtime, ...Object.keys(manifest.devDependencies)])];
    // One line per entry of /app, then one per package installed (npm prune leaves empty scope folders behind).
    const script =
      'ls /app; for name in "$@"; do test -e "/app/node_modules/$name/package.json" && echo "installed $name"; done; ' +
      'test -w /var/lib/cdn-include && echo state-writable; true';
    const lines = (await buildah(inContainer(['sh', '-c', script, 'list', ...names]))).stdout.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining(['dist', 'node_modules', 'package.json', 'site', 'state-writable']),
    );
    expect(lines).not.toContain('src');
    const installed = lines.filter((line) => line.startsWith('installed ')).map((line) => line.slice(10));
    expect(installed.sort()).toEqual([...new Set(runtime)].sort());
    expect((await buildah(inContainer(['id', '-u']))).stdout.trim()).toBe('1000');
  });

  it('running › the page expanded with a strong ETag, the HEALTHCHECK command passes, SIGTERM exits 0', async () => {
    const site = mkdtempSync(join(tmpdir(), 'cdn-include-container-site-'));
    // The server runs as uid 1000: a site mounted into the container must be readable by it (mkdtemp makes 0700).
    chmodSync(site, 0o755);
    writeFileSync(
      join(site, 'index.shtml'),
      '<!--#set var="who" value="container" --><p><!--#echo var="who" --></p>\n',
    );
    const port = String(await freePort());
    // HOST stays the image's 0.0.0.0; the port is a free one, as `docker run -e PORT` would set it.
    const serving: ChildProcess = spawn(
      'buildah',
      [
        ...BUILDAH,
        ...inContainer([...config.Entrypoint, ...config.Cmd], {
          env: { PORT: port },
          volume: `${site}:/srv/site:ro`,
        }),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output: string[] = [];
    serving.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    serving.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => serving.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!output.join('').includes('cdn-include serving /srv/site at http://0.0.0.0:')) {
        if (Date.now() > deadline) throw new Error(`no start: ${output.join('')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect({ status: response.status, body: await response.text() }).toEqual({
        status: 200,
        body: '<p>container</p>\n',
      });
      expect(response.headers.get('etag')).toMatch(/^"[^"]+"$/);
      const [kind, ...check] = config.Healthcheck.Test;
      expect(kind).toBe('CMD');
      await expect(buildah(inContainer(check, { env: { PORT: port } }))).resolves.toBeDefined();
      // `docker stop` sends the image's STOPSIGNAL to the server, the container's first process.
      const server = serverProcess(serving.pid as number);
      expect(server).toBeDefined();
      process.kill(server as number, 'SIGTERM');
      expect(await exited).toBe(0);
      expect(output.join('')).toContain('SIGTERM received, stopping');
    } finally {
      // buildah does not pass its own SIGKILL on: the server inside is killed first.
      for (const pid of descendantsOf(serving.pid as number)) process.kill(pid, 'SIGKILL');
      serving.kill('SIGKILL');
      rmSync(site, { recursive: true, force: true });
    }
  });
});
