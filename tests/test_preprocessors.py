"""Unit tests of the instructor package's parts on small synthetic notebooks.

The nbgrader preprocessors, the kernel-side guard, the sandbox settings and
the class-grading helpers, each tested alone (as nbgrader tests its own
preprocessors); the whole-class tests in test_grading.py and
test_bad_submissions.py test them together. Everything here takes seconds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import types

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from rnn_course import grading, guard, layout, sandbox
from rnn_course.preprocessors import GuardedExecute, SafeDeduplicateIds, SafeOverwriteCells
from rnn_course.preprocessors.guarded_execute import INTEGRITY_FILE, SANDBOX_FILE
from rnn_course.verdict import take_records


def _graded(source, grade_id, points=1, solution=False):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": not solution,
        "grade_id": grade_id,
        "locked": not solution,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if not solution:
        cell.metadata["nbgrader"]["points"] = points
    return cell


def _notebook(*cells):
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


# --- layout ------------------------------------------------------------------


def test_cell_kinds():
    answer = _graded("def f():\n    return 1", "f", solution=True)
    test = _graded("assert f() == 1", "test_f")
    assert layout.is_answer_cell(answer) and not layout.is_test_cell(answer)
    assert layout.is_test_cell(test) and not layout.is_answer_cell(test)
    assert not layout.is_test_cell(new_markdown_cell("text"))
    assert not layout.is_test_cell(new_code_cell("x = 1"))


def test_reference_solutions_drop_the_markers():
    nb = _notebook(_graded("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION", "f", solution=True))
    assert layout.reference_solutions(nb) == {"f": "def f():\n    return 1\n"}


def test_notebook_paths_follow_nbgrader(tmp_path):
    assert layout.notebook_path(tmp_path, "source", "01_x") == tmp_path / "source" / "01_x" / "01_x.ipynb"
    assert (
        layout.notebook_path(tmp_path, "autograded", "01_x", "ann")
        == tmp_path / "autograded" / "ann" / "01_x" / "01_x.ipynb"
    )
    assert layout.feedback_path(tmp_path, "ann", "01_x") == tmp_path / "feedback" / "ann" / "01_x" / "01_x.html"


# --- SafeDeduplicateIds ------------------------------------------------------


def test_a_duplicated_test_cell_becomes_an_ordinary_cell():
    """The last copy keeps the grade id (nbgrader's rule); the other is an ordinary cell, not a crash."""
    nb = _notebook(_graded("assert True", "test_a"), _graded("assert False", "test_a"), _graded("pass", "test_b"))
    nb, _ = SafeDeduplicateIds().preprocess(nb, {})
    assert [layout.grade_id(c) for c in nb.cells] == [None, "test_a", "test_b"]
    assert "nbgrader" not in nb.cells[0].metadata


# --- SafeOverwriteCells ------------------------------------------------------


def _source_cell(name, source, cell_type="code", locked=True):
    return types.SimpleNamespace(
        name=name, source=source, cell_type=cell_type, locked=locked, checksum="c-" + name, max_score=1.0
    )


def _source_notebook():
    cells = [
        _source_cell("imports", "import numpy as np"),
        _source_cell("f", "stub", locked=False),
        _source_cell("test_f", "assert f() == 1"),
        _source_cell("g", "stub", locked=False),
        _source_cell("test_g", "assert g() == 2"),
    ]
    by = {c.name: c for c in cells}
    return types.SimpleNamespace(
        source_cells=cells, grade_cells=[by["test_f"], by["test_g"]], solution_cells=[by["f"], by["g"]]
    )


def test_stripped_metadata_is_restored_from_the_unchanged_text():
    nb = _notebook(
        new_code_cell("import numpy as np"), new_code_cell("assert f() == 1"), new_code_cell("assert g() == 2")
    )
    SafeOverwriteCells()._restore_metadata(nb, _source_notebook())
    assert [layout.grade_id(c) for c in nb.cells] == ["imports", "test_f", "test_g"]
    assert nb.cells[1].metadata.nbgrader.points == 1.0 and layout.is_test_cell(nb.cells[1])


def test_a_deleted_test_cell_goes_back_after_the_nearest_earlier_cell():
    # test_f and the answer cell f before it were both deleted.
    nb = _notebook(
        _graded("import numpy as np", "imports"),
        _graded("def g(): return 2", "g", solution=True),
        _graded("assert g() == 2", "test_g"),
    )
    pre = SafeOverwriteCells()
    source_nb = _source_notebook()
    pre.gradebook = types.SimpleNamespace(find_notebook=lambda *a: source_nb)
    pre.notebook_id, pre.assignment_id = "nb", "a"
    nb, _ = pre.add_missing_grade_cells(nb, {})
    assert [layout.grade_id(c) for c in nb.cells] == ["imports", "test_f", "g", "test_g"]
    assert "assert f() == 1" in nb.cells[1].source


# --- SafeFeedback ---------------------------------------------------------------


def _error(ename, evalue="x"):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[evalue])


