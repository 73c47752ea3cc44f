// Writes the benchmark site as an Eleventy input folder: each page is an HTML file whose Liquid includes
// pull header, nav, section (which includes the widget) and footer from _includes, mirroring the SSI pages.

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

/** The files the incremental runs change, relative to the input folder. */
export const ELEVENTY_PATHS = {
  footer: '_includes/footer.html',
  widget: (section: number) => `_includes/widget-${section}.html`,
  page: (section: number, index: number) => `s${section}/page-${index}.html`,
};

/** Writes the input folder under `root`. */
export function writeEleventySite(root: string, shape: SiteShape): void {
  const includes = join(root, '_includes');
  mkdirSync(includes, { recursive: true });
  writeFileSync(join(includes, 'header.html'), headerHtml());
  writeFileSync(join(includes, 'nav.html'), navHtml(shape));
  writeFileSync(join(root, ELEVENTY_PATHS.footer), footerHtml());
  for (let k = 0; k < shape.sections; k++) {
    mkdirSync(join(root, `s${k}`), { recursive: true });
    writeFileSync(join(includes, `section-${k}.html`), sectionHtml(k, `{% include "widget-${k}.html" %}`));
    writeFileSync(join(root, ELEVENTY_PATHS.widget(k)), widgetHtml(k));
  }
  for (const page of pageSpecs(shape)) {
    const text =
      documentStart(page.title) +
      '{% include "header.html" %}\n{% include "nav.html" %}\n' +
      `<main>\n${pageBody(page)}</main>\n` +
      `{% include "section-${page.section}.html" %}\n{% include "footer.html" %}\n` +
      DOCUMENT_END;
    writeFileSync(join(root, ELEVENTY_PATHS.page(page.section, page.index)), text);
  }
}
