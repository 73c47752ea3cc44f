// <!--#printenv -->, <!--#comment … -->, <!--#exec cmd|cgi="…" -->: the directives with no state of their own.

import { escapeHtml } from '../../ssi/entities';
import { type DirectiveCall } from '../render-state';

/** Lists every variable as `NAME=VALUE` lines, HTML-escaped. The output shows the client, so it is client-dependent. */
export function handlePrintenv({ attributes, line, frame, render }: DirectiveCall): void {
  if (!frame.printing) return;
  if (attributes.length > 0)
    return render.fail(frame, line, 'unknown-attribute', 'printenv takes no attributes');
  render.recorder.record({ kind: 'client' });
  const lines = render.variables
    .list(frame.timeFormat)
    .map(([name, value]) => `${escapeHtml(name)}=${escapeHtml(value)}\n`);
  render.write(frame, line, lines.join(''));
}

/** Emits nothing, whatever its attributes (Apache 2.4.21+). */
export function handleComment(): void {}

/** Never runs anything: cdn-include behaves as Apache under IncludesNOEXEC, always. */
export function handleExec({ line, frame, render }: DirectiveCall): void {
  render.fail(frame, line, 'exec-disabled', 'exec is never run by cdn-include (Apache IncludesNOEXEC)');
}
