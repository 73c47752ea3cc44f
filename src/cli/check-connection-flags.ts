// How `check` reaches servers: `--ca FILE` (a private CA, trusted besides Node's roots) and `--resolve
// NAME:ADDRESS[,ADDRESS…]` (names pinned to addresses, as curl's --resolve). Declarations and their parse rules;
// reading the CA file happens when the command runs.

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { listed, valued, withDefault, type FlagDeclaration } from './flags';
import { UsageError } from './usage';

/** `--ca FILE`: a private CA trusted besides Node's roots. */
export const CA_FILE: FlagDeclaration<string | undefined> = {
  flag: valued(
    {
      name: 'ca',
      argument: 'FILE',
      help: "trust the CA certificates of this PEM file besides Node's own (a private\nCA); NODE_EXTRA_CA_CERTS works too",
    },
    (given, cwd) => resolvePath(cwd, given),
  ),
};

/** `--resolve NAME:ADDRESS[,ADDRESS…]`, repeatable: host names pinned to addresses, as curl's --resolve. */
export const RESOLVE: FlagDeclaration<Record<string, string[]>> = {
  flag: withDefault(
    listed(
      {
        name: 'resolve',
        argument: 'NAME:ADDRESS[,ADDRESS…]',
        help: 'connect to these addresses for NAME instead of asking DNS (as curl\n--resolve and Chromium --host-resolver-rules); repeat it for several',
      },
      parseResolveRules,
    ),
    {},
  ),
};

/** `--resolve NAME:ADDRESS[,ADDRESS…]`, repeated: each name (lower case) with its addresses. */
function parseResolveRules(rules: string[]): Record<string, string[]> {
  const pinned: Record<string, string[]> = {};
  for (const rule of rules) {
    const colon = rule.indexOf(':');
    const name = rule.slice(0, colon).toLowerCase();
    const addresses = rule.slice(colon + 1).split(',');
    if (colon < 1 || !/^[a-z0-9.-]+$/.test(name) || addresses.some((address) => isIP(address) === 0))
      throw new UsageError(
        `option '--resolve' needs 'NAME:ADDRESS[,ADDRESS…]' (IP addresses), not '${rule}'`,
      );
    pinned[name] = addresses;
  }
  return pinned;
}

/** The CA file's text, or a usage error when it cannot be read or holds no certificate. */
export function readCaFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `option '--ca' cannot read '${file}': ${(err as NodeJS.ErrnoException).code ?? err}`,
    );
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new UsageError(`option '--ca' needs a PEM file of certificates; '${file}' holds none`);
  return text;
}
