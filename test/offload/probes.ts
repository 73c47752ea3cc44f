// The test's own requests during an offload run, besides wrk's: kinds of request that must never be redirected
// (our edge's CDN-Loop or Via, the bounce-back marker, a revalidation) and plain ones, sent at a steady pace, each
// kind named by its User-Agent so the origin's log can be matched with what was sent.

import { edgeGet, type EdgeResponse } from '../edge/edge-request';
import { OUR_EDGE } from './offload-edges';

/** A kind of probe: its request fields and path. */
export interface ProbeKind {
  /** Also its User-Agent. */
  name: string;
  path: string;
  headers: Record<string, string>;
}

/** What a probe got back, with when it was sent. */
export interface ProbeAnswer {
  kind: string;
  time: number;
  status: number;
  location: string | undefined;
}

/** The probes of the overload run, over `path` (a small page under the offloaded paths); `etag` is its ETag. */
export function probeKinds(path: string, etag: string, bounceParam: string): ProbeKind[] {
  const kinds: ProbeKind[] = [
    { name: 'probe-plain', path, headers: {} },
    { name: 'probe-cdn-loop', path, headers: { 'CDN-Loop': `${OUR_EDGE}, other-cdn` } },
    { name: 'probe-via', path, headers: { Via: `1.1 ${OUR_EDGE} (nginx), 1.1 other` } },
    { name: 'probe-bounce', path: `${path}?${bounceParam}=1`, headers: {} },
    { name: 'probe-revalidate', path, headers: { 'If-None-Match': etag } },
  ];
  return kinds.map((kind) => ({ ...kind, headers: { ...kind.headers, 'User-Agent': kind.name } }));
}

/** Sends one probe of each kind every `intervalMs` to the origin until stopped; keeps every answer. */
export class ProbeLoop {
  readonly answers: ProbeAnswer[] = [];
  /** Probes sent that got no answer (a refused or reset connection), by kind: each is a failure of the run. */
  readonly failures: string[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly port: number,
    private readonly kinds: readonly ProbeKind[],
    intervalMs: number,
  ) {
    this.timer = setInterval(() => this.sendAll(), intervalMs);
  }

  /** Stops sending and waits for the answers still due. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.pending]);
  }

  private sendAll(): void {
    for (const kind of this.kinds) {
      const time = Date.now();
      const sent = edgeGet(this.port, kind.path, kind.headers).then(
        (response: EdgeResponse) =>
          void this.answers.push({
            kind: kind.name,
            time,
            status: response.status,
            location: response.headers.location,
          }),
        (err: Error) => void this.failures.push(`${kind.name}: ${err.message}`),
      );
      this.pending.add(sent);
      void sent.finally(() => this.pending.delete(sent));
    }
  }
}
