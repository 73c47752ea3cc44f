// The load monitor: shed() against its share with an injected random, the samplers each reading their own window
// (the utilisation baseline advances, the delay histogram resets, egress and requests in flight counted on a real
// server), and a started monitor judging real windows.

import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LoadMonitor } from '../../../src/server/load-monitor';
import {
  DelaySampler,
  EgressCounter,
  InFlightCounter,
  UtilizationSampler,
} from '../../../src/server/load-samplers';
import type { LoadSample } from '../../../src/server/load-state';

const IDLE: LoadSample = {
  eventLoopUtilization: 0.1,
  eventLoopDelayMs: 1,
  requestsInFlight: 0,
  egressBytesPerSecond: 0,
};

/** Utilisation thresholds written out, so the tests do not move with the defaults. */
const UTILIZATION = { low: 0.6, high: 0.85, critical: 0.97 };

/** Holds the event loop for `ms` from a setImmediate (as a request's work would), then resolves. */
function busyFor(ms: number): Promise<void> {
  return new Promise((resolve) =>
    setImmediate(() => {
      const end = performance.now() + ms;
      while (performance.now() < end);
      resolve();
    }),
  );
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Park–Miller generator: the same numbers on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

describe('LoadMonitor › shed()', () => {
  it('normal › never sheds, and never draws a random number', () => {
    const random = jest.fn(() => 0);
    const monitor = new LoadMonitor({ random });
    monitor.observe(IDLE);
    expect([monitor.level(), monitor.shed()]).toEqual(['normal', false]);
    expect(random).not.toHaveBeenCalled();
  });

  it('overloaded half way from high to critical › sheds when the random number is below 0.5', () => {
    const draws = [0.49, 0.51];
    const monitor = new LoadMonitor({
      settings: { enterWindows: 1, smoothing: 1, eventLoopUtilization: UTILIZATION },
      random: () => draws.shift() ?? 1,
    });
    monitor.observe({ ...IDLE, eventLoopUtilization: 0.91 });
    expect(monitor.level()).toBe('overloaded');
    expect([monitor.shed(), monitor.shed()]).toEqual([true, false]);
  });

  it.each([0.25, 0.75])(
    'overloaded at a share of %s › sheds that share of 10000 requests (seeded)',
    (share) => {
      const monitor = new LoadMonitor({
        settings: { enterWindows: 1, smoothing: 1, eventLoopUtilization: UTILIZATION },
        random: seeded(42),
      });
      monitor.observe({ ...IDLE, eventLoopUtilization: 0.85 + share * 0.12 });
      let shed = 0;
      for (let i = 0; i < 10_000; i += 1) if (monitor.shed()) shed += 1;
      expect(shed / 10_000).toBeCloseTo(share, 1);
    },
  );

  it('critical › always sheds', () => {
    const monitor = new LoadMonitor({ settings: { enterWindows: 1 }, random: () => 0.999 });
    monitor.observe({ ...IDLE, eventLoopUtilization: 1 });
    expect([monitor.level(), monitor.shed()]).toEqual(['critical', true]);
  });

  it('bad settings › a TypeError naming the setting', () => {
    const make = () => new LoadMonitor({ settings: { enterWindows: 0 } });
    expect(make).toThrow(TypeError);
    expect(make).toThrow('LoadMonitor: settings.enterWindows must be a whole number from 1 to 100');
  });
});

describe('load samplers', () => {
  it('utilisation › per interval: after an hour at 90%, an idle interval reads 0, a busy one 1', () => {
    const times = { idle: 0, active: 0 };
    const sampler = new UtilizationSampler(() => ({ ...times }));
    times.active += 3_240_000;
    times.idle += 360_000;
    expect(sampler.read()).toBeCloseTo(0.9);
    times.idle += 1000;
    expect(sampler.read()).toBe(0);
    times.active += 1000;
    expect(sampler.read()).toBe(1);
    expect(sampler.read()).toBe(0);
  });

  it('utilisation › on the real event loop, a busy interval reads high', async () => {
    const sampler = new UtilizationSampler();
    await busyFor(200);
    expect(sampler.read()).toBeGreaterThan(0.7);
  });

  it('delay › a window with a 200 ms stall reads its p99 near 200 ms; the window after is reset', async () => {
    const sampler = new DelaySampler();
    try {
      await pause(50);
      await busyFor(200);
      await pause(30);
      expect(sampler.read()).toBeGreaterThan(150);
      await pause(200);
      expect(sampler.read()).toBeLessThan(150);
    } finally {
      sampler.stop();
    }
  });

  describe('on a real server', () => {
    let server: Server;
    let release: () => void = () => undefined;
    const egress = new EgressCounter();
    const inFlight = new InFlightCounter();

    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url === '/held') release = () => res.end('late');
        else res.end('x'.repeat(10_000));
      });
      egress.watch(server);
      inFlight.watch(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    function fetchBody(path: string, agent = false as const): Promise<string> {
      const { port } = server.address() as AddressInfo;
      return new Promise((resolve, reject) => {
        get({ host: '127.0.0.1', port, path, agent }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
    }

    it('egress › the bytes written since the last read, closed connections included', async () => {
      egress.read();
      await fetchBody('/');
      await fetchBody('/');
      await pause(20);
      const bytes = egress.read();
      expect(bytes).toBeGreaterThan(20_000);
      expect(bytes).toBeLessThan(21_000);
      expect(egress.read()).toBe(0);
    });

    it('requests in flight › counted while the response is under way, not after', async () => {
      const held = fetchBody('/held');
      await pause(50);
      expect(inFlight.read()).toBe(1);
      release();
      await held;
      expect(inFlight.read()).toBe(0);
    });
  });
});

describe('LoadMonitor › started', () => {
  it('a busy stretch of windows › overloaded, then normal once idle; stop() ends the windows', async () => {
    const monitor = new LoadMonitor({
      settings: { windowMs: 100, enterWindows: 2, leaveWindows: 2, smoothing: 1, eventLoopDelayMs: false },
    }).start();
    try {
      for (let i = 0; i < 40 && monitor.level() === 'normal'; i += 1) await busyFor(50);
      expect(monitor.level()).not.toBe('normal');
      expect(monitor.status().measures.eventLoopUtilization).toBeGreaterThan(0.85);
      for (let i = 0; i < 40 && monitor.level() !== 'normal'; i += 1) await pause(50);
      expect(monitor.level()).toBe('normal');
    } finally {
      monitor.stop();
    }
  });
});
