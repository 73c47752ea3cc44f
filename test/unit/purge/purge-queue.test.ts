// The purge queue with a fake sender: the cap on requests in flight, purging again what changed during an
// in-flight purge, Retry-After, jitter bounds, batches of tags, and every give-up reported.

import {
  formatPurgeEvent,
  type PurgeEvent,
  PurgeQueue,
  type PurgeQueueOptions,
} from '../../../src/purge/purge-queue';
import {
  checkPurgeTarget,
  expandPurgeTarget,
  parseRetryAfter,
  type PurgeAnswer,
  type PurgeRequest,
  purgeTargetFromFlags,
  purgeTargetKind,
} from '../../../src/purge/purge-target';

/** A sender whose requests stay in flight until the test answers them. */
class HeldSender {
  readonly sent: Array<{ purge: PurgeRequest; answer: (answer: PurgeAnswer | number) => void; at: number }> =
    [];
  inFlight = 0;
  maxInFlight = 0;
  readonly send = (purge: PurgeRequest): Promise<PurgeAnswer | number> => {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve) => {
      this.sent.push({
        purge,
        at: Date.now(),
        answer: (answer) => {
          this.inFlight--;
          resolve(answer);
        },
      });
    });
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const job = (n: number) => ({ tag: n.toString(16).padStart(12, '0'), url: `/p${n}.shtml` });
const TAG_TARGET = checkPurgeTarget({ url: 'http://cdn/purge/{tag}' }, 'purge');

function queueWith(sender: HeldSender, options: Partial<PurgeQueueOptions> = {}, target = TAG_TARGET) {
  const events: PurgeEvent[] = [];
  const queue = new PurgeQueue(target, {
    onEvent: (e) => void events.push(e),
    send: sender.send,
    ...options,
  });
  return { queue, events };
}

/** Answers every request in flight with `status` until the queue is idle. */
async function answerAll(sender: HeldSender, queue: PurgeQueue, status = 200): Promise<void> {
  let answered = 0;
  while (queue.pending > 0) {
    while (answered < sender.sent.length) sender.sent[answered++].answer(status);
    await tick();
  }
}

describe('PurgeQueue concurrency', () => {
  it('when 50 purges are queued at once › never more than the cap (4) are in flight, and all are sent', async () => {
    const sender = new HeldSender();
    const { queue, events } = queueWith(sender);
    queue.enqueue(Array.from({ length: 50 }, (_unused, n) => job(n)));
    expect(sender.inFlight).toBe(4);
    await answerAll(sender, queue);
    expect(sender.maxInFlight).toBe(4);
    expect(sender.sent).toHaveLength(50);
    expect(events.filter((e) => e.kind === 'purged')).toHaveLength(50);
  });

  it('with maxInFlight 1 › sends one at a time', async () => {
    const sender = new HeldSender();
    const { queue } = queueWith(sender, { maxInFlight: 1 });
    queue.enqueue([job(1), job(2), job(3)]);
    await answerAll(sender, queue);
    expect(sender.maxInFlight).toBe(1);
  });
});

describe('PurgeQueue and changes during a purge', () => {
  it('when the same purge is enqueued while it is in flight › sends it again after the answer', async () => {
    const sender = new HeldSender();
    const { queue, events } = queueWith(sender);
    queue.enqueue([job(1)]);
    expect(sender.sent).toHaveLength(1);
    queue.enqueue([job(1)]);
    expect(sender.sent).toHaveLength(1);
    sender.sent[0].answer(200);
    await tick();
    expect(sender.sent).toHaveLength(2);
    await answerAll(sender, queue);
    expect(sender.sent).toHaveLength(2);
    expect(events.map((e) => e.kind)).toEqual(['purged', 'purged']);
  });

  it('when the in-flight purge fails for good › the later change is still purged, and the give-up reported', async () => {
    const sender = new HeldSender();
    const { queue, events } = queueWith(sender);
    queue.enqueue([job(1)]);
    queue.enqueue([job(1)]);
    sender.sent[0].answer(403);
    await tick();
    await answerAll(sender, queue);
    expect(events.map((e) => e.kind)).toEqual(['gave-up', 'purged']);
  });

  it('when the same purge is enqueued while it waits for a slot › it is sent once (not sent yet: nothing to redo)', async () => {
    const sender = new HeldSender();
    const { queue } = queueWith(sender, { maxInFlight: 1 });
    queue.enqueue([job(1), job(2)]);
    queue.enqueue([job(2), job(2)]);
    await answerAll(sender, queue);
    expect(sender.sent.map((s) => s.purge.url)).toEqual([
      'http://cdn/purge/000000000001',
      'http://cdn/purge/000000000002',
    ]);
  });
});

