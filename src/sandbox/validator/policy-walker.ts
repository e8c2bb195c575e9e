import type Parser from 'tree-sitter';
import { isDunder, normalizeIdentifier } from './nfkc.js';
import type { CompiledPolicy } from './policy.js';
import { closingQuoteIndex, decodeEscapes, findDunderText, findFormatTraversal, readStringPrefix } from './python-strings.js';
import { RULES, type ViolationSink } from './violation-sink.js';

type SyntaxNode = Parser.SyntaxNode;
type TreeCursor = Parser.TreeCursor;

/** Flags a finished child hands to its parent. */
const STRING = 1;
const FSTRING = 2;

/** Chain marker for `super()`, so `super().__init__(...)` is allowed. */
const SUPER_CHAIN: readonly string[] = Object.freeze(['super()']);

/**
 * Tokens (anonymous nodes) and named leaves are never descended into: skipping `gotoFirstChild`
 * on them saves a native call per leaf. Decided per type id, because a keyword token and a named
 * node can share a name (`lambda`, `await`, `yield`) and the named one holds code.
 */
const NAMED_LEAVES = new Set([
  'integer', 'float', 'true', 'false', 'none', 'comment', 'ellipsis', 'line_continuation', 'escape_sequence',
]);

/** A node on the path from the root to the cursor, with what its children told it. */
interface Frame {
  type: string;
  /** Index of the child being visited. */
  idx: number;
  start: number;
  end: number;
  /** Dotted name this node evaluates to (`np.random`), when it is a plain name chain. */
  chain: readonly string[] | null;
  objChain: readonly string[] | null;
  objFlags: number;
  flags: number;
  count: number;
  splat: boolean;
  fnName: string | null;
  sawName: boolean;
  classArgs: boolean;
  hasFString: boolean;
  texts: string[] | null;
  interp: number[] | null;
  segs: string[] | null;
  prefix: ReturnType<typeof readStringPrefix> | null;
}

function newFrame(): Frame {
  return {
    type: '', idx: 0, start: -1, end: -1, chain: null, objChain: null, objFlags: 0, flags: 0, count: 0,
    splat: false, fnName: null, sawName: false, classArgs: false, hasFString: false, texts: null,
    interp: null, segs: null, prefix: null,
  };
}

/**
 * Type names by numeric type id, filled lazily: reading `nodeTypeId` and looking the name up here
 * is about twice as fast as `nodeType`, which builds a new string on every call.
 */
const TYPE_NAMES: string[] = [];
/** By type id: true for tokens and named leaves. */
const IS_LEAF: boolean[] = [];

function cursorType(cursor: TreeCursor): number {
  const id = cursor.nodeTypeId;
  if (TYPE_NAMES[id] === undefined) {
    const type = cursor.nodeType;
    IS_LEAF[id] = !cursor.nodeIsNamed || NAMED_LEAVES.has(type);
    TYPE_NAMES[id] = type;
  }
  return id;
}

