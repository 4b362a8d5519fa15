"""A class on JupyterHub, end to end: release, fetch, submit, collect, autograde, feedback.

``hub/classroom.py up`` brings up a real class on this machine (JupyterHub
with configurable-http-proxy on loopback, Unix accounts with their own homes,
LocalProcessSpawner, nbgrader's filesystem exchange, the course's formgrader
as a JupyterHub service), with fresh account names and free ports; then:

1. the instructor generates and releases assignment 1 (``release_assignment``);
2. student 1 logs in with Debian's Chromium (Playwright), opens nbgrader's
   *Assignments* panel, fetches the assignment, opens the notebook from the
   panel, types the correct solution into its answer cells, saves, validates
   and submits from the panel; student 2 fetches and submits with
   nbgrader's command line as their own Unix user, twice: first a correct
   notebook, then a partly wrong one, which nbgrader must keep; student 3
   submits a notebook that replaces numpy's comparisons (tampering);
3. the instructor collects and autogrades with the course's own class grading
   (sandbox and integrity guard), generates and releases feedback: the
   gradebook holds full marks for student 1, partial credit for student 2,
   0 and an integrity flag for student 3;
4. student 1 fetches the feedback in the browser and sees the score and no
   hidden test; the instructor's browser reaches the course's formgrader;
5. as each student's Unix user: no access to the course directory, the
   gradebook, the checkout, another student's home, or the list of the
   exchange's inbound submissions; nbgrader lists only their own submissions.

Screenshots go to ``hub/`` under RNN_COURSE_SCREENSHOTS (or pytest's temporary
folder); the test prints the path. Everything it created (users, homes,
processes, the exchange, the class folder) is removed afterwards, also when it
fails. Needs root (skipped otherwise, with the reason) and the chromium package
(a failure when CI=true). RNN_HUB_ENV=<folder> reuses a single-user
environment built by an earlier ``up`` instead of building one (a minute).
"""

import concurrent.futures
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest

from chromium import CHROMIUM, CHROMIUM_FLAGS, missing, screenshot_folder
from rnn_course import layout, submissions

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "hub"))
import classroom  # noqa: E402

A = "01_rnn_forward"
COURSE = classroom.COURSE_ID


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        missing(f"Chromium ({CHROMIUM})", "apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def screenshots(request, tmp_path_factory):
    base = os.environ.get("RNN_COURSE_SCREENSHOTS")
    folder = Path(base) / "hub" if base else tmp_path_factory.mktemp("hub") / "screenshots"
    return screenshot_folder(request, folder, "hub")


@pytest.fixture(scope="module")
def klass(request):
    """The demo class, up on fresh accounts and ports; taken down afterwards whatever happens."""
    ok, why = classroom.can_create_users()
    if not ok:
        pytest.skip(f"the class's Unix users cannot be created here: {why}")
    _T0[0] = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="rnn-hub-test-", dir="/tmp"))
    os.chmod(root, 0o755)
    prefix = f"rnnt{secrets.token_hex(2)}-"
    try:
        try:
            s = classroom.up(
                root,
                prefix=prefix,
                students=3,
                port=0,
                homes=root / "homes",
                env=os.environ.get("RNN_HUB_ENV") or None,
                quiet=True,
            )
        except classroom.AccountError as exc:
            pytest.skip(f"the class's Unix users cannot be created here: {exc}")
        step("class up")
        yield s
    finally:
        step("after the flow: the permission checks")
        classroom.down(root, quiet=True)
        shutil.rmtree(root, ignore_errors=True)
        leftover = [
            u for u in (f"{prefix}instructor", f"{prefix}grader", f"{prefix}student1") if classroom.user_exists(u)
        ]
        step("class down")
        capture = request.config.pluginmanager.getplugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print("\n" + "\n".join(STEPS))
        assert not leftover, f"accounts left behind: {leftover}"


# --------------------------------------------------------------------------- helpers

_T0 = [time.monotonic()]
STEPS = []


