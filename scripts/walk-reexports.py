#!/usr/bin/env python3
"""Walks the attributes of the allowed modules and records every public path that reaches a
dangerous module or API (a module that exposes the OS, code execution, files or the network).

The result is the `generated` section of config/validator-policy.json, so the denylist is
reproducible:  python3 -I -B scripts/walk-reexports.py --write config/validator-policy.json

Static rules are advisory (the sandbox is the boundary); this list exists so the validator gives
fast, precise feedback for the known routes (`typing.sys`, `numpy.ctypeslib`, `numpy.load`...).
"""
import builtins
import importlib
import json
import pkgutil
import sys
import types
import warnings

ALLOWED = [
    "numpy", "scipy", "jax", "numpyro", "pandas", "matplotlib", "json", "math",
    "random", "statistics", "itertools", "functools", "collections", "dataclasses", "typing",
    "fractions", "decimal",
]

# External modules that are harmless to reach through a re-export (pure computation). Any other
# module re-exported by an allowed package is recorded: even `warnings` leads on to `warnings.sys`.
PURE_MODULES = {
    "math", "cmath", "numbers", "itertools", "re", "enum", "abc", "keyword", "textwrap",
    "decimal", "fractions", "statistics", "json", "heapq", "bisect", "array", "datetime", "time",
    "functools", "collections", "dataclasses", "typing", "random", "numpy", "scipy", "copy",
}

# Subpackages refused outright (test runners, compilers, FFI, file formats, downloads); the walk
# records them and does not descend into them.
CURATED_DENIED = {
    "numpy.ctypeslib": "FFI: loads shared libraries",
    "numpy.f2py": "compiles and runs code (uses subprocess)",
    "numpy.distutils": "build system: runs compilers and shells",
    "numpy.testing": "test helpers; runstring() is a public exec",
    "numpy.lib.format": "reads and writes .npy files, may unpickle",
    "numpy.lib.npyio": "file and URL input/output",
    "scipy.io": "reads and writes files (MATLAB, NetCDF, WAV, ...)",
    "scipy.datasets": "downloads data from the network",
    "matplotlib.style": "style.use(path) reads any file",
    "matplotlib.testing": "test helpers",
    "matplotlib.backends": "GUI and file backends",
    "pandas.io": "file, SQL, clipboard and URL input/output",
    "jax.experimental": "host callbacks run arbitrary Python",
    "json.tool": "command-line tool: reads and writes files named in sys.argv",
}

# Modules whose functions expose the OS, the interpreter, code execution, files or the network.
DANGEROUS_MODULES = {
    "os", "posix", "nt", "sys", "subprocess", "_posixsubprocess", "ctypes", "_ctypes", "importlib",
    "builtins", "pickle", "_pickle", "marshal", "io", "_io", "shutil", "socket", "_socket", "ssl",
    "http", "urllib", "ftplib", "smtplib", "code", "codeop", "runpy", "inspect", "gc", "tempfile",
    "pathlib", "glob", "signal", "multiprocessing", "threading", "_thread", "concurrent",
    "asyncio", "select", "selectors", "mmap", "pty", "fcntl", "resource", "platform", "sysconfig",
    "site", "zipimport", "pkgutil", "types", "linecache", "tokenize", "ast", "dis", "traceback",
    "warnings", "logging", "webbrowser", "distutils", "setuptools", "zipfile", "tarfile", "gzip",
    "bz2", "lzma", "shelve", "dbm", "sqlite3", "operator", "copyreg", "faulthandler",
    "tracemalloc", "weakref", "string", "contextvars", "atexit", "pydoc", "pdb", "bdb",
    "cProfile", "profile", "timeit", "trace", "threading", "queue", "uuid", "getpass", "pwd",
    "grp", "urllib3", "requests", "pooch", "fsspec", "imp", "unittest", "doctest", "pytest",
}
# Re-exported functions and classes of these are harmless (locks, warnings, type aliases).
DANGEROUS_MODULES -= {"threading", "_thread", "warnings", "operator", "types", "weakref", "string", "queue", "contextvars", "uuid", "traceback", "logging", "copyreg", "atexit"}

# Builtins that must not be reachable under another name.
FORBIDDEN_BUILTINS = [
    "exec", "eval", "compile", "open", "__import__", "globals", "locals", "vars", "getattr",
    "setattr", "delattr", "breakpoint", "help", "input", "memoryview", "exit", "quit",
]

# Public APIs of allowed packages that read or write files, fetch URLs, unpickle or eval strings.
DANGEROUS_API_NAMES = {
    "load", "save", "savez", "savez_compressed", "savetxt", "loadtxt", "genfromtxt", "recfromtxt",
    "recfromcsv", "fromfile", "tofile", "fromregex", "memmap", "open_memmap", "DataSource",
    "runstring", "load_library", "ndpointer", "as_ctypes", "as_array", "get_type_hints",
    "singledispatch", "singledispatchmethod", "read_pickle", "to_pickle", "loadmat", "savemat",
    "whosmat", "loadarff", "mmread", "mmwrite", "readsav", "netcdf_file", "FortranFile",
    "hb_read", "hb_write", "wavfile", "lookfor", "info", "source", "byte_bounds", "deprecate",
    "get_include", "show_config", "show_runtime", "test", "use", "rc_file", "savefig",
    "imread", "imsave", "read_csv", "read_table", "read_excel", "read_json", "read_html",
    "read_xml", "read_sql", "read_parquet", "read_feather", "read_hdf", "read_fwf", "read_sas",
    "read_stata", "read_spss", "read_orc", "read_clipboard", "to_csv", "to_excel", "to_hdf",
    "to_parquet", "eval", "query", "attrgetter", "methodcaller", "get_annotations",
    "NamedTemporaryFile", "TemporaryDirectory", "_NamedTemporaryFile", "cached_data",
    "download_all", "face", "ascent", "electrocardiogram", "registry",
}

