/**
 * Finds the JSON value in a model's reply. Models wrap JSON in code fences, add a sentence before
 * or after it, or stop half-way; this extracts the first complete JSON object and says clearly
 * why when there is none. Pure.
 */

export type ExtractResult = { ok: true; value: unknown } | { ok: false; error: string };

const FENCE = /```[a-zA-Z0-9_-]*[ \t]*\r?\n([\s\S]*?)```/g;

/** The first JSON object in `content`: the whole text, a fenced block, or the first balanced `{...}`. */
export function extractJsonObject(content: string): ExtractResult {
  const text = content.replace(/^\uFEFF/, '').trim();
  if (text.length === 0) return { ok: false, error: 'the reply is empty' };
  const whole = tryParseObject(text);
  if (whole !== undefined) return { ok: true, value: whole };
  for (const match of text.matchAll(FENCE)) {
    const fenced = tryParseObject(match[1].trim()) ?? firstBalancedObject(match[1]);
    if (fenced !== undefined) return { ok: true, value: fenced };
  }
  const found = firstBalancedObject(text);
  if (found !== undefined) return { ok: true, value: found };
  if (!text.includes('{')) return { ok: false, error: 'the reply contains no JSON object (no "{")' };
  return { ok: false, error: `the reply contains no complete, valid JSON object (${describeJsonError(text.slice(text.indexOf('{')))})` };
}

function tryParseObject(text: string): unknown {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Scans for `{`, matches braces outside strings, parses the span; tries each start in turn. */
function firstBalancedObject(text: string): unknown {
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    const end = matchingBrace(text, start);
    if (end === -1) continue;
    const value = tryParseObject(text.slice(start, end + 1));
    if (value !== undefined) return value;
  }
  return undefined;
}

function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function describeJsonError(text: string): string {
  try {
    JSON.parse(text);
    return 'not an object';
  } catch (e) {
    const message = (e as Error).message;
    return /end of JSON input|Unterminated|Expected/.test(message) && matchingBrace(text, 0) === -1
      ? 'the object is cut off before its closing brace'
      : message;
  }
}
