"""The integrity guard: runs inside the grading kernel (standard library + numpy only).

``GuardedExecute`` starts every grading kernel with ``kernel_startup()``
(IPython's ``exec_lines``, before the first cell): it imports the course
helper modules and records the objects the tests rely on (numpy's comparison
and testing functions, the builtins, every function of the course helpers,
where those helpers were imported from, IPython's exception handling). After
every test cell and at the end, ``GuardedExecute`` runs ``GUARD_CELL``, which
calls ``verify()``: it prints one JSON line with the kernel's peak memory
(read back by ``parse_peak``) and raises ``IntegrityError`` naming what was
replaced.

This defeats tampering with the tools the tests use; it is not a proof
against code written to attack this guard (it runs in the kernel that the
submission controls); the sandbox bounds what such code can do.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HELPER_MODULES = ("check_utils", "rnn_utils", "cllm_utils", "apps_utils")
PEAK_KEY = "peak_rss_kb"  # the key of the JSON line verify() prints
# Builtins a test's verdict depends on (assert itself cannot be replaced).
ASSERT_BUILTINS = (
    "AssertionError",
    "Exception",
    "BaseException",
    "isinstance",
    "issubclass",
    "len",
    "abs",
    "all",
    "any",
    "min",
    "max",
    "sum",
    "round",
    "float",
    "int",
    "bool",
    "str",
    "repr",
    "type",
    "range",
    "zip",
    "enumerate",
    "sorted",
    "set",
    "dict",
    "list",
    "tuple",
    "getattr",
    "hasattr",
    "callable",
    "iter",
    "next",
    "__import__",
    "print",
    "exec",
    "eval",
    "compile",
    "open",
)


_SNAPSHOT: dict[str, object] = {}
_HELPERS_DIR: dict[str, Path] = {}  # module name -> the folder it was imported from at kernel start


def _protected() -> dict[str, object]:
    """name -> object for everything hidden tests rely on."""
    import builtins

    import numpy
    import numpy.testing

    objs: dict[str, object] = {}
    for name in (
        "allclose",
        "isclose",
        "array_equal",
        "array_equiv",
        "all",
        "any",
        "abs",
        "asarray",
        "array",
        "max",
        "isfinite",
        "ndarray",
        "float64",
    ):
        objs[f"numpy.{name}"] = getattr(numpy, name)
    for name in (
        "assert_allclose",
        "assert_array_equal",
        "assert_array_almost_equal",
        "assert_almost_equal",
        "assert_equal",
        "assert_array_less",
    ):
        objs[f"numpy.testing.{name}"] = getattr(numpy.testing, name)
    for name in ASSERT_BUILTINS:
        if hasattr(builtins, name):
            objs[f"builtins.{name}"] = getattr(builtins, name)
    for mod_name in HELPER_MODULES:
        mod = sys.modules.get(mod_name)
        if mod is None:
            continue
        objs[f"sys.modules[{mod_name!r}]"] = mod
        for name, value in vars(mod).items():
            if callable(value) and not name.startswith("__"):
                objs[f"{mod_name}.{name}"] = value
                code = getattr(value, "__code__", None)
                if code is not None:
                    objs[f"{mod_name}.{name}.__code__"] = code
    objs["sys.modules['numpy']"] = sys.modules.get("numpy")
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None:
        # Methods replaced on the shell instance (not its class) are tampering.
        for meth in ("showtraceback", "_showtraceback", "run_cell", "run_code", "run_ast_nodes"):
            objs[f"IPython shell.{meth} (instance override)"] = vars(shell).get(meth)
        objs["IPython custom exception handler"] = tuple(shell.custom_exceptions) or None
    return objs


def kernel_startup() -> None:
    """Run by grading kernels before the first cell (nbgrader's exec_lines)."""
    os.environ["RNN_COURSE_GRADING"] = "1"
    os.environ["RNN_COURSE_RECORD"] = "1"  # the checks record for the grader (check_utils.recording)
    import importlib

    for mod_name in HELPER_MODULES:
        try:
            importlib.import_module(mod_name)
        except Exception:  # a missing optional helper module is not tampering
            pass
    _HELPERS_DIR.clear()
    for mod_name in HELPER_MODULES:
        mod = sys.modules.get(mod_name)
        if mod is not None and getattr(mod, "__file__", None):
            _HELPERS_DIR[mod_name] = Path(mod.__file__).resolve().parent
    _SNAPSHOT.clear()
    _SNAPSHOT.update(_protected())


def _module_origin_problems() -> list[str]:
    problems = []
    for mod_name in HELPER_MODULES:
        mod = sys.modules.get(mod_name)
        if mod is not None and Path(getattr(mod, "__file__", "") or "").resolve().parent != _HELPERS_DIR.get(mod_name):
            problems.append(f"{mod_name} was not loaded from the course helpers ({mod.__file__})")
    np_mod = sys.modules.get("numpy")
    if np_mod is not None and "site-packages" not in str(getattr(np_mod, "__file__", "")):
        problems.append(f"numpy was not loaded from the installed package ({np_mod.__file__})")
    return problems


def guard_report() -> list[str]:
    """What changed since kernel_startup(): a list of sentences (empty when nothing did)."""
    if not _SNAPSHOT:
        return ["the integrity guard was not armed when the kernel started"]
    now = _protected()
    changed = []
    for key, value in _SNAPSHOT.items():
        if key == "IPython custom exception handler":
            if now.get(key) != value:
                changed.append("IPython's exception handling was replaced")
        elif now.get(key, None) is not value:
            changed.append(f"{key} was replaced or removed")
    return _module_origin_problems() + changed + _user_namespace_problems()


def _user_namespace_problems() -> list[str]:
    """Names the notebook imported from the helpers (check_close, np, ...) must still be them."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is None:
        return []
    ns = shell.user_ns
    problems = []
    # Only the checking helpers and the example builders: graded functions may
    # legitimately share a name with a helper of another assignment.
    for mod_name in ("check_utils", "rnn_utils"):
        mod = sys.modules.get(mod_name)
        if mod is None:
            continue
        names = getattr(mod, "__all__", ())
        if mod_name == "rnn_utils":
            names = [n for n in names if n.endswith("_example")]
        for name in names:
            original = _SNAPSHOT.get(f"{mod_name}.{name}")
            if original is not None and name in ns and ns[name] is not original:
                problems.append(f"the name {name} (from {mod_name}) was redefined in the notebook")
    for mod_name in HELPER_MODULES:
        if mod_name in ns and ns[mod_name] is not _SNAPSHOT.get(f"sys.modules[{mod_name!r}]"):
            problems.append(f"the name {mod_name} no longer refers to the course module")
    np_mod = _SNAPSHOT.get("sys.modules['numpy']")
    for alias in ("np", "numpy"):
        if alias in ns and ns[alias] is not np_mod:
            problems.append(f"the name {alias} no longer refers to numpy")
    return problems


GUARD_CELL = "import rnn_course.guard as _rnn_course_guard\n_rnn_course_guard.verify()\n"


class IntegrityError(Exception):
    pass


def verify() -> None:
    import resource

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({PEAK_KEY: peak_kb}))
    problems = guard_report()
    if problems:
        raise IntegrityError("; ".join(problems[:8]) + (" ..." if len(problems) > 8 else ""))


def parse_peak(text: str | None) -> int | None:
    """The peak memory (kB) from the output of ``GUARD_CELL``, or None."""
    for line in (text or "").strip().splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict) and PEAK_KEY in value:
            return value[PEAK_KEY]
    return None
