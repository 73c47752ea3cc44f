// The `check` verdict's CDN findings: what a shared cache will do with the first 200 (not stored, Vary: *) and
// whether the page varies on Accept-Encoding without listing it in Vary. Pure: a function of recorded exchanges.

import { listMembers } from '../fields/http-fields';
import { sharedCacheBehaviour } from './cdn-behaviour';
import type { RecordedExchange, RecordedHeaders } from './revalidation-exchange';
import type { RevalidationProblem } from './revalidation-problem';

/**
 * Problems a shared cache meets with the page: `not-storable` and `vary-any` warnings for the first 200, and a
 * `missing-vary` error when its content-coding depends on Accept-Encoding but Vary does not say so.
 * @example
 * judgeCdnFindings(firstGet, varyProbe); // [{ code: 'missing-vary', severity: 'error', step: 'vary-probe', … }]
 */
export function judgeCdnFindings(
  first: RecordedExchange,
  probe: RecordedExchange | undefined,
): RevalidationProblem[] {
  if (first.status !== 200) return [];
  const problems: RevalidationProblem[] = [];
  const behaviour = sharedCacheBehaviour(first.status, first.headers);
  if (!behaviour.storable) {
    const message = `A shared cache will not store this page: ${behaviour.notStorableBecause}`;
    problems.push(warning('not-storable', 'get', `${message}; every request goes to the origin.`));
  }
  if (behaviour.varyAny) {
    const message = 'Vary: * makes every cached copy unusable without revalidation (RFC 9111 §4.1)';
    const advice = 'prefer Cache-Control: private when the page depends on the client';
    problems.push(warning('vary-any', 'get', `${message}; ${advice} (RFC 9110 §12.5.5).`));
  }
  const firstCoding = contentCoding(first.headers);
  if (firstCoding !== 'identity' && !variesOnAcceptEncoding(first.headers)) {
    const message = `The 200 has Content-Encoding: ${firstCoding} but its Vary does not name Accept-Encoding`;
    const effect = 'a shared cache would hand the encoded bytes to clients that cannot decode them';
    problems.push(missingVary('get', `${message}: ${effect} (RFC 9110 §12.5.5).`));
    return problems;
  }
  if (probe === undefined || probe.status !== 200) return problems;
  const probeCoding = contentCoding(probe.headers);
  if (probeCoding === firstCoding) return problems;
  if (variesOnAcceptEncoding(first.headers) && variesOnAcceptEncoding(probe.headers)) return problems;
  const sent = probe.probe?.['accept-encoding'] ?? '';
  const message =
    `With Accept-Encoding: ${sent} the origin answered Content-Encoding: ${probeCoding} instead of ` +
    `${firstCoding}, but Vary does not name Accept-Encoding`;
  const effect = 'a shared cache would serve one coding to every client';
  problems.push(missingVary('vary-probe', `${message}: ${effect} (RFC 9110 §12.5.5, RFC 9111 §4.1).`));
  return problems;
}

function contentCoding(headers: RecordedHeaders): string {
  const coding = (headers['content-encoding'] ?? '').trim().toLowerCase();
  return coding === '' ? 'identity' : coding;
}

function variesOnAcceptEncoding(headers: RecordedHeaders): boolean {
  const names = listMembers(headers.vary).map((name) => name.toLowerCase());
  return names.includes('accept-encoding') || names.includes('*');
}

function warning(code: 'not-storable' | 'vary-any', step: 'get', message: string): RevalidationProblem {
  return { code, severity: 'warning', step, message };
}

function missingVary(step: 'get' | 'vary-probe', message: string): RevalidationProblem {
  return { code: 'missing-vary', severity: 'error', step, message };
}
