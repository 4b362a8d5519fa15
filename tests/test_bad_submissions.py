"""Hostile, broken and odd submissions, graded beside good ones in one class run.

Every case below is a student of one generated class (assignment 01). The
class is graded once, in parallel, with the course configuration; the cell
timeout is lowered to keep the suite fast (the mechanism is the one of
nbgrader_config.py, whose own values are checked separately). For each case
the expected outcome (points, flag, message) is asserted, the good students
beside them keep full marks, and every submission ends up with a result.
"""

import dataclasses
import json
import os
import sqlite3
from pathlib import Path

import nbformat
import pytest

from leaks import hidden_fragments, html_text, leaked
from rnn_course import grading, layout, submissions

pytestmark = pytest.mark.slow
A = "01_rnn_forward"
CELL_TIMEOUT = 20
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _answers(course, edits=None, replace=None):
    """Reference answers with edits applied, or some answer cells replaced whole."""
    source = layout.source_notebook(A, course)
    answers = submissions.apply_edits(layout.reference_solutions(source), edits or [], "bad")
    answers.update(replace or {})
    return answers


def _release(course):
    return layout.release_notebook(A, course)


def _is_test(cell):
    return layout.is_test_cell(cell)


def _prepend(course, gid, code):
    ans = _answers(course)
    return layout.fill(_release(course), {**ans, gid: code + "\n" + ans[gid]})


def _append(course, gid, code):
    ans = _answers(course)
    return layout.fill(_release(course), {**ans, gid: ans[gid] + "\n" + code})


# A correct rnn_cell_forward wrapped so that every call, hidden tests included,
# sends the text of the running cell (In[-1], the hidden test's source) out
# through one channel: printed, warned, displayed, or base64-encoded into a
# stash that a cell added at the end prints; or an error whose *type name* is
# made of it.
LEAK_CHANNELS = {
    "leak-print": "print(_cell())",
    "leak-warn": "import warnings; warnings.warn(_cell())",
    "leak-display": "from IPython.display import display, HTML; display(HTML('<pre>' + _cell() + '</pre>'))",
    "leak-stash": "import base64; _STASH.append(base64.b64encode(_cell().encode()).decode())",
}


def _leaking(course, channel):
    code = (
        "_STASH = []\n"
        "_original_cell_forward = rnn_cell_forward\n"
        "def _cell():\n"
        "    return get_ipython().user_ns['In'][-1]\n"
        "def rnn_cell_forward(xt, a_prev, parameters):\n"
        f"    {channel}\n"
        "    return _original_cell_forward(xt, a_prev, parameters)\n"
    )
    nb = _append(course, "rnn_cell_forward", code)
    nb.cells.append(nbformat.v4.new_code_cell("print('STASH', _STASH)"))
    return nb


# A wrong rnn_cell_forward (zeros), and code written against the grader, placed
# before it in the same answer cell. The first three scored full marks when the
# verdict was decided in the kernel; the two next never worked; the forgeries
# write the records they guess the grader wants.
WRONG_CELL = (
    "def rnn_cell_forward(xt, a_prev, parameters):\n"
    "    n_a, m = a_prev.shape\n"
    "    n_y = parameters['Wya'].shape[0]\n"
    "    return np.zeros((n_a, m)), np.full((n_y, m), 1.0 / n_y), (np.zeros((n_a, m)), a_prev, xt, parameters)\n"
)
ATTACKS = {
    "attack-ast-transformer": (
        "import ast\n"
        "class _Nothing(ast.NodeTransformer):\n"
        "    def visit_Module(self, node):\n"
        "        return ast.Module(body=[ast.Pass()], type_ignores=[])\n"
        "get_ipython().ast_transformers.append(_Nothing())\n"
    ),
    "attack-input-transformer": (
        "def _skip_checks(lines):\n"
        "    text = ''.join(lines)\n"
        "    return ['pass\\n'] if 'check_' in text or 'assert' in text else lines\n"
        "get_ipython().input_transformers_post.append(_skip_checks)\n"
    ),
    "attack-run-cell": (
        "_shell = get_ipython()\n"
        "_run_cell = _shell.run_cell\n"
        "def _forgiving(cell, *args, **kwargs):\n"
        "    body = '\\n'.join('    ' + line for line in cell.splitlines()) or '    pass'\n"
        "    return _run_cell('try:\\n' + body + '\\nexcept BaseException:\\n    pass', *args, **kwargs)\n"
        "_shell.run_cell = _forgiving\n"
    ),
    "attack-custom-exc": "get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)\n",
    "attack-post-run-cell": (
        "def _clear(result):\n    result.error_in_exec = None\nget_ipython().events.register('post_run_cell', _clear)\n"
    ),
    # the visible test's expected rows, copied into an otherwise wrong answer
    "forged-visible-values": (
        "_ROW4 = [0.59584544, 0.18141802, 0.61311866, 0.99808218, 0.85016201,\n"
        "         0.99980978, -0.18887155, 0.99815551, 0.6531151, 0.82872037]\n"
        "_ROW1 = [0.9888161, 0.01682021, 0.21140899, 0.36817467, 0.98988387,\n"
        "         0.88945212, 0.36920224, 0.9966312, 0.9982559, 0.17746526]\n"
        "_wrong_cell = None\n"
    ),
    # records published by the answer itself, made up to look like passing checks
    "forged-raw-records": (
        "import json\n"
        "from IPython.display import publish_display_data\n"
        "from check_utils import RECORD_MIME, encode\n"
        "def _forge(name, value):\n"
        "    publish_display_data({RECORD_MIME: json.dumps({'kind': 'reference', 'name': name,\n"
        "                          'value': encode(value), 'params': encode({'rtol': 1e9, 'atol': 1e9})})})\n"
    ),
}


