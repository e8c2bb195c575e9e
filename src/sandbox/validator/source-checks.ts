import { RULES, type ViolationSink } from './violation-sink.js';

const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/** True when CPython would decode the file as UTF-8 under this coding declaration. */
function isUtf8Cookie(name: string): boolean {
  const n = name.toLowerCase().replace(/_/g, '-');
  return n === 'utf-8' || n === 'utf8' || n.startsWith('utf-8-');
}

function hex(c: number): string {
  return 'U+' + c.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Checks the exact text that will be written to the program file, so tree-sitter and CPython see
 * the same program: no lone surrogates, NUL, lone CR (CPython ends a comment there, tree-sitter
 * does not), byte-order mark, coding cookie other than UTF-8 (utf-7 or unicode_escape turn text in
 * a comment into code), bidirectional overrides (Trojan Source) or other control characters.
 */
export function checkSourceText(source: string, sink: ViolationSink): void {
  if (source.charCodeAt(0) === 0xfeff) sink.add(RULES.encoding, 'the file starts with a byte-order mark; remove it (the file is written as UTF-8)', 0);
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    if (c === 10 || c === 9) continue;
    if (c === 13) {
      if (source.charCodeAt(i + 1) !== 10) sink.add(RULES.loneCr, 'a lone carriage return (\\r without \\n) ends a line for CPython but not for the validator; use \\n line endings', i);
      continue;
    }
    if (c === 0) {
      sink.add(RULES.nullByte, 'the source contains a NUL character; remove it', i);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const pair = c <= 0xdbff && (source.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (pair) {
        i++;
        continue;
      }
      sink.add(RULES.encoding, `lone surrogate ${hex(c)} cannot be encoded as UTF-8; the source must be valid Unicode text`, i);
      continue;
    }
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f || c === 0x061c) {
      sink.add(RULES.bidiControl, `bidirectional control character ${hex(c)} can make the code read differently from what runs; remove it`, i);
      continue;
    }
    if (c === 12) continue; // form feed: whitespace for both parsers
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) || c === 0x2028 || c === 0x2029) {
      sink.add(RULES.controlChar, `control character ${hex(c)} is not allowed in source; write it as an escape sequence inside a string`, i);
    }
  }
  // PEP 263: a coding declaration counts on the first two lines only.
  let lineStart = 0;
  for (let line = 0; line < 2 && lineStart <= source.length; line++) {
    let end = source.indexOf('\n', lineStart);
    if (end < 0) end = source.length;
    const m = COOKIE.exec(source.slice(lineStart, end));
    if (m && !isUtf8Cookie(m[1])) {
      sink.add(RULES.codingCookie, `coding declaration "${m[1]}" makes CPython decode the file differently; remove it or declare utf-8`, lineStart);
    }
    lineStart = end + 1;
  }
}

/**
 * Strict UTF-8 check of raw bytes. Returns the offset of the first invalid byte, or -1.
 * (TextDecoder with `fatal` says whether, not where.)
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cb = bytes[i + k];
      if (cb === undefined || (cb & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cb & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}