def _scored(cell, score):
    cell.metadata["nbgrader"]["score"] = score
    return cell


def test_feedback_keeps_only_scores_verdicts_and_the_students_own_outputs(tmp_path):
    from rnn_course.preprocessors import SafeFeedback

    submitted = _notebook(
        _graded("def f():\n    return 1", "f", solution=True),
        new_code_cell("print('my own plot')"),
        _graded("assert f() == 1", "test_f", points=2),
    )
    submitted.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="my own plot\n")]
    submitted.cells[1].id = "own-cell"
    folder = tmp_path / "submitted" / "ann" / "a1"
    folder.mkdir(parents=True)
    layout.write(submitted, folder / "nb.ipynb")

    graded = nbformat.from_dict(submitted)
    leak = nbformat.v4.new_output("stream", name="stdout", text="### BEGIN HIDDEN TESTS secret\n")
    graded.cells[0].outputs = [leak]
    graded.cells[1].outputs = [leak]
    graded.cells[2].outputs = [leak, _error("Secret_hidden_name_as_type", "secret")]
    _scored(graded.cells[2], 0)
    hidden = _scored(_graded("assert f() == 1", "test_hidden", points=3), 3)
    hidden.outputs = [leak]
    graded.cells.append(hidden)
    timed = _scored(_graded("while True: pass", "test_slow", points=1), 0)
    timed.outputs = [_error("CellTimeoutError")]
    graded.cells.append(timed)
    # the grader's own verdict (GuardedExecute removed every error output of the kernel)
    judged = _scored(_graded("check_reference('a', f())", "test_judged", points=2), 0)
    judged.outputs = [_error("CheckFailure", "a does not match the reference solution. Hint: look at f.")]
    graded.cells.append(judged)

    pre = SafeFeedback()
    pre.config.CourseDirectory.root = str(tmp_path)
    nb, _ = pre.preprocess(graded, {"nbgrader": {"student": "ann", "assignment": "a1", "notebook": "nb"}})
    text = json.dumps(nb)
    assert "secret" not in text and "Secret" not in text
    assert nb.cells[0].outputs == [] and nb.cells[1].outputs[0].text == "my own plot\n"
    assert nb.cells[2].outputs[0].text.startswith("Failed (an error): 0 of 2 points. Run the visible tests")
    assert nb.cells[3].outputs[0].text == "Passed: 3 of 3 points.\n"
    assert nb.cells[4].outputs[0].text.startswith("Failed (CellTimeoutError): 0 of 1 points. The cell ran longer")
    assert (
        nb.cells[5].outputs[0].text.startswith("Failed: 0 of 2 points: a does not match the reference solution. Hint")
    )


def test_only_builtin_and_course_error_names_are_shown():
    from rnn_course.preprocessors.safe_feedback import safe_error_name

    assert safe_error_name("ValueError") == "ValueError"
    assert safe_error_name("CheckFailure") == "CheckFailure"
    assert safe_error_name("def_rnn_cell_forward_xt_a_prev") == "an error"


# --- the guard (in this process: the same code runs in the grading kernel) ----


def test_guard_sees_a_replaced_comparison(monkeypatch):
    guard.kernel_startup()
    assert guard.guard_report() == []
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    assert any("numpy.allclose" in p for p in guard.guard_report())
    monkeypatch.undo()
    assert guard.guard_report() == []


def test_guard_sees_a_replaced_helper(monkeypatch):
    import check_utils

    guard.kernel_startup()
    monkeypatch.setattr(check_utils, "check_close", lambda *a, **k: None)
    assert any("check_utils.check_close" in p for p in guard.guard_report())


