/**
 * Units of exposure and time, from the catalog: recognising a unit word and converting between
 * units of the same dimension. Pure.
 */
import { modelCatalog } from '../model-catalog.js';

export interface UnitInfo {
  /** Canonical singular name ("hour"). */
  name: string;
  dimension: string;
  /** Size in the dimension's base unit (seconds for time). */
  size: number;
}

let aliasIndex: Map<string, UnitInfo> | undefined;

function index(): Map<string, UnitInfo> {
  if (!aliasIndex) {
    aliasIndex = new Map();
    for (const [name, unit] of Object.entries(modelCatalog().units)) {
      const info: UnitInfo =
        unit.seconds !== undefined
          ? { name, dimension: 'time', size: unit.seconds }
          : { name, dimension: unit.dimension ?? name, size: unit.size ?? 1 };
      for (const alias of unit.aliases) aliasIndex.set(alias, info);
    }
  }
  return aliasIndex;
}

/** The unit a word names ("hours", "hr", "daily"), or null. */
export function lookupUnit(word: string): UnitInfo | null {
  return index().get(word.toLowerCase()) ?? null;
}

/** Regex alternation of every unit alias, longest first (for building patterns). */
export function unitAlternation(options: { timeOnly?: boolean } = {}): string {
  return [...index().entries()]
    .filter(([, u]) => !options.timeOnly || u.dimension === 'time')
    .map(([alias]) => alias)
    .sort((a, b) => b.length - a.length)
    .join('|');
}

/** How many `to` units one `from` unit is (hour → minute = 60); null across dimensions. */
export function conversionFactor(from: UnitInfo, to: UnitInfo): number | null {
  if (from.dimension !== to.dimension) return null;
  return from.size / to.size;
}
