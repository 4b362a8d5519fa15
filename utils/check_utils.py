"""Checks shared by the visible and hidden tests of every assignment.

Every check raises ``CheckFailure`` (a subclass of ``AssertionError``) with a
message that says what was expected and what came back, so a failing test
teaches instead of printing a bare ``AssertionError``.

Hidden tests pass ``hidden=True``: the message then describes the mismatch
(which array, how large the difference) without printing the reference
values, so feedback never reveals a hidden expected answer.

Under autograding (``RNN_COURSE_RECORD=1``, set by the course's grader in
its kernels and nowhere else) every check also *records* what it was given:
one display output of type ``RECORD_MIME`` per check. The grader, in its own
process, compares those records with the ones the reference solution
produced on the same seeded inputs; that comparison, not anything the
kernel decides, is the grade (``rnn_course.verdict``). ``check_reference``
exists for that: it records a value that the grader compares with the
reference solution's, so a hidden test needs no expected value and no
reference implementation in the kernel.

The numerical gradient check uses centred differences,
``(f(x + h) - f(x - h)) / 2h``, on float64 inputs, and ``rel_error`` is the
relative error used by CS231n: ``max |a - b| / max(1e-8, |a| + |b|)``.
A correct backward pass typically reaches 1e-9 or better; the course asks
for less than 1e-7.
"""

import builtins as _builtins
import json as _json
import os as _os

import numpy as _np

# References captured at import time: later changes to numpy's namespace
# (``np.allclose = lambda *a, **k: True``) do not change what these checks do.
_asarray = _np.asarray
_abs = _np.abs
_max = _np.max
_maximum = _np.maximum
_isfinite = _np.isfinite
_all = _np.all
_argmax = _np.argmax
_unravel = _np.unravel_index
_zeros_like = _np.zeros_like
_nditer = _np.nditer
_sum = _np.sum
_array2string = _np.array2string
_ndarray = _np.ndarray
_isinstance = _builtins.isinstance
_len = _builtins.len
_float = _builtins.float
_tuple = _builtins.tuple

RECORD_ENV = "RNN_COURSE_RECORD"
RECORD_MIME = "application/vnd.rnn-course.record+json"
MAX_RECORDED_NUMBERS = 2_000_000  # a larger value is recorded as "too large" (and fails)

__all__ = [
    "CheckFailure",
    "check_reference",
    "check_below",
    "check_true",
    "check_type",
    "check_shape",
    "check_keys",
    "check_close",
    "check_finite",
    "check_calls",
    "rel_error",
    "numerical_gradient",
    "check_gradients",
]


class CheckFailure(AssertionError):
    """A test expectation that was not met, with a readable explanation."""


def _type_tuple(expected_type):
    return expected_type if _isinstance(expected_type, _tuple) else (expected_type,)


def _fail(message):
    raise CheckFailure(message)


def _fmt(value):
    arr = _asarray(value)
    if arr.ndim == 0:
        return repr(arr.item()) if arr.dtype.kind in "biuf" else repr(value)
    return _array2string(arr, precision=8, separator=", ", threshold=60)


def recording():
    """True in a kernel started by the course's grader (see the module's docstring)."""
    return _os.environ.get(RECORD_ENV) == "1"


