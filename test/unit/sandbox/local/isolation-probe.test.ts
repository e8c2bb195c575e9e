import { describe, expect, it } from 'vitest';
import { PROBE_ATTEMPTS, probeIsolation } from '../../../../src/sandbox/local/isolation-probe.js';

describe('probeIsolation', () => {
  it('keeps the strongest layer when it fails only transiently', async () => {
    const calls: string[] = [];
    let failures = 1;
    const result = await probeIsolation('auto', async (layer) => {
      calls.push(layer);
      if (layer === 'bubblewrap' && failures-- > 0) return 'bwrap: transient failure';
      return null;
    });
    expect(result.chosen).toBe('bubblewrap');
    expect(calls).toEqual(['bubblewrap', 'bubblewrap']);
  });

  it('moves to a weaker layer only after repeated failures, and records why', async () => {
    const calls: string[] = [];
    const result = await probeIsolation('auto', async (layer) => {
      calls.push(layer);
      return layer === 'bubblewrap' ? 'bwrap: no user namespaces' : null;
    });
    expect(result.chosen).toBe('landlock');
    expect(calls.filter((l) => l === 'bubblewrap')).toHaveLength(PROBE_ATTEMPTS);
    expect(result.layers.bubblewrap).toEqual({ ok: false, reason: 'bwrap: no user namespaces' });
  });

  it('does not retry a layer that is not installed, and honours a forced layer', async () => {
    const calls: string[] = [];
    const result = await probeIsolation('bubblewrap', async (layer) => {
      calls.push(layer);
      return 'bwrap is not installed (apt-get install bubblewrap)';
    });
    expect(result.chosen).toBeNull();
    expect(calls).toEqual(['bubblewrap']);
  });
});