def test_peak_line_round_trip(capsys):
    guard.kernel_startup()
    guard.verify()
    peak = guard.parse_peak(capsys.readouterr().out)
    assert isinstance(peak, int) and peak > 0
    assert guard.parse_peak('noise\n{"other": 1}\n') is None


# --- GuardedExecute (real kernels, isolation off: the sandbox has its own tests) --


def _execute(nb, tmp_path, reference_nb=None, **traits):
    """Run ``nb`` as grading does, judged against the records of ``reference_nb`` (default: ``nb`` itself)."""
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    old = os.environ.copy()
    os.environ.update(env)
    try:
        ref_dir = tmp_path / "reference"
        ref_dir.mkdir(exist_ok=True)
        ref_nb, _ = GuardedExecute(sandbox="off", timeout=60, reference_run=True).preprocess(
            nbformat.from_dict(reference_nb or nb), {"metadata": {"path": str(ref_dir)}}
        )
        expected = {layout.grade_id(c): take_records(c) for c in ref_nb.cells if layout.is_test_cell(c)}
        pre = GuardedExecute(sandbox="off", timeout=60, reference_records=expected, **traits)
        workdir = tmp_path / "work"
        workdir.mkdir(exist_ok=True)
        nb, _ = pre.preprocess(nb, {"metadata": {"path": str(workdir)}})
    finally:
        os.environ.clear()
        os.environ.update(old)
    return nb, json.loads((workdir / INTEGRITY_FILE).read_text()), json.loads((workdir / SANDBOX_FILE).read_text())


def _errors(cell):
    return [o.ename for o in cell.get("outputs", []) if o.output_type == "error"]


def _messages(cell):
    return [o.evalue for o in cell.get("outputs", []) if o.output_type == "error"]


TEST_F = _graded("from check_utils import check_close\ncheck_close('f()', f(), 1)", "test_f")


def test_guarded_execute_passes_an_honest_notebook(tmp_path):
    nb = _notebook(_graded("import numpy as np\ndef f():\n    return 1", "f", solution=True), TEST_F)
    nb, verdict, report = _execute(nb, tmp_path)
    assert verdict["status"] == "ok" and verdict["kernel_peak_rss_kb"] > 0
    assert report == {"isolated": False, "reason": "turned off (RNN_COURSE_SANDBOX=off)"}
    assert len(nb.cells) == 2 and _errors(nb.cells[1]) == []  # the guard cells are gone again
    assert all(o.output_type == "stream" for o in nb.cells[1].outputs)  # no record is left in the notebook


def test_guarded_execute_zeroes_every_test_cell_after_tampering(tmp_path):
    good = _notebook(
        _graded("import numpy as np\ndef f():\n    return 1", "f", solution=True),
        TEST_F,
        _graded("from check_utils import check_close\ncheck_close('one', 1, 1)", "test_other"),
    )
    nb = nbformat.from_dict(good)
    nb.cells[0].source = "import numpy as np\nnp.allclose = lambda *a, **k: True\ndef f():\n    return 0"
    nb, verdict, _ = _execute(nb, tmp_path, reference_nb=good)
    assert verdict["status"] == "tampered" and "numpy.allclose" in verdict["problems"][0]
    assert "IntegrityError" in _errors(nb.cells[1]) and "IntegrityError" in _errors(nb.cells[2])


def _good_and_bad(
    bad_solution,
    test_source="from check_utils import check_close, check_reference\n"
    "check_close('f()', f(), 1)\ncheck_reference('f() again', f())",
):
    good = _notebook(_graded("def f():\n    return 1", "f", solution=True), _graded(test_source, "test_f"))
    bad = nbformat.from_dict(good)
    bad.cells[0].source = bad_solution
    return good, bad


