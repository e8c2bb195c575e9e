/**
 * Which warm tier a program should run in. The full tier's interpreters have numpy and scipy (the
 * configured heavy modules) imported; forking one and tearing the fork down costs several times
 * what it costs for the light tier's small interpreter. A program goes to the full tier when it
 * may use something only the full tier has ready, and to the light tier otherwise.
 *
 * The decision is a performance hint, never a security or correctness one: both tiers run every
 * program in the same sandbox, and a program that lands in the light tier and imports numpy after
 * all (say through a dynamic import when validation is off) imports it there, only slower.
 */

/** Module names a program imports, as written: `import a.b as c, d` gives a.b and d; `from a.b import c` gives a.b. */
export function importedModules(code: string): string[] {
  const found = new Set<string>();
  // Statement starts: beginning of a line (any indentation), after `;` or after a block colon.
  const re = /(?:^|[;:\n])[ \t]*(?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b|import[ \t]+([A-Za-z_][\w.]*(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*(?:[ \t]+as[ \t]+\w+)?)*))/g;
  for (const m of code.matchAll(re)) {
    if (m[1]) found.add(m[1]);
    if (m[2]) for (const part of m[2].split(',')) found.add(part.trim().split(/[ \t]+/)[0]);
  }
  return [...found];
}

/** What a tier's interpreters have loaded (from their ready report), or the configured list before that. */
export interface TierModules {
  /** Modules in `sys.modules` of a ready interpreter (dotted names). */
  loaded: ReadonlySet<string>;
  /** Standard-library top-level names (`sys.stdlib_module_names`); empty before any report. */
  stdlib: ReadonlySet<string>;
}

/**
 * Routes programs between a full and a light tier. `heavyWords` are the top-level names of
 * third-party packages the full tier has loaded and the light one has not (numpy, scipy): a
 * program that mentions one anywhere (an import on a continuation line, `__import__("numpy")`, a
 * string) goes to the full tier. A program importing any other module the light tier lacks and
 * that is not standard library (jax, pandas: built on numpy) goes there too.
 */
export class TierRouter {
  private readonly heavyPattern: RegExp | null;

  constructor(private readonly full: TierModules, private readonly light: TierModules) {
    const stdlib = light.stdlib.size > 0 ? light.stdlib : full.stdlib;
    const words = new Set<string>();
    for (const name of full.loaded) {
      const top = name.split('.')[0];
      if (!light.loaded.has(top) && !stdlib.has(top) && !top.startsWith('_')) words.add(top);
    }
    this.heavyPattern = words.size > 0 ? new RegExp(`\\b(?:${[...words].map(escapeRegExp).join('|')})\\b`) : null;
  }

  /** True when the program should run in the full tier. */
  wantsFull(code: string): boolean {
    if (this.heavyPattern?.test(code)) return true;
    const stdlib = this.light.stdlib.size > 0 ? this.light.stdlib : this.full.stdlib;
    for (const name of importedModules(code)) {
      const top = name.split('.')[0];
      if (this.light.loaded.has(name) || this.light.loaded.has(top) || stdlib.has(top)) continue;
      return true; // third-party (or unknown before any report): the full tier has numpy for it
    }
    return false;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
