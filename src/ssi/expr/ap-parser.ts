// Parser for ap_expr (SSI's restricted context), following the bison grammar in server/util_expr_parse.y.
// Pure: no I/O. Name lookups happen here, as in Apache: an unknown %{VAR}, function or operator, a restricted
// one, a bad -R/-ipmatch subnet, or a regex that does not compile is a PARSE error.

import type { ByteString } from '../byte-string';
import type {
  ApCondition,
  ApWord,
  BinaryOperatorName,
  ComparisonOperator,
  UnaryOperatorName,
} from './ap-ast';
import { ApScanError, scanApExpression, type ApToken } from './ap-lexer';
import {
  BINARY_OPERATORS,
  RESTRICTED_UNARY_OPERATORS,
  UNARY_OPERATORS,
  lookupServerVariable,
  lookupStringFunction,
} from './ap-names';
import { compileByteRegex, type ByteRegex } from './byte-regex';
import { cString } from './c-strings';
import { parseSubnet, type IpSubnet } from './ip-subnet';

/** A parse failure with the message Apache would log (wording may differ from bison's). */
export class ApParseError extends Error {}

const COMPARISONS: Readonly<Record<string, ComparisonOperator>> = {
  STR_EQ: 'str-eq',
  STR_NE: 'str-ne',
  STR_LT: 'str-lt',
  STR_LE: 'str-le',
  STR_GT: 'str-gt',
  STR_GE: 'str-ge',
  EQ: 'int-eq',
  NE: 'int-ne',
  LT: 'int-lt',
  LE: 'int-le',
  GT: 'int-gt',
  GE: 'int-ge',
};

/**
 * Parses an ap_expr boolean expression; throws ApParseError.
 * @example parseApExpression("v('x') == 'y' && %{QUERY_STRING} =~ /^id=([0-9]+)/")
 */
