"""The course environments: the student's holds only what students need, every
pin agrees across environment.yml, the .in files and the locks, the installed
versions are the locked ones, and the helpers import from every course folder.

``test_wheel_in_a_fresh_venv`` (slow) builds the student helpers' wheel,
installs it with the student lock into a new virtual environment (no editable
install, no repository on the path) and executes a filled-in release notebook
of 04 there, which needs the dinosaur corpus shipped inside the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from rnn_course import layout, submissions

REPO = layout.REPO
REQ = REPO / "requirements"
TOOLING = {"pytest", "playwright", "ruff", "build", "jupyterhub", "uv", "pip-tools"}


def _in_pins(name: str) -> dict[str, str]:
    """Direct pins of requirements/<name>.in (following -r includes)."""
    pins = {}
    for line in (REQ / f"{name}.in").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            pins.update(_in_pins(line[3:].strip().removesuffix(".in")))
            continue
        req = Requirement(line)
        specs = list(req.specifier)
        pins[req.name.lower()] = specs[0].version if len(specs) == 1 and specs[0].operator == "==" else ""
    return pins


def _lock(name: str) -> dict[str, tuple[str, Requirement]]:
    """name -> (version, requirement with its marker) of requirements/<name>.lock."""
    out, logical = {}, []
    for raw in (REQ / f"{name}.lock").read_text().splitlines():
        if raw.lstrip().startswith("#") or not raw.strip():
            continue
        logical.append(raw)
    text = "\n".join(logical).replace("\\\n", " ")
    for line in text.splitlines():
        if line.startswith(" "):
            continue
        head = line.split(" --hash")[0].strip()
        assert "--hash=sha256:" in line, f"{name}.lock: {head} has no hash"
        req = Requirement(head)
        [spec] = list(req.specifier)
        assert spec.operator == "==", f"{name}.lock: {head} is not pinned with =="
        out[req.name.lower()] = (spec.version, req)
    return out


def _environment_yml():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda, pip = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep["pip"])
        else:
            name, _, ver = dep.partition("=")
            conda[name.strip().lower().rstrip("<>=")] = ver
    return env, conda, pip


def test_student_environment_holds_no_tooling():
    student = set(_in_pins("student")) | set(_lock("student"))
    assert not student & TOOLING, f"student environment holds tooling: {sorted(student & TOOLING)}"
    _, conda, pip = _environment_yml()
    assert not set(conda) & TOOLING
    assert pip == ["./utils"], f"environment.yml installs with pip: {pip}"


def test_environment_yml_pins_equal_student_in_and_lock():
    env, conda, _ = _environment_yml()
    assert env["name"] == "rnn-course"
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python.replace(" ", "") == "python>=3.11,<3.14"
    conda.pop("python", None)
    conda.pop("pip", None)
    pins = _in_pins("student")
    assert conda == pins, (
        f"environment.yml and requirements/student.in disagree: {sorted(set(conda.items()) ^ set(pins.items()))}"
    )
    lock = _lock("student")
    for name, pinned in pins.items():
        assert lock[name][0] == pinned, f"student.lock has {name} {lock[name][0]}, student.in pins {pinned}"


def test_dev_lock_extends_student_lock_with_the_same_versions():
    student, dev = _lock("student"), _lock("dev")
    for name, pinned in _in_pins("dev").items():
        assert name in dev, f"{name} is missing from dev.lock"
        if pinned:
            assert dev[name][0] == pinned
    differ = {n: (v, dev.get(n, ("missing",))[0]) for n, (v, _) in student.items() if dev.get(n, (None,))[0] != v}
    assert not differ, f"student.lock and dev.lock disagree (student, dev): {differ}"


def test_hub_lock_is_the_student_lock_plus_jupyterhub():
    student, hub = _lock("student"), _lock("hub")
    differ = {n: (v, hub.get(n, ("missing",))[0]) for n, (v, _) in student.items() if hub.get(n, (None,))[0] != v}
    assert not differ, f"student.lock and hub.lock disagree (student, hub): {differ}"
    assert hub["jupyterhub"][0] == _in_pins("hub")["jupyterhub"]
    assert not set(hub) & (TOOLING - {"jupyterhub"})


def test_installed_versions_are_the_locked_ones():
    wrong = []
    for name, (pinned, req) in _lock("dev").items():
        if req.marker is not None and not req.marker.evaluate():
            continue
        try:
            have = version(name)
        except PackageNotFoundError:
            wrong.append(f"{name} is not installed ({pinned} is locked)")
            continue
        if have != pinned:
            wrong.append(f"{name} {have} is installed, {pinned} is locked")
    assert not wrong, "; ".join(wrong)


def test_supported_pythons_are_declared_the_same_everywhere():
    import tomllib

    for path in (REPO / "pyproject.toml", REPO / "utils" / "pyproject.toml"):
        meta = tomllib.loads(path.read_text())["project"]
        assert meta["requires-python"] == ">=3.11,<3.14", path
    assert (3, 11) <= sys.version_info[:2] <= (3, 13)


FOLDERS = ["source/01_rnn_forward", "release/01_rnn_forward", "notebooks"]


@pytest.mark.parametrize("folder", FOLDERS + ["<student copy>", "<autograded depth>"])
def test_helpers_import_from_every_course_folder(folder, tmp_path):
    if folder == "<student copy>":
        cwd = tmp_path / "Downloads" / "01_rnn_forward"
    elif folder == "<autograded depth>":
        cwd = tmp_path / "autograded" / "alice" / "01_rnn_forward"
    else:
        cwd = REPO / folder
    cwd.mkdir(parents=True, exist_ok=True)
    code = "import rnn_utils, cllm_utils, check_utils; print(rnn_utils.__file__)"
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).parent == REPO / "utils"


# --- the student helpers as a wheel, in a fresh virtual environment ----------


def other_pythons() -> list[str]:
    """Interpreters of the other supported versions found here (PATH, then pyenv)."""
    found = []
    for minor in (11, 12, 13):
        if sys.version_info[:2] == (3, minor):
            continue
        candidates = [shutil.which(f"python3.{minor}")]
        root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
        candidates += sorted(str(p) for p in root.glob(f"3.{minor}.*/bin/python3.{minor}"))
        for exe in filter(None, candidates):
            if subprocess.run([exe, "-c", "import venv"], capture_output=True).returncode == 0:
                found.append(exe)
                break
    return found


def _wheel_pythons():
    others = other_pythons()
    # The running Python, and one other supported version when this machine has one.
    return [sys.executable] + others[:1]


@pytest.mark.slow
@pytest.mark.parametrize(
    "python",
    _wheel_pythons(),
    ids=lambda p: (
        "python"
        + subprocess.run(
            [p, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True
        ).stdout.strip()
    ),
)
def test_wheel_in_a_fresh_venv(python, tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(REPO / "utils")],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    shutil.rmtree(REPO / "utils" / "build", ignore_errors=True)
    [wheel] = dist.glob("rnn_course_utils-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    pip = [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(
        pip + ["--require-hashes", "--only-binary=:all:", "-r", str(REQ / "student.lock")],
        check=True,
        capture_output=True,
    )
    subprocess.run(pip + ["--no-deps", str(wheel)], check=True, capture_output=True)
    # No tooling and no instructor package in a student's environment.
    probe = (
        "import importlib.util as u; import cllm_utils, rnn_utils, check_utils, apps_utils, lab_utils;"
        "print(cllm_utils.__file__); print(len(cllm_utils.load_names()));"
        "print([m for m in ('pytest', 'playwright', 'rnn_course') if u.find_spec(m)])"
    )
    out = subprocess.run([str(py), "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    where, names, tooling = out.stdout.split("\n")[:3]
    assert "site-packages" in where and str(REPO) not in where
    assert int(names) > 1000
    assert tooling == "[]"
    # A complete student's 04 notebook, executed in that environment.
    nb = submissions.build(REPO, "04_dinosaur_island", "reference")
    folder = tmp_path / "student" / "04_dinosaur_island"
    folder.mkdir(parents=True)
    layout.write(nb, folder / "04_dinosaur_island.ipynb")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RNN_COURSE", "PYTHONPATH", "VIRTUAL_ENV"))}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        MPLBACKEND="Agg",
        RNN_COURSE_GRADING="1",
        JUPYTER_PATH=str(venv / "share" / "jupyter"),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    run = subprocess.run(
        [
            str(venv / "bin" / "jupyter"),
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.timeout=300",
            "--output",
            "executed.ipynb",
            str(folder / "04_dinosaur_island.ipynb"),
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    executed = layout.read(folder / "executed.ipynb")
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[:1]
