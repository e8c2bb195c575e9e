/** Lexical helpers for Python string literals: prefixes, escapes and `str.format` templates. */

export interface StringPrefix {
  /** Characters before the opening quote (`rb`, `f`, ...). */
  prefix: string;
  /** The opening (and closing) quote: `'`, `"`, `'''` or `"""`; a backtick for Python 2 repr. */
  quote: string;
  raw: boolean;
  bytes: boolean;
  fstring: boolean;
  /** Index of the first character after the opening quote. */
  bodyStart: number;
}

/** Reads the prefix and quote of the string literal that starts at `start`. */
export function readStringPrefix(source: string, start: number): StringPrefix {
  let i = start;
  while (i < source.length && /[A-Za-z]/.test(source[i])) i++;
  const prefix = source.slice(start, i).toLowerCase();
  const c = source[i] ?? '';
  const quote = (c === '"' || c === "'") && source.startsWith(c + c + c, i) ? c + c + c : c;
  return {
    prefix,
    quote,
    raw: prefix.includes('r'),
    bytes: prefix.includes('b'),
    fstring: prefix.includes('f'),
    bodyStart: i + quote.length,
  };
}

/**
 * Where CPython 3.11's tokenizer ends the literal that starts at `bodyStart`: the first unescaped
 * closing quote (a backslash escapes the next character even in raw strings). -1 when unclosed.
 */
export function closingQuoteIndex(source: string, bodyStart: number, quote: string, limit: number): number {
  const q = quote.charCodeAt(0);
  for (let i = bodyStart; i < limit; i++) {
    const c = source.charCodeAt(i);
    if (c === 92 /* \ */) {
      i++;
      continue;
    }
    if (c === q && (quote.length === 1 || source.startsWith(quote, i))) return i;
  }
  return -1;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

const DIGIT_NAMES = ['ZERO', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE'];
const NAMED_CHARS: Record<string, string> = {
  'LOW LINE': '_', 'FULL STOP': '.', 'LEFT CURLY BRACKET': '{', 'RIGHT CURLY BRACKET': '}',
  'LEFT SQUARE BRACKET': '[', 'RIGHT SQUARE BRACKET': ']', 'EXCLAMATION MARK': '!', COLON: ':',
  SPACE: ' ',
};

/** Resolves the `\N{...}` names that spell ASCII identifiers; anything else becomes U+FFFD. */
function namedChar(name: string): string {
  const n = name.trim().toUpperCase().replace(/\s+/g, ' ');
  if (NAMED_CHARS[n]) return NAMED_CHARS[n];
  const letter = /^LATIN (SMALL|CAPITAL) LETTER ([A-Z])$/.exec(n);
  if (letter) return letter[1] === 'SMALL' ? letter[2].toLowerCase() : letter[2];
  const digit = /^DIGIT ([A-Z]+)$/.exec(n);
  if (digit && DIGIT_NAMES.includes(digit[1])) return String(DIGIT_NAMES.indexOf(digit[1]));
  return '\ufffd';
}

/** Decodes Python escape sequences of a (non-raw) literal body into the runtime text. */
export function decodeEscapes(body: string, bytes: boolean): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
    else if (e === '\n') continue; // line continuation inside the literal
    else if (e >= '0' && e <= '7') {
      let j = i;
      while (j < i + 3 && j < body.length && body[j] >= '0' && body[j] <= '7') j++;
      out += String.fromCharCode(parseInt(body.slice(i, j), 8));
      i = j - 1;
    } else if (e === 'x' && /^[0-9a-fA-F]{2}/.test(body.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (!bytes && e === 'u' && /^[0-9a-fA-F]{4}/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (!bytes && e === 'U' && /^[0-9a-fA-F]{8}/.test(body.slice(i + 1, i + 9))) {
      const cp = parseInt(body.slice(i + 1, i + 9), 16);
      out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      i += 8;
    } else if (!bytes && e === 'N' && body[i + 1] === '{') {
      const close = body.indexOf('}', i + 2);
      if (close < 0) {
        out += '\\N';
        continue;
      }
      out += namedChar(body.slice(i + 2, close));
      i = close;
    } else out += '\\' + e;
  }
  return out;
}

/**
 * Finds a `str.format` replacement field whose name traverses attributes or items (`{0.__class__}`,
 * `{x[0]}`), including fields nested in format specs. Returns the field text or null.
 * Follows CPython's MarkupIterator: `{{`/`}}` are literal braces, a field ends at its matching `}`.
 */
export function findFormatTraversal(text: string): string | null {
  const pending: string[] = [text];
  while (pending.length > 0) {
    const t = pending.pop() as string;
    let i = 0;
    while (i < t.length) {
      const open = t.indexOf('{', i);
      if (open < 0) break;
      if (t[open + 1] === '{') {
        i = open + 2;
        continue;
      }
      let depth = 1;
      let j = open + 1;
      for (; j < t.length && depth > 0; j++) {
        if (t[j] === '{') depth++;
        else if (t[j] === '}') depth--;
      }
      if (depth !== 0) break; // unterminated: str.format raises ValueError
      const field = t.slice(open + 1, j - 1);
      let k = 0;
      for (; k < field.length; k++) {
        const c = field[k];
        if (c === '.' || c === '[') return `{${field}}`;
        if (c === '!' || c === ':') break;
      }
      if (k < field.length) pending.push(field.slice(k + 1));
      i = j;
    }
  }
  return null;
}

const DUNDER_IN_TEXT = /__[A-Za-z][A-Za-z0-9_]*?__/g;

/** Returns the first dunder-like name inside `text` that is not allowed, or null. */
export function findDunderText(text: string, allowed: ReadonlySet<string>): string | null {
  if (!text.includes('__')) return null;
  DUNDER_IN_TEXT.lastIndex = 0;
  for (let m = DUNDER_IN_TEXT.exec(text); m; m = DUNDER_IN_TEXT.exec(text)) {
    if (!allowed.has(m[0])) return m[0];
  }
  return null;
}
