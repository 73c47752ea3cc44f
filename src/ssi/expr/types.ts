// The contract between expression parsing/evaluation and the engine that hosts it. Pure types; no I/O.
// The engine owns every request-dependent read, so it can record Vary and volatility (RFC 9110 §12.5.5).

import type { ByteString } from '../byte-string';
import type { ApCondition } from './ap-ast';
import type { LegacyNode } from './legacy-parser';

/** Which `#if expr` grammar to use: Apache 2.4's ap_expr (default) or mod_include's 2.2 parser (`SSILegacyExprParser on`). */
export type ExpressionSyntax = 'ap-expr' | 'legacy';

/** What an expression may read; the engine implements it and records request dependence (Vary etc.) itself. */
export interface ExpressionHost {
  /** An SSI variable (v(), reqenv(), env() fallback, legacy $NAME); names are case-insensitive; undefined if unset. Includes lazy vars and $0..$9. */
  variable(name: ByteString): ByteString | undefined;
  /** %{NAME} server variable value ('' if the server has none); only called for names the parser accepted. */
  serverVariable(name: string): ByteString;
  /** A request header for req()/http()/%{HTTP_*} (vary: true) or req_novary() (vary: false). */
  requestHeader(name: string, options: { vary: boolean }): ByteString | undefined;
  /** A response header, for resp(). */
  responseHeader(name: string): ByteString | undefined;
  /** A request note, for note(); SSI variables are NOT notes. */
  note(name: string): ByteString | undefined;
  /** The OS environment, for osenv() and env()'s last fallback. */
  osEnvironment(name: string): ByteString | undefined;
  /** The client address, for -R and -ipmatch. */
  remoteAddress(): string;
  /** -A / -U url: true iff a subrequest for url would succeed (status < 400). */
  isUrlAccessible(url: ByteString): boolean;
  /**
   * -F path: true iff a subrequest for the file path would succeed (status < 300) and the file exists.
   * Optional: when absent, -F is always false (Apache's op_file_subr needs a file-system lookup).
   */
  isFileAccessible?(path: ByteString): boolean;
  /**
   * An ap_expr `$0`..`$9` back-reference to a regex of an EARLIER if/elif (util_expr_eval's re_source/re_pmatch,
   * which mod_include keeps per document); undefined reads as "". Optional: without it `variable()` is asked.
   * Differs from `variable('1')`: mod_include never records an ap_expr regex's group count, so SSI `$1`
   * (echo, set, v()) stays undefined while the expression back-reference works.
   */
  backReference?(index: number): ByteString | undefined;
  /**
   * Regex captures $0..$9 of the last regex evaluated by any if/elif: set after each regex evaluation, by
   * the rules of Apache's mod_include.
   */
  setCaptures(captures: ReadonlyArray<ByteString | undefined> | null): void;
}

/** A parsed `expr`, opaque to callers; safe to cache and evaluate many times. */
export type ParsedExpression =
  | { readonly syntax: 'ap-expr'; readonly root: ApCondition }
  | {
      readonly syntax: 'legacy';
      readonly root: LegacyNode | null;
      readonly regexCount: number;
      readonly source: ByteString;
    };

/** The outcome of parsing: an expression, or why the text is not one. */
export type ParseResult = { ok: true; expression: ParsedExpression } | { ok: false; message: string };

/** The outcome of evaluating: a truth value, or the runtime error Apache would log (the page gets errmsg). */
export type EvaluationResult = { ok: true; value: boolean } | { ok: false; message: string };
