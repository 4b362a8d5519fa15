"""The course in JupyterLab, in a real (headless) browser, as a student uses it.

A JupyterLab server from this environment runs on 127.0.0.1 with a fixed
token, in a temporary HOME and on a temporary copy of the course (so nothing
the browser does, such as an autosave with outputs, can touch the repository).
Debian's Chromium, driven by Playwright's Python package, then:

* opens the release notebook of assignment 1 completed by a student (the
  reference solutions filled into ``release/01_rnn_forward``), runs every
  cell, checks that no cell failed and that the plots rendered, and presses
  nbgrader's *Validate* button (the nbgrader JupyterLab extension), which must
  report success;
* presses *Validate* on the untouched release notebook, which must report the
  failing tests;
* opens the companion lab ``notebooks/lab_01_inside_the_rnn.ipynb``, runs every
  cell, checks that its widgets and plots rendered, moves a slider and checks
  that the figure was redrawn;
* opens the dinosaur lab (``lab_04``), runs it (training shows a progress
  bar), presses its *Sample new names* button and types a name into its text
  box, and checks that both figures were redrawn.

Screenshots go to a fresh folder of pytest's temporary directory (one per
run, so that runs at the same time do not mix), or to the folder named by
RNN_COURSE_SCREENSHOTS (CI can collect it); the test prints the path.

Needs the ``chromium`` package (``apt-get install -y chromium``; Playwright's
own browser downloads are never used). Without it the tests are skipped, and
fail when CI=true. Run them alone with ``python -m pytest -m browser``.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from chromium import CHROMIUM, CHROMIUM_FLAGS, missing, screenshot_folder
from rnn_course import layout, submissions

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = layout.REPO
TOKEN = "rnn-course-browser-test"
ASSIGNMENT = "01_rnn_forward"
LAB = "lab_01_inside_the_rnn.ipynb"
DINO_LAB = "lab_04_sampling_the_dinosaur_model.ipynb"

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook in the current tab
IDLE = re.compile(r"\|\s*Idle$")  # "Python 3 (ipykernel) | Idle"

# JupyterLab user settings of the temporary HOME:
USER_SETTINGS = {
    # the "official Jupyter news?" notification covers the page
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    # render every cell (no virtual scrolling), so every output is in the page
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # the copies are thrown away; saving is left to the Validate button
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


@pytest.fixture(scope="module")
def sync_playwright():
    if not CHROMIUM.exists():
        missing(f"Chromium ({CHROMIUM})", "apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("The playwright Python package", "make install")
    return sync_playwright


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def screenshots(request, workdir):
    folder = Path(os.environ.get("RNN_COURSE_SCREENSHOTS") or workdir / "screenshots")
    return screenshot_folder(request, folder, "browser")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _course_copy(root):
    """A throwaway course folder: the completed and the untouched release of 01, a completed 04, the labs."""
    (root / "release" / ASSIGNMENT).mkdir(parents=True)
    release = REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    layout.write(
        submissions.build(REPO, ASSIGNMENT, "reference"), root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    )
    shutil.copy(release, root / "release" / ASSIGNMENT / "untouched.ipynb")
    # The labs run the student's own notebooks: a finished 04 for the dinosaur lab.
    (root / "release" / "04_dinosaur_island").mkdir(parents=True)
    layout.write(
        submissions.build(REPO, "04_dinosaur_island", "reference"),
        root / "release" / "04_dinosaur_island" / "04_dinosaur_island.ipynb",
    )
    shutil.copytree(REPO / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")


def _home(home):
    settings = home / ".jupyter" / "lab" / "user-settings"
    for name, values in USER_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


def _clean_env(home):
    """This environment without Jupyter's, matplotlib's and the course's settings, with HOME = ``home``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JUPYTER", "XDG_", "IPYTHON", "RNN_COURSE_")) and k not in ("MPLBACKEND", "MPLCONFIGDIR")
    }
    env["HOME"] = str(home)
    return env


def _server_env(home):
    env = _clean_env(home)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


