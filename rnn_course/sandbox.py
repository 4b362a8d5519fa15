"""Isolation of student code: the bubblewrap sandbox every grading kernel runs in.

``rnn_course.preprocessors.GuardedExecute`` writes a kernelspec whose command
is ``python -m rnn_course.sandbox kernel {connection_file}``; ``kernel_main``
then starts ipykernel under bubblewrap (``bwrap``, Debian package
``bubblewrap``):

* the course folder, the repository and the instructor's home are hidden
  (empty tmpfs), except the Python environment and the student helpers, which
  are mounted read-only; of this instructor package only the kernel-side
  guard (``rnn_course/guard.py``) is visible: the kernel cannot read
  ``source/``, the demo attempts, other students' submissions or the gradebook;
* the only writable places are the student's own autograded folder and a
  private scratch folder; ``/tmp`` is a private tmpfs; the notebook being
  graded, which holds the hidden tests, reads as an empty file;
* no network (its own empty network namespace; kernel messages go through
  Unix sockets in the scratch folder), its own PID namespace (every process it
  starts dies with it);
* it runs as an unprivileged user id of its own (one per student folder),
  bounded with ``prlimit``: address space, processes, CPU time, file size.

``python -m rnn_course.sandbox check`` (or ``rnn-course check``) says whether
isolation works on this machine.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn

PACKAGE_DIR = Path(__file__).resolve().parent
# What the sandbox shows of this package: the guard the kernel imports, nothing else.
KERNEL_SIDE_FILES = ("__init__.py", "guard.py")
# The checkout this package runs from, when installed editable (hidden from kernels).
REPO_DIR = PACKAGE_DIR.parent if (PACKAGE_DIR.parent / "nbgrader_config.py").exists() else None
SANDBOX_ENV = "RNN_COURSE_SANDBOX"  # auto (default) | require | off
# Plumbing between GuardedExecute and kernel_main (set in the kernelspec's env):
COURSE_ROOT_ENV = "RNN_COURSE_ROOT"  # the course folder to hide from the kernel
RUN_DIR_ENV = "RNN_COURSE_SANDBOX_RUN"  # scratch folder of one kernel
LIMITS_ENV = "RNN_COURSE_SANDBOX_LIMITS"  # JSON of the limits below, when configured

LIMITS = {
    "as": 3 * 1024**3,  # address space, bytes
    "nproc": 64,  # processes and threads of the kernel's user id
    "cpu": 900,  # CPU seconds for the whole notebook
    "fsize": 256 * 1024**2,  # largest file it may write, bytes
    "nofile": 1024,
}
MODES = ("auto", "require", "off")
# What every sandbox starts from: the system read-only, its own /dev and /proc.
SYSTEM_VIEW = ("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc")


def helpers_dir() -> Path:
    """The folder the student helper modules (rnn_utils, ...) are installed in."""
    spec = importlib.util.find_spec("rnn_utils")
    if spec is None or not spec.origin:
        raise RuntimeError("the course helpers (rnn_utils, ...) are not installed")
    return Path(spec.origin).resolve().parent


# ---------------------------------------------------------------------------
# Isolation
# ---------------------------------------------------------------------------

_AVAILABLE: tuple[bool, str] | None = None


def sandbox_mode(value: str | None = None) -> str:
    """auto, require or off: ``value`` if given, else RNN_COURSE_SANDBOX (default auto)."""
    mode = (value if value is not None else os.environ.get(SANDBOX_ENV, "auto")).strip().lower() or "auto"
    if mode not in MODES:
        raise ValueError(f"{SANDBOX_ENV} must be auto, require or off, not {mode!r}")
    return mode


def sandbox_available() -> tuple[bool, str]:
    """(True, "") when bubblewrap can build the sandbox here, else (False, reason)."""
    global _AVAILABLE
    if _AVAILABLE is None:
        bwrap = shutil.which("bwrap")
        if not bwrap:
            _AVAILABLE = (False, "bubblewrap (bwrap) is not installed: apt-get install bubblewrap")
        elif not shutil.which("setpriv") or not shutil.which("prlimit"):
            _AVAILABLE = (False, "setpriv and prlimit (util-linux) are needed")
        else:
            probe = [
                bwrap,
                *SYSTEM_VIEW,
                "--unshare-net",
                "--unshare-pid",
                "--die-with-parent",
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "true",
            ]
            try:
                out = subprocess.run(probe, capture_output=True, text=True, timeout=20)
                ok = out.returncode == 0
                reason = "" if ok else f"bwrap failed: {out.stderr.strip()[:300]}"
            except (OSError, subprocess.TimeoutExpired) as exc:
                ok, reason = False, f"bwrap failed: {exc}"
            _AVAILABLE = (ok, reason)
    return _AVAILABLE


def uid_for(path: Path | str) -> int:
    """A user id of its own for each student folder (no account needed)."""
    return 200000 + zlib.crc32(str(Path(path).resolve()).encode()) % 100000


def _chown_tree(path: Path | str, uid: int) -> None:
    for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
        os.lchown(dirpath, uid, uid)
        for name in dirnames + filenames:
            os.lchown(os.path.join(dirpath, name), uid, uid)


def _under(path: Path | str, parent: Path | str) -> bool:
    try:
        Path(path).resolve().relative_to(Path(parent).resolve())
        return True
    except ValueError:
        return False


def sandbox_command(
    argv: Sequence[str],
    workdir: Path | str,
    rundir: Path | str,
    course_root: str | None = None,
    limits: Mapping[str, int] = LIMITS,
) -> tuple[list[str], int]:
    """The bwrap command line that runs ``argv`` isolated in ``workdir``."""
    uid = uid_for(workdir)
    hide = [p for p in {course_root, REPO_DIR and str(REPO_DIR), os.path.expanduser("~")} if p]
    hide = sorted({str(Path(p).resolve()) for p in hide}, key=len)
    keep = {sys.prefix, sys.base_prefix, str(helpers_dir())}
    keep = sorted({str(Path(p).resolve()) for p in keep if any(_under(p, h) for h in hide + ["/tmp"])}, key=len)
    cmd = [
        shutil.which("bwrap"),
        "--die-with-parent",
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--hostname",
        "grading",
        *SYSTEM_VIEW,
        "--perms",
        "1777",
        "--tmpfs",
        "/tmp",
    ]
    empty = ["/tmp"] + hide  # folders replaced by an empty tmpfs

    def parents(dest: Path | str) -> list[str]:
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
    # This package: an empty folder but for the kernel-side guard.
    pkg = str(PACKAGE_DIR)
    cmd += parents(pkg) + ["--perms", "0755", "--tmpfs", pkg]
    for name in KERNEL_SIDE_FILES:
        cmd += ["--ro-bind", str(PACKAGE_DIR / name), str(PACKAGE_DIR / name)]
    for d in (str(rundir), str(workdir)):
        cmd += parents(d) + ["--bind", d, d]
    # The notebook being graded sits in the student's folder with its hidden
    # tests restored: the kernel sees an empty file in its place (one outside
    # anything the kernel can see or write).
    empty_file = Path(rundir).parent / "empty"
    empty_file.touch(mode=0o444)
    for nb in sorted(Path(workdir).glob("*.ipynb")):
        if nb.is_file() and not nb.is_symlink():
            cmd += ["--ro-bind", str(empty_file), str(nb)]
    # ipykernel would watch for its parent's PID, which the kernel cannot see
    # from its own PID namespace; --die-with-parent does that job instead.
    cmd += ["--chdir", str(workdir), "--unsetenv", "JPY_PARENT_PID"]
    for var, sub in (
        ("HOME", "home"),
        ("MPLCONFIGDIR", "mpl"),
        ("IPYTHONDIR", "ipython"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("TMPDIR", "tmp"),
    ):
        cmd += ["--setenv", var, str(Path(rundir) / sub)]
    cmd += [
        "--",
        shutil.which("prlimit"),
        f"--as={limits['as']}",
        f"--nproc={limits['nproc']}",
        f"--cpu={limits['cpu']}",
        f"--fsize={limits['fsize']}",
        f"--nofile={limits['nofile']}",
        "--",
        shutil.which("setpriv"),
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--",
        *argv,
    ]
    return cmd, uid


def kernel_main(connection_file: str, extra_args: Sequence[str] = ()) -> NoReturn:
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
    limits = dict(LIMITS, **json.loads(os.environ.get(LIMITS_ENV) or "{}"))
    cmd, uid = sandbox_command(argv, workdir, rundir, os.environ.get(COURSE_ROOT_ENV), limits)
    _chown_tree(rundir, uid)
    _chown_tree(workdir, uid)
    # The kernel's own chatter (banners, warnings) goes to a log file instead of
    # the instructor's terminal; a kernel that dies has its log's tail reported.
    log = os.open(rundir / "kernel.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.execv(cmd[0], cmd)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) >= 2 and argv[0] == "kernel":
        kernel_main(argv[1], argv[2:])
    elif argv == ["check"]:
        ok, reason = sandbox_available()
        print("isolation available" if ok else f"isolation UNAVAILABLE: {reason}")
        return 0 if ok else 1
    else:
        print("usage: python -m rnn_course.sandbox kernel CONNECTION_FILE [KERNEL ARGS] | check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
