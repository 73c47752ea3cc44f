// Text put into generated XML and HTML (the Metalink file, the mirror list). Pure.

const MARKUP_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text safe inside an XML or HTML attribute or element; characters XML 1.0 cannot carry at all become U+FFFD.
 * @example escapeMarkup('a<b & "c"') // 'a&lt;b &amp; &quot;c&quot;'
 */
export function escapeMarkup(text: string): string {
  return text
    .replace(/[&<>"']/g, (char) => MARKUP_ESCAPES[char])
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');
}
