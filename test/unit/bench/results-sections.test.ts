import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { replaceSection, sectionMarkers, writeResultsSection } from '../../../bench/results-sections';

const http = sectionMarkers('http');
const build = sectionMarkers('build');

describe('replaceSection', () => {
  it('into an empty document › writes the title and the section between its markers', () => {
    const text = replaceSection('', 'http', '## HTTP\nfigures\n');
    expect(text.startsWith('# Benchmark results')).toBe(true);
    expect(text).toContain(`${http.start}\n## HTTP\nfigures\n${http.end}\n`);
  });

  it('when the section is there › replaces only the text between its markers', () => {
    const before = `# T\n\n${http.start}\nold http\n${http.end}\n\n${build.start}\nold build\n${build.end}\n\n## Soak\npasted\n`;
    const after = replaceSection(before, 'build', 'new build');
    expect(after).toBe(
      `# T\n\n${http.start}\nold http\n${http.end}\n\n${build.start}\nnew build\n${build.end}\n\n## Soak\npasted\n`,
    );
    expect(replaceSection(after, 'http', 'new http')).toContain(`${http.start}\nnew http\n${http.end}`);
  });

  it('when the section is missing › appends it and keeps the rest', () => {
    const before = `# T\n\n${http.start}\nhttp\n${http.end}\n`;
    const after = replaceSection(before, 'build', 'build');
    expect(after).toBe(`# T\n\n${http.start}\nhttp\n${http.end}\n\n${build.start}\nbuild\n${build.end}\n`);
  });

  it('run twice with the same text › changes nothing the second time', () => {
    const once = replaceSection('# T\n', 'http', 'x');
    expect(replaceSection(once, 'http', 'x')).toBe(once);
  });
});

describe('writeResultsSection', () => {
  it('keeps the other section of the file', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'results-sections-'));
    try {
      const file = path.join(folder, 'RESULTS.md');
      writeResultsSection(file, 'http', 'first http');
      writeResultsSection(file, 'build', 'first build');
      writeResultsSection(file, 'http', 'second http');
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toContain('second http');
      expect(text).toContain('first build');
      expect(text).not.toContain('first http');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
