// Writes the benchmark site as an SSI docroot: pages include header, nav, footer and a section fragment,
// which itself includes the section's widget (two nested levels).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DOCUMENT_END,
  documentStart,
  footerHtml,
  headerHtml,
  navHtml,
  pageBody,
  pageSpecs,
  sectionHtml,
  type SiteShape,
  widgetHtml,
} from './site-shape';

/** Where the fragments that the incremental runs change live, relative to the docroot. */
export const SSI_PATHS = {
  footer: 'inc/footer.html',
  widget: (section: number) => `inc/widget-${section}.html`,
  page: (section: number, index: number) => `s${section}/page-${index}.shtml`,
};

/** Writes the site under `root` (which must not exist yet or be empty). */
export function writeSsiSite(root: string, shape: SiteShape): void {
  mkdirSync(join(root, 'inc'), { recursive: true });
  writeFileSync(join(root, 'inc/header.html'), headerHtml());
  writeFileSync(join(root, 'inc/nav.html'), navHtml(shape));
  writeFileSync(join(root, SSI_PATHS.footer), footerHtml());
  for (let k = 0; k < shape.sections; k++) {
    mkdirSync(join(root, `s${k}`), { recursive: true });
    const include = `<!--#include virtual="/${SSI_PATHS.widget(k)}" -->`;
    writeFileSync(join(root, `inc/section-${k}.shtml`), sectionHtml(k, include));
    writeFileSync(join(root, SSI_PATHS.widget(k)), widgetHtml(k));
  }
  for (const page of pageSpecs(shape)) {
    const text =
      documentStart(page.title) +
      '<!--#include virtual="/inc/header.html" -->\n' +
      '<!--#include virtual="/inc/nav.html" -->\n' +
      `<main>\n${pageBody(page)}</main>\n` +
      `<!--#include virtual="/inc/section-${page.section}.shtml" -->\n` +
      '<!--#include virtual="/inc/footer.html" -->\n' +
      DOCUMENT_END;
    writeFileSync(join(root, SSI_PATHS.page(page.section, page.index)), text);
  }
}
