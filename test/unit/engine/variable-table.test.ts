// The variable table sets the request's variables only when a render first uses the table, exactly as if they
// had been set up front.

import { RequestDependenceRecorder } from '../../../src/engine/request-dependence-recorder';
import { VariableTable } from '../../../src/engine/variables';
import { renderPage } from '../../../src/engine/render';
import { MemoryFileSource } from '../../../src/engine/memory-file-source';
import * as cgiVariables from '../../../src/engine/cgi-variables';

function tableWithFill(fill: (table: VariableTable) => void): VariableTable {
  const table = new VariableTable(new RequestDependenceRecorder());
  table.fillOnFirstUse(fill);
  return table;
}

describe('VariableTable.fillOnFirstUse', () => {
  it('when the table is never used › the fill never runs', () => {
    const fill = jest.fn();
    tableWithFill(fill);
    expect(fill).not.toHaveBeenCalled();
  });

  it.each([
    ['get', (table: VariableTable) => table.get('A', '')],
    ['set', (table: VariableTable) => table.set('B', 'b')],
    ['list', (table: VariableTable) => table.list('')],
  ])('when first used by %s › the fill runs once, before it', (_use, use) => {
    const fill = jest.fn((table: VariableTable) => table.set('A', 'filled'));
    const table = tableWithFill(fill);
    use(table);
    use(table);
    expect(fill).toHaveBeenCalledTimes(1);
    expect(table.get('A', '')).toBe('filled');
  });

  it("when a page sets a variable the fill set › its own value wins and the order is the fill's", () => {
    const table = tableWithFill((filled) => {
      filled.set('FIRST', '1');
      filled.set('SECOND', '2');
    });
    table.set('first', 'page');
    table.set('THIRD', '3');
    expect(table.list('')).toEqual([
      ['FIRST', 'page'],
      ['SECOND', '2'],
      ['THIRD', '3'],
    ]);
  });
});

describe('renderPage and the request variables', () => {
  afterEach(() => jest.restoreAllMocks());

  it('when a page uses no variable › the CGI variables are never built', async () => {
    const add = jest.spyOn(cgiVariables, 'addRequestVariables');
    const source = new MemoryFileSource({
      '/a.shtml': { content: 'x<!--#include virtual="/b.html" -->y' },
      '/b.html': { content: 'b' },
    });
    const result = await renderPage({ path: '/a.shtml' }, { source });
    expect(result.status === 'ok' && result.body.toString()).toBe('xby');
    expect(add).not.toHaveBeenCalled();
  });

  it("when a page echoes one › they are built and the value is the request's", async () => {
    const add = jest.spyOn(cgiVariables, 'addRequestVariables');
    const source = new MemoryFileSource({ '/a.shtml': { content: '<!--#echo var="DOCUMENT_URI" -->' } });
    const result = await renderPage({ path: '/a.shtml' }, { source });
    expect(result.status === 'ok' && result.body.toString()).toBe('/a.shtml');
    expect(add).toHaveBeenCalledTimes(1);
  });
});
