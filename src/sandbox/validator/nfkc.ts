const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Normalises an identifier the way CPython does before it compares names (PEP 3131: NFKC), so
 * `ｅｖａｌ`, `𝐨𝐩𝐞𝐧` and `ᵉᵛᵃˡ` are checked as `eval` and `open`. ASCII text is returned as is.
 */
export function normalizeIdentifier(raw: string): string {
  return NON_ASCII.test(raw) ? raw.normalize('NFKC') : raw;
}

/** True for `__x__` names (at least one character between the underscores). */
export function isDunder(name: string): boolean {
  return name.length > 4 && name.startsWith('__') && name.endsWith('__');
}
