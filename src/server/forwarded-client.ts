// Names the visitor behind trusted proxies: sets Koa's ctx.ip from X-Forwarded-For when the peer is trusted, and
// keeps the forwarding headers of an untrusted peer from being believed anywhere else.

import type { Middleware } from 'koa';
import { clientAddress, type TrustedProxies } from './proxy-trust';

// What Koa reads from a request once app.proxy is on (the scheme and the host); only a trusted proxy may say them.
const PROXY_ONLY_FIELDS = ['x-forwarded-proto', 'x-forwarded-host'];

/**
 * Sets `ctx.request.ip` to the visitor's address (proxy-trust.ts, clientAddress). A request from a peer that is
 * no trusted proxy has its X-Forwarded-Proto and X-Forwarded-Host removed: with `app.proxy` on, Koa would
 * otherwise take its scheme and host from whoever connects.
 */
export function forwardedClientMiddleware(trusted: TrustedProxies): Middleware {
  return async (ctx, next) => {
    const peer = ctx.req.socket.remoteAddress ?? '';
    if (trusted.has(peer)) {
      // Node joins repeated X-Forwarded-For fields with ', ', the list's own separator (RFC 9110 §5.3).
      ctx.request.ip = clientAddress(peer, ctx.get('X-Forwarded-For') || undefined, trusted);
    } else {
      for (const name of PROXY_ONLY_FIELDS) delete ctx.req.headers[name];
      ctx.request.ip = peer;
    }
    await next();
  };
}
