// Files derived from another resource of the site and answered where no real file of their name exists:
// `PATH.sha256` (a checksum, checksum-file.ts) and `PATH.meta4` (a Metalink 4 description, metalink-file.ts). Pure.

/** The kinds of derived file, by the suffix that names them. */
const SUFFIXES = { '.sha256': 'checksum', '.meta4': 'metalink' } as const;

/** A kind of derived file. */
export type DerivedKind = (typeof SUFFIXES)[keyof typeof SUFFIXES];

/** A request for a derived file: its kind and the request-target of its subject (the query dropped). */
export interface DerivedRequest {
  kind: DerivedKind;
  subject: string;
}

/**
 * What a request-target names when it ends in a derived file's suffix, or undefined.
 * @example derivedRequestOf('/files/x.iso.sha256?v=2') // { kind: 'checksum', subject: '/files/x.iso' }
 */
export function derivedRequestOf(target: string): DerivedRequest | undefined {
  const query = target.indexOf('?');
  const path = query < 0 ? target : target.slice(0, query);
  for (const [suffix, kind] of Object.entries(SUFFIXES)) {
    if (!path.endsWith(suffix)) continue;
    const subject = path.slice(0, -suffix.length);
    // `/x/.sha256` names no file; a subject that ends in a slash is a folder.
    return subject === '' || subject.endsWith('/') ? undefined : { kind, subject };
  }
  return undefined;
}

/**
 * The file name a client saves the subject as: the last segment of its URL path, percent-decoded where that gives a
 * name one line can hold (sha256sum escapes a name with a backslash or line break; such a name stays encoded).
 */
export function downloadNameOf(subject: string): string {
  const segment = subject.slice(subject.lastIndexOf('/') + 1);
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return segment;
  }
  return /[\\\r\n]/.test(decoded) ? segment : decoded;
}