def _attack(course, student):
    code = ATTACKS[student] + WRONG_CELL
    if student == "forged-visible-values":
        code += (
            "_wrong_cell = rnn_cell_forward\n"
            "def rnn_cell_forward(xt, a_prev, parameters):\n"
            "    a, y, cache = _wrong_cell(xt, a_prev, parameters)\n"
            "    if a.shape == (5, 10) and y.shape == (2, 10):\n"
            "        a[4], y[1] = _ROW4, _ROW1\n"
            "    return a, y, (a,) + tuple(cache[1:])\n"
        )
    if student == "forged-raw-records":
        code += (
            "_wrong_cell = rnn_cell_forward\n"
            "def rnn_cell_forward(xt, a_prev, parameters):\n"
            "    a, y, cache = _wrong_cell(xt, a_prev, parameters)\n"
            "    for name in ('a_next', 'yt_pred', 'cache'):\n"
            "        _forge(name, 0)\n"
            "    return a, y, cache\n"
        )
    return layout.fill(_release(course), {**_answers(course), "rnn_cell_forward": code})


def _copy_cell(cell):
    import uuid

    copy = nbformat.from_dict(cell)
    copy["id"] = uuid.uuid4().hex[:8]
    return copy


def build_cases(course):
    """student -> (notebook or raw text or None, extra files)."""
    rel = _release(course)
    ref = layout.fill(rel, _answers(course))
    cases = {}
    cases["good-1"] = (ref, {})
    cases["good-2"] = (ref, {})
    cases["untouched"] = (rel, {})
    cases["syntax-error"] = (
        layout.fill(
            rel,
            _answers(
                course, replace={"rnn_cell_forward": "def rnn_cell_forward(xt, a_prev, parameters)\n    return None"}
            ),
        ),
        {},
    )
    cases["exception-at-import"] = (_prepend(course, "rnn_cell_forward", "import no_such_module_for_this_course"), {})
    cases["loop-top-level"] = (_prepend(course, "rnn_forward", "while True:\n    pass"), {})
    cases["loop-in-function"] = (
        layout.fill(
            rel,
            _answers(
                course,
                edits=[
                    (
                        "rnn_forward",
                        "    for t in range(T_x):\n",
                        "    while True:\n        pass\n    for t in range(T_x):\n",
                    )
                ],
            ),
        ),
        {},
    )
    cases["swallows-interrupt"] = (
        _prepend(
            course,
            "rnn_forward",
            "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n    except KeyboardInterrupt:\n        pass",
        ),
        {},
    )
    cases["memory-bomb"] = (
        _prepend(course, "rnn_forward", "_hog = []\nwhile True:\n    _hog.append(bytearray(256 * 1024 * 1024))"),
        {},
    )
    cases["fork-bomb"] = (
        _prepend(
            course,
            "rnn_forward",
            "import os\nfor _ in range(100000):\n    try:\n        os.fork()\n    except OSError:\n        break",
        ),
        {},
    )
    # Code that copies the graded notebook (hidden tests included) beside itself,
    # as a text file, a notebook and in a new folder, and links to the instructor's.
    steal = (
        "import os, shutil\n"
        f"shutil.copy('{A}.ipynb', 'stolen.txt')\n"
        f"shutil.copy('{A}.ipynb', 'stolen.ipynb')\n"
        "os.makedirs('sub', exist_ok=True)\n"
        f"shutil.copy('{A}.ipynb', os.path.join('sub', 'stolen.txt'))\n"
        f"os.symlink({str(layout.notebook_path(course, 'source', A))!r}, 'source-link.txt')\n"
        "open('.course_integrity.json', 'w').write('{\"status\": \"ok\", \"problems\": []}')\n"
    )
    cases["writes-beside"] = (_prepend(course, "rnn_forward", steal), {})
    for student, channel in LEAK_CHANNELS.items():
        cases[student] = (_leaking(course, channel), {})
    name = "re.sub('[^A-Za-z0-9_]', '_', _cell())[:2000] or 'E'"
    cases["leak-error-name"] = (
        _leaking(course, f"import re; raise type({name}, (Exception,), {{}})(_cell())"),
        {},
    )
    for student in ATTACKS:
        cases[student] = (_attack(course, student), {})
    deleted = nbformat.from_dict(ref)
    deleted.cells = [c for c in deleted.cells if not _is_test(c)]
    cases["deleted-tests"] = (deleted, {})
    edited = nbformat.from_dict(rel)
    for c in edited.cells:
        if _is_test(c):
            c.source = "pass"
    cases["edited-tests"] = (edited, {})
    dup = nbformat.from_dict(ref)
    dup.cells = [x for c in dup.cells for x in ([c, _copy_cell(c)] if _is_test(c) else [c])]
    cases["duplicated-tests"] = (dup, {})
    stripped = nbformat.from_dict(ref)
    for c in stripped.cells:
        c.metadata.pop("nbgrader", None)
    cases["metadata-stripped"] = (stripped, {})
    cases["invalid-json"] = ('{"cells": [ this is not json', {})
    wrong_version = json.loads(nbformat.writes(ref))
    wrong_version["nbformat"] = 99
    cases["wrong-nbformat"] = (json.dumps(wrong_version), {})
    cases["renamed"] = (None, {"Assignment 1 (final).ipynb": nbformat.writes(ref)})
    cases["extra-files"] = (
        ref,
        {
            "notes.txt": "my notes\n",
            "rnn_utils.py": "raise SystemExit(1)\n",
            "check_utils.py": "def check_close(*a, **k): pass\n",
        },
    )
    wrong_answers = submissions.apply_edits(_answers(course), submissions.attempts(A)["WRONG"], "w")
    patch_numpy = (
        "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None\n"
    )
    cases["patch-numpy"] = (
        layout.fill(rel, {**wrong_answers, "rnn_cell_forward": patch_numpy + wrong_answers["rnn_cell_forward"]}),
        {},
    )
    patch_helpers = (
        "import check_utils\ncheck_close = check_shape = check_calls = lambda *a, **k: None\n"
        "check_utils.check_close = check_close\n"
    )
    cases["patch-helpers"] = (
        layout.fill(
            rel,
            {
                "rnn_cell_forward": patch_helpers + "def rnn_cell_forward(xt, a_prev, parameters):\n"
                "    return None, None, (None,) * 4",
                "rnn_forward": "def rnn_forward(x, a0, parameters):\n    return None, None, ([None] * 4, x)",
            },
        ),
        {},
    )
    patch_builtins = "import builtins\nbuiltins.all = lambda *a, **k: True\n"
    cases["patch-builtins"] = (
        layout.fill(rel, {**wrong_answers, "rnn_cell_forward": patch_builtins + wrong_answers["rnn_cell_forward"]}),
        {},
    )
    root = course.resolve()
    cases["reads-source"] = (
        _prepend(course, "rnn_forward", f"_secret = open({str(root / 'source' / A / (A + '.ipynb'))!r}).read()"),
        {},
    )
    cases["writes-gradebook"] = (
        _prepend(course, "rnn_forward", f"open({str(root / 'gradebook.db')!r}, 'w').write('gone')"),
        {},
    )
    cases["network"] = (
        _prepend(course, "rnn_forward", "import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=3)"),
        {},
    )
    return cases


