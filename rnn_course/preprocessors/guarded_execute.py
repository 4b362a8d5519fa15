"""nbgrader's Execute, in a sandboxed kernel, followed by the integrity check.

Used as the first autograde preprocessor (``nbgrader_config.py``). Compared
with nbgrader's ``Execute`` it

* starts the kernel inside the bubblewrap sandbox (``rnn_course.sandbox``),
  through a kernelspec of its own found by a ``KernelSpecManager`` of its own
  (nothing process-wide is changed), with Unix-socket transport (the kernel
  has no network) and interrupts sent as messages;
* arms the integrity guard (``rnn_course.guard``) before the first cell and
  checks it after every test cell and at the end; tampering zeroes every test
  cell of the notebook;
* decides each test cell's grade in this process, not in the kernel: the
  checks record what the submission computed, and ``rnn_course.verdict``
  compares those records with the reference solution's
  (``rnn_course.reference``); a test cell keeps no output of the kernel but
  its printed text, plus the grader's own ``CheckFailure`` when it failed, so
  nbgrader's scoring (an error output costs the cell's points) follows the
  grader's verdict;
* restarts a kernel that ignored an interrupt or died, and goes on with the
  next cell;
* writes the integrity verdict and the isolation report beside the graded
  notebook (``INTEGRITY_FILE`` and ``SANDBOX_FILE``), read back by
  ``rnn_course.grading``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_core.utils import run_sync
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Dict, Unicode, default, validate

from .. import reference, sandbox
from ..guard import GUARD_CELL, parse_peak
from ..layout import grade_id, is_test_cell
from ..verdict import CellVerdict, judge, take_records
from .safe_feedback import safe_error_name

if TYPE_CHECKING:
    from jupyter_client import KernelManager

INTEGRITY_FILE = ".course_integrity.json"
SANDBOX_FILE = ".course_sandbox.json"
KERNEL_NAME = "rnn-grading-sandbox"
ARM_GUARD = "--IPKernelApp.exec_lines=import rnn_course.guard as _g; _g.kernel_startup(); del _g"
VERDICT_ERROR = "CheckFailure"  # the ename of the grader's own failure output in a test cell


class GuardedExecute(Execute):
    """nbgrader's Execute, in a sandboxed kernel, followed by the integrity check."""

    sandbox = Unicode(
        help="Isolation of grading kernels: 'auto' (isolate when bubblewrap works here, else "
        "grade without isolation and warn loudly), 'require' (fail when it does not work), "
        "'off' (no isolation, on purpose). Default: the RNN_COURSE_SANDBOX environment "
        "variable, else 'auto'."
    ).tag(config=True)
    limits = Dict(
        help="Resource limits of a grading kernel (prlimit): 'as' (address space, bytes), "
        "'nproc' (processes and threads), 'cpu' (CPU seconds for the whole notebook), "
        "'fsize' (largest file, bytes), 'nofile' (open files). Unset keys keep the "
        "defaults of rnn_course.sandbox.LIMITS."
    ).tag(config=True)
    reference_run = Bool(
        False, help="Run the instructor's notebook to collect the reference records (rnn_course.reference)."
    )
    reference_records = Dict(
        default_value=None,
        allow_none=True,
        help="grade id -> the reference's records; default: rnn_course.reference.records() for the notebook graded.",
    )

    @default("sandbox")
    def _default_sandbox(self) -> str:
        return sandbox.sandbox_mode()

    @validate("sandbox")
    def _check_sandbox(self, proposal: Mapping[str, Any]) -> str:
        return sandbox.sandbox_mode(proposal["value"])

    @validate("limits")
    def _check_limits(self, proposal: Mapping[str, Any]) -> dict[str, int]:
        unknown = set(proposal["value"]) - set(sandbox.LIMITS)
        if unknown:
            raise ValueError(f"unknown limit(s) {sorted(unknown)}; known: {sorted(sandbox.LIMITS)}")
        return proposal["value"]

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, km: KernelManager | None = None
    ) -> tuple[NotebookNode, dict[str, Any]]:
        workdir = (resources or {}).get("metadata", {}).get("path") or os.getcwd()
        keep = f"{(resources or {}).get('unique_key', '')}.ipynb"
        expected = None if self.reference_run else self._reference(resources or {})
        self._grader_outputs: list[NotebookNode] = []  # outputs this process added (never the kernel's)
        self._timed_out: list[tuple[NotebookNode, NotebookNode]] = []
        before = snapshot(workdir)
        box = self._prepare_sandbox(workdir)
        # A guard cell after every test cell and at the end: tampering that
        # is undone before the last cell is still seen.
        cells, guards = [], []
        for cell in nb.cells:
            cells.append(cell)
            if is_test_cell(cell):
                guards.append(nbformat.v4.new_code_cell(GUARD_CELL))
                cells.append(guards[-1])
        guards.append(nbformat.v4.new_code_cell(GUARD_CELL))
        cells.append(guards[-1])
        nb.cells = cells
        try:
            nb, resources = super().preprocess(nb, resources, km)
        finally:
            nb.cells = [c for c in nb.cells if not any(c is g for g in guards)]
            self._cleanup_sandbox(box)
            removed = remove_new_files(workdir, before, keep)
            if removed:
                self.log.warning(
                    "Removed what the submission's code left beside the notebook (never passed on in feedback): %s",
                    ", ".join(removed[:10]),
                )
        for cell, stopped in self._timed_out:
            cell.outputs = [*cell.get("outputs", []), stopped]
        verdict = self.verdict(guards)
        if expected is not None:
            flags = judge_test_cells(nb, expected, self._grader_outputs)
            if flags:
                self.log.error("Test cells of %s did not run as written: %s", workdir, flags[0])
                if verdict["status"] != "tampered":
                    verdict = {**verdict, "status": "tampered", "problems": []}
                verdict["problems"] = [*verdict["problems"], *flags]
        if verdict["status"] == "tampered":
            self.log.error("Integrity check failed for %s: %s", workdir, verdict["problems"][0])
            zero_test_cells(nb, verdict["problems"][0])
        elif verdict["status"] == "unknown":
            self.log.warning("Integrity check did not run for %s: %s", workdir, verdict["problems"])
        write_private(Path(workdir, INTEGRITY_FILE), json.dumps(verdict))
        write_private(Path(workdir, SANDBOX_FILE), json.dumps(box["report"]))
        return nb, resources

    def _reference(self, resources: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        if self.reference_records is not None:
            return self.reference_records
        info = resources.get("nbgrader", {})
        if not info.get("assignment") or not info.get("notebook"):
            raise reference.ReferenceError(
                "GuardedExecute grades against the reference run of the notebook, but nbgrader did not say "
                "which assignment and notebook this is (use it through nbgrader autograde)"
            )
        return reference.records(self.config, info["assignment"], info["notebook"], self.log)

    @staticmethod
    def verdict(guards: list[NotebookNode]) -> dict[str, Any]:
        """The integrity verdict from the outputs of the executed guard cells."""
        outputs = guards[-1].get("outputs", [])
        for g in guards[:-1]:
            tampered = [
                o
                for o in g.get("outputs", [])
                if o.get("output_type") == "error" and o.get("ename") == "IntegrityError"
            ]
            if tampered:
                outputs = tampered + outputs
                break
        errors = [o for o in outputs if o.get("output_type") == "error"]
        peak = None
        for o in outputs:
            if o.get("output_type") == "stream" and peak is None:
                peak = parse_peak(o.get("text", ""))
        if errors and errors[0].get("ename") == "IntegrityError":
            verdict: dict[str, Any] = {"status": "tampered", "problems": [errors[0].get("evalue", "")]}
        elif peak is not None and not errors:
            verdict = {"status": "ok", "problems": []}
        else:
            detail = (
                f"({errors[0].get('ename', '')}: {errors[0].get('evalue', '')})"
                if errors
                else "(the kernel did not answer)"
            )
            verdict = {"status": "unknown", "problems": [f"the integrity check could not run {detail}"]}
        verdict["kernel_peak_rss_kb"] = peak
        return verdict

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        # nbconvert re-reads the traits from the config when preprocess() starts,
        # so the guard's start-up line is added here, just before the launch
        # (a restarted kernel reuses these arguments: it is armed again).
        if ARM_GUARD not in self.extra_arguments:
            self.extra_arguments = [*self.extra_arguments, ARM_GUARD]
        return await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    async def _async_handle_timeout(self, timeout: int, cell: NotebookNode | None = None) -> Any:
        # Known here for certain (never from the kernel): this cell ran out of time.
        reply = await super()._async_handle_timeout(timeout, cell)
        if cell is not None:
            stopped = NotebookNode(
                output_type="error",
                ename="CellTimeoutError",
                evalue=f"the cell ran longer than {timeout} s and was interrupted",
                traceback=[f"CellTimeoutError: the cell ran longer than {timeout} s and was interrupted"],
            )
            self._grader_outputs.append(stopped)
            self._timed_out.append((cell, stopped))
        return reply

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        # A kernel that ignores the interrupt (a loop that catches
        # KeyboardInterrupt) or dies (a limit was hit) would make nbgrader
        # drop the whole notebook; instead that cell gets the error, the
        # kernel is restarted, and grading goes on with the next cell.
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        try:
            return super().preprocess_cell(cell, resources, index)
        except (CellTimeoutError, DeadKernelError) as exc:
            dead = isinstance(exc, DeadKernelError)
            what = "died" if dead else "ignored the interrupt after the cell timed out"
            self.log.error("The kernel %s in cell %d: restarting it", what, index)
            rundir = getattr(self, "_sandbox_rundir", None)
            if rundir is not None and (rundir / "kernel.log").exists():
                tail = (rundir / "kernel.log").read_text(errors="replace")[-2000:]
                self.log.error("Last lines of the kernel's log:\n%s", tail)
            stopped = NotebookNode(
                output_type="error",
                ename="DeadKernelError" if dead else "CellTimeoutError",
                evalue=f"the kernel {what}; it was restarted, so the cells after this one ran in a fresh kernel",
                traceback=[f"The kernel {what} and was restarted."],
            )
            self._grader_outputs.append(stopped)
            cell.outputs = [*cell.get("outputs", []), stopped]
            self._restart_kernel()
            return cell, self.resources

    def _restart_kernel(self) -> None:
        run_sync(self.km.restart_kernel)(now=True)
        run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)

    def _prepare_sandbox(self, workdir: str) -> dict[str, Any]:
        mode = self.sandbox
        report: dict[str, Any] = {"isolated": False, "reason": ""}
        self._sandbox_rundir = None
        if mode == "off":
            report["reason"] = f"turned off ({sandbox.SANDBOX_ENV}=off)"
            self.log.warning("GRADING WITHOUT ISOLATION: %s", report["reason"])
            return {"report": report}
        ok, reason = sandbox.sandbox_available()
        if not ok:
            report["reason"] = reason
            if mode == "require":
                raise RuntimeError(f"isolation is required ({sandbox.SANDBOX_ENV}=require) but unavailable: {reason}")
            self.log.warning("GRADING WITHOUT ISOLATION: student code runs with your privileges (%s)", reason)
            return {"report": report}
        specdir = Path(tempfile.mkdtemp(prefix="rnn-grading-"))
        rundir = specdir / "run"
        rundir.mkdir()
        kdir = specdir / "kernels" / KERNEL_NAME
        kdir.mkdir(parents=True)
        env = {
            sandbox.RUN_DIR_ENV: str(rundir),
            sandbox.COURSE_ROOT_ENV: os.environ.get(sandbox.COURSE_ROOT_ENV, os.getcwd()),
        }
        if self.limits:
            env[sandbox.LIMITS_ENV] = json.dumps(self.limits)
        (kdir / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": [sys.executable, "-m", "rnn_course.sandbox", "kernel", "{connection_file}"],
                    "display_name": "Python 3 (sandboxed grading)",
                    # Interrupts travel as a message: a signal from outside would not reach
                    # the kernel inside its own PID namespace.
                    "interrupt_mode": "message",
                    "language": "python",
                    "env": env,
                }
            )
        )
        self._saved_kernel_name = self.kernel_name
        self.kernel_name = KERNEL_NAME
        self._sandbox_rundir = rundir
        self._kernel_specs = KernelSpecManager(kernel_dirs=[str(specdir / "kernels")])
        report["isolated"] = True
        report["uid"] = sandbox.uid_for(workdir)
        return {"report": report, "specdir": specdir}

    def create_kernel_manager(self) -> KernelManager:
        if self.kernel_name != KERNEL_NAME or self._sandbox_rundir is None:
            return super().create_kernel_manager()
        self.km = self.kernel_manager_class(
            kernel_name=KERNEL_NAME, config=self.config, kernel_spec_manager=self._kernel_specs
        )
        # Unix sockets in the kernel's scratch folder: the kernel has no network.
        self.km.transport = "ipc"
        self.km.ip = str(self._sandbox_rundir / "kernel")
        return self.km

    def _cleanup_sandbox(self, box: dict[str, Any]) -> None:
        if "specdir" not in box:
            return
        self.kernel_name = getattr(self, "_saved_kernel_name", "")
        self._sandbox_rundir = None
        shutil.rmtree(box["specdir"], ignore_errors=True)


