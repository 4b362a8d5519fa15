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
        hm = getattr(shell, "history_manager", None)
        objs["IPython input history (store_inputs)"] = vars(hm).get("store_inputs") if hm is not None else None
        objs["IPython code cache (compile.cache)"] = vars(shell.compile).get("cache")
    objs["the frame-walking watch"] = _FLAGS
    return objs


# --- less to steal: no cell source in the kernel, frame walking flagged -------

_FLAGS: list[str] = []  # what the audit hook saw (read by verify())
_STATE = {"hidden": False, "cell_file": None, "busy": False}
HIDDEN_MARKER = "### BEGIN HIDDEN TESTS"
WATCHED_EVENTS = frozenset(
    {"sys._getframe", "sys._current_frames", "gc.get_referrers", "gc.get_objects", "gc.get_referents"}
)


def _no_history(*args: object, **kwargs: object) -> None:
    """IPython's HistoryManager.store_inputs, disabled: In, _ih and _i* never hold a cell's source."""


def _hide_cell_sources(shell: object) -> None:
    """No cell's source stays in the kernel: no input history, nothing in linecache.

    IPython keeps every executed cell's text in ``In``/``_ih``/``_i*`` and in
    ``linecache`` (for tracebacks); under grading a graded function could read
    the running hidden test from either. Tracebacks then show no source lines
    (grading prints minimal tracebacks anyway).
    """
    hm = getattr(shell, "history_manager", None)
    if hm is not None:
        hm.store_inputs = _no_history
    compiler = shell.compile  # type: ignore[attr-defined]
    get_name = compiler.get_code_name
    names = getattr(compiler, "_filename_map", {})

    def cache(transformed_code: str, number: int = 0, raw_code: str | None = None) -> str:
        name = get_name(raw_code if raw_code is not None else transformed_code, transformed_code, number)
        names[name] = number
        if _STATE["hidden"]:
            _STATE["cell_file"] = name
        return name

    compiler.cache = cache


def _pre_run_cell(info: object) -> None:
    _STATE["hidden"] = HIDDEN_MARKER in (getattr(info, "raw_cell", "") or "")
    _STATE["cell_file"] = None


def _post_run_cell(result: object) -> None:
    _STATE["hidden"] = False


def _audit(event: str, args: tuple) -> None:
    """Flag notebook code that walks frames or the heap while a hidden test runs."""
    if event not in WATCHED_EVENTS or not _STATE["hidden"] or _STATE["busy"]:
        return
    _STATE["busy"] = True
    try:
        frame = sys._getframe(1)
        stdlib = os.path.dirname(os.__file__)
        while frame is not None and frame.f_code.co_filename.startswith(stdlib):
            frame = frame.f_back  # inspect, traceback, ...: whoever called them
        if frame is None:
            return
        filename = frame.f_code.co_filename
        # Notebook code is compiled under IPython's cell names; the hidden test's own cell is not the culprit.
        if _is_cell_file(filename) and filename != _STATE["cell_file"]:
            _FLAGS.append(f"code of the notebook called {event} while a hidden test ran")
    finally:
        _STATE["busy"] = False


def _is_cell_file(filename: str) -> bool:
    return filename.startswith("<ipython-input-") or "/ipykernel_" in filename


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
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None:
        _hide_cell_sources(shell)
        shell.events.register("pre_run_cell", _pre_run_cell)
        shell.events.register("post_run_cell", _post_run_cell)
        sys.addaudithook(_audit)
    _SNAPSHOT.clear()
    _SNAPSHOT.update(_protected())


def _module_origin_problems() -> list[str]:
    problems = []
    for mod_name in HELPER_MODULES:
        mod = sys.modules.get(mod_name)
        if mod is not None and Path(getattr(mod, "__file__", "") or "").resolve().parent != _HELPERS_DIR.get(mod_name):
            problems.append(f"{mod_name} was not loaded from the course helpers")
    np_mod = sys.modules.get("numpy")
    if np_mod is not None and "site-packages" not in str(getattr(np_mod, "__file__", "")):
        problems.append("numpy was not loaded from the installed package")
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
    if _FLAGS:
        changed.append(_FLAGS[0] + (f" (and {len(_FLAGS) - 1} more times)" if len(_FLAGS) > 1 else ""))
    elif now.get("the frame-walking watch") is not _FLAGS:
        changed.append("the frame-walking watch was replaced")
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
