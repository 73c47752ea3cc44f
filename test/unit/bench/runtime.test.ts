// The benchmarks name the Node they ran on, and say so when package.json's engines do not support it.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeNode, nodeRuntime, supportedNodeMajor } from '../../../bench/runtime';

describe('supportedNodeMajor', () => {
  it("this package's engines › the lowest major they accept", () => {
    const stated = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { engines: { node: string } })
      .engines;
    expect(`>=${supportedNodeMajor()}`).toBe(stated.node.replace(/\s+/g, ''));
  });

  it('a package without engines › undefined', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cdn-include-runtime-'));
    try {
      const file = path.join(folder, 'package.json');
      fs.writeFileSync(file, '{"name":"x"}');
      expect(supportedNodeMajor(file)).toBeUndefined();
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('describeNode', () => {
  it('a supported Node › its version alone', () => {
    expect(describeNode('v24.21.0', 22)).toBe('v24.21.0');
    expect(describeNode('v22.0.0', 22)).toBe('v22.0.0');
  });

  it('an older Node › its version with the warning', () => {
    expect(describeNode('v20.20.2', 22)).toBe(
      "v20.20.2 (below the package's engines, Node >= 22: not a supported runtime)",
    );
  });

  it('no engines stated › the version alone', () => {
    expect(describeNode('v18.0.0', undefined)).toBe('v18.0.0');
  });
});

describe('nodeRuntime', () => {
  it('this process › its own version first', () => {
    expect(nodeRuntime().startsWith(process.version)).toBe(true);
  });
});
