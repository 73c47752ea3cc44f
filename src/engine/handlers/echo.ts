// <!--#echo [decoding="…"] [encoding="…"] var="…" [decoding="…"] [encoding="…"] var="…" … -->

import { decodeEntities } from '../../ssi/entities';
import { type DirectiveCall } from '../render-state';
import { recode } from './value-encoding';
import { excerpt } from '../../ssi/excerpt';

/** Prints variables; each `var` uses the `decoding`/`encoding` given before it in the same element. */
export function handleEcho({ attributes, line, frame, render }: DirectiveCall): void {
  if (!frame.printing) return;
  if (attributes.length === 0) return render.fail(frame, line, 'missing-argument', 'echo needs var="…"');
  let decoding = 'none';
  let encoding = 'entity';
  for (const { name, value: raw } of attributes) {
    // Apache: an attribute without '=' silently ends the element.
    if (raw === null) return;
    const value = decodeEntities(raw);
    if (name === 'decoding') decoding = value;
    else if (name === 'encoding') encoding = value;
    else if (name !== 'var')
      return render.fail(frame, line, 'unknown-attribute', `echo does not take "${excerpt(name)}"`);
    else {
      const text = render.variable(frame, render.substitute(frame, line, value));
      // An undefined variable prints the echomsg text raw, whatever the encoding.
      if (text === undefined) {
        render.write(frame, line, frame.undefinedEcho);
        continue;
      }
      const recoded = recode(text, decoding, encoding);
      if (!recoded.ok) {
        return render.fail(
          frame,
          line,
          'unknown-encoding',
          `unknown ${recoded.attribute} "${excerpt(recoded.list)}" in echo`,
        );
      }
      render.write(frame, line, recoded.value);
    }
  }
}
