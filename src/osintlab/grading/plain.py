"""Answers as plain values: how a hand-in's answers leave its kernel to be judged elsewhere.

A check that runs inside the trainee's kernel runs beside the trainee's code: a patched
``osintlab.check``, an answer whose ``__eq__`` always says yes, an input transformer, a
replaced ``AssertionError`` all decide the outcome there. So at grading the kernel runs only
the visible part of each test cell (its teaching messages), and then hands the names the
test cell reads out as *data*: JSON text, decoded by the grading worker into plain ``int``,
``float``, ``str``, ``list``, ``dict``, ``set``, ``tuple``, paths, and pandas tables rebuilt
from their records. The whole test cell, hidden part included, then runs on those values in
the worker, where no code of the hand-in ever ran (:func:`judge`). The hidden tests never
enter the kernel at all.

What a lying kernel can still do is report values it computed: that is, answers it earned.
It cannot see the expected values (they are not in its sandbox) nor change how they are
compared. Objects of the course's own classes (a ``Case``) travel as a :class:`Snapshot` of
the attributes and zero-argument methods the checks read (:data:`SNAPSHOTS`); any other
object travels as its type's name and identity (``case.session is web`` still holds).

Example:
    >>> text = dumps({"labels": {"S1": "national_law"}, "count": 3}, ["labels", "count"])
    >>> loads(text)
    {'labels': {'S1': 'national_law'}, 'count': 3}
"""

from __future__ import annotations

import ast
import base64
import builtins
import contextlib
import io
import json
import sys
from pathlib import PurePosixPath
from typing import Any

__all__ = ["SNAPSHOTS", "Snapshot", "dumps", "expression", "judge", "loads", "names_read"]

# The attributes and zero-argument methods of the course's classes that checks may read.
SNAPSHOTS: dict[str, dict[str, list[str]]] = {
    "osintlab.evidence.case.Case": {
        "attrs": ["id", "investigator", "root", "session", "screenshots", "persona", "items"],
        "calls": ["custody", "verify", "holders", "captures", "findings", "head", "entries"],
    },
    # a collection: its addresses, whether it is complete, why it stopped, and its log (one
    # row per request, with the item each page was captured as)
    "osintlab.web.Pages": {"attrs": ["urls", "complete", "stopped", "log"], "calls": []},
}
# Modules a test cell may name without importing them itself (resolved in the worker).
MODULES = ("pandas", "numpy", "re", "difflib", "hashlib", "json", "math", "datetime",
           "collections", "osintlab")
_MAX_DEPTH = 40
_MAX_NODES = 500_000


# -- in the kernel ---------------------------------------------------------------------------
class _Encoder:
    def __init__(self) -> None:
        self.seen: dict[int, int] = {}
        self.nodes = 0

    def __call__(self, value: Any, depth: int = 0) -> Any:
        self.nodes += 1
        if depth > _MAX_DEPTH or self.nodes > _MAX_NODES:
            raise ValueError("answer too deep or too large to grade")
        kind = type(value)
        if value is None or kind in (bool, int, str):
            return value
        if kind is float:
            if value != value or abs(value) == float("inf"):
                return {"__float__": repr(value)}
            return value
        if kind in (list, tuple, set, frozenset):
            items = [self(v, depth + 1) for v in value]
            if kind is list:
                return items
            return {"__tuple__" if kind is tuple else "__set__": items}
        if kind is dict:
            if all(type(k) is str for k in value) and not any(k.startswith("__") for k in value):
                return {k: self(v, depth + 1) for k, v in value.items()}
            pairs = [[self(k, depth + 1), self(v, depth + 1)] for k, v in value.items()]
            return {"__dict__": pairs}
        if kind is bytes:
            return {"__bytes__": base64.b64encode(value).decode()}
        name = f"{kind.__module__}.{kind.__qualname__}"
        if isinstance(value, PurePosixPath):
            return {"__path__": str(PurePosixPath(value))}
        pandas = sys.modules.get("pandas")
        if pandas is not None and isinstance(value, pandas.DataFrame | pandas.Series):
            text = value.to_json(orient="split", date_format="iso", default_handler=str)
            table = json.loads(text)
            return {"__series__" if isinstance(value, pandas.Series) else "__table__": table}
        numpy = sys.modules.get("numpy")
        if numpy is not None and isinstance(value, numpy.generic):
            return self(value.item(), depth + 1)
        if kind.__name__ == "module":
            return {"__module__": value.__name__}
        if id(value) in self.seen:
            return {"__ref__": self.seen[id(value)]}
        self.seen[id(value)] = number = len(self.seen)
        shape = SNAPSHOTS.get(name, {})
        attrs = {a: self._read(lambda a=a: getattr(value, a), depth)
                 for a in shape.get("attrs", [])}
        calls = {c: self._read(lambda c=c: getattr(value, c)(), depth)
                 for c in shape.get("calls", [])}
        return {"__object__": number, "type": name, "attrs": attrs, "calls": calls}

    def _read(self, get: Any, depth: int) -> Any:
        try:
            return {"value": self(get(), depth + 1)}
        except Exception as error:  # what the method raised is part of the answer
            return {"raises": [type(error).__name__, str(error)[:2000]]}


def dumps(namespace: dict[str, Any], names: list[str]) -> str:
    """The named answers of ``namespace`` as JSON text (names not defined are left out).

    Example:
        >>> dumps({"a": (1, 2)}, ["a", "b"])
        '{"a": {"__tuple__": [1, 2]}}'
    """
    encode = _Encoder()
    found = {}
    for name in names:
        if name in namespace:
            try:
                found[name] = encode(namespace[name])
            except Exception:  # an answer that cannot be read is an answer not given
                continue
    return json.dumps(found, ensure_ascii=False)


