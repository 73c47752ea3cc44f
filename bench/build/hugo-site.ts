// Writes the benchmark site as a Hugo project: the same pages as content files (HTML, so no Markdown
// conversion is timed), and header, nav, footer and the nested section/widget fragments as partials.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DOCUMENT_END,
  footerHtml,
  headerHtml,
  navHtml,
  pageBody,
  pageSpecs,
  sectionHtml,
  type SiteShape,
  widgetHtml,
} from './site-shape';

/** The partials the incremental runs change, relative to the project. */
export const HUGO_PATHS = {
  footer: 'layouts/partials/footer.html',
  widget: (section: number) => `layouts/partials/widget-${section}.html`,
  page: (section: number, index: number) => `content/s${section}/page-${index}.html`,
};

// Only single pages: list pages, feeds, sitemaps and taxonomies would be work the other tools do not do.
const CONFIG = `baseURL = "http://example.org/"
title = "Benchmark"
disableKinds = ["home", "section", "taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
`;

const SINGLE_LAYOUT =
  '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>\n' +
  '{{ partial "header.html" . }}\n{{ partial "nav.html" . }}\n<main>\n{{ .Content }}</main>\n' +
  '{{ partial (printf "section-%s.html" (strings.TrimPrefix "s" .Section)) . }}\n{{ partial "footer.html" . }}\n' +
  DOCUMENT_END;

/** Writes the project under `root`. */
export function writeHugoSite(root: string, shape: SiteShape): void {
  const partials = join(root, 'layouts/partials');
  mkdirSync(partials, { recursive: true });
  mkdirSync(join(root, 'layouts/_default'), { recursive: true });
  writeFileSync(join(root, 'config.toml'), CONFIG);
  writeFileSync(join(root, 'layouts/_default/single.html'), SINGLE_LAYOUT);
  writeFileSync(join(partials, 'header.html'), headerHtml());
  writeFileSync(join(partials, 'nav.html'), navHtml(shape));
  writeFileSync(join(root, HUGO_PATHS.footer), footerHtml());
  for (let k = 0; k < shape.sections; k++) {
    mkdirSync(join(root, `content/s${k}`), { recursive: true });
    writeFileSync(join(partials, `section-${k}.html`), sectionHtml(k, `{{ partial "widget-${k}.html" . }}`));
    writeFileSync(join(root, HUGO_PATHS.widget(k)), widgetHtml(k));
  }
  for (const page of pageSpecs(shape)) {
    const text = `---\ntitle: "${page.title}"\n---\n${pageBody(page)}`;
    writeFileSync(join(root, HUGO_PATHS.page(page.section, page.index)), text);
  }
}
