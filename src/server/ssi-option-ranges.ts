// The ranges of ssi()'s whole-number options, apart from the middleware: the command line and the config file
// check their keys of the same names against them without loading the server.

import { type WholeNumberRange } from '../fields/whole-number';

/** The largest file Node reads whole into one Buffer (fs.readFile's limit). */
const MAX_STREAM_THRESHOLD = 2 ** 31 - 1;

const BYTES: WholeNumberRange = { min: 0, unit: 'bytes' };

/**
 * The whole-number options of ssi() and the numbers each accepts; anything else is misuse. A config file's key of
 * the same name is checked against the same range. (ssi() reads each as `options[name]`, so a name that is not
 * one of its options does not compile.)
 */
export const WHOLE_NUMBER_OPTIONS = {
  cacheSize: BYTES,
  fileCacheSize: BYTES,
  validatorHistorySize: BYTES,
  compressionThreshold: BYTES,
  maxCompressBytes: BYTES,
  maxTagHeaderBytes: BYTES,
  // Files are read whole above 2 GiB - 1 by no Node API: a larger threshold would make them unservable.
  streamThreshold: { ...BYTES, max: MAX_STREAM_THRESHOLD },
  revalidateWindow: { min: 0, unit: 'milliseconds' },
} satisfies Record<string, WholeNumberRange>;
