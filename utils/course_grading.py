"""Grading-side machinery: sandboxed kernels and the integrity guard.

nbgrader uses this module while autograding (see ``nbgrader_config.py``);
students never need it. Two mechanisms:

**Isolation.** ``GuardedExecute`` (nbgrader's ``Execute`` with two additions)
starts each grading kernel through ``python -m course_grading kernel``, which
runs ipykernel under bubblewrap (``bwrap``, Debian package ``bubblewrap``):

* the course folder, the repository and the instructor's home are hidden
  (empty tmpfs), except the Python environment and the course helpers, which
  are mounted read-only: the kernel cannot read ``source/``, other students'
  submissions or the gradebook;
* the only writable places are the student's own autograded folder and a
  private scratch folder; ``/tmp`` is a private tmpfs;
* no network (its own empty network namespace; kernel messages go through
  Unix sockets in the scratch folder), its own PID namespace (every process it
  starts dies with it);
* it runs as an unprivileged user id of its own (one per student folder),
  bounded with ``prlimit``: address space, processes, CPU time, file size.

Where bubblewrap is missing or cannot create namespaces, grading goes on
without isolation and says so loudly in nbgrader's log and in the summary of
``python -m tools grade`` (``RNN_COURSE_SANDBOX=require`` makes it an error,
``RNN_COURSE_SANDBOX=off`` turns isolation off on purpose).

**Integrity.** When a grading kernel starts (``kernel_startup``, run by
nbgrader's ``exec_lines`` before the first cell), the objects hidden tests rely
on are recorded: numpy's comparison and testing functions, the builtins, every
function of the course helper modules, the module files themselves, and
IPython's exception handling. After the last cell, ``GuardedExecute`` runs one
more snippet that compares them. A submission that replaced any of them, or
whose helper modules do not come from the installed course, gets no points
for any test cell of the notebook (every test cell receives an
``IntegrityError`` output, so nbgrader scores it 0 and the feedback says why),
and the class summary flags it. This defeats tampering with the tools the
tests use; it is not a proof against code written to attack this guard, which
is what the isolation bounds.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

UTILS_DIR = Path(__file__).resolve().parent
REPO_DIR = UTILS_DIR.parent
SANDBOX_ENV = "RNN_COURSE_SANDBOX"          # auto (default) | require | off
COURSE_ROOT_ENV = "RNN_COURSE_ROOT"         # the course folder to hide from the kernel
RUN_DIR_ENV = "RNN_COURSE_SANDBOX_RUN"      # scratch folder of one kernel (set per kernel)
INTEGRITY_FILE = ".course_integrity.json"
SANDBOX_FILE = ".course_sandbox.json"

LIMITS = {
    "as": 3 * 1024 ** 3,      # address space, bytes
    "nproc": 256,             # processes and threads of the kernel's user id
    "cpu": 900,               # CPU seconds for the whole notebook
    "fsize": 256 * 1024 ** 2,  # largest file it may write, bytes
    "nofile": 1024,
}
HELPER_MODULES = ("check_utils", "rnn_utils", "cllm_utils", "apps_utils")
# Builtins a test's verdict depends on (assert itself cannot be replaced).
ASSERT_BUILTINS = ("AssertionError", "Exception", "BaseException", "isinstance", "issubclass",
                   "len", "abs", "all", "any", "min", "max", "sum", "round", "float", "int",
                   "bool", "str", "repr", "type", "range", "zip", "enumerate", "sorted", "set",
                   "dict", "list", "tuple", "getattr", "hasattr", "callable", "iter", "next",
                   "__import__", "print", "exec", "eval", "compile", "open")


# ---------------------------------------------------------------------------
# Isolation
# ---------------------------------------------------------------------------

_AVAILABLE = None


def sandbox_mode():
    mode = os.environ.get(SANDBOX_ENV, "auto").strip().lower() or "auto"
    if mode not in ("auto", "require", "off"):
        raise ValueError(f"{SANDBOX_ENV} must be auto, require or off, not {mode!r}")
    return mode


def sandbox_available():
    """(True, "") when bubblewrap can build the sandbox here, else (False, reason)."""
    global _AVAILABLE
    if _AVAILABLE is None:
        bwrap = shutil.which("bwrap")
        if not bwrap:
            _AVAILABLE = (False, "bubblewrap (bwrap) is not installed: apt-get install bubblewrap")
        elif not shutil.which("setpriv") or not shutil.which("prlimit"):
            _AVAILABLE = (False, "setpriv and prlimit (util-linux) are needed")
        else:
            probe = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                     "--unshare-net", "--unshare-pid", "--die-with-parent",
                     "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "true"]
            try:
                out = subprocess.run(probe, capture_output=True, text=True, timeout=20)
                ok = out.returncode == 0
                reason = "" if ok else f"bwrap failed: {out.stderr.strip()[:300]}"
            except (OSError, subprocess.TimeoutExpired) as exc:
                ok, reason = False, f"bwrap failed: {exc}"
            _AVAILABLE = (ok, reason)
    return _AVAILABLE


def _uid_for(path):
    """A user id of its own for each student folder (no account needed)."""
    return 200000 + zlib.crc32(str(path).encode()) % 100000


def _chown_tree(path, uid):
    for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
        os.lchown(dirpath, uid, uid)
        for name in dirnames + filenames:
            os.lchown(os.path.join(dirpath, name), uid, uid)


def _under(path, parent):
    try:
        Path(path).resolve().relative_to(Path(parent).resolve())
        return True
    except ValueError:
        return False


def sandbox_command(argv, workdir, rundir, course_root=None, limits=LIMITS):
    """The bwrap command line that runs ``argv`` isolated in ``workdir``."""
    uid = _uid_for(workdir)
    hide = [p for p in {course_root, str(REPO_DIR), os.path.expanduser("~")} if p]
    hide = sorted({str(Path(p).resolve()) for p in hide}, key=len)
    keep = {sys.prefix, sys.base_prefix, str(UTILS_DIR)}
    keep = sorted({str(Path(p).resolve()) for p in keep if any(_under(p, h) for h in hide)}, key=len)
    cmd = [shutil.which("bwrap"), "--die-with-parent", "--unshare-net", "--unshare-pid",
           "--unshare-ipc", "--unshare-uts", "--hostname", "grading",
           "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--perms", "1777", "--tmpfs", "/tmp"]
    empty = ["/tmp"] + hide  # folders replaced by an empty tmpfs

    def parents(dest):
        # bwrap creates missing parents with mode 0700, which the kernel's
        # user could not cross: create them 0755 first.
        out = []
        for anc in reversed(Path(dest).parents):
            if any(_under(anc, e) and str(anc) != e for e in empty):
                out += ["--perms", "0755", "--dir", str(anc)]
        return out

    for h in hide:
        cmd += parents(h) + ["--perms", "0755", "--tmpfs", h]
    for k in keep:
        cmd += parents(k) + ["--ro-bind", k, k]
    for d in (str(rundir), str(workdir)):
        cmd += parents(d) + ["--bind", d, d]
    # ipykernel would watch for its parent's PID, which the kernel cannot see
    # from its own PID namespace; --die-with-parent does that job instead.
    cmd += ["--chdir", str(workdir), "--unsetenv", "JPY_PARENT_PID"]
    for var, sub in (("HOME", "home"), ("MPLCONFIGDIR", "mpl"), ("IPYTHONDIR", "ipython"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("TMPDIR", "tmp")):
        cmd += ["--setenv", var, str(Path(rundir) / sub)]
    cmd += ["--", shutil.which("prlimit"), f"--as={limits['as']}", f"--nproc={limits['nproc']}",
            f"--cpu={limits['cpu']}", f"--fsize={limits['fsize']}", f"--nofile={limits['nofile']}",
            "--", shutil.which("setpriv"), f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--", *argv]
    return cmd, uid


def kernel_main(connection_file, extra_args=()):
    """Entry point of the grading kernelspec: start ipykernel inside the sandbox.

    ``extra_args`` are the kernel arguments nbgrader adds (Execute.extra_arguments).
    """
    workdir = os.getcwd()
    rundir = Path(os.environ[RUN_DIR_ENV])
    for sub in ("home", "mpl", "ipython", "runtime", "tmp"):
        (rundir / sub).mkdir(parents=True, exist_ok=True)
    conn = rundir / "connection.json"
    shutil.copy(connection_file, conn)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", str(conn), *extra_args]
    cmd, uid = sandbox_command(argv, workdir, rundir, os.environ.get(COURSE_ROOT_ENV))
    _chown_tree(rundir, uid)
    _chown_tree(workdir, uid)
    os.execv(cmd[0], cmd)


# ---------------------------------------------------------------------------
# Integrity guard (runs inside the kernel)
# ---------------------------------------------------------------------------

_SNAPSHOT = {}


def _protected():
    """name -> object for everything hidden tests rely on."""
    import builtins
    import numpy
    import numpy.testing

    objs = {}
    for name in ("allclose", "isclose", "array_equal", "array_equiv", "all", "any", "abs",
                 "asarray", "array", "max", "isfinite", "ndarray", "float64"):
        objs[f"numpy.{name}"] = getattr(numpy, name)
    for name in ("assert_allclose", "assert_array_equal", "assert_array_almost_equal",
                 "assert_almost_equal", "assert_equal", "assert_array_less"):
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


def kernel_startup():
    """Run by grading kernels before the first cell (nbgrader's exec_lines)."""
    os.environ["RNN_COURSE_GRADING"] = "1"
    import importlib
    for mod_name in HELPER_MODULES:
        try:
            importlib.import_module(mod_name)
        except Exception:  # a missing optional helper module is not tampering
            pass
    _SNAPSHOT.clear()
    _SNAPSHOT.update(_protected())


def _module_origin_problems():
    problems = []
    for mod_name in HELPER_MODULES:
        mod = sys.modules.get(mod_name)
        if mod is not None and Path(getattr(mod, "__file__", "") or "").resolve().parent != UTILS_DIR:
            problems.append(f"{mod_name} was not loaded from the course helpers ({mod.__file__})")
    np_mod = sys.modules.get("numpy")
    if np_mod is not None and "site-packages" not in str(getattr(np_mod, "__file__", "")):
        problems.append(f"numpy was not loaded from the installed package ({np_mod.__file__})")
    return problems


def guard_report():
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
    return _module_origin_problems() + changed


GUARD_CELL = (
    "import course_grading as _course_grading\n"
    "_course_grading._guard_verify()\n"
)


class IntegrityError(Exception):
    pass


def _guard_verify():
    import resource
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_rss_kb": peak_kb}))
    problems = guard_report()
    if problems:
        raise IntegrityError("; ".join(problems[:8]) + (" ..." if len(problems) > 8 else ""))


# ---------------------------------------------------------------------------
# nbgrader preprocessor
# ---------------------------------------------------------------------------

def _make_guarded_execute():
    from nbgrader.preprocessors import Execute

    class GuardedExecute(Execute):
        """nbgrader's Execute, in a sandboxed kernel, followed by the integrity check."""

        def preprocess(self, nb, resources=None, km=None):
            import nbformat

            workdir = (resources or {}).get("metadata", {}).get("path") or os.getcwd()
            sandbox = self._prepare_sandbox(workdir)
            nb.cells.append(nbformat.v4.new_code_cell(GUARD_CELL))
            try:
                nb, resources = super().preprocess(nb, resources, km)
            finally:
                guard = nb.cells.pop()
                self._cleanup_sandbox(sandbox)
            outputs = guard.get("outputs", [])
            errors = [o for o in outputs if o.get("output_type") == "error"]
            peak = None
            for o in outputs:
                if o.get("output_type") == "stream" and "peak_rss_kb" in o.get("text", ""):
                    try:
                        peak = json.loads(o["text"].strip().splitlines()[0])["peak_rss_kb"]
                    except (ValueError, KeyError, IndexError):
                        pass
            if errors and errors[0].get("ename") == "IntegrityError":
                verdict = {"status": "tampered", "problems": [errors[0].get("evalue", "")]}
            elif peak is not None and not errors:
                verdict = {"status": "ok", "problems": []}
            else:
                detail = f"({errors[0].get('ename', '')}: {errors[0].get('evalue', '')})" if errors else \
                    "(the kernel did not answer)"
                verdict = {"status": "unknown", "problems": [f"the integrity check could not run {detail}"]}
            verdict["kernel_peak_rss_kb"] = peak
            if verdict["status"] == "tampered":
                self.log.error("Integrity check failed for %s: %s", workdir, verdict["problems"][0])
                self._zero_test_cells(nb, verdict["problems"][0])
            elif verdict["status"] == "unknown":
                self.log.warning("Integrity check did not run for %s: %s", workdir, verdict["problems"])
            try:
                Path(workdir, INTEGRITY_FILE).write_text(json.dumps(verdict))
                Path(workdir, SANDBOX_FILE).write_text(json.dumps(sandbox["report"]))
            except OSError:
                pass
            return nb, resources

        @staticmethod
        def _zero_test_cells(nb, message):
            from nbformat import NotebookNode
            for cell in nb.cells:
                meta = cell.get("metadata", {}).get("nbgrader", {})
                if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
                    cell.outputs.append(NotebookNode(
                        output_type="error", ename="IntegrityError",
                        evalue="this submission changed the tools the tests rely on, so no test "
                               f"can be trusted ({message})",
                        traceback=[f"IntegrityError: the tests of this notebook cannot be trusted: {message}"]))

        def _prepare_sandbox(self, workdir):
            mode = sandbox_mode()
            report = {"isolated": False, "reason": ""}
            if mode == "off":
                report["reason"] = f"turned off ({SANDBOX_ENV}=off)"
                self.log.warning("GRADING WITHOUT ISOLATION: %s", report["reason"])
                return {"report": report}
            ok, reason = sandbox_available()
            if not ok:
                report["reason"] = reason
                if mode == "require":
                    raise RuntimeError(f"isolation is required ({SANDBOX_ENV}=require) but unavailable: {reason}")
                self.log.warning("GRADING WITHOUT ISOLATION: student code runs with your privileges "
                                 "(%s)", reason)
                return {"report": report}
            specdir = Path(tempfile.mkdtemp(prefix="rnn-grading-"))
            rundir = specdir / "run"
            rundir.mkdir()
            kdir = specdir / "kernels" / "rnn-grading-sandbox"
            kdir.mkdir(parents=True)
            (kdir / "kernel.json").write_text(json.dumps({
                "argv": [sys.executable, "-m", "course_grading", "kernel", "{connection_file}"],
                "display_name": "Python 3 (sandboxed grading)",
                "language": "python",
                "env": {RUN_DIR_ENV: str(rundir),
                        COURSE_ROOT_ENV: os.environ.get(COURSE_ROOT_ENV, os.getcwd())},
            }))
            saved = {k: os.environ.get(k) for k in ("JUPYTER_PATH",)}
            os.environ["JUPYTER_PATH"] = os.pathsep.join(
                [str(specdir)] + ([saved["JUPYTER_PATH"]] if saved["JUPYTER_PATH"] else []))
            self.kernel_name = "rnn-grading-sandbox"
            self._sandbox_rundir = rundir
            report["isolated"] = True
            return {"report": report, "specdir": specdir, "rundir": rundir, "saved": saved}

        def create_kernel_manager(self):
            km = super().create_kernel_manager()
            if self.kernel_name == "rnn-grading-sandbox":
                # Unix sockets in the kernel's scratch folder: the kernel has no network.
                km.transport = "ipc"
                km.ip = str(self._sandbox_rundir / "kernel")
            return km

        def _cleanup_sandbox(self, sandbox):
            if "specdir" not in sandbox:
                return
            saved = sandbox["saved"]["JUPYTER_PATH"]
            if saved is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = saved
            self.kernel_name = ""
            shutil.rmtree(sandbox["specdir"], ignore_errors=True)

    return GuardedExecute


_CLASSES = {}


def __getattr__(name):
    # nbgrader resolves "course_grading.GuardedExecute" lazily, so kernels that
    # import this module for the guard never pay for importing nbgrader.
    if name == "GuardedExecute":
        if name not in _CLASSES:
            _CLASSES[name] = _make_guarded_execute()
        return _CLASSES[name]
    raise AttributeError(name)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) >= 2 and argv[0] == "kernel":
        kernel_main(argv[1], argv[2:])
    elif argv == ["check"]:
        ok, reason = sandbox_available()
        print("isolation available" if ok else f"isolation UNAVAILABLE: {reason}")
        return 0 if ok else 1
    else:
        print("usage: python -m course_grading kernel CONNECTION_FILE [KERNEL ARGS] | check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
