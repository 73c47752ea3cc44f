// <!--#set var="…" value="…" [var="…" value="…"] … [decoding="…"] [encoding="…"] -->

import { decodeEntities } from '../../ssi/entities';
import { type DirectiveCall } from '../render-state';
import { recode } from './value-encoding';
import { excerpt } from '../../ssi/excerpt';

/** Sets variables in the table shared with the page and every include. */
export function handleSet({ attributes, line, frame, render }: DirectiveCall): void {
  if (!frame.printing) return;
  if (attributes.length < 2)
    return render.fail(frame, line, 'missing-argument', 'set needs var="…" value="…"');
  let variable: string | undefined;
  let decoding = 'none';
  let encoding = 'none';
  for (const { name, value } of attributes) {
    if (value === null) return;
    // Apache entity-decodes the variable name but not the value or the encoding lists (SSI_VALUE_RAW).
    if (name === 'var') variable = render.substitute(frame, line, decodeEntities(value));
    else if (name === 'decoding') decoding = value;
    else if (name === 'encoding') encoding = value;
    else if (name !== 'value')
      return render.fail(frame, line, 'unknown-attribute', `set does not take "${excerpt(name)}"`);
    else if (variable === undefined) {
      return render.fail(frame, line, 'set-value-before-var', 'set: var="…" must come before value="…"');
    } else {
      const recoded = recode(render.substitute(frame, line, value), decoding, encoding);
      if (!recoded.ok) {
        return render.fail(
          frame,
          line,
          'unknown-encoding',
          `unknown ${recoded.attribute} "${excerpt(recoded.list)}" in set`,
        );
      }
      render.variables.set(variable, recoded.value);
    }
  }
}
