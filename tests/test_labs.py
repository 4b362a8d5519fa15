"""The companion labs of notebooks/: they run top to bottom, and their helpers work.

How the labs are executed here, and why it cannot flake. A cell that displays
ipywidgets has been seen to stall under nbclient until the cell timeout in
about 3 % of executions on the course machine (a stall we could not reproduce
in 210 further executions, which is why it is designed out, not retried). The labs therefore
build every widget through ``lab_utils.interact``, and the slow tests below
execute them with ``RNN_COURSE_LABS_STATIC=1``: ``interact`` then creates no
widget at all (no comm is opened, nothing widget-related reaches the kernel's
output), draws each figure for the default values and calls the drawing
function once more at the extreme value of every control, so the whole range
a student can reach runs, warning-free. The widget side is covered twice
instead: in-process below (building the panel, moving a control, pressing
the button: ipywidgets works without a kernel) and live in JupyterLab by
tests/test_browser.py. Each executed lab must also show no widget output,
which proves the stall cannot happen here.
"""

import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

import lab_utils
from leaks import hidden_fragments, leaked, notebook_text, public_text
from rnn_course import grading, layout, submissions

REPO = layout.REPO
LABS = sorted((REPO / "notebooks").glob("lab_*.ipynb"))
CELL_TIMEOUT = 180  # seconds; the slowest cell (training the dinosaur model) takes ~5 s here
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def student_folder(tmp_path_factory):
    """What a student has after finishing assignments 1 to 4: their notebooks and the labs, no source/."""
    root = tmp_path_factory.mktemp("student")
    for assignment in ("01_rnn_forward", "02_lstm_forward", "03_backprop", "04_dinosaur_island"):
        _student_copy(root, assignment, "reference")
    (root / "notebooks").mkdir()
    for lab in LABS:
        shutil.copy(lab, root / "notebooks" / lab.name)
    lab_utils._load.cache_clear()
    return root


def test_the_four_labs_exist_and_are_listed_in_the_readme():
    names = [p.name for p in LABS]
    assert names == [
        "lab_01_inside_the_rnn.ipynb",
        "lab_02_vanishing_and_exploding_gradients.ipynb",
        "lab_03_lstm_gates.ipynb",
        "lab_04_sampling_the_dinosaur_model.ipynb",
    ]
    readme = (REPO / "notebooks" / "README.md").read_text(encoding="utf-8")
    for name in names:
        assert name in readme, f"notebooks/README.md does not describe {name}"