def step(label):
    """Record how long the step that just ended took (printed when the class is taken down)."""
    now = time.monotonic()
    STEPS.append(f"[hub] {now - _T0[0]:6.1f} s  {label}")
    _T0[0] = now


def as_student(s, user, *cmd, check=True):
    """Run a command as the student's Unix user, in their home, as their JupyterLab would."""
    env = classroom.user_env(s, "student", user)
    return classroom.run_as(user, list(cmd), env, env["HOME"], check=check, timeout=300)


def as_user_python(s, user, code):
    """Run Python ``code`` as ``user``; returns its stdout (JSON printed by the code)."""
    return json.loads(as_student(s, user, f"{s['env']}/bin/python", "-c", code).stdout.strip().splitlines()[-1])


def place_notebook(s, user, nb):
    """Write ``nb`` over the student's fetched notebook, as that student's file."""
    home = Path(classroom.pwd.getpwnam(user).pw_dir)
    path = home / COURSE / A / f"{A}.ipynb"
    assert path.exists(), f"{user} has not fetched {A}: {path} is missing"
    layout.write(nb, path)
    shutil.chown(path, user, user)
    return path


def hidden_test_lines(s):
    """The lines of the assignment's hidden tests that appear nowhere in the release."""
    src = layout.read(Path(s["course_dir"]) / "source" / A / f"{A}.ipynb")
    release = (REPO / "release" / A / f"{A}.ipynb").read_text()
    lines, inside = [], False
    for cell in src.cells:
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) > 12 and json.dumps(line.strip())[1:-1] not in release:
                lines.append(line.strip())
    assert lines, "the assignment has no hidden tests to look for"
    return lines


def login(browser, s, user):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{classroom.url(s)}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", s["passwords"][user])
    page.click("#login_submit")
    page.wait_for_url(re.compile(r".*/lab.*"), timeout=180_000)
    page.locator("#jp-main-dock-panel").wait_for(timeout=180_000)
    return page


def nbgrader_menu(page):
    """The entries of JupyterLab's Nbgrader menu (one per nbgrader plugin that is on)."""
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
    items = page.locator(".lm-Menu-content .lm-Menu-itemLabel").all_inner_texts()
    page.keyboard.press("Escape")
    return sorted(t.strip() for t in items if t.strip())


def type_solutions(page, link, shot):
    """Open the fetched notebook from the Assignments panel, type the reference solution into
    each answer cell as a student would, and save it."""
    answers = layout.reference_solutions(layout.read(REPO / "source" / A / f"{A}.ipynb"))
    release = layout.read(REPO / "release" / A / f"{A}.ipynb")
    where = [(i, answers[layout.grade_id(c)]) for i, c in enumerate(release.cells) if layout.grade_id(c) in answers]
    assert where, "the assignment has no answer cells"
    link.click()
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    cells = notebook.locator(".jp-Notebook .jp-Cell")
    cells.nth(len(release.cells) - 1).wait_for(timeout=120_000)
    assert cells.count() == len(release.cells)
    for i, code in where:
        editor = cells.nth(i).locator(".cm-content")
        assert "YOUR CODE HERE" in editor.inner_text()
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(code)
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty").wait_for(state="detached", timeout=30_000)
    cells.nth(where[0][0]).scroll_into_view_if_needed()
    page.screenshot(path=str(shot))
    page.locator(".lm-TabBar-tab", has_text="Assignments").click()
    return dict(where)


def open_assignments(page):
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
    page.get_by_role("menuitem", name="Assignment List").click()
    page.locator("#assignments").wait_for()


def refresh(page):
    page.locator("#refresh_assignments_list").click()
    page.wait_for_timeout(500)
    page.locator("#submitted_assignments_list_loading").wait_for(state="hidden")


