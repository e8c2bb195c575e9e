import type { Violation } from '../../kernel/contracts.js';

/** Stable rule ids of the validator (the `rule` of each violation). */
export const RULES = {
  invalidInput: 'invalid-input',
  empty: 'empty',
  tooLarge: 'too-large',
  encoding: 'encoding',
  nullByte: 'null-byte',
  loneCr: 'lone-cr',
  codingCookie: 'coding-cookie',
  bidiControl: 'bidi-control',
  controlChar: 'control-char',
  syntaxError: 'syntax-error',
  stringDifferential: 'string-differential',
  nfkcIdentifier: 'nfkc-identifier',
  forbiddenName: 'forbidden-name',
  dunderName: 'dunder-name',
  moduleAsValue: 'module-as-value',
  importNotAllowed: 'import-not-allowed',
  relativeImport: 'relative-import',
  privateImport: 'private-import',
  importDenied: 'import-denied',
  importStar: 'import-star',
  futureImport: 'future-import',
  privateAttribute: 'private-attribute',
  frameAttribute: 'frame-attribute',
  deniedAttribute: 'denied-attribute',
  deniedPath: 'denied-path',
  formatTraversal: 'format-traversal',
  formatNonLiteral: 'format-nonliteral',
  dunderString: 'dunder-string',
  metaclass: 'metaclass',
  typeThreeArgs: 'type-three-args',
  dunderMethod: 'dunder-method',
  tooManyViolations: 'too-many-violations',
  validatorError: 'validator-error',
} as const;

export type RuleId = (typeof RULES)[keyof typeof RULES];

/** Maps UTF-16 offsets to 1-based line and column (columns count UTF-16 code units). */
export class LineIndex {
  private starts: number[] | null = null;

  constructor(private readonly source: string) {}

  position(index: number): { line: number; column: number } {
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: index - starts[lo] + 1 };
  }

  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    const starts = [0];
    // CPython ends physical lines at \n, \r\n and a lone \r; offsets after a lone \r count as a new line.
    for (let i = 0; i < this.source.length; i++) {
      const c = this.source.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13 && this.source.charCodeAt(i + 1) !== 10) starts.push(i + 1);
    }
    this.starts = starts;
    return starts;
  }
}

interface PendingViolation {
  rule: RuleId;
  message: string;
  index: number;
}

/** Collects violations by source offset, up to a cap, then resolves their positions once. */
export class ViolationSink {
  private readonly items: PendingViolation[] = [];
  private dropped = 0;

  constructor(private readonly maxViolations: number) {}

  add(rule: RuleId, message: string, index: number): void {
    if (this.items.length >= this.maxViolations) {
      this.dropped++;
      return;
    }
    this.items.push({ rule, message, index });
  }

  get count(): number {
    return this.items.length;
  }

  /** Violations sorted by position; a final `too-many-violations` entry says how many were dropped. */
  resolve(source: string): Violation[] {
    const lines = new LineIndex(source);
    const sorted = this.items
      .map((v, order) => ({ v, order }))
      .sort((a, b) => a.v.index - b.v.index || a.order - b.order);
    const out: Violation[] = sorted.map(({ v }) => ({ rule: v.rule, message: v.message, ...lines.position(Math.max(0, v.index)) }));
    if (this.dropped > 0) {
      out.push({
        rule: RULES.tooManyViolations,
        message: `${this.dropped} more violations were not listed (limit ${this.maxViolations}); fix the ones above first`,
        line: 1,
        column: 1,
      });
    }
    return out;
  }
}