export function parseApExpression(source: ByteString): ApCondition {
  let tokens: ApToken[];
  try {
    tokens = scanApExpression(source);
  } catch (err) {
    if (err instanceof ApScanError) throw new ApParseError(err.message);
    throw err;
  }
  const parser = new Parser(tokens);
  const root = parser.parseOr();
  parser.expect('EOF');
  return root;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly ApToken[]) {}

  private peek(offset = 0): ApToken {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
  }

  private next(): ApToken {
    const token = this.peek();
    this.index++;
    return token;
  }

  expect(type: ApToken['type']): ApToken {
    const token = this.next();
    if (token.type !== type)
      throw new ApParseError(`syntax error, unexpected ${token.type}, expecting ${type}`);
    return token;
  }

  /** `expr || expr` and `&&`: right associative, OR below AND below NOT (%right declarations). */
  parseOr(): ApCondition {
    const operands = [this.parseAnd()];
    while (this.peek().type === 'OR') {
      this.next();
      operands.push(this.parseAnd());
    }
    return operands.reduceRight((right, left) => ({ kind: 'or', left, right }));
  }

  private parseAnd(): ApCondition {
    const operands = [this.parseNot()];
    while (this.peek().type === 'AND') {
      this.next();
      operands.push(this.parseNot());
    }
    return operands.reduceRight((right, left) => ({ kind: 'and', left, right }));
  }

  private parseNot(): ApCondition {
    if (this.peek().type !== 'NOT') return this.parsePrimary();
    this.next();
    return { kind: 'not', operand: this.parseNot() };
  }

  private parsePrimary(): ApCondition {
    const token = this.peek();
    if (token.type === 'TRUE' || token.type === 'FALSE') {
      this.next();
      return { kind: token.type === 'TRUE' ? 'true' : 'false' };
    }
    if (token.type === '(') {
      this.next();
      const inner = this.parseOr();
      this.expect(')');
      return inner;
    }
    if (token.type === 'UNARY') {
      this.next();
      return this.unary(token.value, this.parseWord());
    }
    const left = this.parseWord();
    const operator = this.next();
    const comparison = COMPARISONS[operator.type];
    if (comparison) return { kind: 'compare', operator: comparison, left, right: this.parseWord() };
    if (operator.type === 'IN') return { kind: 'in', needle: left, items: this.parseWordList() };
    if (operator.type === 'REG' || operator.type === 'NRE') {
      return { kind: 'regex', negate: operator.type === 'NRE', subject: left, regex: this.parseRegex() };
    }
    if (operator.type === 'BINARY') return this.binary(operator.value, left, this.parseWord());
    throw new ApParseError(`syntax error, unexpected ${operator.type}`);
  }

  private parseRegex(): ByteRegex {
    const token = this.next();
    if (token.type !== 'REGEX')
      throw new ApParseError(`syntax error, unexpected ${token.type}, expecting T_REGEX`);
    const compiled = compileByteRegex(token.value, token.caseInsensitive);
    if (!compiled.ok) throw new ApParseError(compiled.message);
    return compiled.regex;
  }

  /** `{ w1, w2, … }`, stored last-first: util_expr_parse.y prepends each op_ListElement. */
  private parseWordList(): ApWord[] {
    const token = this.peek();
    if (token.type === 'ID')
      throw new ApParseError(`List-returning function '${token.value}' does not exist`);
    this.expect('{');
    const items = [this.parseWord()];
    while (this.peek().type === ',') {
      this.next();
      items.unshift(this.parseWord());
    }
    this.expect('}');
    return items;
  }

  /** `word . word`: right associative (%right T_OP_CONCAT). */
  private parseWord(): ApWord {
    const parts = [this.parseWordPart()];
    while (this.peek().type === 'CONCAT') {
      this.next();
      parts.push(this.parseWordPart());
    }
    return parts.reduceRight((right, left) => ({ kind: 'concat', left, right }));
  }

  private parseWordPart(): ApWord {
    const token = this.next();
    switch (token.type) {
      case 'DIGIT':
        return { kind: 'digit', value: token.value };
      case 'BACKREF':
        return { kind: 'backref', index: token.index };
      case 'VAR_BEGIN':
        return this.parseVariable();
      case 'ID': {
        this.expect('(');
        const argument = this.parseWord();
        this.expect(')');
        return this.call(token.value, argument);
      }
      case 'STR_BEGIN': {
        if (this.peek().type === 'STR_END') {
          this.next();
          return { kind: 'string', value: '' };
        }
        const value = this.parseString();
        this.expect('STR_END');
        return value;
      }
      default:
        throw new ApParseError(`syntax error, unexpected ${token.type}`);
    }
  }

  /** string: one or more parts (text, %{…}, $N), left associative; a lone text part stays a constant. */
  private parseString(): ApWord {
    let result = this.parseStringPart();
    for (
      let type = this.peek().type;
      type === 'STRING' || type === 'VAR_BEGIN' || type === 'BACKREF';
      type = this.peek().type
    ) {
      result = { kind: 'concat', left: result, right: this.parseStringPart() };
    }
    return result;
  }

  private parseStringPart(): ApWord {
    const token = this.next();
    if (token.type === 'STRING') return { kind: 'string', value: cString(token.value) };
    if (token.type === 'BACKREF') return { kind: 'backref', index: token.index };
    if (token.type === 'VAR_BEGIN') return this.parseVariable();
    throw new ApParseError(`syntax error, unexpected ${token.type}`);
  }

  /** `%{NAME}` or `%{func:arg}` (after VAR_BEGIN). */
  private parseVariable(): ApWord {
    const name = this.expect('ID');
    if (name.type !== 'ID') throw new ApParseError('syntax error');
    if (this.peek().type === ':') {
      this.next();
      const argument = this.parseString();
      this.expect('VAR_END');
      return this.call(name.value, argument);
    }
    this.expect('VAR_END');
    const found = lookupServerVariable(name.value);
    if (!found) throw new ApParseError(`Variable '${name.value}' does not exist`);
    return found.kind === 'header'
      ? { kind: 'header-variable', header: found.header }
      : { kind: 'server-variable', name: found.name };
  }

  private call(name: string, argument: ApWord): ApWord {
    const found = lookupStringFunction(name);
    if (typeof found !== 'string') throw new ApParseError(found.error);
    return { kind: 'call', name: found, argument };
  }

  private unary(name: string, argument: ApWord): ApCondition {
    if (RESTRICTED_UNARY_OPERATORS.includes(name))
      throw new ApParseError(`-${name} not available in restricted context`);
    if (!UNARY_OPERATORS.includes(name)) throw new ApParseError(`Unary operator '-${name}' does not exist`);
    const operator = name as UnaryOperatorName;
    if (operator !== 'R') return { kind: 'unary', operator, argument };
    return { kind: 'unary', operator, argument, subnet: constantSubnet(name, argument) };
  }

  private binary(name: string, left: ApWord, right: ApWord): ApCondition {
    const operator = BINARY_OPERATORS.find((candidate) => candidate === name.toLowerCase()) as
      BinaryOperatorName | undefined;
    if (!operator) throw new ApParseError(`Binary operator '-${name}' does not exist`);
    if (operator !== 'ipmatch') return { kind: 'binary', operator, left, right };
    return { kind: 'binary', operator, left, right, subnet: constantSubnet(name, right) };
  }
}

/** subnet_parse_arg: -R and -ipmatch need a constant quoted string, parsed once at parse time. */
function constantSubnet(name: string, argument: ApWord): IpSubnet {
  if (argument.kind !== 'string')
    throw new ApParseError(`-${name} requires subnet/netmask as constant argument`);
  const subnet = parseSubnet(argument.value);
  if (!subnet) throw new ApParseError('parsing of subnet/netmask failed');
  return subnet;
}
