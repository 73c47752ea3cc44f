// Asset-host assignment's promises: one host per asset everywhere (two processes agree), shares that follow the
// weights, and adding a fifth host to four moving only its share (about 20 %), where hash-mod-N moves about 80 %.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { assetHostFor, canonicalAssetPath, type AssetHost } from '../../../src/asset-hosts/asset-assignment';

const PATHS = Array.from({ length: 20_000 }, (_, index) => `/img/${index % 97}/photo-${index}.jpg`);
const FOUR: AssetHost[] = [1, 2, 3, 4].map((n) => ({ origin: `https://a${n}.example`, weight: 1 }));
const FIVE: AssetHost[] = [...FOUR, { origin: 'https://a5.example', weight: 1 }];

/** The share of paths whose host differs between two host lists. */
function movedShare(choose: (path: string, hosts: AssetHost[]) => string | undefined): number {
  const moved = PATHS.filter((path) => choose(path, FOUR) !== choose(path, FIVE)).length;
  return moved / PATHS.length;
}

/** The naive alternative: a hash of the path modulo the number of hosts. */
function hashModN(path: string, hosts: AssetHost[]): string {
  return hosts[createHash('sha256').update(path).digest().readUInt32BE(0) % hosts.length].origin;
}

describe('assetHostFor', () => {
  it('a fifth host added to four › about 20 % of 20,000 paths move, all to it; hash-mod-N moves over 70 %', () => {
    const rendezvous = movedShare((path, hosts) => assetHostFor(path, hosts)?.origin);
    expect(rendezvous).toBeGreaterThan(0.15);
    expect(rendezvous).toBeLessThan(0.25);
    for (const path of PATHS.slice(0, 2000)) {
      const after = assetHostFor(path, FIVE)?.origin;
      if (after !== 'https://a5.example') expect(after).toBe(assetHostFor(path, FOUR)?.origin);
    }
    expect(movedShare(hashModN)).toBeGreaterThan(0.7);
  });

  it('weights 1:2:1 › each host’s share of 20,000 paths within 2 points of its share of the weight', () => {
    const hosts: AssetHost[] = [
      { origin: 'https://a1.example', weight: 1 },
      { origin: 'https://a2.example', weight: 2 },
      { origin: 'https://a3.example', weight: 1 },
    ];
    const counts = new Map<string, number>();
    for (const path of PATHS) {
      const origin = assetHostFor(path, hosts)?.origin ?? '';
      counts.set(origin, (counts.get(origin) ?? 0) + 1);
    }
    expect(Math.abs((counts.get('https://a1.example') ?? 0) / PATHS.length - 0.25)).toBeLessThan(0.02);
    expect(Math.abs((counts.get('https://a2.example') ?? 0) / PATHS.length - 0.5)).toBeLessThan(0.02);
    expect(Math.abs((counts.get('https://a3.example') ?? 0) / PATHS.length - 0.25)).toBeLessThan(0.02);
  });

  it('the hosts listed in another order › the same host for every path', () => {
    const reversed = [...FIVE].reverse();
    for (const path of PATHS.slice(0, 1000))
      expect(assetHostFor(path, reversed)?.origin).toBe(assetHostFor(path, FIVE)?.origin);
  });

  it('two separate node processes › the same host for every path as this one', () => {
    const script = `
      const ts = require('typescript');
      const { readFileSync } = require('node:fs');
      require.extensions['.ts'] = (module, file) => module._compile(ts.transpileModule(readFileSync(file, 'utf8'),
        { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText, file);
      const { assetHostFor } = require(process.argv[1]);
      const hosts = JSON.parse(process.argv[2]);
      const paths = Array.from({ length: 3000 }, (_, index) => '/img/' + (index % 97) + '/photo-' + index + '.jpg');
      process.stdout.write(paths.map((path) => assetHostFor(path, hosts).origin).join('\\n'));`;
    const module = join(__dirname, '../../../src/asset-hosts/asset-assignment.ts');
    const run = () =>
      execFileSync(process.execPath, ['-e', script, module, JSON.stringify(FIVE)], {
        cwd: join(__dirname, '../../..'),
        timeout: 20_000,
      }).toString();
    const expected = PATHS.slice(0, 3000)
      .map((path) => assetHostFor(path, FIVE)?.origin)
      .join('\n');
    expect(run()).toBe(expected);
    expect(run()).toBe(expected);
  });

  it('a pinned path › its documented host (the hash is fixed: changing it would move every asset of a fleet)', () => {
    expect(assetHostFor('/img/logo.png', FOUR)?.origin).toBe('https://a3.example');
  });

  it('no host › none', () => {
    expect(assetHostFor('/img/a.png', [])).toBeUndefined();
  });
});

describe('canonicalAssetPath', () => {
  it.each([
    ['/img/../img/a.png', '/img/a.png'],
    ['/img/./a.png?v=2#x', '/img/a.png'],
    ['/img/a b.png', '/img/a%20b.png'],
    ['/img/%7Ea.png', '/img/%7Ea.png'],
  ])('%s › %s', (path, canonical) => {
    expect(canonicalAssetPath(path)).toBe(canonical);
  });
});