def other_students(s):
    """Students 2 and 3, on nbgrader's command line as their own Unix users (run meanwhile)."""
    student2, student3 = s["students"][1:3]
    nbgrader = f"{s['env']}/bin/nbgrader"

    def student_2():
        # A correct submission, then a partly wrong one: nbgrader must keep the latest.
        as_student(s, student2, nbgrader, "fetch_assignment", A, "--course", COURSE)
        place_notebook(s, student2, submissions.build(REPO, A, "reference"))
        as_student(s, student2, nbgrader, "submit", A, "--course", COURSE)
        time.sleep(1.1)  # a later timestamp
        place_notebook(s, student2, submissions.build(REPO, A, "wrong"))
        as_student(s, student2, nbgrader, "submit", A, "--course", COURSE)

    def student_3():
        # A hostile submission: it makes every comparison of the tests pass.
        as_student(s, student3, nbgrader, "fetch_assignment", A, "--course", COURSE)
        wrong = submissions.build(REPO, A, "wrong")
        for cell in wrong.cells:
            if cell.cell_type == "code" and "def rnn_cell_forward" in cell.source:
                cell.source = (
                    "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
                    "np.testing.assert_allclose = lambda *a, **k: None\n" + cell.source
                )
                break
        place_notebook(s, student3, wrong)
        as_student(s, student3, nbgrader, "submit", A, "--course", COURSE)

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)
    jobs = [pool.submit(student_2), pool.submit(student_3)]
    pool.shutdown(wait=False)
    return jobs


# --------------------------------------------------------------------------- the flow


