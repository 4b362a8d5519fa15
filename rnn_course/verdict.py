"""The grade of a test cell, decided in the grader's process, never in the kernel.

Under autograding every check of ``check_utils`` *records* what it was given
(one display output of type ``check_utils.RECORD_MIME`` per check) instead of
only deciding in the kernel, which the submission controls. After the
notebook ran, ``GuardedExecute`` takes those records out of each test cell
and ``judge`` compares them, one by one and in order, with the records the
course's reference solution made in the same test cell on the same seeded
inputs (``rnn_course.reference``). Everything that decides the comparison
comes from the reference's record: the kind of check, its name and hint, the
expected value, shape, keys or tolerance. From the submission's record only
the value is used.

A test cell passes when every reference record has a matching record and
there are no others. A cell that did not run its checks makes no records and
scores 0, whatever the submission did to IPython, the builtins, numpy or the
helpers. A submission that forges records must forge the right *values*,
which needs a correct implementation: visible tests record the whole of what
they quote a slice of (``check_reference``), and hidden tests record values
whose expected counterparts never enter the kernel. A structure test
(``check_calls``) also passes only if the student's own source code calls the
helper (``calls_in_source``).

``judge`` also notices a test cell whose flow was changed (records the test
does not make, a run that went on after a failed check, a cell that stopped
short without an error): such a submission is flagged as tampered.
"""

from __future__ import annotations

import ast
import dataclasses
import json
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from check_utils import RECORD_MIME, CheckFailure, check_close

from .layout import MAGIC_LINE_RE

# Checks that raise in the kernel exactly when the grader's comparison fails:
# a run that records anything after one of these failed was changed.
DECIDED_IN_KERNEL = frozenset({"shape", "close", "keys", "type", "finite", "below", "true"})

# What the student is told when a test stopped early, by the (trusted) name
# of the error the grader itself recorded.
STOPPED = {
    "CellTimeoutError": "the cell ran longer than the time limit and was interrupted",
    "DeadKernelError": "the kernel died (a memory or process limit?) and was restarted",
}