@pytest.fixture(scope="module")
def jupyterlab(workdir):
    """Base URL of a JupyterLab server on a throwaway course copy; stopped afterwards."""
    tmp = workdir
    root, home = tmp / "course", tmp / "home"
    _course_copy(root)
    _home(home)
    port = _free_port()
    jupyter = Path(sys.executable).parent / "jupyter"
    cmd = [
        str(jupyter),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.port_retries=0",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = tmp / "jupyterlab.log"
    log = open(log_path, "w", encoding="utf-8")
    # Its own process group, so that stopping it also stops the kernels it started.
    proc = subprocess.Popen(
        cmd, cwd=root, env=_server_env(home), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                req = urllib.request.Request(f"{base}/api/status", headers={"Authorization": f"token {TOKEN}"})
                with urllib.request.urlopen(req, timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer in 60 s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield {"base": base, "root": root, "log": log_path}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # kernels left behind, if any
        except (ProcessLookupError, PermissionError):
            pass
        log.close()


@pytest.fixture(scope="module")
def browser(sync_playwright, workdir):
    home = workdir / "browser-home"  # Chromium's own HOME (profile, crash reports)
    home.mkdir()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS, env=_clean_env(home))
        yield b
        b.close()


@pytest.fixture
def page(browser, jupyterlab, screenshots, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    failures = request.session.testsfailed
    yield pg
    if request.session.testsfailed > failures:  # this test failed: keep what the page showed
        pg.screenshot(path=str(screenshots / f"FAILED-{request.node.name}.png"))
    context.close()


def _open(page, jupyterlab, path, workspace):
    """Open ``path`` in its own JupyterLab workspace; wait until its kernel is idle."""
    page.goto(f"{jupyterlab['base']}/lab/workspaces/{workspace}/tree/{path}?token={TOKEN}")
    page.locator(f"{NOTEBOOK} .jp-Cell").first.wait_for(timeout=60_000)
    _wait_idle(page)
    page.keyboard.press("Control+b")  # hide the file browser: more room for the notebook


def _wait_idle(page, timeout=60_000):
    """The status bar's kernel item (not the toolbar's circle) reads '... | Idle'."""
    page.locator("#jp-main-statusbar .jp-StatusBar-TextItem", has_text=IDLE).wait_for(timeout=timeout)


def _run_all(page, timeout=120_000):
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator("li[data-command='runmenu:run-all']").click()
    # Every code cell has an execution count ([*] while queued or running) ...
    page.wait_for_function(
        """sel => {
            const prompts = [...document.querySelectorAll(sel + ' .jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        arg=NOTEBOOK,
        timeout=timeout,
    )
    # ... and the kernel is idle again.
    _wait_idle(page)


def _errors(page):
    """Text of every error or stderr output of the current notebook."""
    outputs = page.locator(f"{NOTEBOOK} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    return [outputs.nth(i).inner_text()[:500] for i in range(outputs.count())]


def _rendered_images(locator):
    """How many of the images under ``locator`` were decoded with a non-zero size."""
    return locator.evaluate_all(
        "imgs => imgs.filter(i => i.complete && i.naturalWidth > 50 && i.naturalHeight > 50).length"
    )


def _validate(page):
    page.locator(f"{NOTEBOOK} .jp-Toolbar-item", has_text="Validate").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=90_000)
    dialog.get_by_role("button", name="Ok").wait_for()
    return dialog


def _wait_new_image(page, panel_index, old_src):
    """Wait until the figure of the panel_index-th lab panel differs from ``old_src``."""
    page.wait_for_function(
        """([sel, i, old]) => {
            const panel = document.querySelectorAll(sel)[i];
            const img = panel && panel.querySelector('.widget-output img');
            return img && img.getAttribute('src') !== old && img.complete && img.naturalWidth > 50;
        }""",
        arg=[f"{NOTEBOOK} .rnn-lab-panel", panel_index, old_src],
        timeout=30_000,
    )


def _settle(page):
    """Let every image of the page finish decoding and be painted (before a screenshot).

    Headless Chromium without a GPU repaints only the damaged part of the page:
    while a text box has the focus, its blinking caret can be all that is
    redrawn, and an image inserted meanwhile stays blank in screenshots
    (the tests therefore blur a text box after typing). Scrolling the
    notebook a little repaints the rest.
    """
    page.evaluate("""async () => {
        await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
    }""")
    if page.locator(".jp-Dialog").count() == 0:
        box = page.locator(NOTEBOOK).bounding_box()
        if box:
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.mouse.wheel(0, 40)
            page.wait_for_timeout(150)
            page.mouse.wheel(0, -40)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.wait_for_timeout(250)


def _ink(png_bytes, box=None):
    """Share of dark pixels (luminance < 200 on white) of a PNG, or of ``box`` (l, t, r, b) of it."""
    import io

    import numpy as np
    from PIL import Image

    image = Image.open(io.BytesIO(png_bytes)).convert("RGBA")
    white = Image.new("RGBA", image.size, "white")
    gray = np.asarray(Image.alpha_composite(white, image).convert("L"))
    if box:
        left, top, right, bottom = (int(round(v)) for v in box)
        gray = gray[max(top, 0) : bottom, max(left, 0) : right]
    return float((gray < 200).mean()) if gray.size else 0.0


def _shot(target, page, path, timeout=30.0):
    """Screenshot of the page, or of one element (a region of the page), once its figures are painted.

    On a busy machine headless Chromium can take seconds to paint a new figure
    (its raster threads are starved), and a screenshot taken earlier shows a
    blank or half-drawn image. So for an element the screenshot is retaken
    until every figure in it shows (almost) as much ink as its PNG has.
    """
    import base64

    clip = None
    if target is not page:
        target.scroll_into_view_if_needed()
    _settle(page)
    if target is page:
        page.screenshot(path=str(path))
        return
    box, view = target.bounding_box(), page.viewport_size
    top = max(box["y"], 0)
    clip = {
        "x": max(box["x"], 0),
        "y": top,
        "width": min(box["width"], view["width"]),
        "height": min(box["y"] + box["height"], view["height"]) - top,
    }
    figures = []
    for img in target.locator("img").all():
        src, where = img.get_attribute("src") or "", img.bounding_box()
        if src.startswith("data:image/png;base64,") and where:
            expected = _ink(base64.b64decode(src.split(",", 1)[1]))
            region = (
                where["x"] - clip["x"],
                where["y"] - clip["y"],
                where["x"] - clip["x"] + where["width"],
                where["y"] - clip["y"] + where["height"],
            )
            figures.append((expected, region))
    deadline = time.monotonic() + timeout
    while True:
        shot = page.screenshot(clip=clip)
        if all(_ink(shot, region) >= 0.8 * expected for expected, region in figures):
            break
        if time.monotonic() > deadline:
            print(f"[browser] {Path(path).name}: a figure was still not fully painted after {timeout:.0f} s")
            break
        page.wait_for_timeout(300)
    Path(path).write_bytes(shot)


def _check_panels(page, path):
    """Every interact() call of the lab shows a panel with a rendered figure; returns the panels."""
    source = layout.read(path)
    expected = sum(c.source.count("interact(") for c in source.cells if c.cell_type == "code")
    panels = page.locator(f"{NOTEBOOK} .rnn-lab-panel")
    panels.nth(expected - 1).wait_for()
    assert panels.count() == expected, "the lab should show one widget panel per interact() call"
    for i in range(expected):
        panels.nth(i).locator(".widget-output img").first.wait_for()
        assert _rendered_images(panels.nth(i).locator(".widget-output img")) == 1, f"panel {i}: no figure"
    return panels


def test_release_notebook_runs_and_validates(page, jupyterlab, screenshots):
    _open(page, jupyterlab, f"release/{ASSIGNMENT}/{ASSIGNMENT}.ipynb", "release")
    assert page.locator(f"{NOTEBOOK} .jp-Toolbar-item", has_text="Validate").count() == 1, (
        "nbgrader's JupyterLab extension is missing: no Validate button on the assignment notebook"
    )
    _run_all(page)
    assert not _errors(page), f"cells failed in the browser: {_errors(page)}"
    outputs = page.locator(f"{NOTEBOOK} .jp-OutputArea-output")
    assert outputs.filter(has_text="All visible tests passed.").count() == 2
    images = page.locator(f"{NOTEBOOK} .jp-OutputArea-output img")
    assert _rendered_images(images) >= 2, "the plots of the assignment did not render"
    images.last.scroll_into_view_if_needed()
    _shot(page, page, screenshots / "1-release-run-all.png")

    dialog = _validate(page)
    text = dialog.inner_text()
    _shot(page, page, screenshots / "2-release-validate.png")
    assert "Success! Your notebook passes all the tests." in text, text


def test_validate_reports_failures_on_the_untouched_release(page, jupyterlab, screenshots):
    _open(page, jupyterlab, f"release/{ASSIGNMENT}/untouched.ipynb", "untouched")
    dialog = _validate(page)
    text = dialog.inner_text()
    _shot(page, page, screenshots / "3-untouched-validate.png")
    assert "Success" not in text, text
    assert "NotImplementedError" in text, text


def test_lab_widgets_render_and_respond(page, jupyterlab, screenshots):
    _open(page, jupyterlab, f"notebooks/{LAB}", "lab")
    _run_all(page)
    assert not _errors(page), f"cells failed in the browser: {_errors(page)}"

    panels = _check_panels(page, REPO / "notebooks" / LAB)
    for i in range(panels.count()):
        assert panels.nth(i).locator(".widget-slider").count() >= 1, f"panel {i}: no slider rendered"
    static = page.locator(f"{NOTEBOOK} .jp-OutputArea-output img:not(.widget-output img)")
    assert _rendered_images(static) >= 2, "the static plots of the lab did not render"

    panel = panels.first
    panel.scroll_into_view_if_needed()
    readout = panel.locator(".widget-readout").first
    figure = panel.locator(".widget-output img").first
    before_value, before_src = readout.inner_text(), figure.get_attribute("src")
    _shot(panel, page, screenshots / "4-lab-panel-before.png")

    # Drag the handle to the right, as a student would: one change on release.
    box = panel.locator(".noUi-handle").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 70, y, steps=8)
    page.mouse.up()
    _wait_new_image(page, 0, before_src)
    _wait_idle(page)
    after_value = readout.inner_text()
    _shot(panel, page, screenshots / "5-lab-panel-after.png")
    _shot(page, page, screenshots / "6-lab-page.png")
    assert int(after_value) > int(before_value), (before_value, after_value)
    assert not _errors(page), f"redrawing failed: {_errors(page)}"


def test_dinosaur_lab_samples_on_click_and_scores_a_typed_name(page, jupyterlab, screenshots):
    _open(page, jupyterlab, f"notebooks/{DINO_LAB}", "dinosaurs")
    _run_all(page)
    assert not _errors(page), f"cells failed in the browser: {_errors(page)}"
    progress = page.locator(f"{NOTEBOOK} .widget-hprogress")
    assert progress.count() == 1, "no training progress bar"
    assert page.locator(f"{NOTEBOOK} .widget-html-content", has_text="training: 100%").count() == 1
    panels = _check_panels(page, REPO / "notebooks" / DINO_LAB)
    sampler, scorer = panels.nth(0), panels.nth(1)

    sampler.scroll_into_view_if_needed()
    before = sampler.locator(".widget-output img").first.get_attribute("src")
    sampler.get_by_role("button", name="Sample new names").click()
    _wait_new_image(page, 0, before)
    _wait_idle(page)
    _shot(sampler, page, screenshots / "7-dinosaur-sampled.png")

    scorer.scroll_into_view_if_needed()
    before = scorer.locator(".widget-output img").first.get_attribute("src")
    box = scorer.locator(".widget-text input")
    box.fill("velociraptor")
    box.press("Enter")
    box.evaluate("element => element.blur()")  # see _settle: no caret blinking during the redraw
    _wait_new_image(page, 1, before)
    _wait_idle(page)
    _shot(scorer, page, screenshots / "8-dinosaur-name-probabilities.png")
    assert "'velociraptor': least expected" in scorer.locator(".widget-output").inner_text()
    assert not _errors(page), f"redrawing failed: {_errors(page)}"
