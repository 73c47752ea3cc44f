// The SSI variable table shared by a page and all its includes (APR-table semantics). No I/O.
// Names are case-insensitive; order is insertion order (for printenv); some values are computed on first read.

import { type ByteString } from '../ssi/byte-string';
import { headerNameOfVariable } from './header-names';
import { type RequestDependenceRecorder, type Volatility } from './request-dependence-recorder';

/** A value computed on first read, with the timefmt of the document that reads it (Apache's LAZY_VALUE). */
export type LazyValue = (timeFormat: ByteString) => ByteString;

interface Entry {
  name: ByteString;
  value: ByteString | LazyValue;
  /** Reading this entry makes the output depend on the request or the clock. */
  volatility?: Volatility;
}

/** The variables of one render. Reads of volatile entries are reported to the recorder. */
export class VariableTable {
  private readonly entries = new Map<string, Entry>();
  private pendingFill: ((table: VariableTable) => void) | undefined;

  constructor(private readonly recorder: RequestDependenceRecorder) {}

  /**
   * Has `fill` set the table's first variables when it is first used (set, get or list): the request's ~35 CGI
   * variables cost a render that uses none of them nothing, and one that does sees them as if set up front.
   */
  fillOnFirstUse(fill: (table: VariableTable) => void): void {
    this.pendingFill = fill;
  }

  /** Sets a variable, replacing any of the same name in any case; a page's own `set` clears volatility. */
  set(name: ByteString, value: ByteString | LazyValue, volatility?: Volatility): void {
    this.fillPending();
    const key = name.toLowerCase();
    const existing = this.entries.get(key);
    if (existing) {
      existing.value = value;
      existing.volatility = volatility;
    } else {
      this.entries.set(key, { name, value, volatility });
    }
  }

  /** Reads a variable, computing a lazy value with `timeFormat`; undefined if unset. */
  get(name: ByteString, timeFormat: ByteString): ByteString | undefined {
    this.fillPending();
    const entry = this.entries.get(name.toLowerCase());
    if (!entry) {
      this.recordAbsent(name);
      return undefined;
    }
    return this.materialize(entry, timeFormat);
  }

  /**
   * An absent request variable is an answer too: `HTTP_ACCEPT_LANGUAGE` unset means "no such header", and a request
   * that sends one gets other bytes, so the response must still vary on it.
   */
  private recordAbsent(name: ByteString): void {
    const upper = name.toUpperCase();
    if (upper.startsWith('HTTP_') && upper.length > 5) {
      this.recorder.header(headerNameOfVariable(upper.slice(5)));
    } else if (upper === 'CONTENT_TYPE' || upper === 'CONTENT_LENGTH') {
      this.recorder.header(headerNameOfVariable(upper));
    } else if (upper.startsWith('REMOTE_')) {
      this.recorder.record({ kind: 'client' });
    }
  }

  /**
   * Every variable in insertion order, lazy ones computed (printenv). Reads are not recorded one by one: a listing
   * depends on the whole request, which the caller records as client dependence (private, not a Vary per header).
   */
  list(timeFormat: ByteString): Array<[ByteString, ByteString]> {
    this.fillPending();
    return [...this.entries.values()].map((entry) => [
      entry.name,
      this.materialize(entry, timeFormat, false),
    ]);
  }

  private fillPending(): void {
    const fill = this.pendingFill;
    if (fill === undefined) return;
    this.pendingFill = undefined;
    fill(this);
  }

  private materialize(entry: Entry, timeFormat: ByteString, record = true): ByteString {
    if (record && entry.volatility) this.recorder.record(entry.volatility);
    if (typeof entry.value === 'function') entry.value = entry.value(timeFormat);
    return entry.value;
  }
}