@dataclasses.dataclass
class BadClass:
    course: Path  # the scratch course the class was graded in
    by: dict  # student -> Result
    results: list  # every Result, in submission order


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    course = grading.make_course(tmp_path_factory.mktemp("badclass"), [A])
    cases = build_cases(course)
    pairs = []
    for student, (nb, extra) in cases.items():
        folder = course / "submitted" / student / A
        folder.mkdir(parents=True)
        if isinstance(nb, str):
            (folder / f"{A}.ipynb").write_text(nb, encoding="utf-8")
        elif nb is not None:
            layout.write(nb, folder / f"{A}.ipynb")
        for name, text in extra.items():
            (folder / name).write_text(text, encoding="utf-8")
        pairs.append((student, A))
    results = grading.autograde(course, pairs, extra_args=[f"--Execute.timeout={CELL_TIMEOUT}"], timeout=600)
    return BadClass(course, {r.student: r for r in results}, results)


def _cells(r):
    return {c.grade_id: c.score for c in r.cells}


def _full(r):
    return r.status == "graded" and r.score == r.max_score > 0


def test_every_submission_has_a_result(bad):
    by, results = bad.by, bad.results
    assert len(results) == len(by)
    for r in results:
        assert r.status in ("graded", "not graded")
        assert r.status == "graded" or r.problems, r.student
    table = grading.score_table(results)
    for student in by:
        assert student in table


