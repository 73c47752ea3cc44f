// The state shared by every document of one render: output, variables, dependencies, diagnostics, limits.
// Handlers write and report through it, so the rules for error text and limits live in one place.

import { type ByteString, fromByteString } from '../ssi/byte-string';
import { substituteVariables } from '../ssi/substitute';
import { type DirectiveAttribute } from '../ssi/tokenizer';
import { DependencySet } from './dependency-set';
import { type Diagnostic, type DiagnosticCode, MAX_DIAGNOSTIC_MESSAGE_LENGTH } from './diagnostics';
import { type DocumentFrame } from './document-frame';
import { type RenderRequest } from './render-request';
import { type ResolvedRenderOptions } from './render-options';
import { RequestDependenceRecorder } from './request-dependence-recorder';
import { VariableTable } from './variables';
import { excerpt } from '../ssi/excerpt';

/** The output of a render as a list of byte chunks, refusing to grow past a limit. */
export class OutputBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  /** Appends bytes; false (and nothing appended) if they would pass the limit. */
  append(bytes: Buffer): boolean {
    if (this.size + bytes.length > this.limit) return false;
    if (bytes.length > 0) this.chunks.push(bytes);
    this.size += bytes.length;
    return true;
  }

  /** Appends bytes even past the limit: only for the one error text that reports the limit. */
  force(bytes: Buffer): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  get length(): number {
    return this.size;
  }

  /**
   * The bytes as one Buffer with memory of its own size: Buffer.concat would carve small outputs from Node's
   * shared 8 KiB pool, and one cached page would then keep a whole slab alive (caches count bytes they hold).
   */
  toBuffer(): Buffer {
    if (this.chunks.length === 1) return this.chunks[0];
    const output = Buffer.allocUnsafeSlow(this.size);
    let offset = 0;
    for (const chunk of this.chunks) offset += chunk.copy(output, offset);
    return output;
  }
}

/** Expands a nested document; provided by the expander so handlers need not import it. */
export type NestedExpander = (frame: DocumentFrame, bytes: Buffer) => Promise<void>;

/** Everything one render shares across its documents. */
export class RenderState {
  readonly recorder = new RequestDependenceRecorder();
  readonly variables = new VariableTable(this.recorder);
  readonly dependencies = new DependencySet();
  readonly diagnostics: Diagnostic[] = [];
  readonly output: OutputBuffer;
  /** Include directives executed so far, all levels together. */
  includeCount = 0;
  /** Set when the output limit is hit: every document stops. */
  aborted = false;
  /** Pages already reported as including themselves, so a cycle is logged once. */
  readonly reportedCycles = new Set<string>();

  constructor(
    readonly options: ResolvedRenderOptions,
    readonly request: RenderRequest,
    /** Request time, epoch ms. */
    readonly time: number,
    readonly expandNested: NestedExpander,
  ) {
    this.output = new OutputBuffer(options.limits.maxOutputBytes);
  }

  /** Writes bytes or a ByteString to the output; past maxOutputBytes the render stops with one error text. */
  write(frame: DocumentFrame, line: number, content: Buffer | ByteString): void {
    if (this.aborted) return;
    const bytes = typeof content === 'string' ? fromByteString(content) : content;
    if (!this.output.append(bytes)) this.stopAtOutputLimit(frame, line);
  }

  /**
   * Stops the render as a write past maxOutputBytes does: one diagnostic and the error text. Also for an
   * include known to be too big before it is read, so a huge file is never read into memory.
   */
  stopAtOutputLimit(frame: DocumentFrame, line: number): void {
    if (this.aborted) return;
    this.aborted = true;
    this.report(
      frame,
      line,
      'output-limit',
      `the page passed ${this.options.limits.maxOutputBytes} bytes; raise 'maxOutputBytes' to allow more`,
    );
    this.output.force(fromByteString(frame.errorMessage));
  }

  /**
   * A directive failed: log it and put the document's error text in its place (Apache's SSI_CREATE_ERROR_BUCKET).
   * Only while printing, except where Apache prints it regardless (`always`: elif/endif argument errors).
   */
  fail(frame: DocumentFrame, line: number, code: DiagnosticCode, message: string, always = false): void {
    const shown = always || frame.printing;
    this.report(frame, line, code, message, shown ? 'error' : 'warning');
    if (shown) this.write(frame, line, frame.errorMessage);
  }

  /** Logs a diagnostic without touching the output. */
  report(
    frame: DocumentFrame,
    line: number,
    code: DiagnosticCode,
    message: string,
    severity: Diagnostic['severity'] = 'error',
  ): void {
    this.diagnostics.push({
      code,
      severity,
      message: excerpt(message, MAX_DIAGNOSTIC_MESSAGE_LENGTH),
      file: frame.path,
      line,
      includeChain: frame.chain,
    });
  }

  /**
   * Reads a variable as the document sees it: `$0`..`$9` are the last regex's captures, the rest the shared table.
   * mod_include's get_include_var checks `$n` against re->nsub, which only the legacy parser sets: after an
   * ap_expr regex only `$0` is defined (httpd 2.4 binary: `echo var="1"` prints the undefined text).
   */
  variable(frame: DocumentFrame, name: ByteString): ByteString | undefined {
    if (/^[0-9]$/.test(name)) {
      return frame.syntax === 'ap-expr' && name !== '0' ? undefined : frame.captures?.[Number(name)];
    }
    return this.variables.get(name, frame.timeFormat);
  }

  /** Substitutes `$NAME`/`${NAME}` in a directive value (Apache's ap_ssi_parse_string). */
  substitute(frame: DocumentFrame, line: number, value: ByteString): ByteString {
    const result = substituteVariables(value, (name) => this.variable(frame, name));
    if (result.truncated)
      this.report(
        frame,
        line,
        'truncated-variable',
        `unterminated \${ in "${excerpt(value)}": the value was cut there`,
        'warning',
      );
    return result.value;
  }
}

/** What a directive handler is called with. */
export interface DirectiveCall {
  name: ByteString;
  attributes: DirectiveAttribute[];
  line: number;
  frame: DocumentFrame;
  render: RenderState;
}

/** A directive handler (mod_include's ssi_pfn_register): one per directive name, same signature for all. */
export type DirectiveHandler = (call: DirectiveCall) => void | Promise<void>;
