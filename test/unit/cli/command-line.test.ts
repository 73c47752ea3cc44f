// The CLI frame without a process: dispatch, --help/--version, and the pure argument parsers of serve/build.

import path from 'node:path';
import { parseBuildArguments } from '../../../src/cli/build-command';
import { COMMANDS } from '../../../src/cli/main';
import type * as Main from '../../../src/cli/main';
import { DEMO_SITE_ROOT, readPackageVersion } from '../../../src/cli/package-paths';
import { parseServeArguments } from '../../../src/cli/serve-command';
import { runCliOnce, type CliOutcome } from '../../support/running-cli';

const run = (argv: string[]): Promise<CliOutcome> => runCliOnce(argv, { cwd: '/srv', env: {} });

describe('runCli', () => {
  it('when asked for --help › lists every command, exit 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    for (const command of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${command.name} +\\S`, 'm'));
  });

  it.each(COMMANDS.map((command) => [command.name]))(
    'when asked for %s --help › its help on stdout, exit 0',
    async (name) => {
      const result = await run([name, '--help']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(new RegExp(`^Usage: cdn-include ${name} `));
      expect(result.stdout.endsWith('\n')).toBe(true);
    },
  );

  it('when asked for --version › the version in package.json', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `${readPackageVersion()}\n`, stderr: '' });
    expect(readPackageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    [[], 'cdn-include: missing command (see cdn-include --help)\n'],
    [['frob'], "cdn-include: unknown command 'frob' (see cdn-include --help)\n"],
    [['--port', '80'], "cdn-include: unknown option '--port' (see cdn-include --help)\n"],
    [['serve', '--bogus'], "cdn-include serve: unknown option '--bogus' (see cdn-include serve --help)\n"],
    [
      ['serve', '--legacy-expr=yes'],
      "cdn-include serve: option '--legacy-expr' takes no value (see cdn-include serve --help)\n",
    ],
    [
      ['serve', '--port'],
      "cdn-include serve: option '--port' needs a value (see cdn-include serve --help)\n",
    ],
    [
      ['serve', '/no/such/folder'],
      "cdn-include serve: ROOT folder '/no/such/folder' does not exist (see cdn-include serve --help)\n",
    ],
    [['build'], "cdn-include build: missing required option '--out DIR' (see cdn-include build --help)\n"],
  ])('when the command line is %j › one usage line, exit 2', async (argv, line) => {
    expect(await run(argv)).toEqual({ code: 2, stdout: '', stderr: line });
  });

  it('when serve gets a ROOT that does not exist › one line on stderr, exit 2', async () => {
    const result = await run(['serve', '/no/such/folder']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('parseServeArguments', () => {
  it('when given nothing › the demo site of the package and the defaults', () => {
    expect(parseServeArguments([], '/srv')).toEqual({
      kind: 'run',
      options: {
        root: DEMO_SITE_ROOT,
        port: 8080,
        host: '127.0.0.1',
        ssiExtensions: undefined,
        legacyExpr: false,
        config: undefined,
        cacheControl: undefined,
        gitTimes: false,
      },
    });
    expect(path.basename(DEMO_SITE_ROOT)).toBe('site');
  });

  it('when given every option › resolves ROOT against cwd and normalizes the values', () => {
    const args = ['public', '--port=0', '--host', '[::1]', '--ssi-ext', 'shtml', '--ssi-ext', '.html'];
    args.push('--legacy-expr', '--cache-control', ' public, s-maxage=60 ');
    expect(parseServeArguments(args, '/srv')).toEqual({
      kind: 'run',
      options: {
        root: '/srv/public',
        port: 0,
        host: '::1',
        ssiExtensions: ['.shtml', '.html'],
        legacyExpr: true,
        config: undefined,
        cacheControl: 'public, s-maxage=60',
        gitTimes: false,
      },
    });
  });

  it.each([
    [['--port', '-1'], "option '--port' needs a value"],
    [['--port', '65536'], "option '--port' needs a whole number from 0 to 65535, not '65536'"],
    [['--port', '8o'], "option '--port' needs a whole number from 0 to 65535, not '8o'"],
    [['--ssi-ext', 'a b'], "option '--ssi-ext' needs a file extension such as '.shtml', not 'a b'"],
    [
      ['--cache-control', 'a\r\nSet-Cookie: x'],
      "option '--cache-control' needs a header value such as 'public, max-age=0'",
    ],
    [['--host', 'a b'], "option '--host' needs an address, not 'a b'"],
    [['a', 'b'], "unexpected extra argument 'b' after ROOT"],
  ])('when given %j › usage error', (args, message) => {
    expect(parseServeArguments(args, '/srv')).toEqual({ kind: 'usage-error', message });
  });

  it('when given -h among other arguments › a help request', () => {
    expect(parseServeArguments(['site', '-h'], '/srv')).toEqual({ kind: 'help' });
  });
});

describe('parseBuildArguments', () => {
  it('when given ROOT and --out › both resolved against cwd', () => {
    expect(parseBuildArguments(['site', '-o', 'out'], '/srv')).toEqual({
      kind: 'run',
      options: {
        root: '/srv/site',
        out: '/srv/out',
        ssiExtensions: undefined,
        legacyExpr: false,
        config: undefined,
        gitTimes: false,
        nginxDigests: false,
      },
    });
  });

  it('when given --nginx-digests › asks for the nginx include', () => {
    expect(parseBuildArguments(['site', '-o', 'out', '--nginx-digests'], '/srv')).toMatchObject({
      kind: 'run',
      options: { nginxDigests: true },
    });
  });

  it.each([
    [['site', '--out', 'site'], "option '--out' must not be ROOT or a folder containing it ('/srv/site')"],
    [
      ['site/docs', '--out', 'site'],
      "option '--out' must not be ROOT or a folder containing it ('/srv/site')",
    ],
  ])('when given %j › usage error', (args, message) => {
    expect(parseBuildArguments(args, '/srv')).toEqual({ kind: 'usage-error', message });
  });

  it('when --out lies inside ROOT › accepted', () => {
    expect(parseBuildArguments(['site', '--out', 'site/_build'], '/srv')).toMatchObject({ kind: 'run' });
  });
});

describe('command loading', () => {
  const commandModules = ['serve-command', 'build-command', 'check-command', 'tag-command'];

  /** Runs the CLI from a fresh module registry where loading any command module but `allowed` throws. */
  async function runWithOnly(allowed: string | undefined, argv: string[]): Promise<number> {
    let runCli: typeof Main.runCli = async () => -1;
    jest.isolateModules(() => {
      for (const name of commandModules.filter((module) => module !== allowed)) {
        jest.doMock(`../../../src/cli/${name}`, () => {
          throw new Error(`${name} was loaded`);
        });
      }
      ({ runCli } = jest.requireActual<typeof Main>('../../../src/cli/main'));
    });
    const io = {
      stdout: () => undefined,
      stderr: () => undefined,
      env: {},
      cwd: '/srv',
      stopSignal: new Promise<string>(() => undefined),
    };
    return runCli(argv, io);
  }

  afterEach(() => {
    for (const name of commandModules) jest.dontMock(`../../../src/cli/${name}`);
  });

  it('--help and --version › no command module loaded', async () => {
    expect(await runWithOnly(undefined, ['--help'])).toBe(0);
    expect(await runWithOnly(undefined, ['--version'])).toBe(0);
  });

  it('build --help › only the build command loaded (serve, with Koa and the Redis client, is not)', async () => {
    expect(await runWithOnly('build-command', ['build', '--help'])).toBe(0);
    await expect(runWithOnly('build-command', ['serve', '--help'])).rejects.toThrow(
      'serve-command was loaded',
    );
  });
});