def _windows(text, size=3):
    """Every run of ``size`` consecutive non-blank lines (stripped), as strings."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return {"\n".join(lines[i : i + size]) for i in range(len(lines) - size + 1)}


@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_labs_hold_no_solution_and_no_hidden_test(path):
    """The labs call the student's own implementations at run time; they hold no solution.

    A single line such as ``for t in range(T_x):`` is an idiom any loop over
    time shares, so what counts as a copy is three consecutive lines of a
    solution or hidden-test region, or a long number of a hidden test.
    """
    text = notebook_text(layout.read(path))
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text
    lab_windows = _windows(text)
    for assignment in grading.available_assignments():
        source = layout.source_notebook(assignment)
        regions = [
            m.group(1)
            for c in source.cells
            for m in re.finditer(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)(.*?)### END", c.source, re.DOTALL)
        ]
        copied = set().union(*(_windows(r) for r in regions)) & lab_windows if regions else set()
        assert not copied, f"{path.name} repeats solution lines of {assignment}: {sorted(copied)[:3]}"
        public = public_text(source)
        numbers = [f for f in hidden_fragments(source, public) if re.fullmatch(r"-?\d+\.\d+", f)]
        shown = leaked(numbers, text)
        assert not shown, f"{path.name} shows hidden values of {assignment}: {shown[:5]}"


def test_labs_are_plain_notebooks_not_assignments():
    """No nbgrader metadata: the labs are ungraded and must not end up in a gradebook."""
    for path in LABS:
        for cell in layout.read(path).cells:
            assert "nbgrader" not in cell.metadata, f"{path.name} has an nbgrader cell"


# --- lab_utils: the student's own implementations ------------------------------


def test_load_assignment_runs_your_notebook_and_checks_it(student_folder, monkeypatch):
    from rnn_utils import rnn_sequence_example

    monkeypatch.chdir(student_folder / "notebooks")
    mine = lab_utils.load_assignment("01_rnn_forward")
    x, a0, parameters = rnn_sequence_example(seed=1)
    a, y_pred, caches = mine.rnn_forward(x, a0, parameters)
    assert a.shape == (5, 10, 4) and y_pred.shape == (2, 10, 4) and len(caches) == 2
    # the published value of example B (checked by the assignment's visible test)
    assert abs(a[4][1][0] - (-0.99999375)) < 1e-7
    assert lab_utils.load_assignment("01_rnn_forward").rnn_forward is mine.rnn_forward  # loaded once


def _student_copy(tmp_path, assignment, variant):
    folder = tmp_path / assignment
    folder.mkdir(parents=True)
    layout.write(submissions.build(REPO, assignment, variant), folder / f"{assignment}.ipynb")
    return tmp_path


def test_a_missing_assignment_says_what_to_finish_first(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_COURSE_ASSIGNMENTS", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(lab_utils.AssignmentNotFinished, match="Fetch and finish assignment 09_nothing first"):
        lab_utils.load_assignment("09_nothing")


def test_an_unwritten_exercise_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_COURSE_ASSIGNMENTS", str(_student_copy(tmp_path, "01_rnn_forward", "untouched")))
    lab_utils._load.cache_clear()
    with pytest.raises(lab_utils.AssignmentNotFinished, match="your rnn_cell_forward .* not written yet"):
        lab_utils.load_assignment("01_rnn_forward")


def test_a_wrong_answer_is_caught_by_the_visible_test(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_COURSE_ASSIGNMENTS", str(_student_copy(tmp_path, "01_rnn_forward", "wrong")))
    lab_utils._load.cache_clear()
    with pytest.raises(lab_utils.AssignmentNotFinished, match="test_rnn_forward does not pass its visible test"):
        lab_utils.load_assignment("01_rnn_forward")


def test_random_networks_have_the_requested_scale():
    import numpy as np

    p = lab_utils.random_rnn(3, 20, 2, radius=1.7, seed=4)
    assert abs(lab_utils.spectral_radius(p["Waa"]) - 1.7) < 1e-9
    assert p["Wax"].shape == (20, 3) and p["Wya"].shape == (2, 20) and p["ba"].shape == (20, 1)
    q = lab_utils.random_lstm(3, 20, 2, scale=2.0, forget_bias=1.5, seed=4)
    assert q["Wf"].shape == (20, 23) and np.all(q["bf"] == 1.5) and np.all(q["bi"] == 0)
    big = lab_utils.random_lstm(3, 200, 2, scale=2.0, seed=0)["Wc"]
    assert abs(big.std() - 2.0 / np.sqrt(203)) < 0.01


# --- lab_utils: interact ---------------------------------------------------

CONTROLS = dict(
    t=lab_utils.Slider("t", 4, 1, 30),
    scale=lab_utils.LogSlider("scale", 0.9, 0.2, 5.0),
    mode=lab_utils.Choice("mode", [("one", 1), ("two", 2), ("three", 3)], buttons=True),
    flag=lab_utils.Checkbox("flag", False),
    name=lab_utils.Text("name", "rex", examples=["", "a"]),
)
DEFAULTS = {"t": 4, "scale": 0.9, "mode": 1, "flag": False, "name": "rex"}


def test_interact_without_widgets_draws_defaults_then_every_extreme(monkeypatch):
    import ipywidgets

    monkeypatch.setenv("RNN_COURSE_LABS_STATIC", "1")

    def no_widget(*args, **kwargs):
        raise AssertionError("a widget was created in static mode")

    monkeypatch.setattr(ipywidgets.Widget, "__init__", no_widget)
    calls = []
    assert lab_utils.interact(lambda **kw: calls.append(kw), button="again", **CONTROLS) is None
    assert calls[0] == DEFAULTS
    extremes = [{k: v for k, v in c.items() if v != DEFAULTS[k]} for c in calls[1:]]
    assert extremes == [
        {"t": 1},
        {"t": 30},
        {"scale": 0.2},
        {"scale": 5.0},
        {"mode": 2},
        {"mode": 3},
        {"flag": True},
        {"name": ""},
        {"name": "a"},
        {},
    ]


def test_interact_with_widgets_redraws_on_every_change_and_click(monkeypatch):
    monkeypatch.delenv("RNN_COURSE_LABS_STATIC", raising=False)
    calls = []
    panel = lab_utils.interact(lambda **kw: calls.append(kw), button="again", **CONTROLS)
    assert "rnn-lab-panel" in panel._dom_classes
    assert calls == [DEFAULTS]  # drawn once when built
    widgets = panel.controls
    assert type(widgets["t"]).__name__ == "IntSlider" and widgets["t"].continuous_update is False
    assert type(widgets["scale"]).__name__ == "FloatLogSlider"
    assert abs(widgets["scale"].min - (-0.69897)) < 1e-4 and abs(widgets["scale"].value - 0.9) < 1e-9
    assert type(widgets["mode"]).__name__ == "ToggleButtons"
    widgets["t"].value = 9
    widgets["mode"].value = 3
    widgets["name"].value = "spino"
    assert calls[-1] == {**DEFAULTS, "t": 9, "mode": 3, "name": "spino"}
    assert len(calls) == 4
    button = [w for row in panel.children[:-1] for w in row.children if type(w).__name__ == "Button"]
    assert [b.description for b in button] == ["again"]
    button[0].click()
    assert len(calls) == 5 and calls[-1] == calls[-2]
    assert panel.children[-1] is panel.output


def test_integer_and_float_sliders():
    assert lab_utils.Slider("n", 3, 0, 9).integer
    s = lab_utils.Slider("w", 1.7, 1.6, 2.2, step=0.001)
    assert not s.integer and s.widget().step == 0.001 and type(s.widget()).__name__ == "FloatSlider"


# --- executing the labs ------------------------------------------------------


def _execute(path):
    from nbclient import NotebookClient

    nb = layout.read(path)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        startup_timeout=120,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return nb


@pytest.mark.slow
@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_lab_executes_top_to_bottom(path, student_folder, monkeypatch):
    """Each lab runs in a student's folder: the lab, the student's finished assignments, no source/."""
    assert not (student_folder / "source").exists()
    monkeypatch.delenv("RNN_COURSE_ASSIGNMENTS", raising=False)
    path = student_folder / "notebooks" / path.name
    monkeypatch.setenv("RNN_COURSE_LABS_STATIC", "1")
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    monkeypatch.delenv("RNN_COURSE_GRADING", raising=False)
    start = time.monotonic()
    nb = _execute(path)  # raises CellExecutionError on any error
    elapsed = time.monotonic() - start
    images, stderr, widgets = 0, [], 0
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and out.name == "stderr":
                stderr.append(f"cell {i}: {out.text[:300]}")
            data = out.get("data", {})
            images += "image/png" in data
            widgets += WIDGET_MIME in data
    assert not stderr, f"{path.name} wrote to stderr (a warning?): {stderr}"
    assert widgets == 0, f"{path.name} displayed {widgets} widget(s) in static mode"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    panels = len(re.findall(r"\binteract\(", code))
    assert panels >= 1
    assert images >= panels + 1, f"{path.name}: {images} figures for {panels} panels"
    print(f"{path.name}: executed in {elapsed:.1f} s, {images} figures")
