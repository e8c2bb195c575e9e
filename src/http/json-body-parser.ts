import type { FastifyInstance } from 'fastify';
import { KernelError } from '../errors.js';
import { HttpError } from './error-mapper.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Replaces fastify's body parsers with one strict JSON parser: every other Content-Type is 415;
 * the bytes must be valid UTF-8 (a program with replaced characters would run something the
 * caller did not send); `__proto__`/`constructor.prototype` keys are refused (fastify's secure
 * parser); an empty body is `undefined` so body-less POSTs (`/test`, `/sandbox/create`) work with
 * clients that always send `Content-Type: application/json`.
 */
export function installJsonBodyParser(app: FastifyInstance, bodyLimitBytes: number): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: bodyLimitBytes }, (request, body, done) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
      done(new HttpError('UNSUPPORTED_MEDIA_TYPE', `charset ${JSON.stringify(charset)} is not supported: send application/json in UTF-8`), undefined);
      return;
    }
    const bytes = body as Buffer;
    if (bytes.length === 0) {
      done(null, undefined);
      return;
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      done(new KernelError('INVALID_INPUT', 'the body is not valid UTF-8: encode the JSON (and the program in it) as UTF-8'), undefined);
      return;
    }
    parseJson(request, text, (err, value) => {
      if (err) {
        // fastify's parser reports syntax errors and __proto__/constructor.prototype keys alike.
        done(new KernelError('INVALID_INPUT', 'the body is not valid JSON (or has a forbidden __proto__ or constructor.prototype key)'), undefined);
        return;
      }
      done(null, value);
    });
  });
}
