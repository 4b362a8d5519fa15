"""Helpers of the companion labs in ``notebooks/`` (ungraded, interactive).

Two jobs:

* **Your own implementations.** ``load_assignment("02_lstm_forward")`` finds
  your copy of that assignment's notebook (``02_lstm_forward/02_lstm_forward.ipynb``
  in the lab's folder, the folder above it, ``release/`` beside it, your home,
  or a folder named in ``RNN_COURSE_ASSIGNMENTS``), runs it top to bottom in a
  fresh namespace (quietly, with the short training of grading mode), so your
  answers are checked by the assignment's own visible tests, and returns that
  namespace. So a lab
  needs nothing that students do not receive, and it shows *your* network at
  work. When the notebook is missing, an exercise is not written yet, or a
  visible test fails, the lab stops with ``AssignmentNotFinished``, which
  names the assignment and the exercise to finish first.

* **Controls that redraw a figure.** ``interact(draw, t=Slider(...), ...)``
  shows the controls above a figure drawn by ``draw(t=..., ...)`` and redraws
  it whenever a control changes (ipywidgets + matplotlib's inline backend).
  The controls are described by small spec objects (``Slider``, ``LogSlider``,
  ``Choice``, ``Checkbox``, ``Text``) so that the same lab can also run
  without any widget: with ``RNN_COURSE_LABS_STATIC=1`` in the environment,
  ``interact`` draws the figure once for the default values and then calls
  ``draw`` again at the extremes of every control (figures discarded), which
  is how the test suite executes the labs (see ``tests/test_labs.py``).
"""

import contextlib
import functools
import io
import math
import os
import re
import types
from pathlib import Path

import numpy as np

__all__ = [
    "AssignmentNotFinished",
    "find_assignment",
    "load_assignment",
    "widgets_enabled",
    "Slider",
    "LogSlider",
    "Choice",
    "Checkbox",
    "Text",
    "interact",
    "spectral_radius",
    "random_rnn",
    "random_lstm",
]

STATIC_ENV = "RNN_COURSE_LABS_STATIC"
ASSIGNMENTS_ENV = "RNN_COURSE_ASSIGNMENTS"  # folders holding <id>/<id>.ipynb, os.pathsep-separated
COURSE_ID = "rnn-from-scratch"  # nbgrader's course id (fetched assignments may sit in it)

_MAGIC_LINE = re.compile(r"^[ \t]*[%!].*$\n?", re.MULTILINE)
_STUB = re.compile(r"raise NotImplementedError\(\)")


# ---------------------------------------------------------------------------
# Your own implementations, loaded from your assignment notebooks.
# ---------------------------------------------------------------------------


class AssignmentNotFinished(RuntimeError):
    """A lab needs an assignment that is missing, unfinished or not passing its visible tests."""


def _search_folders():
    cwd = Path.cwd()
    extra = [Path(p).expanduser() for p in os.environ.get(ASSIGNMENTS_ENV, "").split(os.pathsep) if p]
    home = Path.home()
    return extra + [
        cwd,
        cwd.parent,
        cwd.parent / "release",
        cwd / COURSE_ID,
        cwd.parent / COURSE_ID,
        home,
        home / COURSE_ID,
    ]


def find_assignment(assignment):
    """Path of your notebook of ``assignment`` (the first of the places the module doc lists)."""
    tried = []
    for folder in _search_folders():
        path = folder / assignment / f"{assignment}.ipynb"
        if path.is_file():
            return path
        tried.append(str(path.parent))
    raise AssignmentNotFinished(
        f"This lab uses your functions from assignment {assignment}, and no notebook "
        f"{assignment}/{assignment}.ipynb was found (looked in: {', '.join(dict.fromkeys(tried))}). "
        f"Fetch and finish assignment {assignment} first, or set {ASSIGNMENTS_ENV} to the folder "
        "that holds your assignment folders."
    )


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


_LOADING = []  # non-empty while a student's notebook is being loaded
_BARS = {}


def _quiet_bars():
    """tqdm.auto's bar and trange, silent while a notebook loads and ordinary afterwards.

    The loaded notebook binds the names at its import (``from tqdm.auto import
    trange``) and keeps them: its functions, called later by the lab, must show
    their bars then.
    """
    import tqdm.auto

    if not _BARS:
        base = tqdm.auto.tqdm

        class Bar(base):
            def __init__(self, *args, **kwargs):
                if _LOADING:
                    kwargs["disable"] = True
                super().__init__(*args, **kwargs)

        def bar_range(*args, **kwargs):
            return Bar(range(*args), **kwargs)

        _BARS.update(tqdm=Bar, trange=bar_range, original=(base, tqdm.auto.trange))
    return _BARS


