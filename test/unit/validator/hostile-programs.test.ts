import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED, makeValidator } from './validator-fixture.js';

interface Hostile {
  name: string;
  code: string;
  rule: string;
  /** 1-based line and column of the violation with `rule`, when asserted. */
  at?: [number, number];
}

const HOSTILE: Hostile[] = [
  // --- exact bytes: tree-sitter and CPython must see the same program
  { name: 'lone CR hides code in a comment', code: "x = 1  # c\rprint(open('/etc/passwd').read())\n", rule: 'lone-cr', at: [1, 11] },
  { name: 'lone CR at end of line', code: 'x = 1\rimport os\n', rule: 'lone-cr' },
  { name: 'NUL byte', code: 'x = 1\u0000\nprint(x)\n', rule: 'null-byte', at: [1, 6] },
  { name: 'coding utf-7 turns +AAo- into a newline', code: '# -*- coding: utf-7 -*-\n# +AAo-print(1)\n', rule: 'coding-cookie', at: [1, 1] },
  { name: 'coding unicode_escape on line 2', code: '#!/usr/bin/env python3\n# coding=unicode_escape\n# \\x0aprint(1)\n', rule: 'coding-cookie', at: [2, 1] },
  { name: 'coding raw_unicode_escape', code: '# vim: set fileencoding=raw_unicode_escape :\nx = 1\n', rule: 'coding-cookie' },
  { name: 'coding latin-1', code: '# coding: latin-1\nx = 1\n', rule: 'coding-cookie' },
  { name: 'lone surrogate in a string', code: 'x = "\ud800"\n', rule: 'encoding' },
  { name: 'byte-order mark', code: '\ufeffx = 1\n', rule: 'encoding' },
  { name: 'bidi override (Trojan Source)', code: 'access = "user\u202e \u2066# admin\u2069 \u2066"\n', rule: 'bidi-control' },
  { name: 'vertical tab control character', code: 'x = 1\u000b\n', rule: 'control-char' },
  { name: 'line separator U+2028', code: 'x = 1\u2028y = 2\n', rule: 'control-char' },
  { name: 'unclosed paren', code: 'x = (1\n', rule: 'syntax-error' },
  { name: 'garbage tokens', code: 'def (:\n', rule: 'syntax-error' },
  { name: 'Python 2 exec statement', code: 'exec "import os"\n', rule: 'syntax-error' },
  { name: 'Python 2 print chevron', code: 'print >>f, "x"\n', rule: 'syntax-error' },
  { name: 'backtick repr', code: 'x = `1`\n', rule: 'syntax-error' },
  // --- NFKC: CPython normalises identifiers
  { name: 'fullwidth eval', code: 'ｅｖａｌ("1+1")\n', rule: 'forbidden-name', at: [1, 1] },
  { name: 'fullwidth eval is flagged as NFKC too', code: 'ｅｖａｌ("1+1")\n', rule: 'nfkc-identifier' },
  { name: 'math bold open', code: "𝐨𝐩𝐞𝐧('/etc/passwd')\n", rule: 'forbidden-name' },
  { name: 'superscript eval', code: 'ᵉᵛᵃˡ("1")\n', rule: 'forbidden-name' },
  { name: 'fullwidth import os', code: 'import ｏｓ\n', rule: 'import-not-allowed', at: [1, 8] },
  { name: 'typing.ｓｙｓ', code: 'import typing\ntyping.ｓｙｓ.modules\n', rule: 'denied-path' },
  { name: 'NFKC dunder attribute', code: 'x = ().__ｃlass__\n', rule: 'private-attribute' },
  { name: 'NFKC from-import name', code: 'from typing import ｓｙｓ\n', rule: 'import-denied' },
  // --- imports
  { name: 'import os', code: 'import os\n', rule: 'import-not-allowed', at: [1, 8] },
  { name: 'import subprocess', code: 'import subprocess\nsubprocess.run(["id"])\n', rule: 'import-not-allowed' },
  { name: 'from os import system', code: 'from os import system\n', rule: 'import-not-allowed' },
  { name: 'import sys as numpy alias', code: 'import sys as numpy\n', rule: 'import-not-allowed' },
  { name: 'import ctypes', code: 'import ctypes\n', rule: 'import-not-allowed' },
  { name: 'import importlib', code: 'import importlib\n', rule: 'import-not-allowed' },
  { name: 'import builtins', code: 'import builtins\n', rule: 'import-not-allowed' },
  { name: 'import pickle', code: 'import pickle\n', rule: 'import-not-allowed' },
  { name: 'second import in a list', code: 'import math, socket\n', rule: 'import-not-allowed', at: [1, 14] },
  { name: 'relative import', code: 'from . import secrets\n', rule: 'relative-import' },
  { name: 'relative import of a module', code: 'from ..pkg import x\n', rule: 'relative-import' },
  { name: 'private module of an allowed package', code: 'import numpy._core\n', rule: 'private-import' },
  { name: 'private name from random', code: 'from random import _os\n', rule: 'private-import' },
  { name: 'private name from collections', code: 'from collections import _sys\n', rule: 'private-import' },
  { name: 'numpy.ctypeslib import', code: 'import numpy.ctypeslib\n', rule: 'import-denied' },
  { name: 'from numpy import ctypeslib', code: 'from numpy import ctypeslib\n', rule: 'import-denied' },
  { name: 'numpy.f2py import', code: 'from numpy.f2py import compile\n', rule: 'import-denied' },
  { name: 'numpy.testing runstring', code: 'from numpy.testing import runstring\n', rule: 'import-denied' },
  { name: 'numpy.distutils', code: 'import numpy.distutils.exec_command as ec\n', rule: 'import-denied' },
  { name: 'scipy.io', code: 'from scipy import io\n', rule: 'import-denied' },
  { name: 'scipy.io.loadmat', code: 'from scipy.io import loadmat\n', rule: 'import-denied' },
  { name: 'scipy.datasets downloads', code: 'import scipy.datasets\n', rule: 'import-denied' },
  { name: 'from typing import sys', code: 'from typing import sys\n', rule: 'import-denied' },
  { name: 'from dataclasses import builtins', code: 'from dataclasses import builtins\n', rule: 'import-denied' },
  { name: 'from numpy import load', code: 'from numpy import load\n', rule: 'import-denied' },
  { name: 'from typing import get_type_hints', code: 'from typing import get_type_hints\n', rule: 'import-denied' },
  { name: 'from functools import singledispatch', code: 'from functools import singledispatch\n', rule: 'import-denied' },
  { name: 'json.tool', code: 'import json.tool\n', rule: 'import-denied' },
  { name: 'star import', code: 'from numpy import *\n', rule: 'import-star' },
  { name: 'future barry_as_FLUFL changes the grammar', code: 'from __future__ import barry_as_FLUFL\n', rule: 'future-import' },
  // --- dangerous names anywhere
  { name: 'eval call', code: 'eval("1+1")\n', rule: 'forbidden-name', at: [1, 1] },
  { name: 'exec call', code: 'exec("import os")\n', rule: 'forbidden-name' },
  { name: 'compile', code: 'c = compile("1", "f", "eval")\n', rule: 'forbidden-name', at: [1, 5] },
  { name: 'open read', code: "data = open('/etc/passwd').read()\n", rule: 'forbidden-name' },
  { name: '__import__', code: "m = __import__('os')\n", rule: 'forbidden-name' },
  { name: 'globals', code: "g = globals()\n", rule: 'forbidden-name' },
  { name: 'locals', code: 'l = locals()\n', rule: 'forbidden-name' },
  { name: 'vars', code: 'v = vars()\n', rule: 'forbidden-name' },
  { name: 'getattr', code: "f = getattr(1, 'real')\n", rule: 'forbidden-name' },
  { name: 'setattr', code: 'setattr(o, "x", 1)\n', rule: 'forbidden-name' },
  { name: 'delattr', code: 'delattr(o, "x")\n', rule: 'forbidden-name' },
  { name: 'breakpoint', code: 'breakpoint()\n', rule: 'forbidden-name' },
  { name: 'help', code: 'help()\n', rule: 'forbidden-name' },
  { name: 'input', code: 'x = input()\n', rule: 'forbidden-name' },
  { name: 'memoryview', code: 'm = memoryview(b"x")\n', rule: 'forbidden-name' },
  { name: 'exit', code: 'exit(0)\n', rule: 'forbidden-name' },
  { name: 'quit', code: 'quit()\n', rule: 'forbidden-name' },
  { name: 'eval as a value', code: 'f = eval\nf("1")\n', rule: 'forbidden-name', at: [1, 5] },
  { name: 'eval as a decorator', code: '@eval\ndef f():\n    pass\n', rule: 'forbidden-name', at: [1, 2] },
  { name: 'exec as a default', code: 'def f(x, run=exec):\n    run(x)\n', rule: 'forbidden-name', at: [1, 14] },
  { name: 'eval in a lambda default', code: 'g = lambda s, e=eval: e(s)\n', rule: 'forbidden-name' },
  { name: 'eval as keyword value', code: 'print(1, sep=eval)\n', rule: 'forbidden-name' },
  { name: 'eval in a list', code: 'fs = [print, eval]\n', rule: 'forbidden-name' },
  { name: 'eval inside await', code: 'async def f():\n    await eval("g()")\n', rule: 'forbidden-name', at: [2, 11] },
  { name: 'eval inside yield', code: 'def f():\n    yield eval\n', rule: 'forbidden-name', at: [2, 11] },
  { name: 'walrus on eval', code: 'if (e := eval):\n    e("1")\n', rule: 'forbidden-name' },
  { name: 'import alias named eval', code: 'import math as eval\n', rule: 'forbidden-name' },
  { name: '__builtins__', code: "b = __builtins__\n", rule: 'forbidden-name' },
  { name: '__name__ outside the main guard', code: 'print(__name__)\n', rule: 'dunder-name' },
  { name: '__file__', code: 'print(__file__)\n', rule: 'dunder-name' },
  { name: '__loader__', code: 'l = __loader__\n', rule: 'forbidden-name' },
  { name: '__debug__ dunder', code: 'x = __debug__\n', rule: 'dunder-name' },
  { name: 'dunder function at module level', code: 'def __getattr__(name):\n    return name\n', rule: 'dunder-name' },
  { name: 'module passed around as a value', code: 'import numpy as np\nm = np\nm.ctypeslib.load_library("x", ".")\n', rule: 'module-as-value', at: [2, 5] },
  { name: 'module passed to a function', code: 'import random\ndef f(m):\n    return m.randint\nf(random)\n', rule: 'module-as-value' },
  // --- attributes
  { name: 'class subclasses walk', code: 'x = ().__class__.__base__.__subclasses__()\n', rule: 'private-attribute', at: [1, 8] },
  { name: '__globals__ of a function', code: 'def f():\n    pass\ng = f.__globals__\n', rule: 'private-attribute' },
  { name: '__dict__', code: 'd = object.__dict__\n', rule: 'private-attribute' },
  { name: '__mro__', code: 'm = int.__mro__\n', rule: 'private-attribute' },
  { name: '__code__', code: 'c = (lambda: 0).__code__\n', rule: 'private-attribute' },
  { name: 'single underscore attribute', code: 'import random\nrandom._os.system("id")\n', rule: 'private-attribute' },
  { name: 'generator frame', code: 'g = (i for i in [1])\nf = g.gi_frame.f_back.f_globals\n', rule: 'frame-attribute' },
  { name: 'traceback frame', code: 'try:\n    1 / 0\nexcept Exception as e:\n    fr = e.__traceback__.tb_frame\n', rule: 'frame-attribute' },
  { name: 'coroutine frame', code: 'async def c():\n    pass\nf = c().cr_frame\n', rule: 'frame-attribute' },
  { name: 'code object bytes', code: 'def f():\n    pass\nx = g.co_code\n', rule: 'frame-attribute' },
  { name: 'type.mro()', code: 'm = type(1).mro()\n', rule: 'frame-attribute' },
  { name: 'typing.sys re-export', code: 'import typing\ntyping.sys.modules["os"].system("id")\n', rule: 'denied-path', at: [2, 8] },
  { name: 'dataclasses.builtins re-export', code: 'import dataclasses\ndataclasses.builtins.eval("1")\n', rule: 'denied-path' },
  { name: 'dataclasses.inspect re-export', code: 'import dataclasses as dc\nf = dc.inspect.currentframe()\n', rule: 'denied-path' },
  { name: 'numpy.ctypeslib via attribute', code: 'import numpy as np\nlib = np.ctypeslib.load_library("libc", "/lib")\n', rule: 'denied-path' },
  { name: 'numpy.f2py via attribute', code: 'import numpy\nnumpy.f2py.compile("x")\n', rule: 'denied-path' },
  { name: 'numpy.testing.runstring', code: 'import numpy as np\nnp.testing.runstring("import os", {})\n', rule: 'denied-path' },
  { name: 'np.load with pickles', code: 'import numpy as np\nx = np.load("x.npy", allow_pickle=True)\n', rule: 'denied-path' },
  { name: 'np.fromfile', code: 'import numpy as np\nx = np.fromfile("/etc/passwd", dtype=np.uint8)\n', rule: 'denied-path' },
  { name: 'np.genfromtxt URL', code: 'import numpy as np\nx = np.genfromtxt("http://example.com/x.csv")\n', rule: 'denied-path' },
  { name: 'numpy DataSource', code: 'import numpy as np\nds = np.lib.npyio.DataSource()\n', rule: 'denied-path' },
  { name: 'typing.get_type_hints evaluates strings', code: 'import typing\ntyping.get_type_hints(f)\n', rule: 'denied-path' },
  { name: 'functools.singledispatch', code: 'import functools\n@functools.singledispatch\ndef f(x):\n    pass\n', rule: 'denied-path' },
  { name: 'parenthesised module alias', code: 'import typing\n(typing).sys.exit(1)\n', rule: 'denied-path' },
  { name: 'ndarray.tofile on any object', code: 'arr.tofile("/tmp/x")\n', rule: 'denied-attribute' },
  { name: 'ndarray.dump pickles', code: 'arr.dump("/tmp/x.pkl")\n', rule: 'denied-attribute' },
  { name: 'pandas eval', code: 'df.eval("a + b")\n', rule: 'denied-attribute' },
  { name: 'match class pattern reads __class__', code: 'match 1:\n    case object(__class__=c):\n        pass\n', rule: 'private-attribute', at: [2, 17] },
  { name: 'match value pattern into frames', code: 'match x:\n    case g.gi_frame:\n        pass\n', rule: 'frame-attribute' },
  // --- strings
  { name: 'format field traversal', code: 'print("{0.__class__}".format(1))\n', rule: 'format-traversal', at: [1, 7] },
  { name: 'format item traversal', code: 'print("{x[0]}".format(x=[1]))\n', rule: 'format-traversal' },
  { name: 'format frame traversal', code: 's = "{0.gi_frame.f_globals}".format(g)\n', rule: 'format-traversal' },
  { name: 'nested field in a format spec', code: 's = "{0:{1.real}}".format(1, 2)\n', rule: 'format-traversal' },
  { name: 'traversal split across concatenation', code: 's = "{0.real" "}".format(1)\n', rule: 'format-traversal' },
  { name: 'format_map with traversal', code: 's = "{a.b}".format_map(d)\n', rule: 'format-traversal' },
  { name: 'format on a variable template', code: 't = "{}"\nprint(t.format(1))\n', rule: 'format-nonliteral', at: [2, 9] },
  { name: 'str.format unbound', code: 'print(str.format("{}", 1))\n', rule: 'format-nonliteral' },
  { name: 'format on an f-string', code: 'print(f"{{0}}".format(1))\n', rule: 'format-nonliteral' },
  { name: 'dunder string', code: 'name = "__class__"\n', rule: 'dunder-string', at: [1, 8] },
  { name: 'dunder string in a dict key', code: 'ns = {"__getattr__": lambda s, n: n}\n', rule: 'dunder-string' },
  { name: 'hex-escaped dunder string', code: 's = "\\x5f\\x5fclass\\x5f\\x5f"\n', rule: 'dunder-string' },
  { name: 'unicode-escaped dunder string', code: 's = "\\u005f\\u005fglobals\\u005f\\u005f"\n', rule: 'dunder-string' },
  { name: 'named-escape dunder string', code: 's = "\\N{LOW LINE}\\N{LOW LINE}class\\N{LOW LINE}\\N{LOW LINE}"\n', rule: 'dunder-string' },
  { name: 'dunder string split across concatenation', code: 's = "__cla" "ss__"\n', rule: 'dunder-string' },
  { name: 'dunder string in bytes', code: 's = b"__subclasses__".decode()\n', rule: 'dunder-string' },
  { name: 'dunder inside f-string literal text', code: 's = f"__{x}__ __dict__"\n', rule: 'dunder-string' },
  { name: 'attribute traversal inside an f-string', code: 's = f"{x.__class__}"\n', rule: 'private-attribute', at: [1, 10] },
  { name: 'string the validator would end elsewhere', code: 'x = f"{\'"\'}"\n', rule: 'string-differential' },
  // --- classes
  { name: 'metaclass keyword', code: 'class A(metaclass=M):\n    pass\n', rule: 'metaclass', at: [1, 9] },
  { name: 'metaclass through ** in bases', code: 'class A(**kw):\n    pass\n', rule: 'metaclass' },
  { name: 'three-argument type', code: 'T = type("T", (), {})\n', rule: 'type-three-args', at: [1, 5] },
  { name: 'type with star args', code: 'T = type(*args)\n', rule: 'type-three-args' },
  { name: 'type as a value', code: 't = type\nT = t("T", (), {})\n', rule: 'type-three-args' },
  { name: '__reduce__ method', code: 'class P:\n    def __reduce__(self):\n        return (print, ("x",))\n', rule: 'dunder-method', at: [2, 9] },
  { name: '__reduce_ex__ method', code: 'class P:\n    def __reduce_ex__(self, p):\n        return None\n', rule: 'dunder-method' },
  { name: '__getattr__ method', code: 'class P:\n    def __getattr__(self, n):\n        return n\n', rule: 'dunder-method' },
  { name: '__getattribute__ method', code: 'class P:\n    def __getattribute__(self, n):\n        return n\n', rule: 'dunder-method' },
  { name: '__setattr__ method', code: 'class P:\n    def __setattr__(self, n, v):\n        pass\n', rule: 'dunder-method' },
  { name: '__init_subclass__', code: 'class P:\n    def __init_subclass__(cls):\n        pass\n', rule: 'dunder-method' },
  { name: '__class_getitem__', code: 'class P:\n    def __class_getitem__(cls, k):\n        return k\n', rule: 'dunder-method' },
  { name: '__set_name__', code: 'class D:\n    def __set_name__(self, owner, name):\n        pass\n', rule: 'dunder-method' },
  { name: '__del__', code: 'class D:\n    def __del__(self):\n        pass\n', rule: 'dunder-method' },
  { name: 'decorated hook method', code: 'class D:\n    @classmethod\n    def __init_subclass__(cls):\n        pass\n', rule: 'dunder-method' },
  { name: 'dunder class attribute', code: 'class D:\n    __slots__ = ()\n', rule: 'dunder-name' },
];

