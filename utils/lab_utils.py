"""Helpers of the companion labs in ``notebooks/`` (ungraded, interactive).

Two jobs:

* **Reference implementations at run time.** ``reference("02_lstm_forward")``
  runs the imports cell and the solution cells of the instructor notebook
  ``source/02_lstm_forward/02_lstm_forward.ipynb`` (solution markers removed)
  in a fresh namespace and returns that namespace. The labs use it, so they
  work before a student has finished an assignment, and the graded solutions
  are never copied anywhere: ``release/`` is untouched, the labs hold calls,
  not code. A lab that needs an assignment whose instructor notebook is
  missing stops with ``ReferenceMissing`` and says which file it looked for.

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
    "REPO",
    "ReferenceMissing",
    "source_notebook",
    "reference",
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

REPO = Path(__file__).resolve().parent.parent
STATIC_ENV = "RNN_COURSE_LABS_STATIC"

_SOLUTION_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*$\n?", re.MULTILINE)
_MAGIC_LINE = re.compile(r"^[ \t]*[%!].*$\n?", re.MULTILINE)


# ---------------------------------------------------------------------------
# Reference implementations, loaded from the instructor notebooks.
# ---------------------------------------------------------------------------

class ReferenceMissing(FileNotFoundError):
    """The instructor notebook a lab needs is not in ``source/``."""


def source_notebook(assignment):
    """Path of the instructor notebook ``source/<assignment>/<assignment>.ipynb``.

    Raises ReferenceMissing (a FileNotFoundError) with the path it looked for.
    """
    path = REPO / "source" / assignment / f"{assignment}.ipynb"
    if not path.is_file():
        raise ReferenceMissing(
            f"This lab runs the reference implementation of assignment {assignment}, "
            f"read from its instructor notebook, and {path} does not exist. "
            "The labs need the course repository with its source/ folder "
            "(the instructor notebooks).")
    return path


def _reference_code(assignment):
    """The code the reference namespace runs: the imports cell, then every solution cell."""
    import nbformat

    with open(source_notebook(assignment), encoding="utf-8") as fh:
        nb = nbformat.read(fh, as_version=4)
    blocks = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") == "imports" or meta.get("solution"):
            source = _SOLUTION_MARKER.sub("", cell.source)
            blocks.append((meta.get("grade_id"), _MAGIC_LINE.sub("", source)))
    if not any(gid != "imports" for gid, _ in blocks):
        raise ReferenceMissing(f"{source_notebook(assignment)} holds no solution cell.")
    return blocks


@functools.lru_cache(maxsize=None)
def _load(assignment):
    namespace = {"__name__": f"reference_{assignment}"}
    for grade_id, code in _reference_code(assignment):
        filename = f"<source/{assignment} cell {grade_id}>"
        # Figures a solution cell might draw are not wanted here.
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, filename, "exec"), namespace)  # noqa: S102  (our own notebook)
    return namespace


def reference(assignment):
    """The reference implementation of ``assignment`` as a namespace.

    Example::

        ref = reference("01_rnn_forward")
        a, y_pred, caches = ref.rnn_forward(x, a0, parameters)

    Every public function and constant defined by the notebook's imports cell
    and solution cells is an attribute (loaded once per kernel, then cached).
    """
    namespace = _load(assignment)
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
        return cls(value=self.value, min=self.min, max=self.max, step=self.step,
                   description=self.description, continuous_update=False, style=_WIDE,
                   layout=w.Layout(width="380px"), **extra)


class LogSlider(Slider):
    """A slider on a logarithmic scale between ``min`` and ``max`` (both > 0)."""

    def __init__(self, description, value, min, max, steps=80):  # noqa: A002
        super().__init__(description, value, min, max)
        self.integer = False
        self.steps = steps

    def widget(self):
        import ipywidgets as w

        lo, hi = math.log10(self.min), math.log10(self.max)
        return w.FloatLogSlider(value=self.value, base=10, min=lo, max=hi,
                                step=(hi - lo) / self.steps, description=self.description,
                                continuous_update=False, readout_format=".3g", style=_WIDE,
                                layout=w.Layout(width="380px"))


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

        return w.Text(value=self.value, description=self.description, continuous_update=False,
                      style=_WIDE)


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
        clicker = w.Button(description=button, button_style="primary",
                           layout=w.Layout(width="auto"))
        clicker.on_click(redraw)
        items.append(clicker)
    rows = [w.HBox(items[i:i + 2]) for i in range(0, len(items), 2)]
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
