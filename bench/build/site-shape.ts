// The benchmark site's shape and text, shared by the three generators (SSI, Hugo, Eleventy) so each tool
// renders the same pages from the same fragments. Pure: strings only, no I/O.

/** How many pages and sections the generated site has. */
export interface SiteShape {
  /** Pages in the whole site. */
  pages: number;
  /** Sections; each has its own pair of nested fragments, shared by the pages of that section. */
  sections: number;
}

/** One page of the site: where it lives and which section's fragments it includes. */
export interface PageSpec {
  index: number;
  section: number;
  /** The folder of the section (`s7`), the same in every tool. */
  folder: string;
  /** The file name without extension (`page-42`). */
  name: string;
  title: string;
}

/** Sections of about 100 pages each, so one section fragment is shared by about 1% of a 10,000-page site. */
export function siteShape(pages: number): SiteShape {
  return { pages, sections: Math.max(1, Math.round(pages / 100)) };
}

/** Every page, section by section (page i belongs to section i mod sections). */
export function pageSpecs(shape: SiteShape): PageSpec[] {
  return Array.from({ length: shape.pages }, (_, index) => {
    const section = index % shape.sections;
    return { index, section, folder: `s${section}`, name: `page-${index}`, title: `Page ${index}` };
  });
}

/** How many pages include section `section`'s fragments. */
export function pagesInSection(shape: SiteShape, section: number): number {
  return pageSpecs(shape).filter((page) => page.section === section).length;
}

const LOREM =
  'Server-side includes assemble a page from fragments at request time; a static build does it once. ' +
  'Each paragraph here stands for the text an editor wrote, so the pages weigh what real pages weigh. ';

/** The page's own content, about 2 KB: five paragraphs that differ per page. */
export function pageBody(page: PageSpec): string {
  const paragraphs = Array.from(
    { length: 5 },
    (_, n) => `<p>${page.title}, paragraph ${n + 1}. ${LOREM.repeat(2)}</p>`,
  );
  return `<h1>${page.title}</h1>\n${paragraphs.join('\n')}\n`;
}

/** The site-wide header fragment. `version` lets the benchmark change its bytes. */
export function headerHtml(version = 0): string {
  return `<header><a href="/">Benchmark site</a> <span class="v">header v${version}</span></header>\n`;
}

/**
 * Links in the navigation at most: one per section up to 10,000 pages. Past that the nav stops growing, so a page
 * of the 100,000-page scale site weighs what a page of the 10,000-page site weighs and pages/s compare.
 */
const MAX_NAV_LINKS = 100;

/** The site-wide navigation: one link per section, for the first MAX_NAV_LINKS sections. */
export function navHtml(shape: SiteShape): string {
  const links = Array.from(
    { length: Math.min(shape.sections, MAX_NAV_LINKS) },
    (_, k) => `<li><a href="/s${k}/">Section ${k}</a></li>`,
  );
  return `<nav><ul>\n${links.join('\n')}\n</ul></nav>\n`;
}

/** The site-wide footer fragment. */
export function footerHtml(version = 0): string {
  return `<footer><p>Footer v${version}. Copyright the benchmark.</p></footer>\n`;
}

/** The outer of the two nested fragments of a section; `includeWidget` is the tool's include of the inner one. */
export function sectionHtml(section: number, includeWidget: string): string {
  return `<aside class="section-${section}"><h2>About section ${section}</h2>\n${includeWidget}\n</aside>\n`;
}

/** The inner nested fragment of a section. */
export function widgetHtml(section: number, version = 0): string {
  return `<div class="widget">Widget of section ${section}, v${version}.</div>\n`;
}

/** The HTML around the parts, identical in every tool. */
export function documentStart(title: string): string {
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head><body>\n`;
}

export const DOCUMENT_END = '</body></html>\n';
