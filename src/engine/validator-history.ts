// The build's rule for keeping a page's Last-Modified moving forward whenever its bytes change, even when no file
// got a newer mtime: a fragment replaced by an older file (`cp -p`, `rsync -t`, a restored backup) or deleted
// changes the bytes while max(mtime) stays put. The build's manifest remembers each page's last ETag and
// Last-Modified, a one-variant record of the validator ledger that `serve` keeps: the rule is the ledger's own.

import { datePage, type PageRecord } from './validator-ledger';

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
  const record: PageRecord | undefined = previous && {
    newest: previous.lastModified,
    variants: [['', { ...previous, notModifiedSince: previous.lastModified }]],
  };
  const input = { page: '', variant: '', etag, computed, changedAt: computed, now: nowSecond };
  return datePage(record, input).value.lastModified;
}
