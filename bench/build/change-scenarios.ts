// The changes made between incremental rebuilds, each with the pages it should re-render and a check that a
// tool's output really shows it (so a tool that skipped work cannot look fast).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildTool } from './build-tools';
import { editFile, fileContains } from './site-files';
import { footerHtml, pagesInSection, type SiteShape, widgetHtml } from './site-shape';

/** One change to the site, applied the same way to each tool's sources. */
export interface ChangeScenario {
  label: string;
  /** Pages whose bytes the change affects: what an ideal incremental build renders. */
  affectedPages: number;
  /** Further files cdn-include renders: its `.shtml` fragments are pages too (inc/section-0.shtml includes the widget). */
  fragmentPages: number;
  apply: (tool: BuildTool, source: string) => void;
  /** True when the output shows the change (or, with nothing changed, still shows the site). */
  isVisible: (tool: BuildTool, out: string) => boolean;
}

/** Nothing, a nested section fragment (~1% of pages), one page, and the footer (every page), in this order. */
export function changeScenarios(shape: SiteShape): ChangeScenario[] {
  const widgetPages = pagesInSection(shape, 0);
  // Page 1 lies in section 1 when there are several sections, so it is not among the widget's pages.
  const page = { section: 1 % shape.sections, index: 1 };
  const output = (tool: BuildTool, out: string, section: number, index: number): string =>
    join(out, tool.outputPage(section, index));
  return [
    {
      label: 'nothing changed',
      affectedPages: 0,
      fragmentPages: 0,
      apply: () => undefined,
      isVisible: (tool, out) => fileContains(output(tool, out, 0, 0), 'Widget of section 0, v0.'),
    },
    {
      label: `nested fragment of section 0 (in ${widgetPages} pages)`,
      affectedPages: widgetPages,
      fragmentPages: 1,
      apply: (tool, source) => writeFileSync(join(source, tool.changes.widget(0)), widgetHtml(0, 1)),
      isVisible: (tool, out) => fileContains(output(tool, out, 0, 0), 'Widget of section 0, v1.'),
    },
    {
      label: 'one page',
      affectedPages: 1,
      fragmentPages: 0,
      apply: (tool, source) =>
        editFile(join(source, tool.changes.page(page.section, page.index)), (text) =>
          text.replace('paragraph 1.', 'paragraph 1 (edited).'),
        ),
      isVisible: (tool, out) => fileContains(output(tool, out, page.section, page.index), '(edited)'),
    },
    {
      label: `footer (in all ${shape.pages} pages)`,
      affectedPages: shape.pages,
      fragmentPages: 0,
      apply: (tool, source) => writeFileSync(join(source, tool.changes.footer), footerHtml(1)),
      isVisible: (tool, out) => fileContains(output(tool, out, page.section, page.index), 'Footer v1.'),
    },
  ];
}
