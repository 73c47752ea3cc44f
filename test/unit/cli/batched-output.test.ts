import { batchedOutput, writeLines } from '../../../src/cli/batched-output';

const endOfTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('batchedOutput', () => {
  it('when lines are written in one turn › writes them once, in order, when the turn ends', async () => {
    const written: string[] = [];
    const output = batchedOutput((text) => written.push(text));
    output.write('one\n');
    output.write('two\n');
    expect(written).toEqual([]);
    await endOfTurn();
    expect(written).toEqual(['one\ntwo\n']);
  });

  it('when the bound is reached › writes what is held at once, in the same turn', () => {
    const written: string[] = [];
    const output = batchedOutput((text) => written.push(text), 8);
    output.write('1234\n');
    output.write('5678\n');
    expect(written).toEqual(['1234\n5678\n']);
  });

  it('when flushed › writes what is held and nothing more at the end of the turn', async () => {
    const written: string[] = [];
    const output = batchedOutput((text) => written.push(text));
    output.write('last\n');
    output.flush();
    expect(written).toEqual(['last\n']);
    await endOfTurn();
    expect(written).toEqual(['last\n']);
  });

  it('when nothing is held › a flush writes nothing', () => {
    const written: string[] = [];
    batchedOutput((text) => written.push(text)).flush();
    expect(written).toEqual([]);
  });
});

describe('writeLines', () => {
  it('writes lines that fit the bound in one call, in order', () => {
    const written: string[] = [];
    writeLines((text) => written.push(text), ['one\n', 'two\n', 'three\n']);
    expect(written).toEqual(['one\ntwo\nthree\n']);
  });

  it('writes each time the bound is reached, never splitting a line, and nothing for no lines', () => {
    const written: string[] = [];
    const lines = Array.from({ length: 10 }, (_, index) => `line ${index}\n`);
    writeLines((text) => written.push(text), lines, 20);
    expect(written.join('')).toBe(lines.join(''));
    expect(written.length).toBeGreaterThan(1);
    expect(written.length).toBeLessThan(lines.length);
    for (const text of written) expect(text.endsWith('\n')).toBe(true);
    writeLines((text) => written.push(text), []);
    expect(written.join('')).toBe(lines.join(''));
  });
});
