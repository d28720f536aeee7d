"""What a reused kernel puts back between two units, so that no unit's result depends on what ran before it.

Runs inside the kernel (an IPython shell), never in the build's own processes. A build worker keeps one kernel for
many units: starting a kernel and importing the package costs more than a factsheet's own work. Right after the
warm-up imports, :func:`snapshot` records the kernel's clean state; before the kernel serves the next unit,
:func:`restore` puts it back and checks the result. Put back:

- the user namespace (IPython's reset with a new session: names, ``In``/``Out``, output cache, execution count 1),
  plus the names a fresh kernel starts with (``__doc__``, ``_``, …);
- open matplotlib figures (closed), ``rcParams``, the units registry;
- module-level state of this package: functools caches cleared (except :data:`KEEP_CACHES`), globals rebound or
  removed, module-level dicts, lists and sets of plain data restored to their recorded content;
- modules imported since the snapshot from outside the Python installation (the notebook's own modules, modules of
  this package loaded late) are forgotten, so the next import runs them afresh; library modules stay loaded;
- working directory, environment variables, ``sys.path``/``sys.argv``/standard streams and hooks, builtins, warning
  filters, logging's root logger, locale, decimal context, umask, default socket timeout, recursion limit;
- pandas options, NumPy print options and floating-point error handling; the random generators of ``random`` and
  NumPy are seeded afresh from the operating system, as in a new process;
- IPython's display formatters, event callbacks and input/AST transformers.

What cannot be put back makes :func:`restore` raise :class:`KernelNotClean` naming it, and the worker starts a fresh
kernel instead: a thread or child process the notebook left running, a changed matplotlib backend, or any of the
state above that does not compare equal to its record after restoring. Assumptions: a notebook does not patch
library functions (monkeypatching numpy or pandas is not undone) and does not change C-level state that Python
cannot see (e.g. signal handlers, resource limits); such a notebook needs ``--jobs 0`` or a build of its own.
"""

from __future__ import annotations

import builtins
import copy
import decimal
import gc
import locale
import logging
import os
import random
import socket
import sys
import sysconfig
import threading
import types
import warnings
from dataclasses import dataclass, field
from typing import Any

#: Module-level functools caches that hold no unit's data (derived from installed files only) and survive a reset.
KEEP_CACHES = frozenset({"mpsc_report.documents.export.fonts.font_face_css"})

#: This package's name: its modules' globals are recorded and restored.
PACKAGE = __name__.split(".")[0]

#: Threads the kernel's own machinery starts when it first needs them (e.g. ZeroMQ's garbage collector for large
#: outputs): defined in these packages, they are not a unit's leftovers.
KERNEL_THREAD_PACKAGES = ("zmq", "ipykernel", "IPython", "jupyter_client", "tornado")

#: Deep-copied module-level containers larger than this (items, recursively) are not recorded: restoring such a
#: container would cost more than a fresh kernel. None of the package's own are anywhere near it.
_MAX_RECORDED_ITEMS = 200_000


class KernelNotClean(RuntimeError):
    """The kernel's state could not be put back; the worker must start a fresh kernel."""


@dataclass
class _Record:
    """The clean state of the kernel, taken after the warm-up."""

    cwd: str
    environ: dict[str, str]
    namespace: dict[str, Any]
    modules: frozenset[str]
    module_globals: dict[str, dict[str, Any]]
    module_data: dict[tuple[str, str], Any]
    threads: frozenset[int]
    children: frozenset[int]
    sys_state: dict[str, Any]
    builtins: dict[str, Any]
    warnings: list
    logging: tuple
    locale: str | None
    decimal: decimal.Context
    umask: int
    socket_timeout: float | None
    recursion_limit: int
    rc_params: dict[str, Any] = field(default_factory=dict)
    units_registry: dict = field(default_factory=dict)
    backend: str | None = None
    pandas_options: dict[str, Any] = field(default_factory=dict)
    numpy: tuple = ()
    ipython: dict[str, Any] = field(default_factory=dict)


_record: _Record | None = None


