// <!--#fsize file|virtual="…" … -->  and  <!--#flastmod file|virtual="…" … -->

import { type ByteString } from '../../ssi/byte-string';
import { decodeEntities } from '../../ssi/entities';
import { formatSizeAbbrev, formatSizeBytes } from '../../ssi/size-format';
import { formatTime } from '../../ssi/time-format';
import { type DocumentFrame } from '../document-frame';
import { type FileInfo } from '../file-source';
import { resolveFileAttribute, resolveVirtualAttribute } from '../include-paths';
import { type DirectiveCall, type DirectiveHandler } from '../render-state';
import { statTarget } from '../target-lookup';
import { excerpt } from '../../ssi/excerpt';

/** Prints a file's size in the current sizefmt. */
export const handleFsize = fileInfoHandler('fsize', (info, frame) =>
  frame.sizeFormat === 'bytes' ? formatSizeBytes(info.size) : formatSizeAbbrev(info.size),
);

/** Prints a file's mtime in the current timefmt, local time. */
export const handleFlastmod = fileInfoHandler('flastmod', (info, frame) =>
  formatTime(frame.timeFormat, info.mtimeMs, 'local'),
);

/** fsize and flastmod share everything but the formatting; the target becomes a dependency of the page. */
function fileInfoHandler(
  directive: string,
  format: (info: FileInfo, frame: DocumentFrame) => ByteString,
): DirectiveHandler {
  return async ({ attributes, line, frame, render }: DirectiveCall): Promise<void> => {
    if (!frame.printing) return;
    if (attributes.length === 0)
      return render.fail(frame, line, 'missing-argument', `${directive} needs file= or virtual=`);
    for (const { name, value: raw } of attributes) {
      if (raw === null) return;
      if (name !== 'file' && name !== 'virtual') {
        return render.fail(frame, line, 'unknown-attribute', `${directive} does not take "${excerpt(name)}"`);
      }
      const value = render.substitute(frame, line, decodeEntities(raw));
      const target =
        name === 'file' ? resolveFileAttribute(frame.path, value) : resolveVirtualAttribute(frame.url, value);
      const found = target.ok
        ? await statTarget(render, target, 'file-info')
        : { ok: false as const, reason: target.reason };
      if (!found.ok) {
        return render.fail(
          frame,
          line,
          'file-info-not-found',
          `${directive} ${name}="${excerpt(value)}": ${found.reason}`,
        );
      }
      render.write(frame, line, format(found.info, frame));
    }
  };
}
