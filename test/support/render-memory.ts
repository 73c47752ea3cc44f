// Test helper: renders a page from an in-memory docroot and returns its body as a ByteString.

import { type MemoryFile, MemoryFileSource } from '../../src/engine/memory-file-source';
import { renderPage, type RenderResult } from '../../src/engine/render';
import { type RenderOptions } from '../../src/engine/render-options';
import { type RenderRequest } from '../../src/engine/render-request';

export type OkResult = Extract<RenderResult, { status: 'ok' }>;

/** Renders `path` from `files` (strings are written as latin1 bytes, so byte values survive). */
export async function renderFiles(
  files: Record<string, string | MemoryFile>,
  request: Partial<RenderRequest> & { path: string },
  options: Partial<RenderOptions> = {},
): Promise<OkResult & { text: string; source: MemoryFileSource }> {
  const source = new MemoryFileSource();
  for (const [path, file] of Object.entries(files)) {
    if (typeof file === 'string') source.write(path, Buffer.from(file, 'latin1'), 1_000_000);
    else source.write(path, file.content, file.mtimeMs ?? 0);
  }
  const result = await renderPage(
    { time: Date.UTC(2025, 2, 4, 10, 15, 30), ...request },
    { ...options, source },
  );
  if (result.status !== 'ok') throw new Error(`render of ${request.path} gave ${result.status}`);
  return { ...result, text: result.body.toString('latin1'), source };
}

/** Renders a single page `/d/p.shtml` (plus optional other files) and returns its text. */
export async function renderOne(
  page: string,
  files: Record<string, string> = {},
  request: Partial<RenderRequest> = {},
  options: Partial<RenderOptions> = {},
): Promise<string> {
  const result = await renderFiles(
    { '/d/p.shtml': page, ...files },
    { path: '/d/p.shtml', ...request },
    options,
  );
  return result.text;
}

export const ERR = '[an error occurred while processing this directive]';