def snapshot(*modules: str) -> None:
    """Import ``modules`` (the warm-up), then record the kernel's state as the clean state to come back to."""
    import importlib

    for name in modules:
        importlib.import_module(name)
    global _record
    # What the warm-up imported lives as long as the kernel: moved out of the collector's sight, the full collections
    # of every reset (IPython's and ours) only walk what units made (0.33 s -> a few ms each on the build machine).
    gc.collect()
    gc.freeze()
    _record = _Record(
        cwd=os.getcwd(),
        environ=dict(os.environ),
        namespace=_namespace_seed(),
        modules=frozenset(sys.modules),
        module_globals={name: dict(vars(module)) for name, module in _own_modules()},
        module_data=_module_data(),
        threads=frozenset(t.ident for t in threading.enumerate() if t.ident is not None),
        children=frozenset(_children()),
        sys_state=_sys_state(),
        builtins=dict(vars(builtins)),
        warnings=list(warnings.filters),
        logging=_logging_state(),
        locale=_locale(),
        decimal=decimal.getcontext().copy(),
        umask=_umask(),
        socket_timeout=socket.getdefaulttimeout(),
        recursion_limit=sys.getrecursionlimit(),
    )
    if "matplotlib" in sys.modules:
        import matplotlib
        import matplotlib.units

        _record.rc_params = copy.deepcopy(dict(matplotlib.rcParams))
        _record.units_registry = dict(matplotlib.units.registry)
        _record.backend = matplotlib.get_backend()
    if "pandas" in sys.modules:
        _record.pandas_options = _pandas_options()
    if "numpy" in sys.modules:
        import numpy

        _record.numpy = (numpy.get_printoptions(), numpy.geterr())
    _record.ipython = _ipython_state()


def restore() -> None:
    """Put the kernel back into its recorded state and check it.

    Raises
    ------
    KernelNotClean
        Naming what could not be put back; the kernel must not serve another unit.
    """
    if _record is None:
        raise KernelNotClean("no clean state was recorded (the warm-up did not run)")
    record = _record
    problems = _running_leftovers(record)
    _close_figures()
    os.chdir(record.cwd)
    _restore_mapping(os.environ, record.environ)
    _reset_namespace(record)
    _forget_modules(record)
    _restore_package(record)
    _restore_interpreter(record)
    _restore_libraries(record)
    _restore_ipython(record)
    gc.collect()
    problems += _differences(record)
    if problems:
        raise KernelNotClean("; ".join(problems))


# ----------------------------------------------------------------------------------------------
# Recording


def _shell():
    from IPython import get_ipython

    return get_ipython()


def _namespace_seed() -> dict[str, Any]:
    """The names a fresh kernel's namespace holds that IPython's reset does not put back (``__doc__``, ``_`` …)."""
    shell = _shell()
    if shell is None:
        return {}
    return {k: v for k, v in shell.user_ns.items() if k.startswith("_") and isinstance(v, str | type(None))}


def _own_modules() -> list[tuple[str, types.ModuleType]]:
    return [
        (name, module)
        for name, module in list(sys.modules.items())
        if (name == PACKAGE or name.startswith(PACKAGE + ".")) and name != __name__ and module is not None
    ]


def _module_data() -> dict[tuple[str, str], Any]:
    """Deep copies of the package's module-level dicts, lists and sets that hold plain data only."""
    data = {}
    for name, module in _own_modules():
        for attr, value in vars(module).items():
            if isinstance(value, dict | list | set) and _plain(value, [0]):
                data[(name, attr)] = copy.deepcopy(value)
    return data


