// The test-only CPU burn: a request asking for N ms is held that long (at most 1000) and says so; a request that
// does not ask, or asks with anything but digits, passes through untouched.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { TEST_BURNED_FIELD, withTestBurn } from '../../../src/cli/test-burn';

function call(headers: Record<string, string>) {
  const set = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string) => set.set(name, value),
  } as unknown as ServerResponse;
  const listener = jest.fn();
  const started = performance.now();
  withTestBurn(listener)({ headers } as IncomingMessage, res);
  return {
    burned: set.get(TEST_BURNED_FIELD),
    elapsed: performance.now() - started,
    served: listener.mock.calls.length,
  };
}

describe('withTestBurn', () => {
  it('X-Cdn-Include-Test-Burn: 30 › holds the loop at least 30 ms, says 30, then serves', () => {
    const { burned, elapsed, served } = call({ 'x-cdn-include-test-burn': '30' });
    expect(burned).toBe('30');
    expect(elapsed).toBeGreaterThanOrEqual(30);
    expect(served).toBe(1);
  });

  it('more than 1000 ms asked › 1000 burnt', () => {
    expect(call({ 'x-cdn-include-test-burn': '1500' }).burned).toBe('1000');
  });

  it.each([
    [{}],
    [{ 'x-cdn-include-test-burn': '-5' }],
    [{ 'x-cdn-include-test-burn': '1e3' }],
    [{ 'x-cdn-include-test-burn': '0' }],
  ])('%j › nothing burnt, nothing said, served', (headers) => {
    const { burned, served } = call(headers);
    expect(burned).toBeUndefined();
    expect(served).toBe(1);
  });
});
