// Writes the build's own files into its output after the site: the digest manifest and, when asked, the nginx
// include made from it. Each is rewritten only when its bytes change, with a later mtime than the one it replaces.

import { floorToSecond } from '../engine/validators';
import { type BuildWarning } from './build-report';
import { DIGEST_MANIFEST_PATH, digestManifestText, type FileDigest } from './digest-manifest';
import { type Manifest } from './manifest';
import { NGINX_DIGESTS_PATH, nginxDigestMap } from './nginx-digest-map';
import { type OutputFs } from './output-fs';

/** What publishDigests needs besides the build's manifest. */
export interface PublishDigestsOptions {
  output: OutputFs;
  /** The build's clock, epoch ms: the mtime of a rewritten file, unless that would not be later than the old one. */
  now: number;
  /** Also write the nginx include; without it, one an earlier build wrote is removed. */
  nginxDigests: boolean;
}

/**
 * Publishes the digests of every file `manifest` records as written (pages and copies whose digest is known) and
 * returns a warning for each path the nginx include had to leave out.
 *
 * @example
 * const warnings = await publishDigests(run.next, { output, now: Date.now(), nginxDigests: true });
 */
export async function publishDigests(
  manifest: Manifest,
  options: PublishDigestsOptions,
): Promise<BuildWarning[]> {
  const files = publishedFiles(manifest);
  await writeIfChanged(options, DIGEST_MANIFEST_PATH, digestManifestText(files));
  if (!options.nginxDigests) {
    await options.output.remove(NGINX_DIGESTS_PATH);
    return [];
  }
  const { text, omitted } = nginxDigestMap(files);
  await writeIfChanged(options, NGINX_DIGESTS_PATH, text);
  return omitted.map(({ path, reason }) => ({
    code: 'nginx-digests-omitted',
    path,
    message: `${NGINX_DIGESTS_PATH} leaves ${path} out: ${reason}`,
  }));
}

/** True when the output holds the files publishDigests writes, and no nginx include it would remove. */
export async function isPublished(options: PublishDigestsOptions): Promise<boolean> {
  const [digests, nginx] = await Promise.all([
    options.output.stat(DIGEST_MANIFEST_PATH),
    options.output.stat(NGINX_DIGESTS_PATH),
  ]);
  return digests !== undefined && (nginx !== undefined) === options.nginxDigests;
}

/**
 * The digest entries of the output files, by docroot path, which is the URL path a static server serves each at.
 * A record without a digest (a page that failed in its first build since digests were kept) has none.
 */
export function publishedFiles(manifest: Manifest): Record<string, FileDigest> {
  const files: Record<string, FileDigest> = {};
  for (const [path, page] of Object.entries(manifest.pages))
    if (page.sha256 !== undefined)
      files[path] = { size: page.output.size, sha256: page.sha256, etag: page.etag };
  for (const [path, file] of Object.entries(manifest.files))
    if (file.sha256 !== undefined && file.etag !== undefined)
      files[path] = { size: file.size, sha256: file.sha256, etag: file.etag };
  return files;
}

/**
 * Writes `text` to `path` unless the output already holds exactly it, so mirrors and conditional requests see a
 * change only when there is one. The new mtime is the build's clock, or a second after the old one when that is
 * not earlier (a rebuild within the second, a commit-time clock): a changed file must never look older or the same.
 */
async function writeIfChanged(options: PublishDigestsOptions, path: string, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  const existing = await options.output.read(path);
  if (existing?.equals(bytes)) return;
  const old = existing && (await options.output.stat(path));
  const mtimeMs = Math.max(floorToSecond(options.now), old ? floorToSecond(old.mtimeMs) + 1000 : 0);
  await options.output.write(path, bytes, mtimeMs);
}
