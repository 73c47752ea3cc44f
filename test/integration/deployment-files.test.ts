// The deployment files in the repository: the systemd unit passes `systemd-analyze verify` (CI installs systemd)
// and reloads with SIGHUP; the Dockerfile is linted by its structure (multi-stage, unprivileged, a HEALTHCHECK on
// the health endpoint, listening on every interface), since no Docker daemon runs where the tests do.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_SHUTDOWN_TIMEOUT } from '../../src/cli/operations-arguments';
import { compiledPackage } from '../support/compiled-cli';

jest.setTimeout(60_000);

const REPOSITORY = join(__dirname, '../..');
const UNIT = readFileSync(join(REPOSITORY, 'contrib/cdn-include.service'), 'utf8');
const DOCKERFILE = readFileSync(join(REPOSITORY, 'Dockerfile'), 'utf8');

/** The values of `key=` in a unit file. */
function unitValues(key: string): string[] {
  return [...UNIT.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((match) => match[1]);
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(): { keyword: string; argument: string }[] {
  return DOCKERFILE.replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.trim().split(/\s+/);
      return { keyword: keyword.toUpperCase(), argument: rest.join(' ') };
    });
}

describe('contrib/cdn-include.service', () => {
  it('systemd-analyze verify › no error and no warning (ExecStart pointed at this checkout’s compiled CLI)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cdn-include-unit-'));
    try {
      // verify checks that ExecStart's program exists: the installed path is replaced by this machine's node.
      const main = join(await compiledPackage(), 'cli/main.js');
      const unit = UNIT.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath} ${main}`);
      writeFileSync(join(folder, 'cdn-include.service'), unit);
      const { stdout, stderr } = await promisify(execFile)('systemd-analyze', [
        'verify',
        join(folder, 'cdn-include.service'),
      ]);
      expect(stdout + stderr).toBe('');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('reload is SIGHUP, the ledger is in StateDirectory, and the stop outlasts the drain', () => {
    expect(unitValues('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
    expect(unitValues('StateDirectory')).toEqual(['cdn-include']);
    expect(unitValues('ExecStart')[0]).toMatch(/cdn-include serve /);
    expect(Number(unitValues('TimeoutStopSec')[0]) * 1000).toBeGreaterThan(DEFAULT_SHUTDOWN_TIMEOUT);
    expect(unitValues('NoNewPrivileges')).toEqual(['yes']);
    expect(unitValues('ProtectSystem')).toEqual(['strict']);
  });
});

describe('Dockerfile (structure; npm run test:container builds and runs it)', () => {
  const steps = instructions();
  const stages = steps.filter((step) => step.keyword === 'FROM');
  const lastStage = steps.slice(steps.lastIndexOf(stages[stages.length - 1]));

  it('multi-stage › a named build stage whose output the runtime copies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0].argument).toMatch(/ AS build$/i);
    expect(
      lastStage.some((step) => step.keyword === 'COPY' && step.argument.startsWith('--from=build ')),
    ).toBe(true);
  });

  it('runs unprivileged › the last USER of the runtime stage is not root', () => {
    const users = lastStage.filter((step) => step.keyword === 'USER').map((step) => step.argument);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it('HEALTHCHECK › on /_cdn-include/health; HOST 0.0.0.0 and PORT from the environment', () => {
    const health = lastStage.filter((step) => step.keyword === 'HEALTHCHECK');
    expect(health).toHaveLength(1);
    expect(health[0].argument).toContain('/_cdn-include/health');
    const env = lastStage
      .filter((step) => step.keyword === 'ENV')
      .map((step) => step.argument)
      .join(' ');
    expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
    expect(env).toMatch(/\bPORT=\d+\b/);
    expect(env).toMatch(/\bSTATE_DIRECTORY=\//);
  });

  it('no ADD of a remote URL, and the command is serve', () => {
    expect(steps.filter((step) => step.keyword === 'ADD' && /https?:\/\//.test(step.argument))).toEqual([]);
    expect(lastStage.find((step) => step.keyword === 'CMD')?.argument).toMatch(/"serve"/);
  });
});