def expression(names: list[str]) -> str:
    """The code the grading worker asks the kernel to evaluate (a user expression).

    Its value is base64 text, so its printed form is one plain string literal.

    Example:
        >>> "dumps(globals()" in expression(["labels"])
        True
    """
    return ("__import__('base64').b64encode(__import__('osintlab.grading.plain', "
            f"fromlist=['dumps']).dumps(globals(), {names!r}).encode()).decode()")


# -- in the grading worker ---------------------------------------------------------------------
class Snapshot:
    """An object of the trainee's kernel as plain data: the attributes a check may read.

    ``snapshot_of`` names the class it was (``osintlab.check.is_type`` accepts it for that
    class); its methods return what they returned in the kernel, or raise what they raised.

    Example:
        >>> case = Snapshot("osintlab.evidence.case.Case", {"id": {"value": "CASE-1"}},
        ...                 {"verify": {"value": 1}})
        >>> case.id, case.verify()
        ('CASE-1', 1)
    """

    def __init__(self, snapshot_of: str, attrs: dict[str, Any], calls: dict[str, Any]) -> None:
        self.snapshot_of = snapshot_of
        self._attrs = attrs
        self._calls = calls

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._calls:
            return lambda: _answer(self._calls[name])
        if name in self._attrs:
            return _answer(self._attrs[name])
        kind = self.snapshot_of.rsplit(".", 1)[-1]
        raise AttributeError(f"'{kind}' object has no attribute '{name}'")

    def __repr__(self) -> str:
        return f"<{self.snapshot_of.rsplit('.', 1)[-1]} (as handed in)>"


class RaisedInKernel(Exception):
    """What a method raised in the trainee's kernel, raised again where it is read."""


def _answer(read: dict[str, Any]) -> Any:
    if "raises" in read:
        kind, message = read["raises"]
        raise RaisedInKernel(f"{kind}: {message}")
    return read.get("value")


def loads(text: str) -> dict[str, Any]:
    """Decode :func:`dumps`' text into plain values (and tables, paths, snapshots).

    Example:
        >>> loads('{"kept": {"__set__": [1]}}')
        {'kept': {1}}
    """
    objects: dict[int, Any] = {}

    def decode(value: Any) -> Any:
        if isinstance(value, list):
            return [decode(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, inner), = value.items()
            if key == "__tuple__":
                return tuple(decode(v) for v in inner)
            if key == "__set__":
                return {_hashable(decode(v)) for v in inner}
            if key == "__dict__":
                return {_hashable(decode(k)): decode(v) for k, v in inner}
            if key == "__float__":
                return float(str(inner))
            if key == "__bytes__":
                return base64.b64decode(str(inner))
            if key == "__path__":
                return PurePosixPath(str(inner))
            if key == "__ref__":
                return objects.get(inner)
            if key in ("__table__", "__series__"):
                return _table(key, inner)
            if key == "__module__":
                return _module(str(inner))
        if "__object__" in value:
            snapshot = Snapshot(str(value.get("type")), {}, {})
            objects[value["__object__"]] = snapshot
            attrs, calls = value.get("attrs") or {}, value.get("calls") or {}
            snapshot._attrs = {k: _read_back(v, decode) for k, v in attrs.items()}
            snapshot._calls = {k: _read_back(v, decode) for k, v in calls.items()}
            return snapshot
        return {k: decode(v) for k, v in value.items()}

    data = json.loads(text)
    if not isinstance(data, dict):
        return {}
    return {str(k): decode(v) for k, v in data.items()}


def _read_back(read: Any, decode: Any) -> dict[str, Any]:
    if isinstance(read, dict) and "raises" in read:
        return {"raises": [str(x) for x in read["raises"]][:2]}
    return {"value": decode(read.get("value")) if isinstance(read, dict) else None}


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _table(key: str, split: dict[str, Any]) -> Any:
    import pandas as pd

    if key == "__series__":
        return pd.Series(split.get("data"), index=split.get("index"), name=split.get("name"))
    return pd.DataFrame(split.get("data"), index=split.get("index"), columns=split.get("columns"))


def _module(name: str) -> Any:
    import importlib

    if name.split(".")[0] in MODULES:
        return importlib.import_module(name)
    return Snapshot(f"module {name}", {}, {})


def names_read(source: str) -> list[str]:
    """The names a test cell reads from the trainee's namespace.

    Free names (read, never bound in the cell, not built in) and the names given to
    ``check.answer("...")``.

    Example:
        >>> names_read('x = check.answer("case")\\ncheck.that(x.root == work, "m")')
        ['case', 'check', 'work']
    """
    tree = ast.parse(source)
    bound, read, answers = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "answer" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            answers.add(node.args[0].value)
    return sorted((read - bound - set(dir(builtins))) | answers)


def judge(source: str, values: dict[str, Any]) -> dict[str, Any] | None:
    """Run a whole test cell on plain values; the error it ends with as an output, or None.

    What the cell prints is dropped (the trainee saw the visible part run in the kernel).

    Example:
        >>> judge("assert answer == 2", {"answer": 3})["ename"]
        'AssertionError'
    """
    namespace: dict[str, Any] = {"__name__": "__graded__", **values}
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            exec(compile(source, "<check>", "exec"), namespace)
    except Exception as error:
        ename = type(error).__name__
        evalue = str(error)
        return {"output_type": "error", "ename": ename, "evalue": evalue,
                "traceback": [f"\x1b[0;31m{ename}\x1b[0m: {evalue}"]}
    return None