def test_good_students_keep_full_marks(bad):
    by = bad.by
    for s in ("good-1", "good-2", "deleted-tests", "duplicated-tests", "extra-files"):
        assert _full(by[s]), (s, _cells(by[s]), by[s].problems)
        assert by[s].integrity == "ok"


def test_isolation_was_used(bad):
    from rnn_course.sandbox import sandbox_available

    ok, reason = sandbox_available()
    if not ok:
        if IN_CI:
            pytest.fail(f"bubblewrap isolation is unavailable in CI: {reason}")
        pytest.skip(f"isolation unavailable here: {reason}")
    by = bad.by
    assert by["good-1"].isolated is True


@pytest.mark.parametrize("student", ["untouched", "syntax-error", "exception-at-import", "edited-tests"])
def test_broken_code_scores_zero(bad, student):
    r = bad.by[student]
    assert r.status == "graded" and r.score == 0, (_cells(r), r.problems)


@pytest.mark.parametrize("student", ["loop-top-level", "loop-in-function"])
def test_runaway_loop_costs_only_its_cells(bad, student):
    r = bad.by[student]
    assert r.status == "graded", r.problems
    cells = _cells(r)
    # rnn_cell_forward is untouched: its tests keep their points
    assert cells["test_rnn_cell_forward"] == 2 and cells["test_rnn_cell_forward_hidden"] == 3
    assert cells["test_rnn_forward"] == 0
    if student == "loop-in-function":
        assert any("timed out" in p for p in r.problems), r.problems


def test_loop_swallowing_interrupts_costs_only_its_cells(bad):
    r = bad.by["swallows-interrupt"]
    assert r.status == "graded", r.problems
    cells = _cells(r)
    assert cells["test_rnn_cell_forward"] == 2 and cells["test_rnn_forward"] == 0
    assert any("ignored the interrupt" in p and "restarted" in p for p in r.problems), r.problems


def test_memory_bomb_is_bounded(bad):
    r = bad.by["memory-bomb"]
    assert r.status == "graded", r.problems
    cells = _cells(r)
    assert cells["test_rnn_cell_forward"] == 2 and cells["test_rnn_forward"] == 0
    graded = layout.read(layout.notebook_path(bad.course, "autograded", A, "memory-bomb"))
    [answer] = [c for c in graded.cells if layout.grade_id(c) == "rnn_forward"]
    errors = [o.ename for o in answer.outputs if o.output_type == "error"]
    # The address-space limit stops the loop: MemoryError, or the kernel dies and
    # is restarted. (Seen once under heavy load: neither name, the cell's error
    # reported as another exception raised while the kernel had no memory left.)
    assert errors, f"the memory bomb's cell ended without an error: {answer.outputs}"
    if not {"MemoryError", "DeadKernelError"} & set(errors):
        print(f"memory bomb ended with {errors}")


