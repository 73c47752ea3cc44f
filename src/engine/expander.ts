// Expands one document: copies text, runs directives through the handler table, recurses through includes.

import { tokenize } from '../ssi/tokenizer';
import { DIRECTIVE_HANDLERS } from './directive-table';
import { DocumentFrame } from './document-frame';
import { RenderState } from './render-state';

const MALFORMED_MESSAGES = {
  'unterminated-directive': 'the directive has no end tag before the end of the file',
  'empty-directive-name': 'the directive has no name (whitespace after the start tag?)',
  'attribute-syntax': 'the directive has a malformed attribute (a quoted value without a name, or "=" without one)',
} as const;

/** Expands `bytes` as the document `frame` into `render`'s output. */
export async function expandDocument(render: RenderState, frame: DocumentFrame, bytes: Buffer): Promise<void> {
  for (const token of tokenize(bytes, render.options.tags)) {
    if (render.aborted) return;
    if (token.type === 'text') {
      if (frame.printing) render.write(frame, 0, bytes.subarray(token.start, token.end));
      continue;
    }
    if (token.type === 'malformed') {
      const code = token.code === 'unterminated-directive' ? 'unterminated-directive' : 'malformed-directive';
      render.fail(frame, token.line, code, MALFORMED_MESSAGES[token.code]);
      continue;
    }
    const handler = DIRECTIVE_HANDLERS.get(token.name);
    if (!handler) {
      render.fail(frame, token.line, 'unknown-directive', `unknown directive "${token.name}"`);
      continue;
    }
    const pending = handler({ name: token.name, attributes: token.attributes, line: token.line, frame, render });
    if (pending) await pending;
  }
  if (!frame.printing && !render.aborted) {
    // Apache prints nothing here; a missing endif silently hides the rest of the document, so say so in the log.
    render.report(frame, 0, 'missing-endif', 'the document ends inside a false #if branch; its remaining text was hidden', 'warning');
  }
}