@pytest.mark.parametrize(
    "attack",
    [
        # every later cell's body replaced by `pass` (an IPython AST transformer)
        "import ast\nclass T(ast.NodeTransformer):\n    def visit_Module(self, node):\n"
        "        return ast.Module(body=[ast.Pass()], type_ignores=[])\nget_ipython().ast_transformers.append(T())",
        # every later cell that checks anything turned into `pass` (an input transformer)
        "get_ipython().input_transformers_post.append("
        "lambda lines: ['pass\\n'] if any('check_' in l or 'assert' in l for l in lines) else lines)",
        # every later cell run inside try/except (run_cell replaced)
        "_sh = get_ipython()\n_orig = _sh.run_cell\n"
        "def _wrapped(cell, *a, **k):\n"
        "    body = '\\n'.join('    ' + l for l in cell.splitlines()) or '    pass'\n"
        "    return _orig('try:\\n' + body + '\\nexcept BaseException:\\n    pass', *a, **k)\n"
        "_sh.run_cell = _wrapped",
    ],
    ids=["ast_transformer", "input_transformer", "run_cell_wrapper"],
)
def test_a_test_cell_that_did_not_run_as_written_scores_zero_and_is_flagged(tmp_path, attack):
    good, bad = _good_and_bad(attack + "\ndef f():\n    return 0")
    nb, verdict, _ = _execute(bad, tmp_path, reference_nb=good)
    assert _errors(nb.cells[1]), "the test cell kept its points"
    assert verdict["status"] == "tampered", verdict


def test_a_forged_record_earns_nothing(tmp_path):
    # A wrong f, and a wrapper that, in test cells, publishes the records it guesses the grader
    # wants (the visible expected value, copied from the test's text) instead of running the test.
    forge = (
        "import json, re\nfrom IPython.display import publish_display_data\nfrom check_utils import RECORD_MIME, encode\n"
        "_sh = get_ipython()\n_orig = _sh.run_cell\n"
        "def _forged(cell, *a, **k):\n"
        "    if 'check_' not in cell:\n        return _orig(cell, *a, **k)\n"
        "    for kind, name, value in re.findall(r\"(close|reference)\\('([^']*)', f\\(\\)(?:, (\\d+))?\", cell):\n"
        "        publish_display_data({RECORD_MIME: json.dumps({'kind': kind.replace('reference', 'reference'), "
        "'name': name, 'value': encode(1), 'params': encode({'expected': 1})})})\n"
        "    return _orig('pass', *a, **k)\n"
        "_sh.run_cell = _forged\n"
        "def f():\n    return 0"
    )
    good, bad = _good_and_bad(
        forge,
        "from check_utils import check_close, check_reference\n"
        "check_close('f()', f(), 1)\ncheck_reference('f() squared', f() ** 2 + 41)",
    )
    nb, verdict, _ = _execute(bad, tmp_path, reference_nb=good)
    assert _errors(nb.cells[1]), "the forged records earned the points"
    assert "CheckFailure" in _errors(nb.cells[1]) or verdict["status"] == "tampered"


@pytest.mark.parametrize(
    "harmless",
    [
        "get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)",
        "get_ipython().events.register('post_run_cell', lambda result: None)",
    ],
    ids=["set_custom_exc", "post_run_cell"],
)
def test_exception_handlers_and_hooks_do_not_earn_points(tmp_path, harmless):
    good, bad = _good_and_bad(harmless + "\ndef f():\n    return 0")
    nb, _, _ = _execute(bad, tmp_path, reference_nb=good)
    assert _errors(nb.cells[1])


def test_the_kernel_keeps_no_cell_source_and_flags_frame_walking(tmp_path):
    spy = (
        "import sys, linecache\n"
        "def f():\n"
        "    ns = get_ipython().user_ns\n"
        "    here = [ns['In'][-1:], ns['_ih'][-1:], ns.get('_i'), sys._getframe(1).f_code.co_filename]\n"
        "    here.append(''.join(linecache.getlines(here[-1])))\n"
        "    print('SEEN', here)\n"
        "    return 1"
    )
    hidden = "from check_utils import check_reference\n### BEGIN HIDDEN TESTS\n_secret = 'HIDDEN-LINE'\ncheck_reference('f()', f())\n### END HIDDEN TESTS"
    good = _notebook(_graded("def f():\n    return 1", "f", solution=True), _graded(hidden, "test_f"))
    bad = nbformat.from_dict(good)
    bad.cells[0].source = spy
    nb, verdict, _ = _execute(bad, tmp_path, reference_nb=good)
    printed = "".join(o.get("text", "") for o in nb.cells[1].outputs if o.output_type == "stream")
    assert "SEEN" in printed and "HIDDEN-LINE" not in printed
    assert verdict["status"] == "tampered" and "sys._getframe" in " ".join(verdict["problems"])