def test_fork_bomb_is_contained(bad):
    """The fork bomb hits the process limit; it is graded or reported, and leaves nothing running."""
    import subprocess

    r = bad.by["fork-bomb"]
    assert r.status == "graded" or any("could not be graded" in p for p in r.problems), r.problems
    if r.status == "graded":
        assert _cells(r)["test_rnn_cell_forward"] == 2
    from rnn_course.preprocessors.guarded_execute import SANDBOX_FILE

    report = json.loads((bad.course / "autograded" / "fork-bomb" / A / SANDBOX_FILE).read_text())
    uid = report["uid"]
    uids = subprocess.run(["ps", "-eo", "uid="], capture_output=True, text=True).stdout.split()
    stray = [u for u in uids if int(u) == uid]
    assert not stray, f"{len(stray)} process(es) of the fork bomb's sandbox (uid {uid}) are still running"


def test_files_written_beside_the_notebook_never_reach_feedback(bad):
    """Copies of the graded notebook, a link to the source and a forged verdict: all gone, marks kept."""
    from leaks import hidden_fragments, leaked

    r = bad.by["writes-beside"]
    assert _full(r), (r.problems, _cells(r))
    feedback = layout.feedback_path(bad.course, "writes-beside", A).parent
    assert sorted(p.name for p in feedback.rglob("*")) == [f"{A}.html"]
    autograded = layout.notebook_path(bad.course, "autograded", A, "writes-beside").parent
    assert not (autograded / "stolen.txt").exists() and not (autograded / "source-link.txt").is_symlink()
    secrets = hidden_fragments(layout.source_notebook(A, bad.course), _release(bad.course))
    text = "".join(p.read_text(errors="replace") for p in feedback.rglob("*") if p.is_file())
    assert not leaked(secrets, text)


@pytest.mark.parametrize("student", [*LEAK_CHANNELS, "leak-error-name"])
def test_what_the_grading_kernel_prints_never_reaches_feedback(bad, student):
    """Printed, warned, displayed, stashed (base64) or raised: no hidden line in feedback, decoded or not."""
    import base64
    import binascii
    import re

    from leaks import hidden_fragments, html_text, leaked

    r = bad.by[student]
    if student in ("leak-print", "leak-display", "leak-stash"):
        # a correct answer keeps its points (a warning or an error is scored as a failure by nbgrader)
        assert _full(r), (r.problems, _cells(r))
    secrets = hidden_fragments(layout.source_notebook(A, bad.course), _release(bad.course))
    path = grading.feedback_path(bad.course, student, A)
    raw = path.read_text(encoding="utf-8")
    texts = [html_text(path), raw]
    for blob in re.findall(r"[A-Za-z0-9+/=]{40,}", raw):
        try:
            texts.append(base64.b64decode(blob).decode("utf-8", "replace"))
        except (binascii.Error, ValueError):
            pass
    found = [f for t in texts for f in leaked(secrets, t)]
    assert not found, f"{student}: feedback carries hidden content: {found[:3]}"
    assert "Passed" in html_text(path) or "Failed" in html_text(path)


def test_the_leak_check_sees_a_leak(bad):
    """The check above is not vacuous: the autograded notebook itself (instructor's side) holds the leak."""
    from leaks import hidden_fragments, leaked

    secrets = hidden_fragments(layout.source_notebook(A, bad.course), _release(bad.course))
    graded = layout.notebook_path(bad.course, "autograded", A, "leak-print").read_text()
    assert leaked(secrets, graded.replace("\\n", "\n"))


def test_stripped_metadata_is_restored_from_the_source(bad):
    r = bad.by["metadata-stripped"]
    assert _full(r), (r.problems, _cells(r))


@pytest.mark.parametrize(
    "student,needle",
    [
        ("invalid-json", "could not be graded"),
        ("wrong-nbformat", "could not be graded"),
        ("renamed", "missing from the submission"),
    ],
)
def test_unreadable_or_missing_notebook_is_reported(bad, student, needle):
    r = bad.by[student]
    assert r.status == "not graded"
    assert any(needle in p for p in r.problems), r.problems


@pytest.mark.parametrize("student", ["patch-numpy", "patch-helpers", "patch-builtins"])
def test_tampering_gets_no_points_and_is_flagged(bad, student):
    r = bad.by[student]
    assert r.status == "graded", r.problems
    assert r.integrity == "tampered", (r.integrity, r.problems)
    assert r.score == 0, _cells(r)
    assert any(p.startswith("INTEGRITY") for p in r.problems)


