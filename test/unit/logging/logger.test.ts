import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/logging/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('redacts API keys, tokens and authorization headers wherever they appear', () => {
    const { lines, stream } = capture();
    const log = createLogger({ log: { level: 'info', format: 'json' } }, { destination: stream });
    log.child({ component: 'test' }).info(
      { apiKey: 'dtn_live_123', config: { apiKey: 'k2', adminToken: 'tok' }, req: { headers: { authorization: 'Bearer abc' } } },
      'hello',
    );
    expect(lines).toHaveLength(1);
    const text = lines[0];
    expect(text).not.toContain('dtn_live_123');
    expect(text).not.toContain('k2');
    expect(text).not.toContain('Bearer abc');
    const record = JSON.parse(text);
    expect(record.component).toBe('test');
    expect(record.apiKey).toBe('[redacted]');
    expect(record.msg).toBe('hello');
  });

  it('honours the level', () => {
    const { lines, stream } = capture();
    const log = createLogger({ log: { level: 'warn', format: 'json' } }, { destination: stream });
    log.info('quiet');
    log.warn('loud');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['loud']);
  });
});