def _plain(value: Any, seen: list[int]) -> bool:
    seen[0] += 1
    if seen[0] > _MAX_RECORDED_ITEMS:
        return False
    if value is None or isinstance(value, str | bytes | int | float | bool):
        return True
    if isinstance(value, dict):
        return all(_plain(k, seen) and _plain(v, seen) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return all(_plain(v, seen) for v in value)
    return False


def _children() -> list[int]:
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is a dependency of the package
        return []
    return [p.pid for p in psutil.Process().children(recursive=True) if p.status() != psutil.STATUS_ZOMBIE]


def _sys_state() -> dict[str, Any]:
    names = ("path", "meta_path", "path_hooks", "argv")
    state: dict[str, Any] = {name: list(getattr(sys, name)) for name in names}
    for name in ("stdout", "stderr", "stdin", "displayhook", "excepthook"):
        state[name] = getattr(sys, name)
    return state


def _logging_state() -> tuple:
    root = logging.getLogger()
    return root.level, list(root.handlers), logging.root.manager.disable


def _locale() -> str | None:
    try:
        return locale.setlocale(locale.LC_ALL)
    except locale.Error:
        return None


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _pandas_options() -> dict[str, Any]:
    import pandas
    from pandas._config import config

    options = {}
    for key in config._registered_options:
        if key in config._deprecated_options:
            continue
        try:
            options[key] = copy.deepcopy(pandas.get_option(key))
        except Exception:  # an option that cannot be read cannot be restored either
            continue
    return options


def _ipython_state() -> dict[str, Any]:
    shell = _shell()
    if shell is None:
        return {}
    formatters = {
        name: (dict(f.type_printers), dict(f.deferred_printers), f.enabled)
        for name, f in shell.display_formatter.formatters.items()
    }
    return {
        "formatters": formatters,
        "active_types": list(shell.display_formatter.active_types),
        "events": {name: list(callbacks) for name, callbacks in shell.events.callbacks.items()},
        "ast_transformers": list(shell.ast_transformers),
        "input_transformers_post": list(shell.input_transformers_post),
        "input_transformers_cleanup": list(shell.input_transformer_manager.cleanup_transforms),
        "input_transformers_line": list(shell.input_transformer_manager.line_transforms),
        "custom_exceptions": shell.custom_exceptions,
        "custom_tb": getattr(shell, "CustomTB", None),
    }


# ----------------------------------------------------------------------------------------------
# Restoring


def _running_leftovers(record: _Record) -> list[str]:
    """Threads and child processes a unit left running: they cannot be undone, only left with the kernel."""
    problems = []
    threads = [
        t.name
        for t in threading.enumerate()
        if t.ident not in record.threads and t.is_alive() and not _kernel_machinery(t)
    ]
    if threads:
        problems.append(f"thread(s) still running: {', '.join(sorted(threads))}")
    children = sorted(set(_children()) - record.children)
    if children:
        problems.append(f"child process(es) still running: {', '.join(map(str, children))}")
    return problems


def _kernel_machinery(thread: threading.Thread) -> bool:
    origin = getattr(getattr(thread, "_target", None), "__module__", None) or type(thread).__module__
    return origin.split(".")[0] in KERNEL_THREAD_PACKAGES


def _close_figures() -> None:
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def _restore_mapping(current, recorded: dict) -> None:
    for key in [k for k in current if k not in recorded]:
        del current[key]
    for key, value in recorded.items():
        if current.get(key, _MISSING) is not value and current.get(key, _MISSING) != value:
            current[key] = value


_MISSING = object()


def _reset_namespace(record: _Record) -> None:
    shell = _shell()
    if shell is None:
        return
    shell.reset(new_session=True)  # also sets the execution count back to 1
    for key, value in record.namespace.items():
        shell.user_ns.setdefault(key, value)


def _forget_modules(record: _Record) -> None:
    """Forget modules imported since the snapshot that live outside the Python installation."""
    installed = {os.path.realpath(p) for p in sysconfig.get_paths().values()}
    installed |= {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    for name in [n for n in sys.modules if n not in record.modules]:
        module = sys.modules.get(name)
        path = getattr(module, "__file__", None)
        if path is None:
            continue
        real = os.path.realpath(path)
        if not any(real.startswith(base + os.sep) for base in installed):
            del sys.modules[name]
            parent, _, child = name.rpartition(".")
            if parent in sys.modules and getattr(sys.modules[parent], child, None) is module:
                delattr(sys.modules[parent], child)


def _restore_package(record: _Record) -> None:
    """Clear the package's caches and put its module globals and plain data back."""
    for name, module in _own_modules():
        recorded = record.module_globals.get(name)
        if recorded is None:
            continue
        namespace = vars(module)
        for attr, value in list(namespace.items()):
            if attr not in recorded:
                if not _is_loaded_submodule(name, attr, value):  # the import system does not set it again
                    del namespace[attr]
            elif namespace[attr] is not value:
                namespace[attr] = recorded[attr]
        for attr, value in recorded.items():
            if attr not in namespace:
                namespace[attr] = value
            _clear_caches(f"{name}.{attr}", value)
    for (name, attr), data in record.module_data.items():
        current = vars(sys.modules[name]).get(attr)
        if current != data:
            current.clear()
            if isinstance(current, dict | set):
                current.update(copy.deepcopy(data))
            else:
                current.extend(copy.deepcopy(data))


def _is_loaded_submodule(package: str, attr: str, value: Any) -> bool:
    return isinstance(value, types.ModuleType) and sys.modules.get(f"{package}.{attr}") is value


def _clear_caches(qualified: str, value: Any) -> None:
    if qualified in KEEP_CACHES:
        return
    if callable(getattr(value, "cache_clear", None)):
        value.cache_clear()
    elif isinstance(value, type) and value.__module__.startswith(PACKAGE):
        for attr, member in vars(value).items():
            target = member.__func__ if isinstance(member, staticmethod | classmethod) else member
            if callable(getattr(target, "cache_clear", None)) and f"{qualified}.{attr}" not in KEEP_CACHES:
                target.cache_clear()


def _restore_interpreter(record: _Record) -> None:
    for name in ("path", "meta_path", "path_hooks", "argv"):
        getattr(sys, name)[:] = record.sys_state[name]
    for name in ("stdout", "stderr", "stdin", "displayhook", "excepthook"):
        setattr(sys, name, record.sys_state[name])
    _restore_mapping(vars(builtins), record.builtins)
    warnings.filters[:] = record.warnings
    warnings._filters_mutated()
    root = logging.getLogger()
    level, handlers, disabled = record.logging
    root.setLevel(level)
    root.handlers[:] = handlers
    logging.disable(disabled)
    if record.locale is not None and _locale() != record.locale:
        locale.setlocale(locale.LC_ALL, record.locale)
    decimal.setcontext(record.decimal.copy())
    os.umask(record.umask)
    socket.setdefaulttimeout(record.socket_timeout)
    sys.setrecursionlimit(record.recursion_limit)
    random.seed()


def _restore_libraries(record: _Record) -> None:
    if record.rc_params and "matplotlib" in sys.modules:
        import matplotlib
        import matplotlib.units

        params = matplotlib.rcParams
        for key, value in record.rc_params.items():
            if params.get(key) != value:
                params._set(key, copy.deepcopy(value))
        _restore_mapping(matplotlib.units.registry, record.units_registry)
    if record.pandas_options and "pandas" in sys.modules:
        import pandas

        for key, value in record.pandas_options.items():
            try:
                if pandas.get_option(key) != value:
                    pandas.set_option(key, copy.deepcopy(value))
            except Exception:  # checked again below: a difference that stays makes the kernel not clean
                continue
    if record.numpy and "numpy" in sys.modules:
        import numpy

        printoptions, errors = record.numpy
        numpy.set_printoptions(**printoptions)
        numpy.seterr(**errors)
        numpy.random.seed()


def _restore_ipython(record: _Record) -> None:
    shell = _shell()
    if shell is None or not record.ipython:
        return
    state = record.ipython
    for name, (type_printers, deferred_printers, enabled) in state["formatters"].items():
        formatter = shell.display_formatter.formatters.get(name)
        if formatter is None:
            continue
        _restore_mapping(formatter.type_printers, type_printers)
        _restore_mapping(formatter.deferred_printers, deferred_printers)
        formatter.enabled = enabled
    shell.display_formatter.active_types = list(state["active_types"])
    for name, callbacks in state["events"].items():
        shell.events.callbacks[name][:] = callbacks
    shell.ast_transformers[:] = state["ast_transformers"]
    shell.input_transformers_post[:] = state["input_transformers_post"]
    shell.input_transformer_manager.cleanup_transforms[:] = state["input_transformers_cleanup"]
    shell.input_transformer_manager.line_transforms[:] = state["input_transformers_line"]
    shell.custom_exceptions = state["custom_exceptions"]
    if state["custom_tb"] is not None:
        shell.CustomTB = state["custom_tb"]


# ----------------------------------------------------------------------------------------------
# Checking


def _differences(record: _Record) -> list[str]:
    """What still differs from the record after restoring (each a reason to start a fresh kernel)."""
    problems = []
    if os.getcwd() != record.cwd:
        problems.append(f"working directory is {os.getcwd()}, not {record.cwd}")
    if dict(os.environ) != record.environ:
        problems.append("environment variables differ")
    shell = _shell()
    if shell is not None:
        fresh = set(record.namespace) | {"In", "Out", "_ih", "_oh", "_dh", "exit", "quit", "get_ipython", "open"}
        extra = sorted(set(shell.user_ns) - fresh - {"__builtin__", "__builtins__", "__name__"})
        if extra:
            problems.append(f"names left in the namespace: {', '.join(extra[:10])}")
        if shell.execution_count != 1:
            problems.append(f"execution count is {shell.execution_count}")
    if "matplotlib" in sys.modules and record.rc_params:
        import matplotlib
        import matplotlib.pyplot as plt

        if plt.get_fignums():
            problems.append(f"{len(plt.get_fignums())} figure(s) still open")
        changed = [k for k, v in record.rc_params.items() if matplotlib.rcParams.get(k) != v]
        if changed:
            problems.append(f"matplotlib rcParams differ: {', '.join(changed[:10])}")
        if matplotlib.get_backend() != record.backend:
            problems.append(f"matplotlib backend is {matplotlib.get_backend()}, not {record.backend}")
    if record.pandas_options and "pandas" in sys.modules:
        import pandas

        changed = [k for k, v in record.pandas_options.items() if _option(pandas, k) != v]
        if changed:
            problems.append(f"pandas options differ: {', '.join(changed[:10])}")
    for (name, attr), data in record.module_data.items():
        if vars(sys.modules[name]).get(attr) != data:
            problems.append(f"{name}.{attr} differs")
    return problems


def _option(pandas, key: str) -> Any:
    try:
        return pandas.get_option(key)
    except Exception:
        return _MISSING
