// Diagnostics: the record of every problem found inside a page. Pure data; the caller decides where to log it.

/** Stable, public diagnostic codes: logs and tests depend on them, so never rename one. */
export type DiagnosticCode =
  | 'unknown-directive'
  | 'malformed-directive'
  | 'unterminated-directive'
  | 'missing-argument'
  | 'unknown-attribute'
  | 'invalid-value'
  | 'unknown-encoding'
  | 'set-value-before-var'
  | 'truncated-variable'
  | 'include-not-found'
  | 'include-forbidden'
  | 'include-not-text'
  | 'file-info-not-found'
  | 'expression-error'
  | 'exec-disabled'
  | 'depth-limit'
  | 'include-limit'
  | 'output-limit'
  | 'include-cycle'
  | 'missing-endif'
  | 'purge-tags-coarsened'
  | 'purge-tags-dropped'
  | 'error-document-unavailable'
  | 'asset-hosts-skipped';

/**
 * The longest message a diagnostic keeps. Page text in a message is quoted through `excerpt` (200 bytes); this
 * bounds the whole line as well, whatever a message quotes.
 */
export const MAX_DIAGNOSTIC_MESSAGE_LENGTH = 1000;

/** One problem inside a page. The page still renders; Apache's error text stands where the directive was. */
export interface Diagnostic {
  code: DiagnosticCode;
  severity: 'error' | 'warning';
  message: string;
  /** Docroot path of the document the directive is in, e.g. `/inc/nav.shtml`. */
  file: string;
  /** 1-based line of the directive in that document. */
  line: number;
  /** Docroot paths from the requested page down to `file`, outermost first. */
  includeChain: string[];
}

/** Formats a diagnostic as one log line: `error include-not-found /inc/nav.shtml:3 (via /index.shtml): …`. */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const via = diagnostic.includeChain.slice(0, -1);
  const chain = via.length > 0 ? ` (via ${via.join(' > ')})` : '';
  return `${diagnostic.severity} ${diagnostic.code} ${diagnostic.file}:${diagnostic.line}${chain}: ${diagnostic.message}`;
}
