// The package as a user installs it: the compiled build in node_modules/cdn-include beside the real package.json,
// loaded by Node's own require() and import(). The "exports" map opens three entries (cdn-include,
// cdn-include/check, cdn-include/purge) and package.json; every other path, dist/ included, is closed.
// (TypeScript's resolution of the same entries: test/unit/architecture/public-api.test.ts.)

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { compiledPackage } from '../support/compiled-cli';
import { PACKAGE_ENTRIES, type PackageEntry, runtimeNames } from '../support/package-entries';

jest.setTimeout(60_000);

const REPOSITORY = join(__dirname, '../..');

/**
 * Loads each specifier with require() and with import(), and prints the names each gives or the error code. Left
 * out: the interop names, not the package's: `__esModule`, `default`, and `module.exports`, which Node 23 and later
 * add to the namespace import() gives of a CommonJS module.
 */
const PROBE = `
const INTEROP = new Set(['__esModule', 'default', 'module.exports']);
const names = (module) => Object.keys(module).filter((name) => !INTEROP.has(name)).sort();
const outcome = async (load) => {
  try {
    return names(await load());
  } catch (err) {
    return err.code ?? String(err);
  }
};
(async () => {
  const result = {};
  for (const specifier of process.argv.slice(2)) {
    result[specifier] = {
      require: await outcome(() => require(specifier)),
      import: await outcome(() => import(specifier)),
    };
  }
  process.stdout.write(JSON.stringify(result));
})();
`;

type Outcome = string[] | string;

let outDir: string;
let consumer: string;

beforeAll(async () => {
  outDir = await compiledPackage();
  consumer = mkdtempSync(join(tmpdir(), 'cdn-include-consumer-'));
  const installed = join(consumer, 'node_modules', 'cdn-include');
  mkdirSync(installed, { recursive: true });
  symlinkSync(join(REPOSITORY, 'package.json'), join(installed, 'package.json'));
  symlinkSync(outDir, join(installed, 'dist'), 'dir');
  writeFileSync(join(consumer, 'probe.cjs'), PROBE);
});

afterAll(() => {
  rmSync(consumer, { recursive: true, force: true });
});

/** What require() and import() give for each specifier, from a script in the consumer's folder. */
function load(...specifiers: string[]): Record<string, { require: Outcome; import: Outcome }> {
  const output = execFileSync(process.execPath, ['probe.cjs', ...specifiers], {
    cwd: consumer,
    encoding: 'utf8',
  });
  return JSON.parse(output) as Record<string, { require: Outcome; import: Outcome }>;
}

const entries = Object.keys(PACKAGE_ENTRIES) as PackageEntry[];

describe('the installed package', () => {
  it('each entry › require() and import() give exactly its public names', () => {
    const loaded = load(...entries);
    for (const entry of entries) {
      const expected = runtimeNames(entry);
      expect(expected.length).toBeGreaterThan(0);
      expect({ entry, ...loaded[entry] }).toEqual({ entry, require: expected, import: expected });
    }
  });

  it('a deep import into dist/ or an unlisted subpath › refused by Node (ERR_PACKAGE_PATH_NOT_EXPORTED)', () => {
    const closed = [
      'cdn-include/dist/index.js',
      'cdn-include/dist/server/preconditions.js',
      'cdn-include/dist/check/index.js',
      'cdn-include/server',
      'cdn-include/engine/render',
    ];
    const loaded = load(...closed);
    for (const specifier of closed) {
      expect({ specifier, ...loaded[specifier] }).toEqual({
        specifier,
        require: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
        import: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      });
    }
  });

  it('package.json › readable, for tools that look up the version', () => {
    expect(load('cdn-include/package.json')['cdn-include/package.json'].require).toEqual(
      expect.arrayContaining(['name', 'version', 'exports']),
    );
  });

  it('the compiled build › holds only what src/ compiles to (no test doubles, no tests)', () => {
    const compiled = (folder: string): string[] =>
      readdirSync(folder, { withFileTypes: true }).flatMap((item) =>
        item.isDirectory() ? compiled(join(folder, item.name)) : [relative(outDir, join(folder, item.name))],
      );
    const files = compiled(outDir);
    expect(files).toContain('index.js');
    const strays = files.filter(
      (file) => /(^|\/)(memory-site|memory-output-fs)\./.test(file) || /^(test|bench)\//.test(file),
    );
    expect(strays).toEqual([]);
  });
});
