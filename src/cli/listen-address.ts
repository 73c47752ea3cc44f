// Where `serve` listens: `--port`/`--host` when given, else the environment's PORT/HOST (what a container
// platform, a PaaS or a systemd unit sets), else the defaults. Pure: the environment is passed in.

import { describeWholeNumber, isWholeNumber, wholeNumberFromText } from '../fields/whole-number';
import { DEFAULT_HOST, DEFAULT_PORT, hostAddress, PORT_RANGE } from './serve-options';
import { UsageError } from './usage';

/** The port and address a server listens on. */
export interface ListenAddress {
  port: number;
  host: string;
}

/**
 * The flags' values where given, else `PORT`/`HOST` from `env` (an empty variable counts as unset), else
 * DEFAULT_PORT/DEFAULT_HOST. A flag wins because it is the most explicit choice, made for this one run; the
 * environment is how a platform says where to listen (Heroku, Cloud Run, `docker run -e PORT`); there is no
 * config-file key, since the file describes the site, not the machine it runs on. Throws a UsageError naming
 * the variable when its value is no port or address.
 * @example
 * listenAddress({ port: undefined, host: undefined }, { PORT: '3000' }); // { port: 3000, host: '127.0.0.1' }
 */
export function listenAddress(
  flags: { port: number | undefined; host: string | undefined },
  env: NodeJS.ProcessEnv,
): ListenAddress {
  return {
    port: flags.port ?? environmentPort(env.PORT) ?? DEFAULT_PORT,
    host: flags.host ?? (env.HOST ? hostAddress(env.HOST, 'environment variable HOST') : DEFAULT_HOST),
  };
}

function environmentPort(given: string | undefined): number | undefined {
  if (!given) return undefined;
  const port = wholeNumberFromText(given);
  if (!isWholeNumber(port, PORT_RANGE))
    throw new UsageError(
      `environment variable PORT needs ${describeWholeNumber(PORT_RANGE)}, not '${given}'`,
    );
  return port;
}
