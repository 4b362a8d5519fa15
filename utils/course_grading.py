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
    "nproc": 64,              # processes and threads of the kernel's user id
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
    keep = sorted({str(Path(p).resolve()) for p in keep
                   if any(_under(p, h) for h in hide + ["/tmp"])}, key=len)
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
    # The kernel's own chatter (banners, warnings) goes to a log file instead of
    # the instructor's terminal; a kernel that dies has its log's tail reported.
    log = os.open(rundir / "kernel.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
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
    return _module_origin_problems() + changed + _user_namespace_problems()


def _user_namespace_problems():
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
            # A guard cell after every test cell and at the end: tampering that
            # is undone before the last cell is still seen.
            cells, guards = [], []
            for cell in nb.cells:
                cells.append(cell)
                meta = cell.get("metadata", {}).get("nbgrader", {})
                if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
                    guards.append(nbformat.v4.new_code_cell(GUARD_CELL))
                    cells.append(guards[-1])
            guards.append(nbformat.v4.new_code_cell(GUARD_CELL))
            cells.append(guards[-1])
            nb.cells = cells
            try:
                nb, resources = super().preprocess(nb, resources, km)
            finally:
                nb.cells = [c for c in nb.cells if not any(c is g for g in guards)]
                self._cleanup_sandbox(sandbox)
            outputs = guards[-1].get("outputs", [])
            for g in guards[:-1]:
                tampered = [o for o in g.get("outputs", [])
                            if o.get("output_type") == "error" and o.get("ename") == "IntegrityError"]
                if tampered:
                    outputs = tampered + outputs
                    break
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

        def preprocess_cell(self, cell, resources, index):
            # A kernel that ignores the interrupt (a loop that catches
            # KeyboardInterrupt) or dies (a limit was hit) would make nbgrader
            # drop the whole notebook; instead that cell gets the error, the
            # kernel is restarted, and grading goes on with the next cell.
            from nbclient.exceptions import CellTimeoutError, DeadKernelError
            from nbformat import NotebookNode
            try:
                return super().preprocess_cell(cell, resources, index)
            except (CellTimeoutError, DeadKernelError) as exc:
                dead = isinstance(exc, DeadKernelError)
                what = "died" if dead else "ignored the interrupt after the cell timed out"
                self.log.error("The kernel %s in cell %d: restarting it", what, index)
                kernel_log = getattr(self, "_sandbox_rundir", None)
                if kernel_log is not None and (kernel_log / "kernel.log").exists():
                    tail = (kernel_log / "kernel.log").read_text(errors="replace")[-2000:]
                    self.log.error("Last lines of the kernel's log:\n%s", tail)
                cell.outputs = list(cell.get("outputs", [])) + [NotebookNode(
                    output_type="error", ename="DeadKernelError" if dead else "CellTimeoutError",
                    evalue=f"the kernel {what}; it was restarted, so the cells after this "
                           "one ran in a fresh kernel",
                    traceback=[f"The kernel {what} and was restarted."])]
                self._restart_kernel()
                return cell, self.resources

        def _restart_kernel(self):
            from jupyter_core.utils import run_sync
            run_sync(self.km.restart_kernel)(now=True)
            run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)

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
                # Interrupts travel as a message: a signal from outside would not reach
                # the kernel inside its own PID namespace.
                "interrupt_mode": "message",
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


