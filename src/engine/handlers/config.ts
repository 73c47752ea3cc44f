// <!--#config [errmsg="…"] [echomsg="…"] [timefmt="…"] [sizefmt="bytes|abbrev"] -->

import { formatTime } from '../../ssi/time-format';
import { type DirectiveCall } from '../render-state';
import { excerpt } from '../../ssi/excerpt';

/** Changes the current document's error text, undefined-echo text, time format or size format. */
export function handleConfig({ attributes, line, frame, render }: DirectiveCall): void {
  if (!frame.printing) return;
  if (attributes.length === 0)
    return render.fail(frame, line, 'missing-argument', 'config needs an attribute');
  for (const { name, value: raw } of attributes) {
    if (raw === null) return;
    const value = render.substitute(frame, line, raw);
    if (name === 'errmsg') frame.errorMessage = value;
    else if (name === 'echomsg') frame.undefinedEcho = value;
    else if (name === 'timefmt') setTimeFormat(value, { line, frame, render });
    else if (name !== 'sizefmt')
      return render.fail(frame, line, 'unknown-attribute', `config does not take "${excerpt(name)}"`);
    else if (value === 'bytes' || value === 'abbrev') frame.sizeFormat = value;
    else
      return render.fail(
        frame,
        line,
        'invalid-value',
        `sizefmt must be "bytes" or "abbrev", not "${excerpt(value)}"`,
      );
  }
}

/** Apache re-formats the three date variables at once when timefmt changes (with this document's mtime). */
function setTimeFormat(
  format: string,
  { frame, render }: Pick<DirectiveCall, 'line' | 'frame' | 'render'>,
): void {
  frame.timeFormat = format;
  render.variables.set('DATE_LOCAL', () => formatTime(format, render.time, 'local'), { kind: 'time' });
  render.variables.set('DATE_GMT', () => formatTime(format, render.time, 'gmt'), { kind: 'time' });
  render.variables.set('LAST_MODIFIED', formatTime(format, frame.mtimeMs, 'local'));
}
