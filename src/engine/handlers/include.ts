// <!--#include file|virtual="…" [file|virtual|onerror="…"] … -->

import { mediaTypeOf } from '../media-types';
import { decodeEntities } from '../../ssi/entities';
import { unescapeQueryForShell } from '../../ssi/query-string';
import { createFrame, type DocumentFrame } from '../document-frame';
import { type DiagnosticCode } from '../diagnostics';
import { parentPath } from '../file-source';
import { type IncludeTarget, resolveFileAttribute, resolveVirtualAttribute } from '../include-paths';
import { isSsiPath, syntaxForPath } from '../render-options';
import { type DirectiveCall } from '../render-state';
import { readTarget } from '../target-lookup';
import { excerpt } from '../../ssi/excerpt';

interface IncludeFailure {
  code: DiagnosticCode;
  message: string;
}

/**
 * Inserts files in order. As in Apache 2.4: `file` is always tried; `virtual` only while no error is pending;
 * `onerror` only while one is; a failing `onerror` ends the element; a pending error prints the error text once.
 */
export async function handleInclude(call: DirectiveCall): Promise<void> {
  const { attributes, line, frame, render } = call;
  if (!frame.printing) return;
  if (attributes.length === 0)
    return render.fail(frame, line, 'missing-argument', 'include needs file= or virtual=');
  let pending: IncludeFailure | undefined;
  for (const { name, value: raw } of attributes) {
    if (raw === null) break;
    if (name !== 'file' && name !== 'virtual' && name !== 'onerror') {
      render.fail(frame, line, 'unknown-attribute', `include does not take "${excerpt(name)}"`);
      break;
    }
    const value = render.substitute(frame, line, decodeEntities(raw));
    let target: IncludeTarget;
    if (name === 'file') target = resolveFileAttribute(frame.path, value);
    else if ((name === 'virtual' && !pending) || (name === 'onerror' && pending)) {
      target = resolveVirtualAttribute(frame.url, value);
    } else continue;
    const failure = await includeTarget(call, target, `${name}="${excerpt(value)}"`);
    if (!failure) {
      pending = undefined;
      continue;
    }
    render.report(frame, line, failure.code, failure.message);
    if (pending) break;
    pending = failure;
  }
  if (pending) render.write(frame, line, frame.errorMessage);
}

/**
 * The URL of an included document. request.c's ap_sub_req_lookup_file gives a file= target a URL only when it
 * lies directly in the including document's directory (and that document has one); otherwise the URI is empty.
 */
function childUrl(frame: DocumentFrame, target: IncludeTarget, path: string): string | null {
  if (target.ok && target.kind === 'virtual') return path;
  return frame.url !== null && parentPath(path) === parentPath(frame.path) ? path : null;
}

/** Includes one target; returns why it failed, or undefined on success. */
async function includeTarget(
  call: DirectiveCall,
  target: IncludeTarget,
  label: string,
): Promise<IncludeFailure | undefined> {
  const { frame, render, line } = call;
  const { limits } = render.options;
  if (!target.ok) return { code: 'include-forbidden', message: `cannot include ${label}: ${target.reason}` };
  if (++render.includeCount > limits.maxIncludes) {
    return {
      code: 'include-limit',
      message: `more than ${limits.maxIncludes} includes in one page; raise 'maxIncludes' to allow more`,
    };
  }
  // Apache's LimitInternalRecursion: the subrequest one level too deep is refused.
  if (frame.depth + 1 > limits.maxIncludeDepth) {
    return {
      code: 'depth-limit',
      message: `includes nested deeper than ${limits.maxIncludeDepth} levels at ${label}; raise 'maxIncludeDepth' to allow more`,
    };
  }
  const found = await readTarget(render, target, 'include', limits.maxOutputBytes);
  if (found.ok === false && !found.tooLarge)
    return { code: 'include-not-found', message: `cannot include ${label}: ${found.reason}` };
  // IncludesNOEXEC: only text/* may be included, so a page cannot pull in a binary or a script's source.
  const type = mediaTypeOf(found.path);
  if (type && !type.startsWith('text/')) {
    return { code: 'include-not-text', message: `cannot include ${label}: its type ${type} is not text/*` };
  }
  if (!found.ok) {
    // Bigger than the whole page may be: refused before it is read, so a huge file never enters memory.
    render.stopAtOutputLimit(frame, line);
    return undefined;
  }
  const bytes = found.bytes ?? Buffer.alloc(0);
  if (!isSsiPath(render.options, found.path)) {
    render.write(frame, line, bytes);
    return undefined;
  }
  if (frame.chain.includes(found.path) && !render.reportedCycles.has(found.path)) {
    render.reportedCycles.add(found.path);
    render.report(
      frame,
      line,
      'include-cycle',
      `${found.path} includes itself; it stops at depth ${limits.maxIncludeDepth}`,
      'warning',
    );
  }
  if (target.query !== undefined) {
    // Apache quirk kept: a nested query overwrites the shared QUERY_STRING, also for the parent afterwards.
    render.variables.set('QUERY_STRING', target.query);
    render.variables.set('QUERY_STRING_UNESCAPED', unescapeQueryForShell(target.query));
  }
  // mod_include's includes_filter "Kludge": a nested document takes the main request's mtime, so a `config
  // timefmt` inside it re-formats LAST_MODIFIED from the page's mtime, not its own.
  const file = { mtimeMs: frame.mtimeMs, owner: found.info.owner };
  const child = createFrame(
    found.path,
    frame,
    file,
    syntaxForPath(render.options, found.path),
    render.options,
    childUrl(frame, target, found.path),
  );
  await render.expandNested(child, bytes);
  return undefined;
}