class _Opaque:
    """A recorded value that is neither a number, an array, a string, a sequence nor a mapping."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name}>"


# --- records -----------------------------------------------------------------


def take_records(cell: Any) -> list[dict[str, Any]]:
    """Remove the record outputs from ``cell`` and return them, parsed, in order.

    A record that cannot be parsed is returned as ``{"kind": "malformed"}``.
    """
    records, kept = [], []
    for out in cell.get("outputs", []):
        data = out.get("data", {}) if out.get("output_type") in ("display_data", "execute_result") else {}
        if RECORD_MIME not in data:
            kept.append(out)
            continue
        payload = data[RECORD_MIME]
        try:
            rec = json.loads(payload) if isinstance(payload, str) else dict(payload)
            if not isinstance(rec, dict) or not isinstance(rec.get("kind"), str):
                raise ValueError("not a record")
        except (TypeError, ValueError):
            rec = {"kind": "malformed", "name": ""}
        records.append(rec)
    cell["outputs"] = kept
    return records


def decode(enc: Any) -> Any:
    """The value a record describes (``check_utils.encode`` reversed)."""
    if not isinstance(enc, dict):
        return _Opaque("malformed")
    t = enc.get("t")
    try:
        if t == "none":
            return None
        if t in ("bool", "int", "float", "str"):
            return {"bool": bool, "int": int, "float": float, "str": str}[t](enc["v"])
        if t == "array":
            dtype = {"b": bool, "i": np.int64, "u": np.uint64, "f": np.float64}[enc["dtype"]]
            return np.asarray(enc["v"], dtype=dtype).reshape(enc["shape"])
        if t == "seq":
            items = [decode(v) for v in enc["v"]]
            return tuple(items) if enc.get("type") == "tuple" else items
        if t == "map":
            return {_key(decode(k)): decode(v) for k, v in enc["v"]}
        if t == "other":
            return _Opaque(str(enc.get("type", "object")))
        if t == "toolarge":
            return _Opaque("a value too large to check")
    except (KeyError, TypeError, ValueError):
        pass
    return _Opaque("malformed")


def _key(k: Any) -> Any:
    return k if isinstance(k, (str, int, float, bool, type(None))) else repr(k)


# --- comparisons -------------------------------------------------------------


def _numeric(v: Any) -> np.ndarray | None:
    """``v`` as a float array when it is a number, an array or a (nested) sequence of numbers."""
    if isinstance(v, (bool, int, float, np.ndarray)) or (isinstance(v, (list, tuple)) and _all_numeric(v)):
        try:
            return np.asarray(v, dtype=float)
        except (TypeError, ValueError):
            return None
    return None


def _all_numeric(seq: Iterable[Any]) -> bool:
    return all(
        isinstance(x, (bool, int, float, np.ndarray)) or (isinstance(x, (list, tuple)) and _all_numeric(x)) for x in seq
    )


def same(got: Any, ref: Any, rtol: float, atol: float) -> str | None:
    """None when ``got`` equals ``ref`` within tolerance (by value, structure included), else why not."""
    numeric_ref = isinstance(ref, (bool, int, float, np.ndarray)) or (
        isinstance(ref, (list, tuple)) and isinstance(got, np.ndarray) and _all_numeric(ref)
    )
    if numeric_ref:
        ref_num = _numeric(ref)
        if ref_num is None:
            return "a reference that is not numeric"
        got_num = _numeric(got)
        if got_num is None:
            return f"a number or an array was expected, got {type(got).__name__}"
        if got_num.shape != ref_num.shape:
            return f"shape {got_num.shape}, expected {ref_num.shape}"
        if not np.all(np.isfinite(got_num)):
            return "NaN or infinite values"
        bad = np.abs(got_num - ref_num) > atol + rtol * np.abs(ref_num)
        return f"{int(bad.sum())} of {bad.size} entries differ" if bad.any() else None
    if isinstance(ref, str) or ref is None:
        return None if got == ref and type(got) is type(ref) else "a different value"
    if isinstance(ref, (list, tuple)):
        if not isinstance(got, (list, tuple)):
            return f"a sequence was expected, got {type(got).__name__}"
        if len(got) != len(ref):
            return f"length {len(got)}, expected {len(ref)}"
        for i, (g, r) in enumerate(zip(got, ref)):
            why = same(g, r, rtol, atol)
            if why:
                return f"[{i}]: {why}"
        return None
    if isinstance(ref, dict):
        if not isinstance(got, dict):
            return f"a dict was expected, got {type(got).__name__}"
        if set(got) != set(ref):
            return "different keys"
        for k in ref:
            why = same(got[k], ref[k], rtol, atol)
            if why:
                return f"[{k!r}]: {why}"
        return None
    if isinstance(ref, _Opaque):
        return None if isinstance(got, _Opaque) and got.type_name == ref.type_name else "a different kind of value"
    return "a value that cannot be compared"


def calls_in_source(sources: Sequence[str], outer: str, inner: str) -> bool:
    """True when the last definition of function ``outer`` in ``sources`` calls ``inner`` by name."""
    found = None
    for src in sources:
        try:
            tree = ast.parse(MAGIC_LINE_RE.sub("", src))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == outer:
                found = node
    if found is None:
        return False
    for node in ast.walk(found):
        if isinstance(node, ast.Call):
            f = node.func
            if (isinstance(f, ast.Name) and f.id == inner) or (isinstance(f, ast.Attribute) and f.attr == inner):
                return True
    return False


def evaluate(ref: dict[str, Any], got: dict[str, Any], sources: Sequence[str]) -> str | None:
    """None when the submission's record ``got`` passes the check of the reference record ``ref``,
    else the course's sentence for the student (made from the reference record only)."""
    kind, name = ref["kind"], ref.get("name", "")
    params = decode(ref.get("params", {"t": "map", "v": []}))
    params = params if isinstance(params, dict) else {}
    value = decode(got.get("value"))
    hint = f" Hint: {params['hint']}" if params.get("hint") else ""
    if kind == "shape":
        want = tuple(int(n) for n in params.get("expected", ()))
        if isinstance(value, np.ndarray) and value.shape == want:
            return None
        return f"{name}: a numpy array of shape {want} was expected."
    if kind == "type":
        want = set(params.get("expected", ()))
        if isinstance(value, list) and want & {str(v) for v in value}:
            return None
        return f"{name}: a {' or '.join(sorted(want))} was expected."
    if kind == "keys":
        want = sorted(params.get("expected", ()))
        if isinstance(value, list) and sorted(map(str, value)) == want:
            return None
        return f"{name}: a dict with exactly the keys {', '.join(want)} was expected."
    if kind == "finite":
        arr = _numeric(value)
        if arr is not None and np.all(np.isfinite(arr)):
            return None
        return f"{name}: finite numbers were expected (no NaN or infinity)."
    if kind == "true":
        return None if value is True else str(params.get("message") or f"{name}: the test's condition does not hold.")
    if kind == "below":
        number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        if number is None and isinstance(value, np.ndarray) and value.size == 1:
            number = float(value.reshape(()))
        try:
            if number is not None and float(number) <= float(params.get("bound")):
                return None
        except (TypeError, ValueError):
            pass
        return f"{name}: at most {params.get('bound')} was expected.{hint}"
    if kind == "close":
        try:
            check_close(
                name, value, params.get("expected"), rtol=params.get("rtol", 1e-6), atol=params.get("atol", 1e-8)
            )
            return None
        except CheckFailure:
            return f"{name}: not what was expected.{hint}"
        except Exception:
            return f"{name}: not what was expected."
    if kind == "reference":
        why = same(value, decode(ref.get("value")), float(params.get("rtol", 1e-6)), float(params.get("atol", 1e-8)))
        return None if why is None else f"{name}: not what the reference solution gives on this test's example.{hint}"
    if kind == "gradients":
        want = decode(ref.get("value"))
        tol = float(params.get("tol", 1e-7))
        if not isinstance(want, dict) or not isinstance(value, dict):
            return f"{name}: the gradients should be a dict of arrays."
        wrong = []
        for key, r in want.items():
            g, r = _numeric(value.get(key)), _numeric(r)
            if g is None or r is None or g.shape != r.shape or not np.all(np.isfinite(g)):
                wrong.append(str(key))
            elif np.max(np.abs(g - r), initial=0.0) > tol * np.max(np.abs(r), initial=0.0) + 1e-12:
                wrong.append(str(key))
        if not wrong:
            return None
        return f"the gradient for {', '.join(wrong)} does not match a correct backward pass on this test's example."
    if kind == "calls":
        outer, inner = str(params.get("outer", "")), str(params.get("inner", ""))
        if value is True and calls_in_source(sources, outer, inner):
            return None
        return str(params.get("message") or f"{outer} should call {inner}.")
    return f"the check of {name} could not be made (unknown kind {kind!r})."