@pytest.mark.slow
@pytest.mark.hub
@pytest.mark.browser
def test_a_class_on_jupyterhub(klass, chromium, screenshots):
    s = klass
    student1, student2, student3 = s["students"]

    # 1. The instructor releases the assignment.
    out = classroom.release(s, A)
    assert f"Released as: {COURSE} {A}" in out, out
    outbound = Path(s["exchange"]) / COURSE / "outbound" / A / f"{A}.ipynb"
    hidden = hidden_test_lines(s)
    released = outbound.read_text()
    assert "BEGIN SOLUTION" not in released and not [h for h in hidden if h in released]

    step("the instructor released the assignment")
    others = other_students(s)
    # 2. Student 1, in the browser: fetch, (fill in), validate, submit.
    page = login(chromium, s, student1)
    menu = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    open_assignments(page)
    released_row = page.locator("#released_assignments_list .list_item", has_text=A)
    released_row.wait_for()
    page.screenshot(path=str(screenshots / "1-student-assignments-before.png"))
    assert "Nbgrader" in menu
    items = nbgrader_menu(page)
    assert items == ["Assignment List"], f"a student's nbgrader menu should offer the assignments only: {items}"

    released_row.get_by_role("button", name="Fetch").click()
    fetched_row = page.locator("#fetched_assignments_list .list_item", has_text=A).first
    fetched_row.wait_for()
    fetched_row.locator("a", has_text=A).first.click()  # unfold: one row per notebook
    typed = type_solutions(
        page,
        page.locator("#fetched_assignments_list .list_item a", has_text=A).last,
        screenshots / "2-student-typed-the-solution.png",
    )
    saved = layout.read(Path(classroom.pwd.getpwnam(student1).pw_dir) / COURSE / A / f"{A}.ipynb")
    assert [c.source.strip() for i, c in enumerate(saved.cells) if i in typed] == [
        code.strip() for code in typed.values()
    ], "the typed solution is not what was saved"
    validate = page.locator("#fetched_assignments_list button", has_text="Validate").first
    validate.wait_for()
    validate.click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=120_000)
    text = dialog.inner_text()
    page.screenshot(path=str(screenshots / "3-student-validate.png"))
    assert "Success! Your notebook passes all the tests." in text, text
    dialog.get_by_role("button").last.click()
    page.locator("#fetched_assignments_list button", has_text="Submit").first.click()
    submitted_row = page.locator("#submitted_assignments_list .list_item", has_text=A).first
    submitted_row.wait_for(timeout=60_000)
    page.screenshot(path=str(screenshots / "4-student-assignments-after-submit.png"))

    step("student 1 (browser): fetched, validated, submitted")
    for job in others:  # students 2 and 3 worked meanwhile (other_students)
        job.result()
    step("students 2 and 3 (command line): submissions")
    # 3. The instructor collects, autogrades (class grading), releases feedback.
    out = classroom.grade(s, A)
    assert "isolated" in out["grade"] and "WITHOUT ISOLATION" not in out["grade"], out["grade"]
    from nbgrader.api import Gradebook

    course = Path(s["course_dir"])
    with Gradebook("sqlite:///" + str(course / "gradebook.db")) as gb:
        max_score = gb.find_assignment(A).max_score
        scores = {st: gb.find_submission(A, st).score for st in (student1, student2, student3)}
    assert max_score > 0
    assert scores[student1] == max_score, (scores, max_score, out["grade"])
    assert 0 < scores[student2] < max_score, ("the later, partly wrong submission counts", scores)
    assert scores[student3] == 0, scores
    import csv

    rows = {r["student"]: r for r in csv.DictReader(open(course / "grades.csv"))}
    assert rows[student3]["integrity"] == "tampered", rows[student3]
    assert rows[student1]["integrity"] == "ok" and rows[student1]["isolated"] == "True", rows[student1]

    step("the instructor collected, graded, released feedback")
    # 4. Student 1 fetches the feedback in the browser and reads it.
    refresh(page)
    fetch_feedback = submitted_row.get_by_role("button", name="Fetch Feedback")
    fetch_feedback.wait_for()
    fetch_feedback.click()
    page.locator("#submitted_assignments_list a", has_text="view feedback").first.wait_for(timeout=60_000)
    page.screenshot(path=str(screenshots / "5-student-feedback-fetched.png"))
    home1 = Path(classroom.pwd.getpwnam(student1).pw_dir)
    [feedback] = list((home1 / COURSE / A / "feedback").glob(f"*/{A}.html"))
    rel = feedback.relative_to(home1)
    page.goto(f"{classroom.url(s)}/user/{student1}/files/{rel}")
    body = page.locator("body").inner_text()
    page.screenshot(path=str(screenshots / "6-student-feedback.png"), full_page=False)
    assert f"{A} (Score: {max_score:.1f} / {max_score:.1f})" in body, body[:500]
    assert not [h for h in hidden if h in body], "a hidden test line reached the feedback"
    page.context.close()

    step("student 1 (browser): fetched and read the feedback")
    # The instructor: the course list in their own JupyterLab, the course's
    # formgrader (a JupyterHub service) with Create Assignment in its JupyterLab.
    page = login(chromium, s, s["instructor"])
    items = nbgrader_menu(page)
    assert "Course List" in items and "Formgrader" not in items, items
    page.goto(f"{classroom.url(s)}/services/{COURSE}/lab")
    page.locator("#jp-main-dock-panel").wait_for(timeout=180_000)
    assert set(nbgrader_menu(page)) >= {"Formgrader", "Course List"}, nbgrader_menu(page)
    page.goto(f"{classroom.url(s)}/services/{COURSE}/formgrader")
    page.get_by_text(A).first.wait_for(timeout=120_000)
    page.screenshot(path=str(screenshots / "7-instructor-formgrader.png"))
    page.context.close()
    step("the instructor (browser): formgrader")


