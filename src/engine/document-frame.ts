// The per-document state of the SSI language: what `config` and `if` change, reset for every included document.

import { type ByteString } from '../ssi/byte-string';
import { type ExpressionSyntax } from '../ssi/expr';
import { DEFAULT_TIME_FORMAT } from '../ssi/time-format';

/** Apache's default error text (SSIErrorMsg). */
export const DEFAULT_ERROR_MESSAGE = '[an error occurred while processing this directive]';
/** Apache's default text for an undefined variable in echo (SSIUndefinedEcho). */
export const DEFAULT_UNDEFINED_ECHO = '(none)';

/** One document being expanded: the page itself or an included SSI file. */
export interface DocumentFrame {
  /** Docroot path of this document. */
  path: string;
  /**
   * The URL path relative `virtual=` targets resolve against (Apache's r->uri), or null when Apache leaves it
   * empty: request.c's ap_sub_req_lookup_file sets an empty URI for a `file=` target outside the including
   * document's own directory, so a relative `virtual=` in that document (or below it) cannot be resolved.
   */
  url: string | null;
  /** 0 for the page, n for an include n levels down. */
  depth: number;
  /** Docroot paths from the page down to this document. */
  chain: string[];
  /** The mtime LAST_MODIFIED is formatted from (the page's, also in includes) and this file's owner (USER_NAME). */
  mtimeMs: number;
  owner: string | undefined;
  syntax: ExpressionSyntax;
  errorMessage: ByteString;
  undefinedEcho: ByteString;
  timeFormat: ByteString;
  sizeFormat: 'abbrev' | 'bytes';
  /** Apache's SSI_FLAG_PRINTING: text and directives take effect. */
  printing: boolean;
  /** Apache's SSI_FLAG_COND_TRUE: a branch of the current if has been taken. */
  conditionTrue: boolean;
  /** `if`s opened inside a branch that is not printing (Apache's if_nesting_level). */
  skippedIfs: number;
  /**
   * An `if`/`elif` of this document failed and no `endif` has run since (the httpd 2.4 binary's flag 0x10): `else`
   * then does nothing.
   */
  conditionFailed: boolean;
  /** $0..$9 of the last regex an if/elif in this document evaluated; null before any. */
  captures: ReadonlyArray<ByteString | undefined> | null;
}

/** What a new document frame starts from. */
export interface FrameDefaults {
  errorMessage: ByteString;
  undefinedEcho: ByteString;
}

/** A fresh frame: per-document state starts from the defaults, as each Apache subrequest's filter context does. */
export function createFrame(
  path: string,
  parent: DocumentFrame | undefined,
  file: { mtimeMs: number; owner?: string },
  syntax: ExpressionSyntax,
  defaults: FrameDefaults,
  url: string | null = path,
): DocumentFrame {
  return {
    path,
    url,
    depth: parent ? parent.depth + 1 : 0,
    chain: parent ? [...parent.chain, path] : [path],
    mtimeMs: file.mtimeMs,
    owner: file.owner,
    syntax,
    errorMessage: defaults.errorMessage,
    undefinedEcho: defaults.undefinedEcho,
    timeFormat: DEFAULT_TIME_FORMAT,
    sizeFormat: 'abbrev',
    printing: true,
    conditionTrue: true,
    skippedIfs: 0,
    conditionFailed: false,
    captures: null,
  };
}
