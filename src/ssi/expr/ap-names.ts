// The names ap_expr knows in mod_include's restricted context: %{VARS}, functions, operators. Pure: no I/O.
// Tables follow server/util_expr_eval.c (var_providers, string_func_providers, unary/binary_op_providers) and
// mod_include.c include_expr_lookup (v, reqenv, env read SSI variables).

/** Server variables ap_expr's core lookup accepts (misc, request, connection), matched case-insensitively. */
export const SERVER_VARIABLE_NAMES: readonly string[] = [
  // misc_var_names
  'TIME_YEAR',
  'TIME_MON',
  'TIME_DAY',
  'TIME_HOUR',
  'TIME_MIN',
  'TIME_SEC',
  'TIME_WDAY',
  'TIME',
  'SERVER_SOFTWARE',
  'API_VERSION',
  // request_var_names
  'REQUEST_METHOD',
  'REQUEST_SCHEME',
  'REQUEST_URI',
  'REQUEST_FILENAME',
  'REMOTE_HOST',
  'REMOTE_IDENT',
  'REMOTE_USER',
  'SERVER_ADMIN',
  'SERVER_NAME',
  'SERVER_PORT',
  'SERVER_PROTOCOL',
  'SCRIPT_FILENAME',
  'PATH_INFO',
  'QUERY_STRING',
  'IS_SUBREQ',
  'DOCUMENT_ROOT',
  'AUTH_TYPE',
  'THE_REQUEST',
  'CONTENT_TYPE',
  'HANDLER',
  'REQUEST_LOG_ID',
  'SCRIPT_USER',
  'SCRIPT_GROUP',
  'DOCUMENT_URI',
  'LAST_MODIFIED',
  'CONTEXT_PREFIX',
  'CONTEXT_DOCUMENT_ROOT',
  'REQUEST_STATUS',
  'REMOTE_ADDR',
  'REMOTE_PORT',
  // conn_var_names
  'HTTPS',
  'IPV6',
  'CONN_LOG_ID',
  'CONN_REMOTE_ADDR',
  'HTTP2',
];

/** %{HTTP_*} variables ap_expr names explicitly, and the request header each reads (req_header_var_names). */
export const HEADER_VARIABLES: Readonly<Record<string, string>> = {
  HTTP_USER_AGENT: 'User-Agent',
  HTTP_PROXY_CONNECTION: 'Proxy-Connection',
  HTTP_REFERER: 'Referer',
  HTTP_COOKIE: 'Cookie',
  HTTP_FORWARDED: 'Forwarded',
  HTTP_HOST: 'Host',
  HTTP_ACCEPT: 'Accept',
};

/** String functions available to SSI (1 argument; names case-insensitive). */
export const STRING_FUNCTION_NAMES = [
  'v',
  'reqenv',
  'env',
  'osenv',
  'resp',
  'req',
  'http',
  'note',
  'req_novary',
  'tolower',
  'toupper',
  'escape',
  'unescape',
  'base64',
  'unbase64',
  'sha1',
  'md5',
  'ldap',
] as const;
export type StringFunctionName = (typeof STRING_FUNCTION_NAMES)[number];

/** Functions and operators that exist but are refused under AP_EXPR_FLAG_RESTRICTED, which SSI sets. */
export const RESTRICTED_FUNCTIONS: readonly string[] = ['file', 'filesize'];
export const RESTRICTED_UNARY_OPERATORS: readonly string[] = ['d', 'e', 'f', 's', 'L', 'h', 'x'];

/** Unary operator names are case-SENSITIVE (core_expr_lookup uses strcmp for them). */
export const UNARY_OPERATORS: readonly string[] = ['n', 'z', 'R', 'T', 'F', 'U', 'A'];
export const BINARY_OPERATORS: readonly string[] = ['ipmatch', 'fnmatch', 'strmatch', 'strcmatch'];

/** Canonical spelling of a %{NAME}, or undefined if ap_expr would say "Variable 'NAME' does not exist". */
export function lookupServerVariable(
  name: string,
): { kind: 'server'; name: string } | { kind: 'header'; header: string } | undefined {
  const upper = name.toUpperCase();
  const header = HEADER_VARIABLES[upper];
  if (header !== undefined) return { kind: 'header', header };
  return SERVER_VARIABLE_NAMES.includes(upper) ? { kind: 'server', name: upper } : undefined;
}

/** Canonical function name, or an error message as Apache's lookup would give it. */
export function lookupStringFunction(name: string): StringFunctionName | { error: string } {
  const lower = name.toLowerCase();
  const found = STRING_FUNCTION_NAMES.find((candidate) => candidate === lower);
  if (found) return found;
  if (RESTRICTED_FUNCTIONS.includes(lower)) return { error: `${lower} not available in restricted context` };
  return { error: `Function '${name}' does not exist` };
}
