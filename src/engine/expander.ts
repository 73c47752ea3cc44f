// Expands one document: copies text, runs directives through the handler table, recurses through includes.

import { tokenizeCached } from './token-cache';
import { DIRECTIVE_HANDLERS } from './directive-table';
import { type DocumentFrame } from './document-frame';
import { type RenderState } from './render-state';
import { excerpt } from '../ssi/excerpt';

const MALFORMED_MESSAGES = {
  'unterminated-directive': 'the directive has no end tag before the end of the file',
  'empty-directive-name': 'the directive has no name (whitespace after the start tag?)',
  'attribute-syntax':
    'the directive has a malformed attribute (a quoted value without a name, or "=" without one)',
} as const;

const STICKY_ERROR_MESSAGE =
  'skipped: an earlier malformed directive inside a false branch disables every later directive (Apache quirk)';

/** Expands `bytes` as the document `frame` into `render`'s output. */
export async function expandDocument(
  render: RenderState,
  frame: DocumentFrame,
  bytes: Buffer,
): Promise<void> {
  // MI send_parsed_content PARSE_EXECUTE: a lexing error (intern->error) is only cleared where it is printed, so
  // one met while not printing skips every later directive of the document, endif included.
  let pendingLexError = false;
  for (const token of tokenizeCached(bytes, render.options.tags)) {
    if (render.aborted) return;
    if (token.type === 'text') {
      if (frame.printing) render.write(frame, 0, bytes.subarray(token.start, token.end));
      continue;
    }
    if (token.type === 'malformed' && token.code === 'unterminated-directive') {
      render.fail(frame, token.line, 'unterminated-directive', MALFORMED_MESSAGES[token.code]);
      continue;
    }
    if (token.type === 'malformed' || pendingLexError) {
      pendingLexError = !frame.printing;
      const message = token.type === 'malformed' ? MALFORMED_MESSAGES[token.code] : STICKY_ERROR_MESSAGE;
      render.fail(frame, token.line, 'malformed-directive', message);
      continue;
    }
    const handler = DIRECTIVE_HANDLERS.get(token.name);
    if (!handler) {
      render.fail(frame, token.line, 'unknown-directive', `unknown directive "${excerpt(token.name)}"`);
      continue;
    }
    const pending = handler({
      name: token.name,
      attributes: token.attributes,
      line: token.line,
      frame,
      render,
    });
    if (pending) await pending;
  }
  if (!frame.printing && !render.aborted) {
    // Apache prints nothing here; a missing endif silently hides the rest of the document, so say so in the log.
    render.report(
      frame,
      0,
      'missing-endif',
      'the document ends inside a false #if branch; its remaining text was hidden',
      'warning',
    );
  }
}