@pytest.mark.slow
@pytest.mark.hub
def test_students_see_only_their_own(klass):
    """Run after the flow: as each student's Unix user, nothing of the others or the course."""
    s = klass
    student1, student2 = s["students"][:2]
    course = Path(s["course_dir"])
    home1 = Path(classroom.pwd.getpwnam(student1).pw_dir)
    inbound = Path(s["exchange"]) / COURSE / "inbound"
    feedback = Path(s["exchange"]) / COURSE / "feedback"
    targets = {
        "the course directory": course,
        "the gradebook": course / "gradebook.db",
        "the course's source": course / "source" / A / f"{A}.ipynb",
        "the repository's source": REPO / "source" / A / f"{A}.ipynb",
        "another student's home": home1,
        "another student's notebook": home1 / COURSE / A / f"{A}.ipynb",
        "the inbound submissions": inbound,
        "the released feedback": feedback,
    }
    code = (
        "import json, os\nr = {}\nfor k, p in %r.items():\n"
        "    try:\n"
        "        (os.listdir if os.path.isdir(p) else (lambda q: open(q, 'rb').read(1)))(p)\n"
        "        r[k] = 'readable'\n"
        "    except OSError as e:\n"
        "        r[k] = type(e).__name__\n"
        "print(json.dumps(r))"
    ) % {k: str(v) for k, v in targets.items()}
    seen = as_user_python(s, student2, code)
    readable = [k for k, v in seen.items() if v == "readable"]
    assert not readable, f"{student2} can read: {readable} ({seen})"
    # nbgrader lists a student's own submissions only (from the student's own
    # cache: the exchange's inbound folder cannot be listed by students at all).
    nbgrader = f"{s['env']}/bin/nbgrader"
    out = as_student(s, student2, nbgrader, "list", "--inbound", "--course", COURSE).stdout
    assert student1 not in out and student2 not in out, out
    out = as_student(s, student2, nbgrader, "list", "--cached", "--course", COURSE).stdout
    assert out.count(f"{student2} {A}") == 2 and student1 not in out, out
    # Nothing a student received holds a solution or a hidden test.
    hidden = hidden_test_lines(s)
    for student in s["students"]:
        home = Path(classroom.pwd.getpwnam(student).pw_dir)
        for path in home.rglob("*"):
            if path.is_file() and path.suffix in (".ipynb", ".html"):
                text = path.read_text(errors="replace")
                assert not [h for h in hidden if h in text], f"hidden test in {path}"
                assert "BEGIN HIDDEN TESTS" not in text, path
    assert not list(Path(s["env"]).rglob(f"{A}.ipynb")), "a course notebook is in the students' environment"


# --------------------------------------------------------------------------- fast checks (no root)


def test_roles_get_the_nbgrader_extensions_nbgrader_documents(tmp_path):
    """Students: Assignments and Validate only; the grading account: everything."""
    s = {
        "exchange": str(tmp_path / "exchange"),
        "jupyter_config_dir": str(tmp_path / "jupyter"),
        "course_dir": str(tmp_path / "course"),
    }
    classroom.write_jupyter_config(s)
    student = tmp_path / "jupyter" / "student"
    disabled = json.loads((student / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    assert set(disabled) == {
        "@jupyter/nbgrader:formgrader",
        "@jupyter/nbgrader:create-assignment",
        "@jupyter/nbgrader:course-list",
    }
    server = json.loads((student / "jupyter_server_config.json").read_text())
    on = {k for k, v in server["ServerApp"]["jpserver_extensions"].items() if v}
    assert on == {"nbgrader.server_extensions.assignment_list", "nbgrader.server_extensions.validate_assignment"}
    grader = json.loads((tmp_path / "jupyter" / "grader" / "labconfig" / "page_config.json").read_text())
    assert grader["disabledExtensions"] == {}
    config = (student / "nbgrader_config.py").read_text()
    assert f"c.Exchange.root = {s['exchange']!r}" in config and "CourseDirectory.root" not in config
    # The Validate button runs notebooks in the course's grading mode, with its time limits.
    assert "RNN_COURSE_GRADING" in config and "c.Execute.timeout = " in config
    assert "CourseDirectory.root" in (tmp_path / "jupyter" / "grader" / "nbgrader_config.py").read_text()


def test_single_user_environment_is_built_without_test_tools():
    """The students' servers run the locked student environment plus JupyterHub: no tooling, every pin hashed."""
    lock = classroom.HUB_LOCK.read_text()
    names = {
        line.split("==")[0].strip().lower() for line in lock.splitlines() if "==" in line and not line.startswith(" ")
    }
    assert {"jupyterhub", "nbgrader", "jupyterlab", "numpy"} <= names
    assert not names & {"pytest", "playwright", "ruff", "rnn-course"}
    pinned = [line for line in lock.splitlines() if "==" in line and not line.startswith(" ")]
    assert all(line.rstrip().endswith("\\") for line in pinned), "every requirement of the hub is hashed"