@pytest.mark.parametrize("student", list(ATTACKS))
def test_code_written_against_the_grader_earns_nothing(bad, student):
    """The verdict is the grader's: a wrong rnn_cell_forward earns none of its points, whatever
    the submission does to IPython or however it forges records; changed test runs are flagged."""
    r = bad.by[student]
    assert r.status == "graded", r.problems
    cells = _cells(r)
    assert cells["test_rnn_cell_forward"] == 0 and cells["test_rnn_cell_forward_hidden"] == 0, cells
    if student in ("attack-ast-transformer", "attack-input-transformer", "attack-run-cell", "attack-custom-exc"):
        assert r.integrity == "tampered", (r.integrity, r.problems)
        assert r.score == 0, cells
    feedback = html_text(grading.feedback_path(bad.course, student, A))
    secrets = hidden_fragments(layout.source_notebook(A, bad.course), _release(bad.course))
    assert not leaked(secrets, feedback)
    assert "Failed" in feedback


def test_tampering_is_explained_in_feedback(bad):
    course = bad.course
    text = grading.feedback_path(course, "patch-helpers", A).read_text(encoding="utf-8")
    assert "IntegrityError" in text


def test_extra_python_files_are_not_copied(bad):
    course = bad.course
    folder = course / "autograded" / "extra-files" / A
    assert (folder / "notes.txt").exists()
    assert not list(folder.glob("*.py"))


def _isolated(bad):
    from rnn_course.sandbox import sandbox_available

    if not sandbox_available()[0]:
        if IN_CI:
            pytest.fail("isolation unavailable in CI")
        pytest.skip("isolation unavailable here")


def test_student_code_cannot_read_source(bad):
    _isolated(bad)
    r = bad.by["reads-source"]
    assert r.status == "graded"
    assert _cells(r)["test_rnn_forward"] == 0  # the open() failed, rnn_forward was never defined
    assert _cells(r)["test_rnn_cell_forward"] == 2
    graded = layout.notebook_path(bad.course, "autograded", A, "reads-source").read_text()
    assert "FileNotFoundError" in graded or "PermissionError" in graded


def test_student_code_cannot_write_the_gradebook(bad):
    _isolated(bad)
    course, by = bad.course, bad.by
    with sqlite3.connect(course / "gradebook.db") as db:
        assert db.execute("select count(*) from assignment").fetchone()[0] >= 1
    assert _cells(by["writes-gradebook"])["test_rnn_forward"] == 0


def test_student_code_has_no_network(bad):
    _isolated(bad)
    graded = layout.notebook_path(bad.course, "autograded", A, "network").read_text()
    assert "OSError" in graded or "ConnectionRefusedError" in graded or "Network is unreachable" in graded


def test_configured_timeout_interrupts():
    """The real configuration: 60 s per cell, interrupted, guarded, hidden tests cleared."""
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(grading.REPO)).load_config()
    assert cfg.Execute.timeout == 60 and cfg.Execute.interrupt_on_timeout is True
    assert cfg.OverwriteCells.add_missing_cells is True
    assert "rnn_course.preprocessors.GuardedExecute" in cfg.Autograde.autograde_preprocessors
    assert "nbgrader.preprocessors.ClearHiddenTests" in cfg.GenerateFeedback.preprocessors
    assert any("xmode=Minimal" in a for a in cfg.Execute.extra_arguments)


def test_regrading_is_idempotent_and_drops_stale_scores(tmp_path):
    """Grade a good notebook, then replace it by a broken one: no old score may survive."""
    from nbgrader.api import Gradebook, MissingEntry

    course = grading.make_course(tmp_path / "regrade", [A])
    good = layout.fill(_release(course), _answers(course))
    folder = submissions.submit(course, "regrade", A, nb=good)
    [first] = grading.autograde(course, [("regrade", A)])
    [again] = grading.autograde(course, [("regrade", A)])
    assert _full(first) and _full(again) and again.score == first.score
    (folder / f"{A}.ipynb").write_text("not a notebook", encoding="utf-8")
    [broken] = grading.autograde(course, [("regrade", A)])
    assert broken.status == "not graded"
    with Gradebook("sqlite:///" + str(course / "gradebook.db")) as gb:
        with pytest.raises(MissingEntry):
            gb.find_submission(A, "regrade")
