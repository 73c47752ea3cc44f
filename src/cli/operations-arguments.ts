// The operations options of `serve`, each declared once: how long a stop may drain (`--shutdown-timeout`, the
// config key `shutdownTimeout`) and whether the health and metrics endpoints are mounted (`--no-health`,
// `--no-metrics`, the config keys `health` and `metrics`). Pure.

import { booleanRule, wholeNumberRule } from './config-rules';
import { overriding, switched, wholeNumberFlag } from './flags';

/**
 * How long a stop (SIGTERM, SIGINT) lets the requests under way finish, in ms: longer than a page takes to build
 * and a typical file to send, shorter than the 30 s grace of Kubernetes and Docker, and than systemd's 90 s
 * TimeoutStopSec, so the process cuts off what remains itself rather than being killed.
 */
export const DEFAULT_SHUTDOWN_TIMEOUT = 10_000;

/** `--shutdown-timeout MS`, the config key `shutdownTimeout`. */
export const SHUTDOWN_TIMEOUT = overriding(
  wholeNumberFlag(
    {
      name: 'shutdown-timeout',
      argument: 'MS',
      help:
        'on SIGTERM or SIGINT, time the requests under way have to finish before\n' +
        `their connections are cut (default: ${DEFAULT_SHUTDOWN_TIMEOUT})`,
    },
    { min: 0, max: 86_400_000 },
  ),
  wholeNumberRule('shutdownTimeout', { min: 0, unit: 'milliseconds' }),
);

/** `--no-health`, the config key `health` (false). */
export const NO_HEALTH = overriding(
  switched(
    {
      name: 'no-health',
      help: 'no health check at /_cdn-include/health (default: on; 503 while stopping)',
    },
    false,
    undefined,
  ),
  booleanRule('health'),
);

/** `--no-metrics`, the config key `metrics` (false). */
export const NO_METRICS = overriding(
  switched(
    {
      name: 'no-metrics',
      help: 'no Prometheus metrics at /_cdn-include/metrics (default: on)',
    },
    false,
    undefined,
  ),
  booleanRule('metrics'),
);

/** The operations flags, in --help order, keyed by the settings they set. */
export const OPERATIONS_FLAGS = {
  shutdownTimeout: SHUTDOWN_TIMEOUT,
  health: NO_HEALTH,
  metrics: NO_METRICS,
};
