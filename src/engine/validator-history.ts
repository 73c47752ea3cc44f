// The build's rule for keeping a page's Last-Modified moving forward whenever its bytes change, even when no file
// got a newer mtime: a fragment replaced by an older file (`cp -p`, `rsync -t`, a restored backup) or deleted
// changes the bytes while max(mtime) stays put. The build's manifest remembers each page's last ETag and
// Last-Modified; `serve` keeps the same promise through the validator ledger (validator-ledger.ts).

/** What was last sent for one page variant. */
export interface ValidatorRecord {
  etag: string;
  lastModified: number;
}

/**
 * The Last-Modified to send for new bytes, given what was sent before. Undefined when no honest value exists:
 * the bytes changed within the same second as the previous Last-Modified, so no date can be newer yet without
 * lying about the future; the response then goes without Last-Modified and nothing is remembered.
 */
export function nextLastModified(
  previous: ValidatorRecord | undefined,
  etag: string,
  computed: number,
  nowSecond: number,
): number | undefined {
  if (!previous || computed > previous.lastModified) return computed;
  if (previous.etag === etag) return previous.lastModified;
  return nowSecond > previous.lastModified ? nowSecond : undefined;
}
