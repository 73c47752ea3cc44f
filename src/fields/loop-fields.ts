// Reads the fields that say which proxies a request already went through — CDN-Loop (RFC 8586) and Via (RFC 9110
// §7.6.3) — and the repeats of a host-name suffix in Host. Pure, one pass per value: no regex, no split, no
// recursion.

/** Which word of a list member names the proxy: CDN-Loop's `cdn-id` is the first, Via's `received-by` the second. */
export type LoopField = 'cdn-loop' | 'via';

/**
 * Whether a member of the `field` value names one of `names` (lowercase), compared without case and without a
 * `:port`. Quoted strings, comments (nested, with quoted pairs) and `;` parameters are skipped, so a comma or a
 * name inside them is no member of the list. Linear in the value's length whatever it holds.
 * @example namesListedProxy('cdn-loop', 'foo, our-edge; v=1', new Set(['our-edge'])) // true
 * @example namesListedProxy('via', '1.1 our-edge (Varnish/7.5), HTTP/1.1 other', new Set(['our-edge'])) // true
 */
export function namesListedProxy(
  field: LoopField,
  value: string | string[] | undefined,
  names: ReadonlySet<string>,
): boolean {
  if (value === undefined || names.size === 0) return false;
  if (Array.isArray(value)) return value.some((line) => namesListedProxy(field, line, names));
  const wanted = field === 'cdn-loop' ? 0 : 1;
  const scan = new MemberScan(value);
  while (scan.more()) {
    const name = scan.member(wanted);
    if (name !== undefined && names.has(withoutPort(name.toLowerCase()))) return true;
  }
  return false;
}

/**
 * How many times `suffix` (a lowercase host name) ends a run of whole labels in the Host value `host`, port and a
 * trailing dot ignored: `a.cdn.example.cdn.example` holds `cdn.example` twice (Coral's amplification shape).
 * @example suffixRepeats('www.site.cdn.example.cdn.example:8080', 'cdn.example') // 2
 */
export function suffixRepeats(host: string | undefined, suffix: string): number {
  if (host === undefined || suffix === '') return 0;
  const name = hostName(host);
  let count = 0;
  let from = 0;
  for (;;) {
    const at = name.indexOf(suffix, from);
    if (at < 0) return count;
    const end = at + suffix.length;
    if ((at === 0 || name[at - 1] === '.') && (end === name.length || name[end] === '.')) count++;
    from = at + 1;
  }
}

/**
 * The host name of a Host value, lowercase, without port or trailing dot; an IPv6 literal keeps its brackets.
 * @example hostName('WWW.Example.org.:8080') // 'www.example.org'
 */
export function hostName(host: string): string {
  const lower = host.toLowerCase();
  if (lower.startsWith('[')) {
    const close = lower.indexOf(']');
    return close < 0 ? lower : lower.slice(0, close + 1);
  }
  const colon = lower.indexOf(':');
  const name = colon < 0 ? lower : lower.slice(0, colon);
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

function withoutPort(id: string): string {
  if (id.startsWith('[')) return hostName(id);
  const colon = id.indexOf(':');
  return colon < 0 ? id : id.slice(0, colon);
}

// RFC 9110 §5.6.3: OWS and RWS are spaces and tabs.
function isSpace(char: string): boolean {
  return char === ' ' || char === '\t';
}

/** A cursor over one comma-separated list (RFC 9110 §5.6.1) that hands out one word of each member. */
class MemberScan {
  private at = 0;

  constructor(private readonly text: string) {}

  more(): boolean {
    return this.at < this.text.length;
  }

  /**
   * Reads the member at the cursor up to its comma and returns its word number `wanted` (0-based, words split by
   * spaces), if the member has one before a `;`, a comment or a quoted string.
   */
  member(wanted: number): string | undefined {
    const { text } = this;
    let word = -1;
    let start = -1;
    let found: string | undefined;
    let words = true;
    for (; this.at < text.length; this.at++) {
      const char = text[this.at];
      if (char === ',') break;
      if (char === '"' || char === '(' || char === ';' || isSpace(char)) {
        if (start >= 0 && word === wanted) found = text.slice(start, this.at);
        start = -1;
        if (!isSpace(char)) words = false;
        if (char === '"') this.skipQuoted();
        else if (char === '(') this.skipComment();
        continue;
      }
      if (words && start < 0) {
        start = this.at;
        word++;
      }
    }
    if (start >= 0 && word === wanted) found = text.slice(start, this.at);
    this.at++;
    return found;
  }

  /** From an opening quote to past its closing one; `\` quotes the next character (RFC 9110 §5.6.4). */
  private skipQuoted(): void {
    const { text } = this;
    for (this.at++; this.at < text.length; this.at++) {
      const char = text[this.at];
      if (char === '\\') this.at++;
      else if (char === '"') return;
    }
  }

  /** From an opening parenthesis to past its matching one; comments nest (RFC 9110 §5.6.5). */
  private skipComment(): void {
    const { text } = this;
    let depth = 0;
    for (; this.at < text.length; this.at++) {
      const char = text[this.at];
      if (char === '\\') this.at++;
      else if (char === '(') depth++;
      else if (char === ')' && --depth === 0) return;
    }
  }
}