def test_sandbox_and_limits_are_validated_traits():
    assert GuardedExecute(sandbox="REQUIRE").sandbox == "require"
    with pytest.raises(Exception, match="auto, require or off"):
        GuardedExecute(sandbox="maybe")
    with pytest.raises(Exception, match="unknown limit"):
        GuardedExecute(limits={"gpu": 1})
    assert "RNN_COURSE_SANDBOX" in GuardedExecute.class_get_trait_help(GuardedExecute.sandbox)


def test_sandbox_hides_the_instructor_package_but_the_guard_and_the_graded_notebook(tmp_path):
    if not sandbox.sandbox_available()[0]:
        pytest.skip("bubblewrap is not available here")
    probe = textwrap.dedent(f"""
        import os, rnn_course.guard
        print(sorted(os.listdir({str(sandbox.PACKAGE_DIR)!r})))
        print(os.path.exists({str(layout.REPO / "source")!r}))
        print(repr(open("graded.ipynb").read()))
    """)
    work, run = tmp_path / "work", tmp_path / "run"
    work.mkdir()
    run.mkdir()
    (work / "graded.ipynb").write_text("### BEGIN HIDDEN TESTS")
    cmd, _ = sandbox.sandbox_command([sys.executable, "-c", probe], work, run, str(layout.REPO))
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:3] == ["['__init__.py', 'guard.py']", "False", "''"]


def test_what_the_submission_leaves_beside_the_notebook_is_removed(tmp_path):
    from rnn_course.preprocessors.guarded_execute import remove_new_files, snapshot, write_private

    (tmp_path / "nb.ipynb").write_text("graded")
    (tmp_path / "data.csv").write_text("1,2")
    (tmp_path / "keep").mkdir()
    before = snapshot(tmp_path)
    (tmp_path / "nb.ipynb").write_text("graded, then rewritten")
    (tmp_path / "stolen.txt").write_text("hidden")
    (tmp_path / "stolen.ipynb").write_text("{}")
    (tmp_path / "data.csv").write_text("changed")
    (tmp_path / "keep" / "inner.txt").write_text("x")
    (tmp_path / "new" / "deeper").mkdir(parents=True)
    (tmp_path / "new" / "deeper" / "f").write_text("x")
    (tmp_path / "link.txt").symlink_to("/etc/hostname")
    removed = remove_new_files(tmp_path, before, "nb.ipynb")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep", "nb.ipynb"]
    assert list((tmp_path / "keep").iterdir()) == []
    assert "stolen.txt" in removed and "link.txt" in removed
    target = tmp_path / "victim"
    target.write_text("untouched")
    (tmp_path / ".course_integrity.json").symlink_to(target)
    write_private(tmp_path / ".course_integrity.json", "{}")
    assert target.read_text() == "untouched" and (tmp_path / ".course_integrity.json").read_text() == "{}"


# --- class grading -----------------------------------------------------------


def test_workers_die_with_their_coordinator():
    """A grading worker outlives no coordinator, even one killed with SIGKILL."""
    child = (
        "import os, time\nfrom rnn_course.grading import _die_with_parent\n_die_with_parent()\n"
        "print(os.getpid(), flush=True)\ntime.sleep(120)"
    )
    parent = (
        "import subprocess, sys, time\n"
        f"p = subprocess.Popen([sys.executable, '-c', {child!r}], stdout=sys.stdout)\n"
        "time.sleep(120)"
    )
    coordinator = subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True)
    worker = int(coordinator.stdout.readline())
    coordinator.send_signal(signal.SIGKILL)
    coordinator.wait()
    for _ in range(50):
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(worker, signal.SIGKILL)
    pytest.fail("the worker survived its coordinator")


def test_score_table_fits_a_terminal():
    assignments = list(layout.ASSIGNMENTS)
    results = [
        grading.Result(f"student-{i:02d}-long-name", a, "graded", score=22.5, max_score=23)
        for i in range(40)
        for a in assignments
    ]
    results[3].problems.append("cell test_x: timed out")
    results[4].status = "not graded"
    table = grading.score_table(results, assignments)
    width = max(len(line) for line in table.splitlines() if not line.startswith("   "))
    assert width <= 80, table
    assert "22.5!" in table and "NG" in table and "01 01_rnn_forward" in table
    assert table.splitlines()[2].split() == ["max"] + ["23"] * 7 + ["161"]