def encode(value, _budget=None):
    """A JSON-able description of ``value``: numbers, arrays, strings, None,
    sequences and mappings of those; anything else by its type's name."""
    budget = _budget if _budget is not None else [MAX_RECORDED_NUMBERS]
    if value is None:
        return {"t": "none"}
    if _isinstance(value, (bool, _np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if _isinstance(value, str):
        return {"t": "str", "v": value[:10_000]}
    if _isinstance(value, (int, float, _np.integer, _np.floating)):
        kind = "int" if _isinstance(value, (int, _np.integer)) else "float"
        return {"t": kind, "v": int(value) if kind == "int" else _float(value)}
    if _isinstance(value, _ndarray):
        if value.dtype.kind not in "biuf":
            return {"t": "other", "type": f"ndarray of {value.dtype}"}
        budget[0] -= value.size
        if budget[0] < 0:
            return {"t": "toolarge"}
        return {"t": "array", "dtype": value.dtype.kind, "shape": list(value.shape), "v": value.ravel().tolist()}
    if _isinstance(value, (list, _tuple)):
        budget[0] -= _len(value)
        if budget[0] < 0:
            return {"t": "toolarge"}
        return {"t": "seq", "type": type(value).__name__, "v": [encode(v, budget) for v in value]}
    if _isinstance(value, dict):
        budget[0] -= _len(value)
        if budget[0] < 0:
            return {"t": "toolarge"}
        return {"t": "map", "v": [[encode(k, budget), encode(v, budget)] for k, v in value.items()]}
    return {"t": "other", "type": type(value).__name__}


def record(kind, name, value, **params):
    """Publish one record of a check (only when ``recording()``)."""
    if not recording():
        return
    try:
        payload = _json.dumps({"kind": kind, "name": name, "value": encode(value), "params": encode(params)})
    except (TypeError, ValueError, RecursionError):
        payload = _json.dumps({"kind": kind, "name": name, "value": {"t": "other", "type": "unencodable"}})
    from IPython.display import publish_display_data

    publish_display_data({RECORD_MIME: payload})


def check_reference(name, value, rtol=1e-6, atol=1e-8, hint=None):
    """Record ``value`` for the grader, who compares it with the reference solution's.

    ``value`` may be a number, an array, a string, or a list, tuple or dict of
    those: the grader compares structure (lengths, keys) and every number with
    ``|value - reference| <= atol + rtol * |reference|``. Outside grading
    it does nothing. Hidden tests use it, so that neither the expected values
    nor a reference implementation ever enter the student's kernel; visible
    tests use it too, on the whole of what they check a slice of.
    """
    record("reference", name, value, rtol=rtol, atol=atol, hint=hint)


def check_below(name, value, bound, hint=None):
    """Fail unless the number ``value`` is at most ``bound`` (a loss after training, say).

    Under grading the grader checks the recorded value against the bound of
    the course's own copy of the test. A bound, unlike a value compared with
    the reference solution's, is easy to forge: tests use it only beside
    ``check_reference`` checks, never alone.
    """
    record("below", name, value, bound=bound, hint=hint)
    try:
        number = _float(value)
    except (TypeError, ValueError):
        _fail(f"{name} should be a number, but it is a {type(value).__name__}.")
    if not (number <= bound):
        _fail(f"{name} is {number:.4g}, expected at most {bound:g}." + (f"\n  hint: {hint}" if hint else ""))


def check_true(name, condition, message):
    """Fail with ``message`` unless ``condition`` holds (a visible test's plain-language check).

    Use it instead of ``assert`` in test cells: under grading the grader
    shows ``message`` as the course wrote it (an assert's message, computed in
    the student's kernel, is never shown). Keep ``message`` free of computed
    values: the grader shows the one the reference solution's run produced.
    A true/false record is easy to forge, so it may only stand beside checks
    of values.
    """
    record("true", name, bool(condition), message=message)
    if not condition:
        _fail(message)


def check_type(name, value, expected_type):
    """Fail unless ``value`` is an instance of ``expected_type``."""
    record(
        "type",
        name,
        [t.__name__ for t in type(value).__mro__],
        expected=[t.__name__ for t in _type_tuple(expected_type)],
    )
    if not _isinstance(value, expected_type):
        want = getattr(expected_type, "__name__", str(expected_type))
        _fail(f"{name} should be a {want}, but it is a {type(value).__name__}.")


def check_shape(name, value, expected_shape):
    """Fail unless ``value`` is a numpy array of shape ``expected_shape``.

    >>> check_shape("a_next", np.zeros((10, 5)), (5, 10))
    Traceback (most recent call last):
    ...
    check_utils.CheckFailure: a_next has shape (10, 5), expected (5, 10).
    """
    record("shape", name, value, expected=list(expected_shape))
    if value is None:
        _fail(
            f"{name} is None, expected an array of shape {expected_shape}. "
            "Did you forget to return it, or leave a `None` placeholder in place?"
        )
    if not _isinstance(value, _ndarray):
        _fail(f"{name} should be a numpy array of shape {expected_shape}, but it is a {type(value).__name__}.")
    if _tuple(value.shape) != _tuple(expected_shape):
        _fail(f"{name} has shape {_tuple(value.shape)}, expected {_tuple(expected_shape)}.")


def check_keys(name, mapping, expected_keys):
    """Fail unless ``mapping`` is a dict holding exactly ``expected_keys``."""
    record(
        "keys",
        name,
        sorted(map(str, mapping)) if _isinstance(mapping, dict) else mapping,
        expected=sorted(map(str, expected_keys)),
    )
    if not _isinstance(mapping, dict):  # (not check_type: one check, one record)
        _fail(f"{name} should be a dict, but it is a {type(mapping).__name__}.")
    got, want = set(mapping), set(expected_keys)
    if got != want:
        parts = []
        if want - got:
            parts.append("missing " + ", ".join(sorted(map(repr, want - got))))
        if got - want:
            parts.append("unexpected " + ", ".join(sorted(map(repr, got - want))))
        _fail(f"{name} has the wrong keys: {'; '.join(parts)}.")


def check_finite(name, value):
    """Fail if ``value`` holds NaN or infinity."""
    record("finite", name, value)
    arr = _asarray(value, dtype=float)
    if not _all(_isfinite(arr)):
        _fail(f"{name} contains NaN or infinite values.")


def check_close(name, actual, expected, rtol=1e-6, atol=1e-8, hidden=False, hint=None):
    """Fail unless ``actual`` equals ``expected`` within tolerance, element-wise.

    The test is ``|actual - expected| <= atol + rtol * |expected|`` on every
    entry, computed here rather than with ``np.allclose`` so that a replaced
    numpy function cannot change the outcome. Under grading the comparison
    is made again by the grader, with the expected value of the course's
    own copy of the test.

    Arguments:
    name -- what the student should look at, e.g. "a_next[4]"
    actual, expected -- numbers or arrays of the same shape
    hidden -- True in hidden tests: the message omits the expected values
    hint -- an optional sentence telling the student where to look
    """
    record("close", name, actual, expected=expected, rtol=rtol, atol=atol, hidden=hidden, hint=hint)
    if actual is None:
        _fail(f"{name} is None. Did you forget to return it, or leave a `None` placeholder in place?")
    try:
        got = _asarray(actual, dtype=float)
    except (TypeError, ValueError):
        _fail(f"{name} should be numeric, but it is a {type(actual).__name__}.")
    want = _asarray(expected, dtype=float)
    if got.shape != want.shape:
        _fail(f"{name} has shape {_tuple(got.shape)}, expected {_tuple(want.shape)}.")
    if not _all(_isfinite(got)):
        _fail(f"{name} contains NaN or infinite values.")
    diff = _abs(got - want)
    bad = diff > atol + rtol * _abs(want)
    if not bad.any():
        return
    worst = _float(_max(diff)) if diff.size else 0.0
    where = ""
    if got.ndim:
        idx = _tuple(int(i) for i in _unravel(_argmax(diff), diff.shape))
        where = f" at index {idx}"
    lines = []
    if hidden:
        lines.append(
            f"{name} does not match the reference solution on a hidden example "
            f"({int(bad.sum())} of {bad.size} entries differ; largest difference "
            f"{worst:.3g}{where})."
        )
    else:
        lines.append(
            f"{name} is not what was expected "
            f"({int(bad.sum())} of {bad.size} entries differ; largest difference "
            f"{worst:.3g}{where})."
        )
        lines.append(f"  expected: {_fmt(want)}")
        lines.append(f"  got:      {_fmt(got)}")
    if hint:
        lines.append(f"  hint: {hint}")
    _fail("\n".join(lines))


def check_calls(outer, inner_name, *args, message=None, **kwargs):
    """Fail unless calling ``outer(*args)`` uses the function named ``inner_name``.

    ``message`` replaces the default explanation given when it does not.

    This is nbgrader's structural trick: the helper is removed from the
    namespace ``outer`` was defined in, so a call to it raises ``NameError``;
    a function that re-implements the helper instead runs to the end. The
    helper is always put back.
    """
    message = (
        message or f"{outer.__name__} should call {inner_name} at every time step instead of repeating its computation."
    )
    failure = _calls_failure(outer, inner_name, args, kwargs, message)
    record(
        "calls",
        f"{outer.__name__} calls {inner_name}",
        failure is None,
        outer=outer.__name__,
        inner=inner_name,
        message=message,
    )
    if failure is not None:
        _fail(failure)


def _calls_failure(outer, inner_name, args, kwargs, message):
    namespace = outer.__globals__
    if inner_name not in namespace:
        return f"{inner_name} is not defined: run the cell that defines it first."
    saved = namespace.pop(inner_name)
    try:
        outer(*args, **kwargs)
    except NameError as exc:
        if inner_name not in str(exc):
            return f"{outer.__name__} raised an unexpected NameError: {exc}"
        return None
    except Exception as exc:
        return (
            f"{outer.__name__} raised {type(exc).__name__}: {exc}. Make it run correctly first (see the tests above)."
        )
    finally:
        namespace[inner_name] = saved
    return message


def rel_error(x, y):
    """Largest relative error between two arrays: max |x - y| / max(1e-8, |x| + |y|)."""
    x = _asarray(x, dtype=float)
    y = _asarray(y, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"rel_error needs arrays of one shape, got {x.shape} and {y.shape}")
    if x.size == 0:
        return 0.0
    return _float(_max(_abs(x - y) / _maximum(1e-8, _abs(x) + _abs(y))))


def numerical_gradient(f, x, h=1e-5):
    """Centred-difference gradient of the scalar function ``f()`` with respect to ``x``.

    ``f`` takes no arguments and reads ``x`` itself; ``x`` (a float64 array) is
    perturbed in place one entry at a time and restored afterwards.

    Arguments:
    f -- function returning a scalar (the loss)
    x -- the float64 array to differentiate with respect to
    h -- step size

    Returns:
    grad -- array of the shape of x with d f / d x
    """
    if not _isinstance(x, _ndarray) or x.dtype != _np.float64:
        raise TypeError("numerical_gradient needs a float64 numpy array (use x.astype(np.float64))")
    grad = _zeros_like(x)
    it = _nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        f_plus = _float(f())
        x[ix] = old - h
        f_minus = _float(f())
        x[ix] = old
        grad[ix] = (f_plus - f_minus) / (2 * h)
        it.iternext()
    return grad


def check_gradients(loss, inputs, analytic, tol=1e-7, h=1e-5, verbose=True, hidden=False):
    """Compare analytic gradients with centred differences, one array at a time.

    Arguments:
    loss -- function of no arguments returning a scalar computed from ``inputs``
    inputs -- dict name -> float64 array that ``loss`` reads (perturbed in place)
    analytic -- dict name -> gradient of ``loss`` with respect to ``inputs[name]``
    tol -- largest relative error accepted
    verbose -- print one line per array with its relative error

    Returns:
    errors -- dict name -> relative error

    Raises CheckFailure naming every array whose error exceeds ``tol``.
    """
    record(
        "gradients",
        "the gradients of " + ", ".join(map(str, inputs)),
        {k: analytic.get(k) for k in inputs} if _isinstance(analytic, dict) else analytic,
        tol=tol,
    )
    errors = {}
    for name, x in inputs.items():
        if name not in analytic or analytic[name] is None:
            _fail(f"no gradient returned for {name}.")
        got = _asarray(analytic[name], dtype=float)
        if got.shape != x.shape:
            _fail(
                f"the gradient for {name} has shape {_tuple(got.shape)}, "
                f"expected {_tuple(x.shape)} (the shape of {name})."
            )
        numeric = numerical_gradient(loss, x, h=h)
        errors[name] = rel_error(got, numeric)
        if verbose:
            status = "ok" if errors[name] < tol else "WRONG"
            print(f"  {name:>8}: relative error {errors[name]:.2e}  {status}")
    wrong = [n for n, e in errors.items() if not e < tol]
    if wrong:
        detail = ", ".join(f"{n} ({errors[n]:.1e})" for n in wrong)
        where = "on a hidden example" if hidden else ""
        _fail(
            f"gradient check failed {where} for {detail}; a correct backward pass "
            f"gives a relative error below {tol:g}.".replace("  ", " ")
        )
    return errors