# --- a test cell's verdict ---------------------------------------------------


@dataclasses.dataclass
class CellVerdict:
    passed: bool
    message: str = ""  # course text for the student when not passed
    tampered: str = ""  # why the cell's run cannot have been the test as written ("" when it can)


def judge(
    test: str,
    reference: Sequence[dict[str, Any]],
    records: Sequence[dict[str, Any]],
    sources: Sequence[str],
    stopped_by: str | None = None,
) -> CellVerdict:
    """Compare a test cell's records with the reference's.

    ``test`` names the cell (grade id) for messages; ``sources`` are the
    student's answer cells; ``stopped_by`` is the type of the error the cell
    ended with, as the grader saw it (None when it ran to its end).
    """
    for i, ref in enumerate(reference):
        if i >= len(records):
            if stopped_by is None:
                return CellVerdict(
                    False,
                    f"the test stopped before it checked {ref.get('name', '')}.",
                    f"{test} stopped before its check of {ref.get('name', '')} without an error",
                )
            why = STOPPED.get(stopped_by, f"an error ({stopped_by}) was raised")
            return CellVerdict(False, f"the test stopped before it checked {ref.get('name', '')}: {why}.")
        got = records[i]
        if got.get("kind") != ref.get("kind") or got.get("name") != ref.get("name"):
            # (what the submission recorded is never quoted: the flag reaches grades.csv)
            return CellVerdict(
                False,
                "this test did not run as written.",
                f"{test} made a record its test does not make where the test checks {ref.get('name', '')!r}",
            )
        message = evaluate(ref, got, sources)
        if message is not None:
            tampered = ""
            if ref["kind"] in DECIDED_IN_KERNEL and (len(records) > i + 1 or stopped_by is None):
                tampered = f"{test} went on as if its failed check of {ref.get('name', '')} had passed"
            return CellVerdict(False, message, tampered)
    if len(records) > len(reference):
        return CellVerdict(
            False,
            "this test did not run as written.",
            f"{test} made {len(records) - len(reference)} record(s) more than its test makes",
        )
    return CellVerdict(True)