def _make_sanitizers():
    """Two of nbgrader's sanitizing steps, mended where a broken submission made them crash.

    * nbgrader's DeduplicateIds leaves an empty ``nbgrader`` dict on a duplicated
      cell, on which later steps fail with ``KeyError: 'grade_id'``: here the
      duplicate simply becomes an ordinary cell.
    * nbgrader's OverwriteCells puts a deleted test cell back after the cell
      that preceded it in the source, and fails when that cell was deleted
      too (or when the whole notebook lost its nbgrader metadata). Here a
      cell whose text is unchanged from the release gets its metadata back,
      and a missing test cell goes after the nearest earlier cell still present.
    """
    from nbgrader import utils as nbu
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import DeduplicateIds, OverwriteCells
    from nbformat import NotebookNode

    class SafeDeduplicateIds(DeduplicateIds):
        def preprocess_cell(self, cell, resources, cell_index):
            if not (nbu.is_grade(cell) or nbu.is_solution(cell) or nbu.is_locked(cell)):
                return cell, resources
            grade_id = cell.metadata.nbgrader.get("grade_id")
            if grade_id is None or grade_id in self.grade_ids:
                self.log.warning("Cell with id '%s' exists multiple times: keeping the first", grade_id)
                del cell.metadata["nbgrader"]
            else:
                self.grade_ids.add(grade_id)
            return cell, resources

    class SafeOverwriteCells(OverwriteCells):
        def preprocess(self, nb, resources):
            info = resources["nbgrader"]
            with Gradebook(info["db_url"]) as gb:
                source_nb = gb.find_notebook(info["notebook"], info["assignment"])
                self._restore_metadata(nb, source_nb)
            return super().preprocess(nb, resources)

        def _restore_metadata(self, nb, source_nb):
            grade = {c.name: c.max_score for c in source_nb.grade_cells}
            solution = {c.name for c in source_nb.solution_cells}
            present = {c.metadata["nbgrader"].get("grade_id") for c in nb.cells
                       if "nbgrader" in c.metadata}
            by_text = {}
            for sc in source_nb.source_cells:
                if sc.source.strip() and sc.name not in solution:
                    by_text.setdefault((sc.cell_type, sc.source.strip()), sc)
            for cell in nb.cells:
                if "nbgrader" in cell.metadata:
                    continue
                sc = by_text.get((cell.cell_type, cell.source.strip()))
                if sc is None or sc.name in present:
                    continue
                meta = {"grade": sc.name in grade, "grade_id": sc.name, "locked": sc.locked,
                        "solution": False, "schema_version": 3, "task": False,
                        "checksum": sc.checksum}
                if sc.name in grade:
                    meta["points"] = grade[sc.name]
                cell.metadata["nbgrader"] = NotebookNode(meta)
                present.add(sc.name)
                self.log.warning("Cell %s had lost its nbgrader metadata: restored", sc.name)

        def add_missing_grade_cells(self, nb, resources):
            source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
            order = [c.name for c in source_nb.source_cells]
            source = {c.name: c for c in source_nb.source_cells}
            grade = {c.name: c.max_score for c in source_nb.grade_cells}
            solution = {c.name for c in source_nb.solution_cells}
            for gid in order:
                if gid not in grade:
                    continue
                where = {c.metadata["nbgrader"].get("grade_id"): i for i, c in enumerate(nb.cells)
                         if "nbgrader" in c.metadata}
                if gid in where:
                    continue
                pos = 0
                for prev in reversed(order[:order.index(gid)]):
                    if prev in where:
                        pos = where[prev] + 1
                        break
                self.log.warning("Missing grade cell %s encountered, adding to notebook", gid)
                nb.cells.insert(pos, self.missing_cell_transform(source[gid], grade[gid],
                                                                 is_solution=gid in solution))
            return nb, resources

    return {"SafeDeduplicateIds": SafeDeduplicateIds, "SafeOverwriteCells": SafeOverwriteCells}


_CLASSES = {}


def __getattr__(name):
    # nbgrader resolves "course_grading.GuardedExecute" (and the others) lazily,
    # so kernels that import this module for the guard never import nbgrader.
    if name not in _CLASSES:
        if name == "GuardedExecute":
            _CLASSES[name] = _make_guarded_execute()
        elif name in ("SafeDeduplicateIds", "SafeOverwriteCells"):
            _CLASSES.update(_make_sanitizers())
        else:
            raise AttributeError(name)
    return _CLASSES[name]


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
