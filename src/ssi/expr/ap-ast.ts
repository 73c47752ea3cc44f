// Node types of a parsed ap_expr (the subset mod_include allows). Pure data; no I/O.
// Mirrors the op_* nodes of Apache's server/util_expr_private.h so evaluation can follow util_expr_eval.c.

import type { ByteString } from '../byte-string';
import type { ByteRegex } from './byte-regex';
import type { IpSubnet } from './ip-subnet';
import type { StringFunctionName } from './ap-names';

/** A word: something that evaluates to a string. */
export type ApWord =
  | { readonly kind: 'string'; readonly value: ByteString }
  | { readonly kind: 'digit'; readonly value: ByteString }
  | { readonly kind: 'concat'; readonly left: ApWord; readonly right: ApWord }
  | { readonly kind: 'server-variable'; readonly name: string }
  | { readonly kind: 'header-variable'; readonly header: string }
  | { readonly kind: 'call'; readonly name: StringFunctionName; readonly argument: ApWord }
  | { readonly kind: 'backref'; readonly index: number };

/** String comparisons (`==` …) compare bytes; integer comparisons (`-eq` …) compare apr_atoi64 values. */
export type ComparisonOperator =
  | 'str-eq'
  | 'str-ne'
  | 'str-lt'
  | 'str-le'
  | 'str-gt'
  | 'str-ge'
  | 'int-eq'
  | 'int-ne'
  | 'int-lt'
  | 'int-le'
  | 'int-gt'
  | 'int-ge';

/** Unary operators SSI may use (the restricted file tests are rejected by the parser). */
export type UnaryOperatorName = 'n' | 'z' | 'T' | 'R' | 'F' | 'U' | 'A';
/** Binary operators (names are case-insensitive in the source). */
export type BinaryOperatorName = 'ipmatch' | 'fnmatch' | 'strmatch' | 'strcmatch';

/** A condition: something that evaluates to true or false. */
export type ApCondition =
  | { readonly kind: 'true' }
  | { readonly kind: 'false' }
  | { readonly kind: 'not'; readonly operand: ApCondition }
  | { readonly kind: 'and' | 'or'; readonly left: ApCondition; readonly right: ApCondition }
  | {
      readonly kind: 'compare';
      readonly operator: ComparisonOperator;
      readonly left: ApWord;
      readonly right: ApWord;
    }
  /** `in {…}`: `items` is in Apache's evaluation order, the LAST listed word first (op_ListElement chain). */
  | { readonly kind: 'in'; readonly needle: ApWord; readonly items: readonly ApWord[] }
  | { readonly kind: 'regex'; readonly negate: boolean; readonly subject: ApWord; readonly regex: ByteRegex }
  | {
      readonly kind: 'unary';
      readonly operator: UnaryOperatorName;
      readonly argument: ApWord;
      readonly subnet?: IpSubnet;
    }
  | {
      readonly kind: 'binary';
      readonly operator: BinaryOperatorName;
      readonly left: ApWord;
      readonly right: ApWord;
      readonly subnet?: IpSubnet;
    };
