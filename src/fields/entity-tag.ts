// Entity tags (RFC 9110 §8.8.3): parsing single tags and `#entity-tag` lists, strong and weak comparison.
// Pure: no I/O. Does not make ETags; the engine derives them from the bytes sent.

/** One parsed entity-tag; `opaque` is the text between the double quotes, without them. */
export interface EntityTag {
  weak: boolean;
  opaque: string;
}

/** A parsed If-Match / If-None-Match field value: `*` or one or more entity-tags. */
export type EntityTagList = '*' | EntityTag[];

// RFC 9110 §8.8.3: entity-tag = [ weak ] opaque-tag; weak = %s"W/"; opaque-tag = DQUOTE *etagc DQUOTE;
// etagc = %x21 / %x23-7E / obs-text. obs-text is %x80-FF: Node hands header bytes over as latin1.
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"/;

/**
 * Parses one entity-tag that must make up the whole value, as in If-Range or an ETag field.
 *
 * Returns undefined for anything else, including surrounding whitespace, a lowercase `w/`, or a backslash
 * escape (entity-tags have none).
 *
 * @example parseEntityTag('W/"abc"') // { weak: true, opaque: 'abc' }
 */
export function parseEntityTag(value: string): EntityTag | undefined {
  const match = ENTITY_TAG.exec(value);
  if (match === null || match[0].length !== value.length) return undefined;
  return { weak: match[1] !== undefined, opaque: match[2] };
}

/**
 * Parses an If-Match or If-None-Match field value (`"*" / #entity-tag`).
 *
 * Returns undefined when the field is absent or malformed (a `*` next to tags, a tag without quotes, tags not
 * separated by commas) and when it lists no tag at all. The caller then treats the field as absent: RFC 9110
 * gives a malformed precondition no meaning, and guessing one could produce a 304 or 412 the client never
 * asked for, whereas ignoring it yields the unconditional response, which is always correct. Empty list
 * elements (`"a", , "b"`) are skipped as RFC 9110 §5.6.1 requires.
 *
 * @example parseEntityTagList('"a", W/"b"') // [{ weak: false, opaque: 'a' }, { weak: true, opaque: 'b' }]
 */
export function parseEntityTagList(value: string | undefined): EntityTagList | undefined {
  if (value === undefined) return undefined;
  // RFC 9110 §13.1.1, §13.1.2: "*" must be the whole field value.
  if (trimOws(value) === '*') return '*';
  const tags: EntityTag[] = [];
  let rest = value;
  while (rest !== '') {
    rest = skipOws(rest);
    if (rest.startsWith(',')) {
      rest = rest.slice(1);
      continue;
    }
    if (rest === '') break;
    const match = ENTITY_TAG.exec(rest);
    if (match === null) return undefined;
    tags.push({ weak: match[1] !== undefined, opaque: match[2] });
    rest = skipOws(rest.slice(match[0].length));
    if (rest !== '' && !rest.startsWith(',')) return undefined;
  }
  return tags.length === 0 ? undefined : tags;
}

/**
 * RFC 9110 §8.8.3.2 strong comparison: both tags are strong and their opaque-tags are identical.
 *
 * @example isStrongMatch({ weak: false, opaque: 'a' }, { weak: true, opaque: 'a' }) // false
 */
export function isStrongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.opaque === b.opaque;
}

/**
 * RFC 9110 §8.8.3.2 weak comparison: the opaque-tags are identical, whether or not either is weak.
 *
 * @example isWeakMatch({ weak: false, opaque: 'a' }, { weak: true, opaque: 'a' }) // true
 */
export function isWeakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.opaque === b.opaque;
}

// RFC 9110 §5.6.3: OWS = *( SP / HTAB ).
function skipOws(text: string): string {
  return text.replace(/^[ \t]+/, '');
}

function trimOws(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}
