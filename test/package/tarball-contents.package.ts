// What `npm pack` ships: the licence, source maps that lead somewhere (or none), and declarations whose imports a
// user's install provides (dependencies and peers, not devDependencies).

import { readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';
import { packTarball, REPOSITORY, type PackedTarball } from './packed-tarball';

interface Manifest {
  license: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
}

let packed: PackedTarball;
let manifest: Manifest;

beforeAll(async () => {
  packed = await packTarball();
  manifest = JSON.parse(readFileSync(join(packed.unpacked, 'package.json'), 'utf8')) as Manifest;
});

afterAll(() => {
  rmSync(packed.folder, { recursive: true, force: true });
});

/** A shipped file's text. */
const text = (path: string): string => readFileSync(join(packed.unpacked, path), 'utf8');

/** The package a bare specifier names: `koa`, `@types/koa`, `node:fs` (kept whole). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The bare specifiers a declaration file imports, comments (TSDoc examples) left out. */
function importedPackages(declarations: string): string[] {
  const code = declarations.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specifiers = [
    ...code.matchAll(/\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)|\brequire\(\s*'([^']+)'\s*\)/g),
  ]
    .map((match) => match[1] ?? match[2] ?? match[3])
    .filter((specifier) => !specifier.startsWith('.'));
  return specifiers.map(packageOf);
}

/** Whether a package brings its own declarations (`types`/`typings`, or a `types` condition in its exports). */
function shipsOwnTypes(name: string): boolean {
  const installed = JSON.parse(
    readFileSync(join(REPOSITORY, 'node_modules', name, 'package.json'), 'utf8'),
  ) as {
    types?: string;
    typings?: string;
    exports?: unknown;
  };
  return (
    Boolean(installed.types ?? installed.typings) ||
    JSON.stringify(installed.exports ?? {}).includes('"types"')
  );
}

describe('the packed tarball', () => {
  it('LICENSE › ships, the MIT licence package.json names, with its copyright line', () => {
    expect(packed.files).toContain('LICENSE');
    expect(manifest.license).toBe('MIT');
    expect(text('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the cdn-include authors\n/);
  });

  it('source maps › every map and every source a map names is inside the package', () => {
    const shipped = new Set(packed.files);
    const dangling: string[] = [];
    for (const file of packed.files.filter((path) => path.endsWith('.js'))) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text(file))?.[1];
      if (url && !url.startsWith('data:')) {
        const map = posix.join(posix.dirname(file), url);
        if (!shipped.has(map)) dangling.push(`${file} → ${map}`);
      }
    }
    for (const map of packed.files.filter((path) => path.endsWith('.map'))) {
      const { sources, sourceRoot = '' } = JSON.parse(text(map)) as {
        sources: string[];
        sourceRoot?: string;
      };
      for (const source of sources) {
        const resolved = posix.join(posix.dirname(map), sourceRoot, source);
        if (!shipped.has(resolved)) dangling.push(`${map} → ${resolved}`);
      }
    }
    expect(dangling).toEqual([]);
  });

  it('declarations › every package they import is a dependency or a peer, and its types a dependency', () => {
    const builtins = new Set(builtinModules);
    const missing = new Set<string>();
    const imported = new Set<string>();
    for (const file of packed.files.filter((path) => path.endsWith('.d.ts'))) {
      for (const name of importedPackages(text(file))) {
        imported.add(name);
        const where = `${name} (${file})`;
        if (name.startsWith('node:') || builtins.has(name)) {
          if (!manifest.dependencies['@types/node']) missing.add(`@types/node for ${where}`);
          continue;
        }
        if (!manifest.dependencies[name] && !manifest.peerDependencies[name]) missing.add(where);
        if (!shipsOwnTypes(name) && !manifest.dependencies[`@types/${name}`]) missing.add(`@types/${where}`);
      }
    }
    expect(imported).toContain('koa');
    expect([...missing]).toEqual([]);
  });
});
