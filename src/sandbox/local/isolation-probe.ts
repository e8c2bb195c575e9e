import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** Isolation layers of the local executor, strongest first. */
export type LocalIsolation = 'bubblewrap' | 'landlock' | 'process';
export const LAYERS_STRONGEST_FIRST: readonly LocalIsolation[] = ['bubblewrap', 'landlock', 'process'];

/** Where bwrap is looked for (the service's PATH is not consulted: spawns get a scrubbed env). */
export const BWRAP_CANDIDATES = ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap'];

export interface LayerProbe {
  ok: boolean;
  /** Why the layer cannot be used, when `ok` is false. */
  reason?: string;
}

export interface IsolationProbeResult {
  /** The layer runs get, or null when the wanted one does not work. */
  chosen: LocalIsolation | null;
  layers: Partial<Record<LocalIsolation, LayerProbe>>;
}

/** Absolute path of an executable bwrap, or null. */
export function findBwrap(): string | null {
  for (const p of BWRAP_CANDIDATES) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return null;
}

/** How many times a layer is tried before the probe moves on to a weaker one. */
export const PROBE_ATTEMPTS = 3;

/**
 * Probes layers once, strongest first (`auto`) or only the forced one. `attempt` runs a real
 * trivial program through the real pipeline in that mode and returns null on success or the reason
 * of the failure, so a layer counts as working only if a sandboxed program actually ran.
 */
export async function probeIsolation(
  wanted: 'auto' | LocalIsolation,
  attempt: (layer: LocalIsolation) => Promise<string | null>,
): Promise<IsolationProbeResult> {
  const layers: IsolationProbeResult['layers'] = {};
  const order = wanted === 'auto' ? LAYERS_STRONGEST_FIRST : [wanted];
  for (const layer of order) {
    let reason: string | null = null;
    // A layer that fails is tried again before the process settles for a weaker one for good: a
    // transient failure (seen once under heavy parallel load) must not degrade isolation.
    for (let attemptNo = 1; attemptNo <= PROBE_ATTEMPTS; attemptNo++) {
      try {
        reason = await attempt(layer);
      } catch (e) {
        reason = (e as Error).message;
      }
      if (reason === null || /not installed|executor closed/.test(reason)) break;
    }
    layers[layer] = reason === null ? { ok: true } : { ok: false, reason };
    if (reason === null) return { chosen: layer, layers };
  }
  return { chosen: null, layers };
}

/**
 * Whether `uid`/`gid` (no supplementary groups) can traverse to and read every path, from the mode
 * bits. Used to decide if the fallback modes can drop root to an unprivileged uid: an interpreter
 * under /root (0700) is out of reach for uid 65534.
 */
export function uidCanReach(paths: readonly string[], uid: number, gid: number): boolean {
  const allowed = (path: string, bit: 'r' | 'x'): boolean => {
    const st = statSync(path);
    const shift = st.uid === uid ? 6 : st.gid === gid ? 3 : 0;
    const mask = (bit === 'r' ? 4 : 1) << shift;
    return (st.mode & mask) !== 0;
  };
  try {
    for (const path of paths) {
      for (let d = dirname(path); ; d = dirname(d)) {
        if (!allowed(d, 'x')) return false;
        if (d === '/') break;
      }
      if (!allowed(path, 'r')) return false;
    }
    return true;
  } catch {
    return false;
  }
}
