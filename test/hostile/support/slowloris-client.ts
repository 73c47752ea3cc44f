// Slowloris tools for the hostile suite: half-open connections that send a partial request line and then
// nothing, a count of a process's open descriptors, and one plain GET that reports how it ended.

import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

/** What became of the half-open connections. */
export interface HalfOpenAttack {
  sockets: Socket[];
  /** Connections the server accepted and kept until now. */
  open: () => number;
  /** Connections that were closed or reset by the server. */
  closed: () => number;
}

/**
 * Opens `count` connections to 127.0.0.1:`port`, each sending the start of a request and never finishing it.
 * @example const attack = await openHalfOpen(8080, 1000);
 */
export async function openHalfOpen(port: number, count: number): Promise<HalfOpenAttack> {
  const sockets: Socket[] = [];
  let closed = 0;
  for (let index = 0; index < count; index++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.once('close', () => closed++);
    socket.on('data', () => undefined);
    await new Promise<void>((resolve) => {
      socket.once('connect', () => {
        socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
        resolve();
      });
      socket.once('error', () => resolve());
    });
    sockets.push(socket);
  }
  return { sockets, open: () => count - closed, closed: () => closed };
}

/** Closes every connection of an attack. */
export function endAttack(attack: HalfOpenAttack): void {
  for (const socket of attack.sockets) socket.destroy();
}

/** The number of open file descriptors of process `pid` (Linux /proc), or -1 once the process is gone. */
export function descriptorCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return -1;
  }
}

/** GETs `path` on a fresh connection: the status, or the error code (`ECONNRESET`, `timeout`). */
export function plainGet(port: number, path = '/', timeoutMs = 2000): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    req.end();
  });
}
