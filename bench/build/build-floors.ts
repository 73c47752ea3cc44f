// What a one-shot build cannot go below on this machine, measured beside the builds: starting Node and loading the
// build command, reading the manifest, one stat per source file (together, the least a rebuild that finds nothing
// changed must do), and writing the pages' files into a fresh folder or over the files already there (what a
// cold build and a rebuild of every page each pay the file system). Each is a fresh process, as a build is.

import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { median } from '../median';
import { describeFileSystem, type FileSystemFacts, fileSystemFacts } from './file-system-facts';
import { timeCommand } from './timed-command';

/** The manifest a build writes into its output folder (README "Static builds"). */
const MANIFEST_FILE = '.cdn-include-manifest.json';
/** Runs of each timing; the median counts. */
const RUNS = 3;

/** The floors, in ms. */
export interface BuildFloors {
  /** `cdn-include build --help`: Node started and the build command loaded, nothing built. */
  startMs: number;
  manifestBytes: number;
  manifestMs: number;
  sourceFiles: number;
  statsMs: number;
  /** Pages written, and their mean size. */
  files: number;
  fileBytes: number;
  createMs: number;
  replaceMs: number;
  /** The output folder's file system, which decides what creating and replacing files cost. */
  fileSystem: FileSystemFacts | undefined;
}

/** Measures the floors of cdn-include's build of `source` into `out` (a built output with its manifest). */
export async function measureBuildFloors(cli: string, source: string, out: string): Promise<BuildFloors> {
  const manifestFile = join(out, MANIFEST_FILE);
  const text = readFileSync(manifestFile, 'utf8');
  const pages = Object.values((JSON.parse(text) as { pages: Record<string, PageSize> }).pages);
  const fileBytes = Math.round(pages.reduce((sum, page) => sum + page.output.size, 0) / pages.length);
  const starts: number[] = [];
  const manifests: number[] = [];
  const stats: Array<{ files: number; ms: number }> = [];
  const creates: number[] = [];
  const replaces: number[] = [];
  // Beside the output (the same file system). All are created before any is replaced or removed: on ext4 without a
  // journal, files freed within the last minute slow every file created after them (file-system-facts.ts).
  const folders: string[] = [];
  const writeProbe = async (what: 'create' | 'replace', folder: string): Promise<number> =>
    (await probe<{ ms: number }>([what, folder, String(pages.length), String(fileBytes)], out)).ms;
  try {
    for (let run = 0; run < RUNS; run++) {
      starts.push((await timeCommand(process.execPath, [cli, 'build', '--help'], out)).milliseconds);
      manifests.push((await probe<{ ms: number }>(['manifest', manifestFile], out)).ms);
      stats.push(await probe(['stats', source, manifestFile], out));
      folders.push(mkdtempSync(join(out, '..', 'floor-files-')));
      creates.push(await writeProbe('create', folders[run]!));
    }
    for (const folder of folders) replaces.push(await writeProbe('replace', folder));
  } finally {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  }
  return {
    startMs: median(starts),
    manifestBytes: Buffer.byteLength(text),
    manifestMs: median(manifests),
    sourceFiles: stats[0]?.files ?? 0,
    statsMs: median(stats.map((each) => each.ms)),
    files: pages.length,
    fileBytes,
    createMs: median(creates),
    replaceMs: median(replaces),
    fileSystem: fileSystemFacts(realpathSync(out)),
  };
}

/** The least a rebuild that finds nothing changed must spend: start, manifest, one stat per source file. */
export function noChangeFloorMs(floors: BuildFloors): number {
  return floors.startMs + floors.manifestMs + floors.statsMs;
}

/**
 * What a rebuild of every page should take given our cold build: all a cold build does, with the manifest read and
 * each source stat'd besides, and each file written over the old one instead of into an empty folder.
 */
export function everyPageRebuildEstimateMs(floors: BuildFloors, coldMs: number): number {
  return coldMs + floors.manifestMs + floors.statsMs + (floors.replaceMs - floors.createMs);
}

/** The report's section on the floors; `coldMs` is our best cold build of the same site. */
export function formatFloors(floors: BuildFloors, coldMs: number): string {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const floor = noChangeFloorMs(floors);
  const everyPage = everyPageRebuildEstimateMs(floors, coldMs);
  const parts: Array<[string, number]> = [
    ['start: Node started and the build command loaded (build --help)', floors.startMs],
    [`reading and parsing the manifest (${(floors.manifestBytes / 1e6).toFixed(1)} MB)`, floors.manifestMs],
    [`one stat per source file (${floors.sourceFiles} files)`, floors.statsMs],
  ];
  const width = Math.max(...parts.map(([label]) => label.length));
  return [
    `== Floors on this machine (median of ${RUNS} fresh processes each): what the rows above cannot go below`,
    ...parts.map(([label, ms]) => `   ${label.padEnd(width)}  ${seconds(ms)}`),
    `   → a rebuild that finds nothing changed takes at least ${seconds(floor)}, ` +
      `${(floor / coldMs).toFixed(2)}× our cold build (${seconds(coldMs)})`,
    `   ${floors.files} files of ${floors.fileBytes} bytes written as pages are (a temporary file, then a rename), ` +
      'one thread:',
    `   into a fresh folder ${seconds(floors.createMs)}, over the files already there (flushed to the disk first) ` +
      `${seconds(floors.replaceMs)} (${(floors.replaceMs / floors.createMs).toFixed(2)}×)`,
    `   the output's file system: ${describeFileSystem(floors.fileSystem)}`,
    `   → a rebuild of every page (the cold build, the manifest and the stats, every file replaced, not created): ` +
      `about ${seconds(everyPage)}, ${(everyPage / coldMs).toFixed(2)}× our cold build`,
  ].join('\n');
}

interface PageSize {
  output: { size: number };
}

function probeScript(): string {
  return join(__dirname, 'floor-probe.js');
}

async function probe<T>(args: string[], cwd: string): Promise<T> {
  const { stdoutTail } = await timeCommand(process.execPath, [probeScript(), ...args], cwd);
  return JSON.parse(stdoutTail) as T;
}