# Paths the name rule above would catch that are harmless (they need an open file or are pure).
SAFE_PATHS = {"json.load", "json.dump"}

SKIP_SEGMENTS = {"tests", "testing", "conftest", "setup", "_distributor_init"}


def public_submodules(pkg):
    """Imports the public submodules of a package (no private or test segments)."""
    found = [pkg]
    if not hasattr(pkg, "__path__"):
        return found
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".", onerror=lambda _n: None):
        parts = info.name.split(".")
        if any(p.startswith("_") or p in SKIP_SEGMENTS for p in parts[1:]):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                found.append(importlib.import_module(info.name))
        except BaseException:  # noqa: BLE001 - optional backends fail to import; skip them
            continue
    return found


def root_of(name):
    return (name or "").split(".")[0]


def walk(package_name):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pkg = importlib.import_module(package_name)
    except ImportError:
        return None, [], []
    modules = {m.__name__: m for m in public_submodules(pkg)}
    forbidden_ids = {id(getattr(builtins, n)): n for n in FORBIDDEN_BUILTINS if hasattr(builtins, n)}
    # Breadth-first over attribute paths that stay inside the package, so each finding is
    # reported under the shortest public path that reaches it.
    queue = [(package_name, pkg)]
    seen = {id(pkg)}
    findings = {}
    module_paths = set()
    while queue:
        path, mod = queue.pop(0)
        module_paths.add(path)
        try:
            names = sorted(vars(mod))
        except TypeError:
            continue
        for name in names:
            try:
                value = getattr(mod, name)
            except BaseException:  # noqa: BLE001 - lazy attributes may raise
                continue
            full = f"{path}.{name}"
            private = name.startswith("_")
            if isinstance(value, types.ModuleType):
                vroot = root_of(value.__name__)
                if vroot != package_name:
                    if vroot not in PURE_MODULES and vroot.lstrip("_") not in PURE_MODULES:
                        findings[full] = f"re-exports module {value.__name__}"
                    continue
                if value.__name__ in CURATED_DENIED or full in CURATED_DENIED:
                    findings[full] = CURATED_DENIED.get(value.__name__) or CURATED_DENIED[full]
                    continue
                if private:
                    continue
                if any(p in SKIP_SEGMENTS for p in value.__name__.split(".")) or name in SKIP_SEGMENTS:
                    findings.setdefault(full, f"test helpers ({value.__name__}) run code and touch files")
                if id(value) not in seen:
                    seen.add(id(value))
                    queue.append((full, value))
                continue
            if private:
                continue
            if id(value) in forbidden_ids:
                findings[full] = f"re-exports builtin {forbidden_ids[id(value)]}"
                continue
            vmod = getattr(value, "__module__", None) if callable(value) else None
            if isinstance(vmod, str) and vmod != "builtins" and (root_of(vmod) in DANGEROUS_MODULES or root_of(vmod).lstrip("_") in DANGEROUS_MODULES) and root_of(vmod) != package_name:
                findings.setdefault(full, f"re-exports {vmod}.{getattr(value, '__name__', name)}")
                continue
            if name in DANGEROUS_API_NAMES and full not in SAFE_PATHS and callable(value):
                findings.setdefault(full, "file, network, pickle or eval API")
    for path, reason in CURATED_DENIED.items():
        if path.split(".")[0] == package_name:
            findings.setdefault(path, reason)
    # A path under an already denied prefix adds nothing: the validator checks every prefix.
    kept = {}
    for path in sorted(findings, key=lambda p: (p.count("."), p)):
        parts = path.split(".")
        if any(".".join(parts[:i]) in kept for i in range(1, len(parts))):
            continue
        kept[path] = findings[path]
    version = getattr(pkg, "__version__", sys.version.split()[0])
    modules = sorted(m for m in module_paths if m not in kept)
    return version, [{"path": p, "reason": r} for p, r in sorted(kept.items())], modules


def main():
    packages = {}
    reexports = []
    modules = []
    for name in ALLOWED:
        version, found, mods = walk(name)
        if version is None:
            continue
        packages[name] = version
        reexports.extend(found)
        modules.extend(mods)
    generated = {
        "$comment": "Generated by scripts/walk-reexports.py; do not edit by hand.",
        "python": sys.version.split()[0],
        "packages": packages,
        "modules": modules,
        "reexports": reexports,
    }
    if len(sys.argv) == 3 and sys.argv[1] == "--write":
        with open(sys.argv[2], encoding="utf-8") as f:
            policy = json.load(f)
        policy["generated"] = generated
        with open(sys.argv[2], "w", encoding="utf-8") as f:
            json.dump(policy, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(f"wrote {len(reexports)} re-exports and {len(modules)} module paths to {sys.argv[2]}")
    else:
        json.dump(generated, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