@contextlib.contextmanager
def _quietly():
    """No text, figure or progress bar, and the short training of grading mode, while a notebook loads."""
    import matplotlib.pyplot as plt
    import tqdm.auto

    bars = _quiet_bars()
    saved_env, saved_show = os.environ.get("RNN_COURSE_GRADING"), plt.show
    tqdm.auto.tqdm, tqdm.auto.trange = bars["tqdm"], bars["trange"]
    _LOADING.append(True)
    os.environ["RNN_COURSE_GRADING"] = "1"
    plt.show = lambda *args, **kwargs: None
    was_interactive = plt.isinteractive()
    plt.ioff()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        plt.close("all")
        plt.show = saved_show
        _LOADING.pop()
        tqdm.auto.tqdm, tqdm.auto.trange = bars["original"]
        if was_interactive:
            plt.ion()
        if saved_env is None:
            os.environ.pop("RNN_COURSE_GRADING", None)
        else:
            os.environ["RNN_COURSE_GRADING"] = saved_env


@functools.cache
def _load(path, assignment):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    namespace = {"__name__": f"your_{assignment}"}
    where = f"assignment {assignment} ({path})"
    with _quietly():
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            meta = _meta(cell)
            name = meta.get("grade_id") or "a cell"
            is_answer = bool(meta.get("solution"))
            is_test = bool(meta.get("grade")) and not is_answer
            if is_answer and _STUB.search(cell.source):
                raise AssignmentNotFinished(
                    f"This lab uses your {name} from {where}, which is not written yet "
                    f"(the cell still says NotImplementedError). Finish that exercise first."
                )
            try:
                code = compile(_MAGIC_LINE.sub("", cell.source), f"<{assignment}: {name}>", "exec")
                exec(code, namespace)  # noqa: S102  (the student's own notebook)
            except Exception as exc:
                what = "does not pass its visible test" if is_test else "raises an error when it runs"
                raise AssignmentNotFinished(
                    f"This lab uses your functions from {where}: {name} {what} "
                    f"({type(exc).__name__}: {exc}). Fix it there first, then run the lab again."
                ) from None
    return namespace


def load_assignment(assignment):
    """Your implementation of ``assignment`` as a namespace (checked by its visible tests).

    Example::

        mine = load_assignment("01_rnn_forward")
        a, y_pred, caches = mine.rnn_forward(x, a0, parameters)

    Every public name the notebook defines is an attribute (loaded once per kernel).
    """
    namespace = _load(find_assignment(assignment), assignment)
    public = {k: v for k, v in namespace.items() if not k.startswith("_")}
    return types.SimpleNamespace(**public)


# ---------------------------------------------------------------------------
# Controls and the redrawn figure.
# ---------------------------------------------------------------------------


def widgets_enabled():
    """False when RNN_COURSE_LABS_STATIC is set (to anything but 0): no widget is created."""
    return os.environ.get(STATIC_ENV, "") in ("", "0")


_WIDE = {"description_width": "initial"}


class Slider:
    """A linear slider; integer when ``value``, ``min``, ``max`` and ``step`` are all ints."""

    def __init__(self, description, value, min, max, step=None):  # noqa: A002
        self.description = description
        self.value, self.min, self.max = value, min, max
        self.integer = all(isinstance(v, int) for v in (value, min, max, step or 1))
        self.step = step if step is not None else (1 if self.integer else (max - min) / 100)

    def extremes(self):
        return [self.min, self.max]

    def widget(self):
        import ipywidgets as w

        cls = w.IntSlider if self.integer else w.FloatSlider
        extra = {} if self.integer else {"readout_format": ".3g"}
        return cls(
            value=self.value,
            min=self.min,
            max=self.max,
            step=self.step,
            description=self.description,
            continuous_update=False,
            style=_WIDE,
            layout=w.Layout(width="380px"),
            **extra,
        )


class LogSlider(Slider):
    """A slider on a logarithmic scale between ``min`` and ``max`` (both > 0)."""

    def __init__(self, description, value, min, max, steps=80):  # noqa: A002
        super().__init__(description, value, min, max)
        self.integer = False
        self.steps = steps

    def widget(self):
        import ipywidgets as w

        lo, hi = math.log10(self.min), math.log10(self.max)
        return w.FloatLogSlider(
            value=self.value,
            base=10,
            min=lo,
            max=hi,
            step=(hi - lo) / self.steps,
            description=self.description,
            continuous_update=False,
            readout_format=".3g",
            style=_WIDE,
            layout=w.Layout(width="380px"),
        )


class Choice:
    """One of several options: ``options`` is a list of values or of (label, value) pairs.

    ``buttons=True`` shows toggle buttons instead of a drop-down list.
    """

    def __init__(self, description, options, value=None, buttons=False):
        self.description = description
        self.options = [o if isinstance(o, tuple) else (str(o), o) for o in options]
        self.value = self.options[0][1] if value is None else value
        self.buttons = buttons

    def extremes(self):
        return [v for _, v in self.options if v != self.value]

    def widget(self):
        import ipywidgets as w

        cls = w.ToggleButtons if self.buttons else w.Dropdown
        extra = {"style": {"button_width": "auto", **_WIDE}} if self.buttons else {"style": _WIDE}
        return cls(options=self.options, value=self.value, description=self.description, **extra)


class Checkbox:
    """A yes/no switch."""

    def __init__(self, description, value=False):
        self.description, self.value = description, value

    def extremes(self):
        return [not self.value]

    def widget(self):
        import ipywidgets as w

        return w.Checkbox(value=self.value, description=self.description, indent=False)


