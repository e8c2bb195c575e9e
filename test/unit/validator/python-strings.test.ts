import { describe, expect, it } from 'vitest';
import { closingQuoteIndex, decodeEscapes, findDunderText, findFormatTraversal, readStringPrefix } from '../../../src/sandbox/validator/python-strings.js';

describe('python-strings', () => {
  it('decodes the escapes CPython decodes', () => {
    expect(decodeEscapes('\\x5f\\137\\u005f\\U0000005f\\N{LOW LINE}\\N{latin small letter a}', false)).toBe('_____a');
    expect(decodeEscapes('a\\\nb\\tc\\q', false)).toBe('ab\tc\\q');
    expect(decodeEscapes('\\u005f', true)).toBe('\\u005f');
  });

  it('finds format fields that traverse attributes or items', () => {
    expect(findFormatTraversal('{0.__class__}')).toBe('{0.__class__}');
    expect(findFormatTraversal('{x[0]}')).toBe('{x[0]}');
    expect(findFormatTraversal('{0:{1.real}}')).toBe('{1.real}');
    expect(findFormatTraversal('{:.3f} {0!r:>10} {{0.x}} {name:.2%}')).toBeNull();
    expect(findFormatTraversal('{"a": 1}')).toBeNull();
    expect(findFormatTraversal('{unterminated.x')).toBeNull();
  });

  it('finds dunder names inside text unless allowed', () => {
    expect(findDunderText('x __class__ y', new Set())).toBe('__class__');
    expect(findDunderText('__main__', new Set(['__main__']))).toBeNull();
    expect(findDunderText('snake_case and ____', new Set())).toBeNull();
  });

  it('reads prefixes and finds the closing quote like CPython 3.11', () => {
    const src = 'rb"""a\\"""b"""';
    const p = readStringPrefix(src, 0);
    expect(p).toMatchObject({ prefix: 'rb', quote: '"""', raw: true, bytes: true, fstring: false, bodyStart: 5 });
    expect(closingQuoteIndex(src, p.bodyStart, p.quote, src.length)).toBe(11);
  });
});