describe('PurgeQueue retries', () => {
  it('when the target answers 503 with Retry-After › waits at least that long, for every purge to it', async () => {
    const sender = new HeldSender();
    const { queue, events } = queueWith(sender, { baseDelayMs: 1, random: () => 0 });
    queue.enqueue([job(1)]);
    const failedAt = Date.now();
    sender.sent[0].answer({ status: 503, retryAfterMs: 60 });
    await tick();
    queue.enqueue([job(2)]);
    expect(sender.sent).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'retrying', delayMs: 60 });
    await answerAll(sender, queue);
    expect(sender.sent).toHaveLength(3);
    for (const later of sender.sent.slice(1)) expect(later.at - failedAt).toBeGreaterThanOrEqual(59);
  });

  it('when Retry-After is absurdly long › waits at most maxRetryAfterMs', async () => {
    const sender = new HeldSender();
    const { queue, events } = queueWith(sender, { maxRetryAfterMs: 5 });
    queue.enqueue([job(1)]);
    sender.sent[0].answer({ status: 429, retryAfterMs: 86_400_000 });
    await tick();
    expect(events[0]).toMatchObject({ kind: 'retrying' });
    expect((events[0] as { delayMs: number }).delayMs).toBeLessThanOrEqual(500);
    queue.close();
  });

  it.each([
    [0, [2, 4, 8, 16]],
    [0.5, [3, 6, 12, 24]],
    [1, [4, 8, 16, 32]],
  ])(
    'with the jitter source at %d › each backoff is jittered within [½, 1] of itself: %j',
    async (random, expected) => {
      const sender = new HeldSender();
      const { queue, events } = queueWith(sender, { baseDelayMs: 4, maxAttempts: 5, random: () => random });
      queue.enqueue([job(1)]);
      await answerAll(sender, queue, 503);
      expect(events.flatMap((e) => (e.kind === 'retrying' ? [e.delayMs] : []))).toEqual(expected);
      expect(events[events.length - 1].kind).toBe('gave-up');
    },
  );

  it('with Math.random › every delay lies between half the backoff and the backoff', async () => {
    const sender = new HeldSender();
    const { queue, events } = queueWith(sender, { baseDelayMs: 2, maxAttempts: 6 });
    queue.enqueue([job(1)]);
    let answered = 0;
    while (queue.pending > 0) {
      while (answered < sender.sent.length) sender.sent[answered++].answer(503);
      await tick();
    }
    const delays = events.flatMap((e) => (e.kind === 'retrying' ? [e.delayMs] : []));
    expect(delays).toHaveLength(5);
    delays.forEach((delay, attempt) => {
      expect(delay).toBeGreaterThanOrEqual(2 ** attempt);
      expect(delay).toBeLessThanOrEqual(2 * 2 ** attempt);
    });
    expect(formatPurgeEvent(events[events.length - 1])).toBe(
      'gave up purging /p1.shtml (tag 000000000001): answered 503 (attempt 6 of 6)',
    );
  });
});

describe('PurgeQueue with a {tags} target', () => {
  const target = checkPurgeTarget(
    { method: 'POST', url: 'http://cdn/purge', body: '{"tags":{tags:json}}', maxTags: 3 },
    'purge',
  );

  it('when 7 tags are queued › sends batches of at most maxTags, each tag once', async () => {
    const sender = new HeldSender();
    const { queue, events } = queueWith(sender, {}, target);
    queue.enqueue([1, 2, 3, 4, 5, 6, 7, 1, 2].map(job));
    await answerAll(sender, queue);
    expect(sender.sent.map((s) => JSON.parse(s.purge.body ?? '').tags.length)).toEqual([3, 3, 1]);
    expect(formatPurgeEvent(events[0])).toBe(
      'purged /p1.shtml (tag 000000000001), /p2.shtml (tag 000000000002), /p3.shtml (tag 000000000003)',
    );
  });

  it('when a tag of an in-flight batch changes again › it goes out in a later batch', async () => {
    const sender = new HeldSender();
    const { queue } = queueWith(sender, { maxInFlight: 1 }, target);
    queue.enqueue([job(1), job(2)]);
    queue.enqueue([job(2), job(3)]);
    await answerAll(sender, queue);
    expect(sender.sent.map((s) => JSON.parse(s.purge.body ?? '').tags)).toEqual([
      ['000000000001', '000000000002'],
      ['000000000003', '000000000002'],
    ]);
  });
});

describe('PurgeQueue.close', () => {
  it('when purges are still queued › each give-up is reported, in one line', async () => {
    const sender = new HeldSender();
    const { queue, events } = queueWith(sender, { maxInFlight: 1 });
    queue.enqueue([job(1), job(2), job(3)]);
    queue.close();
    expect(events.map(formatPurgeEvent)).toEqual([
      'gave up purging /p2.shtml (tag 000000000002), /p3.shtml (tag 000000000003): stopping before it was sent',
    ]);
    await answerAll(sender, queue);
    expect(events.map((e) => e.kind)).toEqual(['gave-up', 'purged']);
  });
});

describe('purge templates', () => {
  it('{tags} from the flags › the tags go space-separated in the URL and tag header, no X-Purge-URL', () => {
    const target = purgeTargetFromFlags('http://cdn/purge/{tags}', 'PURGE', 'Surrogate-Key');
    expect(purgeTargetKind(target)).toBe('batch');
    expect(expandPurgeTarget(target, [job(1), job(2)])).toEqual({
      method: 'PURGE',
      url: 'http://cdn/purge/000000000001 000000000002',
      headers: { 'Surrogate-Key': '000000000001 000000000002' },
      body: undefined,
    });
  });

  it.each([
    [{ url: 'http://cdn/{url}' }, 'url'],
    [{ url: 'http://cdn/{tag}' }, 'tag'],
    [{ url: 'http://cdn/', headers: { 'Surrogate-Key': '{tags}' } }, 'batch'],
  ])('the kind of %j › %s', (template, kind) => {
    expect(purgeTargetKind(checkPurgeTarget(template, 'purge'))).toBe(kind);
  });

  it.each([
    [
      { url: 'http://cdn/{tags}?u={url}' },
      'purge: {tags} sends several tags per request and cannot be mixed',
    ],
    [{ url: 'http://cdn/', maxTags: 0 }, 'purge.maxTags must be a whole number from 1 to 1000'],
  ])('rejects %j › %s', (template, message) => {
    expect(() => checkPurgeTarget(template, 'purge')).toThrow(message);
  });
});

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  const now = Date.UTC(2024, 0, 15, 12, 0, 0);
  it.each([
    ['120', 120_000],
    ['Mon, 15 Jan 2024 12:00:30 GMT', 30_000],
    ['Mon, 15 Jan 2024 11:00:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('%j › %j ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
