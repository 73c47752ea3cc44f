// Weighted rendezvous (highest random weight) hashing over a fixed hash, shared by every choice that must agree
// across processes and origins: mirrors for a download, asset hosts for an asset. Pure: no I/O, no state.

import { createHash } from 'node:crypto';

/** A candidate of a rendezvous choice: its name (unique among the candidates) and its share of the choices. */
export interface RendezvousCandidate {
  readonly name: string;
  /** Relative share (> 0): a candidate of weight 2 is chosen about twice as often as one of weight 1. */
  readonly weight: number;
}

/**
 * Weighted rendezvous hashing: each candidate scores `weight / -ln(u)` with `u` uniform in (0, 1) from the SHA-256
 * of `key + "\0" + name`, and the highest score wins. Removing a candidate moves only the keys it held, adding one
 * moves only the keys it wins; a candidate's share of keys is its share of the total weight. Undefined for no
 * candidate.
 * @example rendezvousChoice(mirrors, `${clientNetworkOf(ip)} ${path}`)
 */
export function rendezvousChoice<T extends RendezvousCandidate>(
  candidates: readonly T[],
  key: string,
): T | undefined {
  let best: { candidate: T; score: number } | undefined;
  for (const candidate of candidates) {
    const score = candidate.weight / -Math.log(uniformOf(`${key}\0${candidate.name}`));
    // Ties (only for equal hashes) go to the smaller name, so every origin breaks them alike.
    if (
      best === undefined ||
      score > best.score ||
      (score === best.score && candidate.name < best.candidate.name)
    )
      best = { candidate, score };
  }
  return best?.candidate;
}

/** A number in (0, 1) from the first 53 bits of the SHA-256 of `text` (UTF-8): the same on every machine. */
function uniformOf(text: string): number {
  const digest = createHash('sha256').update(text).digest();
  const high = digest.readUInt32BE(0);
  const low = digest.readUInt32BE(4) >>> 11;
  return (high * 2 ** 21 + low + 0.5) / 2 ** 53;
}