const MAIN_GUARD = /^(?:__name__\s*==\s*(['"])__main__\1|(['"])__main__\2\s*==\s*__name__)$/;

/**
 * One validation pass over a parsed program. Walks the tree once with a TreeCursor (no per-node
 * objects), keeps its own ancestor stack, and resolves import aliases at the end so a name used
 * before its import is still checked.
 */
export class PolicyWalker {
  private readonly frames: Frame[] = [];
  private depth = 0;
  private lastChain: readonly string[] | null = null;
  private lastFlags = 0;
  private lastText: string | null = null;
  /** Local name -> dotted module path it is bound to by an import. */
  private readonly aliases = new Map<string, string>();
  private readonly moduleAliases = new Set<string>();
  private readonly chains: { path: readonly string[]; index: number }[] = [];
  private readonly nameUses = new Map<string, number[]>();

  constructor(
    private readonly source: string,
    private readonly policy: CompiledPolicy,
    private readonly allowedImports: ReadonlySet<string>,
    private readonly sink: ViolationSink,
  ) {}

  walk(tree: Parser.Tree): void {
    const cursor = tree.walk();
    this.depth = 0;
    for (;;) {
      const id = cursorType(cursor);
      const type = TYPE_NAMES[id];
      if (this.enter(cursor, type, IS_LEAF[id]) && cursor.gotoFirstChild()) {
        this.depth++;
        continue;
      }
      if (this.depth > 0) this.childDone(cursor, this.frames[this.depth - 1], type);
      for (;;) {
        if (this.depth === 0) {
          this.finish();
          return;
        }
        if (cursor.gotoNextSibling()) {
          this.frames[this.depth - 1].idx++;
          break;
        }
        cursor.gotoParent();
        this.depth--;
        const frame = this.frames[this.depth];
        this.exit(cursor, frame);
        if (this.depth > 0) this.childDone(cursor, this.frames[this.depth - 1], frame.type);
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Visiting

  /** Handles a node on the way down; returns true to descend into its children. */
  private enter(cursor: TreeCursor, type: string, isLeaf: boolean): boolean {
    this.lastChain = null;
    this.lastFlags = 0;
    this.lastText = null;
    const parent = this.depth > 0 ? this.frames[this.depth - 1] : null;
    switch (type) {
      case 'identifier':
        this.identifier(cursor, parent);
        return false;
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        this.importNode(cursor.currentNode);
        return false;
      case 'string':
        return this.stringEnter(cursor, parent);
      case 'exec_statement':
      case 'print_statement':
      case '<>':
        this.sink.add(RULES.syntaxError, `Python 2 syntax (${type.replace('_statement', '')}) is not valid Python 3; CPython refuses it`, cursor.startIndex);
        break;
      case 'interpolation':
        if (parent?.type === 'string' && parent.interp) parent.interp.push(cursor.startIndex, cursor.endIndex);
        break;
      default:
        if (isLeaf) return false;
    }
    const frame = this.push(type);
    switch (type) {
      case 'comparison_operator':
        frame.start = cursor.startIndex;
        frame.end = cursor.endIndex;
        break;
      case 'concatenated_string':
        frame.start = cursor.startIndex;
        frame.texts = [];
        break;
      case 'argument_list':
        frame.classArgs = parent?.type === 'class_definition';
        break;
      case 'dotted_name':
        frame.segs = [];
        break;
    }
    return true;
  }

  private push(type: string): Frame {
    let frame = this.frames[this.depth];
    if (!frame) {
      frame = newFrame();
      this.frames[this.depth] = frame;
    }
    frame.type = type;
    frame.idx = 0;
    frame.start = -1;
    frame.end = -1;
    frame.chain = null;
    frame.objChain = null;
    frame.objFlags = 0;
    frame.flags = 0;
    frame.count = 0;
    frame.splat = false;
    frame.fnName = null;
    frame.sawName = false;
    frame.classArgs = false;
    frame.hasFString = false;
    frame.texts = null;
    frame.interp = null;
    frame.segs = null;
    frame.prefix = null;
    return frame;
  }

  /** A child of `parent` is finished; `lastChain`/`lastFlags`/`lastText` describe it. */
  private childDone(cursor: TreeCursor, parent: Frame, childType: string): void {
    switch (parent.type) {
      case 'attribute':
        if (parent.idx === 0) {
          parent.objChain = this.lastChain;
          parent.objFlags = this.lastFlags;
        }
        break;
      case 'parenthesized_expression':
        if (childType !== '(' && childType !== ')' && childType !== 'comment') {
          parent.count++;
          parent.chain = this.lastChain;
          parent.flags = this.lastFlags;
        }
        break;
      case 'call':
        if (parent.idx === 0) parent.fnName = childType === 'identifier' && this.lastChain ? this.lastChain[0] : null;
        else if (childType === 'generator_expression') parent.count = 1;
        break;
      case 'argument_list':
        if (childType === '(' || childType === ')' || childType === ',' || childType === 'comment') break;
        parent.count++;
        if (childType === 'list_splat' || childType === 'dictionary_splat') {
          parent.splat = true;
          if (parent.classArgs && childType === 'dictionary_splat') {
            this.sink.add(RULES.metaclass, 'a ** argument in a class statement can pass metaclass=; list the base classes only', cursor.startIndex);
          }
        }
        break;
      case 'concatenated_string':
        if (childType === 'string') {
          if (this.lastFlags & FSTRING) parent.hasFString = true;
          parent.texts?.push(this.lastText ?? '');
        }
        break;
    }
  }

  /** A node with children is finished: hand its summary to the parent through `last*`. */
  private exit(cursor: TreeCursor, frame: Frame): void {
    this.lastChain = null;
    this.lastFlags = 0;
    this.lastText = null;
    switch (frame.type) {
      case 'attribute':
        this.lastChain = frame.chain;
        break;
      case 'parenthesized_expression':
        if (frame.count === 1) {
          this.lastChain = frame.chain;
          this.lastFlags = frame.flags;
        }
        break;
      case 'argument_list': {
        const call = this.depth > 0 ? this.frames[this.depth - 1] : null;
        if (call?.type === 'call') {
          call.count = frame.count;
          call.splat = frame.splat;
        }
        break;
      }
      case 'call':
        if (frame.fnName === 'type' && (frame.count !== 1 || frame.splat)) {
          this.sink.add(RULES.typeThreeArgs, 'type() with more than one argument creates a class dynamically; use a class statement', cursor.startIndex);
        }
        if (frame.fnName === 'super' && frame.count === 0) this.lastChain = SUPER_CHAIN;
        break;
      case 'string':
        this.fstringExit(frame);
        break;
      case 'concatenated_string': {
        const text = (frame.texts ?? []).join('');
        const discarded = this.parentType() === 'expression_statement';
        if (!discarded) this.checkStringText(text, frame.start, !frame.hasFString);
        this.lastFlags = STRING | (frame.hasFString ? FSTRING : 0);
        break;
      }
      case 'dotted_name':
        if (frame.segs && frame.segs.length > 1) this.chains.push({ path: frame.segs, index: cursor.startIndex });
        this.lastChain = frame.segs;
        break;
    }
  }

  private parentType(): string {
    return this.depth > 0 ? this.frames[this.depth - 1].type : '';
  }

  // ------------------------------------------------------------------------------------------
  // Identifiers and attributes

  private identifier(cursor: TreeCursor, parent: Frame | null): void {
    const start = cursor.startIndex;
    const raw = this.source.slice(start, cursor.endIndex);
    const name = normalizeIdentifier(raw);
    if (name !== raw) {
      this.sink.add(RULES.nfkcIdentifier, `identifier "${raw}" is read by CPython as "${name}" (NFKC); write "${name}" in plain characters`, start);
    }
    const ptype = parent?.type ?? '';
    const idx = parent?.idx ?? 0;
    if (ptype === 'attribute' && idx > 0 && parent) {
      this.attributeName(name, start, parent.objChain, parent.objFlags);
      parent.chain = parent.objChain && parent.objChain !== SUPER_CHAIN ? [...parent.objChain, name] : null;
      if (parent.chain) this.chains.push({ path: parent.chain, index: start });
      return;
    }
    if (ptype === 'keyword_pattern' && idx === 0) {
      // `case C(__class__=x)` reads the attribute __class__ of the subject.
      this.attributeName(name, start, null, 0);
      return;
    }
    if (ptype === 'dotted_name' && parent) {
      parent.segs?.push(name);
      if (idx > 0) {
        this.attributeName(name, start, null, 0);
        return;
      }
    }
    if (ptype === 'keyword_argument' && idx === 0) {
      if (isDunder(name) || name.startsWith('__')) this.sink.add(RULES.dunderName, `keyword argument "${name}" is a dunder name; rename it`, start);
      const args = this.depth > 1 ? this.frames[this.depth - 2] : null;
      if (name === 'metaclass' && args?.classArgs) {
        this.sink.add(RULES.metaclass, 'metaclasses run code when a class is created; remove metaclass= (use a plain class or a dataclass)', start);
      }
      return;
    }
    if ((ptype === 'function_definition' || ptype === 'class_definition') && parent && !parent.sawName) {
      parent.sawName = true;
      this.definitionName(name, start, ptype === 'function_definition');
      return;
    }
    this.valueName(name, start, parent, ptype, idx);
  }

  private definitionName(name: string, start: number, isFunction: boolean): void {
    if (this.policy.forbiddenNames.has(name)) {
      this.sink.add(RULES.forbiddenName, `"${name}" is a forbidden name; choose another name`, start);
    }
    if (!isDunder(name)) return;
    if (isFunction && this.inClassBody()) {
      if (this.policy.allowedDunderMethods.has(name)) return;
      const why = this.policy.hookDunderMethods.has(name) ? 'is a pickling or attribute hook' : 'is not on the allowed list';
      this.sink.add(RULES.dunderMethod, `method ${name} ${why}; only ordinary dunder methods such as __init__ and __repr__ may be defined`, start);
      return;
    }
    this.sink.add(RULES.dunderName, `defining ${name} outside a class body is not allowed; rename it`, start);
  }

  /** True when the function_definition on top of the stack sits directly in a class body. */
  private inClassBody(): boolean {
    let i = this.depth - 2; // frames[depth-1] is the function_definition
    if (this.frames[i]?.type === 'decorated_definition') i--;
    return this.frames[i]?.type === 'block' && this.frames[i - 1]?.type === 'class_definition';
  }

  private valueName(name: string, start: number, parent: Frame | null, ptype: string, idx: number): void {
    this.lastChain = [name];
    if (this.policy.forbiddenNames.has(name)) {
      this.sink.add(RULES.forbiddenName, `"${name}" is forbidden (it reaches code execution, files, frames or the interpreter); remove it`, start);
    } else if (isDunder(name)) {
      const guard = name === this.policy.mainGuardName && ptype === 'comparison_operator' && parent && parent.start >= 0 &&
        MAIN_GUARD.test(this.source.slice(parent.start, parent.end));
      if (!guard) this.sink.add(RULES.dunderName, `dunder name ${name} is not allowed (only __name__ in if __name__ == "__main__":)`, start);
    } else if (name === 'type' && !(ptype === 'call' && idx === 0)) {
      this.sink.add(RULES.typeThreeArgs, 'type may only be called with one argument; do not pass it around as a value', start);
    }
    if (!(ptype === 'attribute' && idx === 0)) {
      const uses = this.nameUses.get(name);
      if (!uses) this.nameUses.set(name, [start]);
      else if (uses.length < 8) uses.push(start);
    }
  }

  private attributeName(name: string, start: number, objChain: readonly string[] | null, objFlags: number): void {
    const p = this.policy;
    if (name.startsWith('_')) {
      if (!(objChain === SUPER_CHAIN && p.allowedDunderMethods.has(name))) {
        this.sink.add(RULES.privateAttribute, `attribute ${name} is private or a dunder; only public attributes may be used`, start);
      }
    }
    if (p.frameAttributes.has(name)) {
      this.sink.add(RULES.frameAttribute, `attribute ${name} reaches frames, code objects or interpreter internals`, start);
    }
    if (p.deniedAttributeNames.has(name)) {
      this.sink.add(RULES.deniedAttribute, `attribute ${name} reads or writes files, evaluates strings or reaches the OS; it is not allowed on any object`, start);
    }
    if ((name === 'format' || name === 'format_map') && (!(objFlags & STRING) || objFlags & FSTRING)) {
      this.sink.add(RULES.formatNonLiteral, `.${name}() on a template that is not a plain string literal can traverse attributes; use an f-string`, start);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Strings

  /** Returns true to descend (f-strings: their interpolations are code). */
  private stringEnter(cursor: TreeCursor, parent: Frame | null): boolean {
    const start = cursor.startIndex;
    const end = cursor.endIndex;
    const prefix = readStringPrefix(this.source, start);
    if (prefix.quote === '`') {
      this.sink.add(RULES.syntaxError, 'backtick repr is Python 2 syntax; CPython 3 refuses it', start);
      return false;
    }
    const bodyEnd = end - prefix.quote.length;
    const close = closingQuoteIndex(this.source, prefix.bodyStart, prefix.quote, end);
    if (close !== bodyEnd || bodyEnd < prefix.bodyStart) {
      this.sink.add(RULES.stringDifferential, 'CPython 3.11 would end this string literal at a different place than the validator sees; do not reuse the outer quote inside it', start);
    }
    this.lastFlags = STRING | (prefix.fstring ? FSTRING : 0);
    if (prefix.fstring) {
      const frame = this.push('string');
      frame.start = start;
      frame.end = end;
      frame.prefix = prefix;
      frame.interp = [];
      return true;
    }
    const body = this.source.slice(prefix.bodyStart, Math.max(prefix.bodyStart, bodyEnd));
    const text = prefix.raw ? body : decodeEscapes(body, prefix.bytes);
    if (parent?.type === 'concatenated_string') this.lastText = text;
    else if (parent?.type !== 'expression_statement') this.checkStringText(text, start, !prefix.bytes);
    return false;
  }

  private fstringExit(frame: Frame): void {
    const prefix = frame.prefix;
    if (!prefix) return;
    // Literal text of the f-string with each interpolation replaced by a placeholder.
    const bodyEnd = frame.end - prefix.quote.length;
    const ranges = frame.interp ?? [];
    let text = '';
    let at = prefix.bodyStart;
    for (let i = 0; i < ranges.length; i += 2) {
      text += this.literal(this.source.slice(at, ranges[i]), prefix.raw) + '\ufffc';
      at = ranges[i + 1];
    }
    text += this.literal(this.source.slice(at, Math.max(at, bodyEnd)), prefix.raw);
    const parentType = this.parentType();
    if (parentType === 'concatenated_string') this.lastText = text;
    else if (parentType !== 'expression_statement') this.checkStringText(text, frame.start, false);
    this.lastFlags = STRING | FSTRING;
  }

  private literal(part: string, raw: boolean): string {
    const text = raw ? part : decodeEscapes(part, false);
    return text.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  }

  private checkStringText(text: string, start: number, isTemplate: boolean): void {
    const dunder = findDunderText(text, this.policy.allowedDunderStrings);
    if (dunder) {
      this.sink.add(RULES.dunderString, `string contains the dunder name ${dunder}, which getattr-like tricks use; remove it`, start);
    }
    if (isTemplate && text.includes('{')) {
      const field = findFormatTraversal(text);
      if (field) {
        this.sink.add(RULES.formatTraversal, `format field ${field} traverses attributes or items when formatted; use plain {} or {name} fields`, start);
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Imports

  private dotted(node: SyntaxNode | null): { path: string[]; start: number } | null {
    if (!node || node.type !== 'dotted_name') return null;
    const path: string[] = [];
    for (const part of node.namedChildren) {
      if (part.type !== 'identifier') continue;
      const raw = part.text;
      const name = normalizeIdentifier(raw);
      if (name !== raw) {
        this.sink.add(RULES.nfkcIdentifier, `module name "${raw}" is read by CPython as "${name}" (NFKC); write "${name}" in plain characters`, part.startIndex);
      }
      path.push(name);
    }
    return { path, start: node.startIndex };
  }

  private importNode(node: SyntaxNode): void {
    if (node.type === 'future_import_statement') {
      for (const child of node.namedChildren) {
        const item = child.type === 'aliased_import' ? child.childForFieldName('name') : child;
        const name = this.dotted(item);
        if (name && !this.policy.allowedFutureFeatures.has(name.path.join('.'))) {
          this.sink.add(RULES.futureImport, `from __future__ import ${name.path.join('.')} changes how the program is parsed; only ${[...this.policy.allowedFutureFeatures].join(', ')} is allowed`, name.start);
        }
      }
      return;
    }
    if (node.type === 'import_statement') {
      for (const child of node.namedChildren) {
        if (child.type === 'comment') continue;
        const aliased = child.type === 'aliased_import';
        const mod = this.dotted(aliased ? child.childForFieldName('name') : child);
        if (!mod || !this.checkModulePath(mod.path, mod.start)) continue;
        const aliasNode = aliased ? child.childForFieldName('alias') : null;
        if (aliasNode) this.bindAlias(aliasNode, mod.path.join('.'), true);
        else this.bind(mod.path[0], mod.path[0], true);
      }
      return;
    }
    // from X import a, b as c
    const moduleNode = node.childForFieldName('module_name');
    if (!moduleNode || moduleNode.type === 'relative_import') {
      this.sink.add(RULES.relativeImport, 'relative imports are not allowed; the program is a single file', node.startIndex);
      return;
    }
    const mod = this.dotted(moduleNode);
    if (!mod) return;
    const moduleOk = this.checkModulePath(mod.path, mod.start);
    for (const child of node.namedChildren) {
      if (child.id === moduleNode.id || child.type === 'comment') continue;
      if (child.type === 'wildcard_import') {
        this.sink.add(RULES.importStar, 'import * hides which names are used; import the names you need', child.startIndex);
        continue;
      }
      const aliased = child.type === 'aliased_import';
      const item = this.dotted(aliased ? child.childForFieldName('name') : child);
      if (!item) continue;
      const full = [...mod.path, ...item.path];
      if (item.path.some((seg) => seg.startsWith('_'))) {
        this.sink.add(RULES.privateImport, `${item.path.join('.')} is private; import public names only`, item.start);
        continue;
      }
      if (!moduleOk || !this.checkDenied(full, item.start, RULES.importDenied)) continue;
      const target = full.join('.');
      const isModule = this.policy.modulePaths.has(target);
      const aliasNode = aliased ? child.childForFieldName('alias') : null;
      if (aliasNode) this.bindAlias(aliasNode, target, isModule);
      else this.bind(item.path[item.path.length - 1], target, isModule);
    }
  }

  /** Checks an imported module path; returns false when it was refused. */
  private checkModulePath(path: string[], start: number): boolean {
    if (path.length === 0) return false;
    if (!this.allowedImports.has(path[0])) {
      this.sink.add(RULES.importNotAllowed, `module ${path[0]} is not on the allowlist (${[...this.allowedImports].join(', ')}); use an allowed module`, start);
      return false;
    }
    const priv = path.find((seg) => seg.startsWith('_'));
    if (priv) {
      this.sink.add(RULES.privateImport, `${path.join('.')} has the private segment ${priv}; import public modules only`, start);
      return false;
    }
    return this.checkDenied(path, start, RULES.importDenied);
  }

  /** Refuses a path when it or any prefix is on the denylist; returns false when refused. */
  private checkDenied(path: readonly string[], start: number, rule: typeof RULES.importDenied | typeof RULES.deniedPath): boolean {
    let prefix = path[0];
    for (let i = 1; i < path.length; i++) {
      prefix += '.' + path[i];
      const reason = this.policy.deniedPaths.get(prefix);
      if (reason !== undefined) {
        this.sink.add(rule, `${prefix} is denied (${reason}); it is not available to programs`, start);
        return false;
      }
    }
    return true;
  }

  private bindAlias(aliasNode: SyntaxNode, target: string, isModule: boolean): void {
    const raw = aliasNode.text;
    const name = normalizeIdentifier(raw);
    if (name !== raw) this.sink.add(RULES.nfkcIdentifier, `alias "${raw}" is read by CPython as "${name}" (NFKC)`, aliasNode.startIndex);
    if (this.policy.forbiddenNames.has(name)) this.sink.add(RULES.forbiddenName, `alias "${name}" shadows a forbidden name; choose another alias`, aliasNode.startIndex);
    else if (isDunder(name)) this.sink.add(RULES.dunderName, `alias ${name} is a dunder name; choose another alias`, aliasNode.startIndex);
    this.bind(name, target, isModule);
  }

  private bind(name: string, target: string, isModule: boolean): void {
    this.aliases.set(name, target);
    if (isModule) this.moduleAliases.add(name);
  }

  // ------------------------------------------------------------------------------------------
  // Deferred checks (need every import of the file)

  private finish(): void {
    // `a.b.c` records `a.b` then `a.b.c` (a run); report the shortest denied one, once per run,
    // at the name that completes the denied path.
    const chains = this.chains;
    for (let i = 0; i < chains.length; ) {
      let j = i;
      while (j + 1 < chains.length && extendsChain(chains[j + 1].path, chains[j].path)) j++;
      const target = this.aliases.get(chains[i].path[0]);
      if (target !== undefined) {
        const base = target.split('.');
        for (let k = i; k <= j; k++) {
          if (!this.checkDenied([...base, ...chains[k].path.slice(1)], chains[k].index, RULES.deniedPath)) break;
        }
      }
      i = j + 1;
    }
    for (const name of this.moduleAliases) {
      for (const index of this.nameUses.get(name) ?? []) {
        this.sink.add(RULES.moduleAsValue, `module ${name} may only be used as ${name}.attribute; passing a module around hides what it is used for`, index);
      }
    }
  }
}

function extendsChain(longer: readonly string[], shorter: readonly string[]): boolean {
  return longer.length === shorter.length + 1 && shorter.every((seg, k) => longer[k] === seg);
}

/** Reports every ERROR and MISSING node (only called when the tree has errors). */
export function reportSyntaxErrors(tree: Parser.Tree, sink: ViolationSink): void {
  const cursor = tree.walk();
  let depth = 0;
  for (;;) {
    const type = cursor.nodeType;
    let descend = true;
    if (type === 'ERROR') {
      sink.add(RULES.syntaxError, 'syntax error: the parser could not read this part; fix the Python syntax', cursor.startIndex);
      descend = false;
    } else if (cursor.nodeIsMissing) {
      sink.add(RULES.syntaxError, `syntax error: missing ${type}; fix the Python syntax`, cursor.startIndex);
    }
    if (descend && cursor.gotoFirstChild()) {
      depth++;
      continue;
    }
    for (;;) {
      if (depth === 0) return;
      if (cursor.gotoNextSibling()) break;
      cursor.gotoParent();
      depth--;
    }
  }
}