def judge_test_cells(
    nb: NotebookNode, expected: dict[str, list[dict[str, Any]]], grader_outputs: list[NotebookNode] = ()
) -> list[str]:
    """Grade every test cell of an executed notebook by its records (``rnn_course.verdict``).

    Each test cell keeps only its printed text (for the instructor's view of
    the autograded notebook) and the outputs the grader itself added
    (``grader_outputs``: a timeout, a dead kernel); a failed one gets the grader's ``CheckFailure``
    output with the course's sentence. Returns the flags: why a test cell's
    run cannot have been its test as written.
    """
    # Every code cell the student could write, in notebook order (answer cells whose
    # metadata was stripped included): the structure tests read the last definition.
    sources = [c.source for c in nb.cells if c.get("cell_type") == "code" and not is_test_cell(c)]
    flags = []
    for cell in nb.cells:
        if not is_test_cell(cell):
            continue
        gid = grade_id(cell) or ""
        records = take_records(cell)
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        stopped_by = safe_error_name(errors[-1].get("ename", "")) if errors else None
        ours = [o for o in cell.get("outputs", []) if any(o is g for g in grader_outputs)]
        if gid in expected:
            result = judge(gid, expected[gid], records, sources, stopped_by)
        else:
            result = CellVerdict(False, "this test is not part of the assignment's reference run.")
        printed = [o for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stdout"]
        cell.outputs = printed + ours
        if not result.passed:
            cell.outputs.append(
                NotebookNode(
                    output_type="error",
                    ename=VERDICT_ERROR,
                    evalue=result.message,
                    traceback=[f"{VERDICT_ERROR}: {result.message}"],
                )
            )
        if result.tampered:
            flags.append(result.tampered)
    return flags


def zero_test_cells(nb: NotebookNode, message: str) -> None:
    """Give every test cell an IntegrityError output, so nbgrader scores it 0 and feedback says why."""
    for cell in nb.cells:
        if is_test_cell(cell):
            cell.outputs.append(
                NotebookNode(
                    output_type="error",
                    ename="IntegrityError",
                    evalue="this submission changed the tools the tests rely on, so no test "
                    f"can be trusted ({message})",
                    traceback=[f"IntegrityError: the tests of this notebook cannot be trusted: {message}"],
                )
            )


def snapshot(folder: str | Path) -> dict[str, tuple[int, int, int, int]]:
    """relative path -> (inode, size, mtime, mode) of everything in ``folder``, links not followed."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            out[os.path.relpath(path, folder)] = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_mode)
    return out


def remove_new_files(folder: str | Path, before: dict[str, tuple[int, int, int, int]], keep: str) -> list[str]:
    """Remove what the submission's code created or changed in ``folder`` while it ran.

    nbgrader's generate_feedback copies every file of the autograded folder
    into the student's feedback (following links) and converts every
    notebook there: a file written during grading could carry hidden tests
    out, a link could copy the instructor's files. So every link, and every
    file or folder that is new or changed, goes; the graded notebook itself
    (``keep``), which nbgrader writes again, stays. Returns what was removed.
    """
    removed = []
    now = snapshot(folder)
    for rel in sorted(now, key=lambda r: r.count(os.sep), reverse=True):
        path = os.path.join(folder, rel)
        is_link, is_dir = os.path.islink(path), os.path.isdir(path) and not os.path.islink(path)
        if rel == keep and not is_link:
            continue
        changed = before.get(rel) != now[rel] and not (is_dir and rel in before)
        if is_link or changed:
            try:
                if is_dir:
                    shutil.rmtree(path)
                else:
                    os.unlink(path)
                removed.append(rel)
            except OSError:
                pass
    return removed


def write_private(path: Path, text: str) -> None:
    """Write a grader's file beside the graded notebook, never through a link the submission left."""
    try:
        if path.is_symlink() or path.exists():
            path.unlink()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
    except OSError:
        pass