describe('TreeSitterValidator: hostile programs', () => {
  const validator = makeValidator();

  it('has a table of at least 90 hostile programs covering every rule family', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(90);
    const rules = new Set(HOSTILE.map((h) => h.rule));
    for (const rule of [
      'lone-cr', 'null-byte', 'coding-cookie', 'encoding', 'bidi-control', 'control-char', 'syntax-error',
      'string-differential', 'nfkc-identifier', 'forbidden-name', 'dunder-name', 'module-as-value',
      'import-not-allowed', 'relative-import', 'private-import', 'import-denied', 'import-star', 'future-import',
      'private-attribute', 'frame-attribute', 'denied-path', 'denied-attribute', 'format-traversal',
      'format-nonliteral', 'dunder-string', 'metaclass', 'type-three-args', 'dunder-method',
    ]) {
      expect(rules, `no hostile program for ${rule}`).toContain(rule);
    }
  });

  it.each(HOSTILE)('refuses $name with rule $rule', ({ code, rule, at }) => {
    const report = validator.validate(code, { allowedImports: DEFAULT_ALLOWED });
    expect(report.ok).toBe(false);
    const matching = report.violations.filter((v) => v.rule === rule);
    expect(matching, JSON.stringify(report.violations)).not.toHaveLength(0);
    if (at) expect(matching.map((v) => [v.line, v.column])).toContainEqual(at);
    for (const v of report.violations) {
      expect(v.message.length).toBeGreaterThan(10);
      expect(v.line).toBeGreaterThanOrEqual(1);
      expect(v.column).toBeGreaterThanOrEqual(1);
    }
  });

  it('reports every violation of a program, in source order', () => {
    const code = 'import os\nx = eval("1")\ny = ().__class__\nclass A(metaclass=M):\n    pass\n';
    const report = validator.validate(code, { allowedImports: DEFAULT_ALLOWED });
    expect(report.violations.map((v) => [v.rule, v.line])).toEqual([
      ['import-not-allowed', 1],
      ['forbidden-name', 2],
      ['private-attribute', 3],
      ['metaclass', 4],
    ]);
  });

  it('uses the allowlist it is given', () => {
    const code = 'import numpy as np\nprint(np.pi)\n';
    expect(validator.validate(code, { allowedImports: ['numpy'] }).ok).toBe(true);
    const refused = validator.validate(code, { allowedImports: ['math'] });
    expect(refused.violations.map((v) => v.rule)).toEqual(['import-not-allowed']);
  });
});