class Text:
    """A line of text, redrawn when the student presses Enter (or leaves the box).

    ``examples`` are other values a static run also tries.
    """

    def __init__(self, description, value="", examples=()):
        self.description, self.value, self.examples = description, value, list(examples)

    def extremes(self):
        return self.examples

    def widget(self):
        import ipywidgets as w

        return w.Text(value=self.value, description=self.description, continuous_update=False, style=_WIDE)


def interact(draw, *, button=None, **controls):
    """Controls above the output of ``draw(**values)``, redrawn when a control changes.

    Arguments:
    draw -- function of the controls' values (keyword arguments); it draws a
            matplotlib figure and/or prints; it does not need to call plt.show()
    button -- optional label of a button that also redraws (for random draws,
              e.g. "Sample new names"); ``draw`` is then called again with the
              same values
    controls -- name=Slider(...), Choice(...), ... one per argument of ``draw``

    Returns:
    the widget to display (the last expression of the cell), or None when the
    lab runs without widgets (RNN_COURSE_LABS_STATIC=1): then the figure is
    drawn once for the default values, and ``draw`` is called once more for the
    extreme value of each control (output discarded) so that a test run
    exercises the whole range a student can reach.
    """
    import matplotlib.pyplot as plt

    defaults = {name: spec.value for name, spec in controls.items()}
    if not widgets_enabled():
        draw(**defaults)
        plt.show()
        for name, spec in controls.items():
            for value in spec.extremes():
                with contextlib.redirect_stdout(io.StringIO()):
                    draw(**{**defaults, name: value})
                plt.close("all")
        if button:
            with contextlib.redirect_stdout(io.StringIO()):
                draw(**defaults)
            plt.close("all")
        return None

    import ipywidgets as w

    made = {name: spec.widget() for name, spec in controls.items()}
    out = w.Output()

    def redraw(_change=None):
        # Our own redraw rather than ipywidgets.interactive_output: its
        # matplotlib flush does not recognise matplotlib's new name of the
        # inline backend ("inline"), so figures drawn on a change never showed.
        with out:
            out.clear_output(wait=True)
            draw(**{name: widget.value for name, widget in made.items()})
            plt.show()

    for widget in made.values():
        widget.observe(redraw, "value")
    redraw()
    items = list(made.values())
    if button:
        clicker = w.Button(description=button, button_style="primary", layout=w.Layout(width="auto"))
        clicker.on_click(redraw)
        items.append(clicker)
    rows = [w.HBox(items[i : i + 2]) for i in range(0, len(items), 2)]
    panel = w.VBox([*rows, out])
    panel.add_class("rnn-lab-panel")
    panel.controls = made  # for tests and for students who want to script the panel
    panel.redraw = redraw
    panel.output = out
    return panel


# ---------------------------------------------------------------------------
# Random networks with a controlled weight scale.
# ---------------------------------------------------------------------------


def spectral_radius(W):
    """Largest absolute eigenvalue of the square matrix ``W``."""
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def random_rnn(n_x, n_a, n_y, radius=1.0, input_scale=1.0, seed=0):
    """RNN parameters (course layout) whose recurrent matrix has spectral radius ``radius``.

    Waa is a Gaussian matrix rescaled so that its largest |eigenvalue| equals
    ``radius``; Wax and Wya have entries of standard deviation
    ``input_scale / sqrt(n_x)`` and ``1 / sqrt(n_a)``; ba is small, by zero.

    Returns:
    parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)
    """
    rng = np.random.default_rng(seed)
    Waa = rng.standard_normal((n_a, n_a))
    Waa *= radius / spectral_radius(Waa)
    return {
        "Wax": rng.standard_normal((n_a, n_x)) * input_scale / math.sqrt(n_x),
        "Waa": Waa,
        "Wya": rng.standard_normal((n_y, n_a)) / math.sqrt(n_a),
        "ba": rng.standard_normal((n_a, 1)) * 0.1,
        "by": np.zeros((n_y, 1)),
    }


def random_lstm(n_x, n_a, n_y, scale=1.0, forget_bias=1.0, seed=0):
    """LSTM parameters (course layout) with weights of standard deviation ``scale / sqrt(n_a + n_x)``.

    The forget-gate bias starts at ``forget_bias`` (the other biases at 0).

    Returns:
    parameters -- dict with Wf, Wi, Wc, Wo (n_a, n_a + n_x), bf, bi, bc, bo (n_a, 1),
                  Wy (n_y, n_a), by (n_y, 1)
    """
    rng = np.random.default_rng(seed)
    std = scale / math.sqrt(n_a + n_x)
    params = {}
    for gate in "fioc":
        params["W" + gate] = rng.standard_normal((n_a, n_a + n_x)) * std
        params["b" + gate] = np.zeros((n_a, 1))
    params["bf"] += forget_bias
    params["Wy"] = rng.standard_normal((n_y, n_a)) / math.sqrt(n_a)
    params["by"] = np.zeros((n_y, 1))
    return params
