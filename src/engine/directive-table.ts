// The directive handlers, keyed by directive name (mod_include's ssi_pfn_register): adding a directive is one row.

import { handleElif, handleElse, handleEndif, handleIf } from './handlers/conditional';
import { handleConfig } from './handlers/config';
import { handleEcho } from './handlers/echo';
import { handleFlastmod, handleFsize } from './handlers/file-info';
import { handleInclude } from './handlers/include';
import { handleSet } from './handlers/set';
import { handleComment, handleExec, handlePrintenv } from './handlers/simple';
import { type DirectiveHandler } from './render-state';

/** Every directive cdn-include knows, by lower-case name. */
export const DIRECTIVE_HANDLERS: ReadonlyMap<string, DirectiveHandler> = new Map<string, DirectiveHandler>([
  ['include', handleInclude],
  ['echo', handleEcho],
  ['set', handleSet],
  ['config', handleConfig],
  ['fsize', handleFsize],
  ['flastmod', handleFlastmod],
  ['printenv', handlePrintenv],
  ['comment', handleComment],
  ['exec', handleExec],
  ['if', handleIf],
  ['elif', handleElif],
  ['else', handleElse],
  ['endif', handleEndif],
]);
