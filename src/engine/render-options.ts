// Options of the SSI engine and their defaults; bad values throw TypeError naming the option.

import { type ByteString } from '../ssi/byte-string';
import { type ExpressionSyntax } from '../ssi/expr';
import { DEFAULT_TAGS, type TagPair } from '../ssi/tokenizer';
import { DEFAULT_ERROR_MESSAGE, DEFAULT_UNDEFINED_ECHO } from './document-frame';
import { type FileSource } from './file-source';
import { type RenderLimits, resolveRenderLimits } from './render-limits';

/** How the engine renders pages. Only `source` is required. */
export interface RenderOptions {
  /** Where documents are read from. */
  source: FileSource;
  /** File extensions whose files are parsed for directives; other included files are inserted verbatim. @default ['.shtml'] */
  ssiExtensions?: string[];
  /** Expression syntax of `if`/`elif`: Apache 2.4's ap_expr, or the 2.2 legacy syntax. @default 'ap-expr' */
  expressionSyntax?: ExpressionSyntax;
  /** URL-path prefixes whose documents use the legacy syntax (Apache's per-directory SSILegacyExprParser on). @default [] */
  legacyExpressionPrefixes?: string[];
  /**
   * Directory index files tried for a URL ending in '/': plain names (no '/', no '..', no dotfile).
   * @default ['index.shtml', 'index.html']
   */
  directoryIndex?: string[];
  /** Default error text (Apache's SSIErrorMsg). @default '[an error occurred while processing this directive]' */
  errorMessage?: ByteString;
  /** Default text for an undefined echo (SSIUndefinedEcho). @default '(none)' */
  undefinedEcho?: ByteString;
  /** Directive start and end tags (SSIStartTag, SSIEndTag). @default { start: '<!--#', end: '-->' } */
  tags?: TagPair;
  /** Limits that keep a render bounded. @default see RenderLimits */
  limits?: Partial<RenderLimits>;
  /** What osenv() and env() may read. The server's own environment may hold secrets, so none by default. @default {} */
  environment?: Record<string, string>;
  /** SERVER_SOFTWARE. @default 'cdn-include' */
  serverSoftware?: string;
  /** DOCUMENT_ROOT as shown to pages. @default '/' */
  documentRoot?: string;
  /** SERVER_ADMIN. @default '[no address given]' */
  serverAdmin?: string;
}

/** RenderOptions with every default filled in. */
export interface ResolvedRenderOptions {
  source: FileSource;
  ssiExtensions: string[];
  expressionSyntax: ExpressionSyntax;
  legacyExpressionPrefixes: string[];
  directoryIndex: string[];
  errorMessage: ByteString;
  undefinedEcho: ByteString;
  tags: TagPair;
  limits: RenderLimits;
  environment: Record<string, string>;
  serverSoftware: string;
  documentRoot: string;
  serverAdmin: string;
}

/** Fills in defaults and checks types, so misuse fails when the server is set up rather than per request. */
export function resolveRenderOptions(options: RenderOptions): ResolvedRenderOptions {
  if (!options || typeof options.source?.read !== 'function') {
    throw new TypeError("option 'source' must be a FileSource");
  }
  const ssiExtensions = options.ssiExtensions ?? ['.shtml'];
  if (
    !Array.isArray(ssiExtensions) ||
    ssiExtensions.some((ext) => typeof ext !== 'string' || !ext.startsWith('.'))
  ) {
    throw new TypeError(
      "option 'ssiExtensions' must be an array of extensions starting with '.', e.g. ['.shtml']",
    );
  }
  const expressionSyntax = options.expressionSyntax ?? 'ap-expr';
  if (expressionSyntax !== 'ap-expr' && expressionSyntax !== 'legacy') {
    throw new TypeError("option 'expressionSyntax' must be 'ap-expr' or 'legacy'");
  }
  const directoryIndex = options.directoryIndex ?? ['index.shtml', 'index.html'];
  if (!Array.isArray(directoryIndex) || !directoryIndex.every(isPlainFileName)) {
    throw new TypeError(`option 'directoryIndex' must be ${PLAIN_FILE_NAMES}`);
  }
  const tags = options.tags ?? DEFAULT_TAGS;
  if (!isTag(tags.start) || !isTag(tags.end)) {
    throw new TypeError("option 'tags' must have non-empty 'start' and 'end' without whitespace");
  }
  const resolved: ResolvedRenderOptions = {
    source: options.source,
    ssiExtensions: ssiExtensions.map((ext) => ext.toLowerCase()),
    expressionSyntax,
    legacyExpressionPrefixes: options.legacyExpressionPrefixes ?? [],
    directoryIndex,
    errorMessage: options.errorMessage ?? DEFAULT_ERROR_MESSAGE,
    undefinedEcho: options.undefinedEcho ?? DEFAULT_UNDEFINED_ECHO,
    tags,
    limits: resolveRenderLimits(options.limits),
    environment: options.environment ?? {},
    serverSoftware: options.serverSoftware ?? 'cdn-include',
    documentRoot: options.documentRoot ?? '/',
    serverAdmin: options.serverAdmin ?? '[no address given]',
  };
  RESOLVED.add(resolved);
  return resolved;
}

const RESOLVED = new WeakSet<object>();

/** `options` reading through `source` instead: resolved already, so nothing is checked again. */
export function withSource(options: ResolvedRenderOptions, source: FileSource): ResolvedRenderOptions {
  const changed = { ...options, source };
  RESOLVED.add(changed);
  return changed;
}

/** True for options that came out of resolveRenderOptions, so hot paths resolve once, not per request. */
export function isResolvedRenderOptions(
  options: RenderOptions | ResolvedRenderOptions,
): options is ResolvedRenderOptions {
  return RESOLVED.has(options);
}

/** True when a docroot path names a file that is parsed for directives. */
export function isSsiPath(options: ResolvedRenderOptions, path: string): boolean {
  const lower = path.toLowerCase();
  return options.ssiExtensions.some((ext) => lower.endsWith(ext));
}

/** The expression syntax for a document: legacy under a configured prefix, else the default. */
export function syntaxForPath(options: ResolvedRenderOptions, path: string): ExpressionSyntax {
  return options.legacyExpressionPrefixes.some((prefix) => path.startsWith(prefix))
    ? 'legacy'
    : options.expressionSyntax;
}

/** What a directoryIndex entry must be, for error messages. */
export const PLAIN_FILE_NAMES =
  "a list of plain file names such as ['index.shtml'] (no '/', no '..', no dotfiles)";

/**
 * True for a file name that stays in its folder and is not hidden: a directory index entry is appended to the
 * requested folder, so `../.env` or `a/../../x` would name another file, and dotfiles are never served.
 */
export function isPlainFileName(name: unknown): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !name.startsWith('.') &&
    !name.includes('/') &&
    !name.includes('\\') &&
    !name.includes('\0')
  );
}

function isTag(tag: unknown): boolean {
  return typeof tag === 'string' && tag.length > 0 && !/\s/.test(tag);
}
