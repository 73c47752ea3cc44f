// Offload decisions as the access log writes them (combined and JSON, and nothing added without offload) and as the
// health check counts them.

import type { IncomingMessage } from 'node:http';
import { formatCombinedLine, formatJsonLine, type AccessLogRecord } from '../../../src/server/access-log';
import { noteOffload, offloadNoteOf, OffloadTally } from '../../../src/server/offload-notes';

const RECORD: AccessLogRecord = {
  time: Date.UTC(2026, 11, 4, 10, 0, 1),
  client: '203.0.113.9',
  peer: '203.0.113.9',
  method: 'GET',
  target: '/news/',
  protocol: 'HTTP/1.1',
  status: 307,
  bytes: 66,
  referer: 'https://news.example/',
  userAgent: 'curl/8.5.0',
  etag: undefined,
  durationMs: 0.31,
  renderMs: undefined,
  cache: 'hit',
  completed: true,
};

describe('the access log with offload', () => {
  it('combined › offload and reason after the other fields', () => {
    const line = formatCombinedLine({ ...RECORD, offload: { decision: '307', reason: 'overloaded' } });
    expect(line).toMatch(/ cache=hit end=complete offload=307 reason=overloaded$/);
  });

  it('JSON › offload and offloadReason', () => {
    const line = formatJsonLine({ ...RECORD, offload: { decision: '-', reason: 'loop-guard' } });
    expect(JSON.parse(line)).toMatchObject({ offload: '-', offloadReason: 'loop-guard' });
  });

  it('without offload › the lines as before', () => {
    expect(formatCombinedLine(RECORD)).toMatch(/ end=complete$/);
    expect(Object.keys(JSON.parse(formatJsonLine(RECORD)) as object)).not.toContain('offload');
  });
});

describe('OffloadTally', () => {
  it('› counts redirects and each decision with its reason; a request never noted is not counted', () => {
    const tally = new OffloadTally();
    const requests = [{}, {}, {}, {}].map((request) => request as IncomingMessage);
    noteOffload(requests[0], '-', 'no-file');
    // A later note replaces the first: the screen's guess, then the decision where the file would be sent.
    noteOffload(requests[0], '307', 'overloaded');
    noteOffload(requests[1], '307', 'overloaded');
    noteOffload(requests[2], '-', 'bounce');
    for (const request of requests) tally.count(request);
    expect(offloadNoteOf(requests[0])).toEqual({ decision: '307', reason: 'overloaded' });
    expect(tally.counts()).toEqual({ redirects: 2, decisions: { '307 overloaded': 2, '- bounce': 1 } });
  });
});
