// CDN-Loop (RFC 8586) and Via (RFC 9110 §7.6.3) read for the names of our edges, and a Host's repeats of the CDN
// suffix: list syntax (commas, parameters, quoted strings, comments, case, ports) and hostile values.

import { hostName, namesListedProxy, suffixRepeats } from '../../../src/fields/loop-fields';

const OURS = new Set(['our-edge', 'edge.example.net']);

describe('namesListedProxy › CDN-Loop', () => {
  it.each([
    ['our-edge', true],
    ['OUR-EDGE', true],
    ['foo, our-edge', true],
    ['foo,our-edge;v=1', true],
    ['foo; a=b, our-edge ; x="y"', true],
    ['edge.example.net:443', true],
    ['foo, bar', false],
    ['not-our-edge', false],
    ['our-edge-2', false],
    // A name inside a parameter's quoted string is no member, nor is one after a quoted comma.
    ['foo; note="our-edge"', false],
    ['foo; note="a, our-edge"', false],
    ['foo; note="a\\", our-edge"', false],
    ['foo; p=our-edge', false],
    ['', false],
    [', , ,', false],
  ])('%j › %s', (value, expected) => {
    expect(namesListedProxy('cdn-loop', value, OURS)).toBe(expected);
  });

  it('lines sent apart (an array) › each is read', () => {
    expect(namesListedProxy('cdn-loop', ['foo', 'our-edge'], OURS)).toBe(true);
  });

  it('no names configured › nothing matches', () => {
    expect(namesListedProxy('cdn-loop', 'our-edge', new Set())).toBe(false);
  });
});

describe('namesListedProxy › Via', () => {
  it.each([
    ['1.1 our-edge', true],
    ['HTTP/1.1 Our-Edge (Varnish/7.5)', true],
    ['1.0 fred, 1.1 our-edge', true],
    ['1.1 edge.example.net:8080 (nginx)', true],
    ['1.1 varnish (our-edge)', false],
    ['1.1 a (comment, 1.1 our-edge), 1.1 b', false],
    ['1.1 a (nested (our-edge, x) y), 1.1 b', false],
    ['1.1 a (escaped \\) our-edge), 1.1 b', false],
    // The protocol is no proxy name.
    ['our-edge x', false],
    ['1.1', false],
  ])('%j › %s', (value, expected) => {
    expect(namesListedProxy('via', value, OURS)).toBe(expected);
  });
});

describe('namesListedProxy › hostile values stay cheap', () => {
  // Generous bounds: a linear scan of a megabyte takes milliseconds; anything quadratic would take minutes.
  it.each([
    ['200 000 members, ours last', `${'x, '.repeat(200_000)}our-edge`, true],
    ['one unclosed comment', `1.1 a (${'('.repeat(500_000)}`, false],
    ['one unclosed quoted string', `a; p="${'\\'.repeat(500_000)}`, false],
    ['a megabyte of one word', 'x'.repeat(1_000_000), false],
  ])('%s › answered at once', (_name, value, expected) => {
    const started = performance.now();
    const field = value.startsWith('1.1') ? 'via' : 'cdn-loop';
    expect(namesListedProxy(field, value, OURS)).toBe(expected);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('suffixRepeats', () => {
  it.each([
    ['www.site.cdn.example.cdn.example', 2],
    ['www.site.CDN.Example.cdn.example.:8080', 2],
    ['cdn.example', 1],
    ['site.cdn.example', 1],
    ['site.xcdn.example', 0],
    ['cdn.examples.org', 0],
    ['cdn.example.cdn.example.cdn.example', 3],
    ['www.site.org', 0],
  ])('%s › %i', (host, count) => {
    expect(suffixRepeats(host, 'cdn.example')).toBe(count);
  });

  it('no Host › 0', () => {
    expect(suffixRepeats(undefined, 'cdn.example')).toBe(0);
  });

  it('a hostile Host of many labels › counted at once', () => {
    const started = performance.now();
    expect(suffixRepeats('a.'.repeat(200_000) + 'cdn.example', 'cdn.example')).toBe(1);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('hostName', () => {
  it.each([
    ['WWW.Example.org.:8080', 'www.example.org'],
    ['example.org', 'example.org'],
    ['[2001:db8::1]:443', '[2001:db8::1]'],
    ['192.0.2.1:80', '192.0.2.1'],
  ])('%s › %s', (host, name) => {
    expect(hostName(host)).toBe(name);
  });
});
