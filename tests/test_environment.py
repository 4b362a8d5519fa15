"""The course environment: conda and pip pins agree, helpers import from every course folder."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _pip_pins():
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.txt: {line!r} is not pinned with =="
            pins[name.lower()] = version
    return pins


def _conda_pins():
    pins = {}
    in_pip = in_deps = False
    for line in (REPO / "environment.yml").read_text().splitlines():
        if re.match(r"^\w", line):
            in_deps = line.startswith("dependencies:")
            continue
        if not in_deps:
            continue
        if re.match(r"^\s+- pip:\s*$", line):
            in_pip = True
            continue
        if in_pip:
            m = re.match(r"^\s+- ([A-Za-z0-9_.-]+)==([^=\s#]+)\s*(#.*)?$", line)
        else:
            m = re.match(r"^\s+- ([A-Za-z0-9_.-]+)(?:=([^=\s#]+))?\s*(#.*)?$", line)
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_conda_and_pip_pins_agree():
    pip, conda = _pip_pins(), _conda_pins()
    assert conda.pop("python") == "3.11"
    conda.pop("pip")
    assert conda == pip, (f"environment.yml and requirements.txt disagree: "
                          f"{sorted(set(conda.items()) ^ set(pip.items()))}")


def test_installed_versions_match_the_pins():
    from importlib.metadata import version
    for name, pinned in _pip_pins().items():
        assert version(name) == pinned, f"{name} {version(name)} is installed, {pinned} is pinned"


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
