"""Checks for exercise tests: a wrong answer gets a sentence a trainee understands.

Each function raises :class:`~osintlab.exceptions.CheckFailed` (an ``AssertionError``, so
nbgrader scores the cell as failed) with a message that names the answer, says what is
wrong with it and what to try. Messages are translated into the trainee's language.

A test cell in an exercise reads like this::

    # Check that `suspects` is a list of three names
    from osintlab import check
    suspects = check.answer("suspects")
    check.is_type(suspects, list, name="suspects")
    check.length(suspects, 3, name="suspects")
    check.visible_passed()

Hidden tests (between nbgrader's ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``) go
before ``check.visible_passed()``. While the trainee works, only the visible checks run, so
the message says so: "the visible checks passed; more checks run at grading".

Example:
    >>> from osintlab import check
    >>> check.length(["Bekov", "Iskakova"], 3, name="suspects")
    Traceback (most recent call last):
    ...
    osintlab.exceptions.CheckFailed: The number of items in `suspects` is 2; it should be 3.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import math
import numbers
import os
import re
import sys
from collections.abc import Iterable, Sized
from typing import Any

from ._i18n import N_, _
from .exceptions import CheckFailed

__all__ = [
    "answer",
    "approx",
    "columns",
    "contains",
    "equal",
    "filtered",
    "in_order",
    "is_type",
    "length",
    "not_empty",
    "rows",
    "that",
    "visible_passed",
]

#: Set by ``osintlab grade autograde`` in the graded kernel's environment.
GRADING_ENV = "OSINTLAB_GRADING"

_PLAIN_TYPE_NAMES = {
    "bool": N_("True or False"),
    "int": N_("a whole number (like 42)"),
    "integer": N_("a whole number (like 42)"),
    "int64": N_("a whole number (like 42)"),
    "floating": N_("a number (like 3.5)"),
    "float64": N_("a number (like 3.5)"),
    "float": N_("a number (like 3.5)"),
    "str": N_('text in quotes (like "Almaty")'),
    "list": N_('a list in square brackets (like ["a", "b"])'),
    "tuple": N_("a tuple in round brackets"),
    "dict": N_('a dictionary in curly brackets (like {"name": "Bekov"})'),
    "set": N_("a set in curly brackets"),
    "NoneType": N_("nothing (None)"),
    "DataFrame": N_("a table (a pandas DataFrame)"),
    "Series": N_("one column or one row of a table (a pandas Series)"),
    "method": N_("an action (a method)"),
    "builtin_function_or_method": N_("an action (a method)"),
    "function": N_("an action (a function)"),
}



# Answers left stale by a failed cell. In Jupyter, a cell that stops with an error leaves every
# variable as it was, so a check run after it would judge the value of an earlier, different
# run. In an IPython kernel, ``import osintlab`` registers a ``post_run_cell`` hook: a cell that
# ends with an error marks every name it assigns at its top level; a later cell that runs
# without error and assigns the name clears the mark. ``answer`` refuses a marked name.
_FAILED: set[str] = set()
_LAST: list[bool] = []  # did the last cell that was not a check end with an error?
_WATCHING: list[Any] = []


def failed_names() -> frozenset[str]:
    """The names whose last assigning cell ended with an error.

    Example:
        >>> "suspects" in failed_names()
        False
    """
    return frozenset(_FAILED)


def assigned_names(source: str) -> set[str]:
    """The names a cell's top-level statements assign (``x = ...``, ``for x in``, ``import x``).

    Example:
        >>> sorted(assigned_names("a = 1\\nb, c = 2, 3\\nfor d in []: pass"))
        ['a', 'b', 'c', 'd']
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a cell that cannot even run: the names it starts to assign
        return set(re.findall(r"^(\w+)\s*(?:,\s*\w+\s*)*=(?!=)", source, re.M))
    names: set[str] = set()
    for statement in tree.body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[0])
    return names


def _after_cell(result: Any) -> None:
    source = getattr(getattr(result, "info", None), "raw_cell", "") or ""
    if "check.answer(" in source:  # a check cell reads answers back; it makes none
        return
    names = assigned_names(source)
    failed = result.error_in_exec is not None or result.error_before_exec is not None
    _LAST[:] = [failed]
    if failed:
        _FAILED.update(names)
    else:
        _FAILED.difference_update(names)



def watch_cells() -> None:
    """Start marking failed cells' names in the running IPython kernel (once; else nothing).

    Example:
        >>> watch_cells()
    """
    if _WATCHING or "IPython" not in sys.modules:
        return
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    shell.events.register("post_run_cell", _after_cell)
    if not shell.custom_exceptions:  # nobody else's handler is replaced
        shell.set_custom_exc((KeyError, ValueError), _explain_error)
    _WATCHING.append(shell)
    import pandas

    # the course's tables hold sentences (how a check decided, what a normalisation changed,
    # why two names match): a trainee reads them whole, not cut after 50 characters
    pandas.set_option("display.max_colwidth", 400)


def _explain_error(shell: Any, kind: type, error: BaseException, trace: Any,
                   tb_offset: int | None = None) -> None:
    """Show a trainee's own ``KeyError`` or ``ValueError`` as the trainee's lines, what to do
    and the error's own last line, without the library's frames (a wall of pandas internals).

    An error that has nothing to explain (or an osintlab error, which shows its own message)
    is shown exactly as IPython would show it. The cell still fails as before (nbgrader and
    ``allow_errors`` see the same error); only what is shown changes.
    """
    if hasattr(error, "_render_traceback_"):
        lines = error._render_traceback_()
    else:
        hint = _error_hint(error, trace)
        chained = error.__cause__, error.__suppress_context__
        if hint is not None:  # the trainee's lines only: no library frames, no inner errors
            trace = _own_frames(trace)
            error.__cause__, error.__suppress_context__ = None, True
        try:
            lines = shell.InteractiveTB.structured_traceback(kind, error, trace,
                                                             tb_offset=tb_offset)
        finally:
            error.__cause__, error.__suppress_context__ = chained
        if hint is not None:  # above the error's own line, which stays the last line
            label = _("What to do:")
            lines = [*lines[:-1], f"\x1b[0;32m{label}\x1b[0m {hint}", lines[-1]]
    shell._showtraceback(kind, error, lines)  # what IPython and ipykernel show for any error


def _own_frames(trace: Any) -> Any:
    """The traceback up to the first frame of a library (pandas, Python itself): the cells'
    lines a trainee can act on, without the library's inside."""
    import sysconfig
    import types

    libraries = tuple({sysconfig.get_paths()[name] for name in ("stdlib", "purelib", "platlib")})
    frames = []
    while trace is not None and (not frames or not trace.tb_frame.f_code.co_filename
                                 .startswith(libraries)):
        frames.append(trace)
        trace = trace.tb_next
    shortened = None
    for frame in reversed(frames):
        shortened = types.TracebackType(shortened, frame.tb_frame, frame.tb_lasti,
                                        frame.tb_lineno)
    return shortened


def _error_hint(error: BaseException, trace: Any) -> str | None:
    """What to do about a classic slip with a table, in the course's words; None otherwise.

    Example:
        >>> _error_hint(KeyError("offense"), None).startswith("There is no 'offense' here")
        True
    """
    if isinstance(error, KeyError) and len(error.args) == 1:
        key = error.args[0]
        columns = None
        while trace is not None:  # the table the trainee asked, if pandas was asked
            table = trace.tb_frame.f_locals.get("self")
            if type(table).__name__ == "DataFrame":
                columns = [str(name) for name in table.columns]
            trace = trace.tb_next
        if columns is None:
            return _("There is no {key!r} here: a name in square brackets (a column of a table, "
                     "a key of a record) does not exist. Check the spelling, capital letters "
                     "included.").format(key=key)
        if isinstance(key, str) and ("not in index" in key or key.startswith("None of")):
            said = _("A name in this list of columns is not a column of the table. Its "
                     "columns are: {columns}.").format(columns=", ".join(columns))
            key = ""  # pandas' own sentence, not a name
        else:
            said = _("This table has no column {key!r}. Its columns are: {columns}.").format(
                key=key, columns=", ".join(columns))
        close = difflib.get_close_matches(str(key), columns, n=1) if key else []
        if close:
            said += " " + _("Did you mean {name!r}?").format(name=close[0])
        return said + " " + _("Copy the name exactly as the table shows it, capital letters "
                              "included.")
    if isinstance(error, ValueError) and "truth value of a" in str(error) \
            and "ambiguous" in str(error):
        return _("Two conditions of a table filter are joined with & (and) or | (or), each "
                 "condition in round brackets, never with the words and / or: "
                 "table[(table[\"a\"] == 1) & (table[\"b\"] == 2)]. (Not what the message "
                 "above suggests.)")
    return None


def _plain_type(kind: type) -> str:
    return _(_PLAIN_TYPE_NAMES.get(kind.__name__, kind.__name__))


def _shown(value: Any, limit: int = 60) -> str:
    """A short, safe picture of a value for a message."""
    kind = type(value).__name__
    if kind == "DataFrame":
        return _("a table with {rows} rows and columns {columns}").format(
            rows=len(value), columns=list(value.columns)
        )
    text = " ".join(repr(value).split())  # one line, even for a column of values
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _fail(message: str, name: str | None, hint: str | None = None) -> None:
    __tracebackhide__ = True
    if hint:
        message = " ".join([message, _("Hint:"), hint])
    raise CheckFailed(message, name=name)


def answer(name: str, *, task: str | None = None) -> Any:
    """Return the trainee's variable ``name``, or explain how to create it.

    ``task`` names the earlier task that makes ``name`` (such as "Task 3"), when the check of a
    later task reads it: the message then sends the trainee to that task, not to the cell above.

    Example:
        >>> suspects = ["Bekov"]
        >>> answer("suspects")
        ['Bekov']
    """
    __tracebackhide__ = True
    frame = inspect.currentframe()
    caller = frame.f_back if frame is not None else None
    namespace = caller.f_globals if caller is not None else {}
    if task is not None and (name in failed_names() or name not in namespace):
        _fail(
            _(
                "`{name}` is the answer of {task}, and {task} is not done yet (or its cell ended "
                "with an error). Do {task} first: run its answer cell and its check, then run "
                "this check again."
            ).format(name=name, task=task),
            name,
        )
    if name in failed_names() and name not in namespace:
        _fail(
            _(
                "The cell that makes `{name}` ended with an error, so `{name}` was not made. "
                "Read the last line of its red box, fix that cell, run it again, then run "
                "this check."
            ).format(name=name),
            name,
        )
    if name in failed_names():
        _fail(
            _(
                "The cell that makes `{name}` ended with an error the last time you ran it, "
                "so `{name}` still holds an old value (or none). Read the last line of the red "
                "box above, fix that cell, run it again, then run this check."
            ).format(name=name),
            name,
        )
    if name not in namespace and _LAST == [True]:
        _fail(
            _(
                "The cell above ended with an error, so `{name}` was not made. Read the last "
                "line of its red box, fix the cell, run it again, then run this check."
            ).format(name=name),
            name,
        )
    if name not in namespace:
        _fail(
            _(
                "There is no `{name}` yet. Write your answer in the cell above "
                "(replace `raise NotImplementedError()`), run that cell with Shift+Enter, "
                "then run this check again."
            ).format(name=name),
            name,
        )
    return namespace[name]


def _snapshot_of(value: Any, kinds: tuple[type, ...]) -> bool:
    """Is ``value`` an answer handed out of a graded kernel as a snapshot of one of ``kinds``?"""
    if type(value).__module__ != "osintlab.grading.plain":
        return False
    return value.snapshot_of in {f"{k.__module__}.{k.__qualname__}" for k in kinds}


def is_type(value: Any, kind: type | tuple[type, ...], *, name: str) -> None:
    """Fail unless ``value`` is of ``kind`` (``True`` is not accepted as a number).

    Example:
        >>> is_type(3, int, name="count")
    """
    __tracebackhide__ = True
    kinds = kind if isinstance(kind, tuple) else (kind,)
    bool_sneaking_in = isinstance(value, bool) and bool not in kinds
    if bool_sneaking_in or not (isinstance(value, kinds) or _snapshot_of(value, kinds)):
        expected = _(" or ").join(dict.fromkeys(_plain_type(k) for k in kinds))
        _fail(
            _("`{name}` should be {expected}, but it is {actual}: {shown}.").format(
                name=name, expected=expected, actual=_plain_type(type(value)), shown=_shown(value)
            ),
            name,
            _wrong_type_hint(value, kinds),
        )


def _wrong_type_hint(value: Any, kinds: tuple[type, ...]) -> str | None:
    """The classic reasons for a wrong type, in plain words (``None`` if none fits)."""
    names = {kind.__name__ for kind in kinds}
    if callable(value) and not isinstance(value, type) and hasattr(value, "__self__"):
        return _("it is the name of an action without round brackets: add () after it to "
                 "run it and keep what it gives back.")
    if isinstance(value, str) and "list" in names:
        return _("it is one text: write a list instead, each value in its own quotes inside "
                 "square brackets, like [\"a\", \"b\"].")
    if isinstance(value, str) and not names & {"str"}:
        return _("it is in quotes, so it is text: remove the quotes.")
    if type(value).__name__ == "Series" and str(getattr(value, "dtype", "")) == "bool" \
            and "DataFrame" in names:
        return _("it is a column of True/False values (the condition alone): put the "
                 "condition inside the table's square brackets, like cases[condition].")
    return None


def length(value: Sized, expected: int, *, name: str, what: str = N_("items")) -> None:
    """Fail unless ``value`` has exactly ``expected`` items.

    Example:
        >>> length(["a", "b"], 2, name="names")
    """
    __tracebackhide__ = True
    actual = len(value)
    if actual != expected:
        joined = actual == 1 and isinstance(next(iter(value), None), str) and "," in next(
            iter(value))
        _fail(
            # "the number of": right for any count ("has 1 items" was not)
            _("The number of {what} in `{name}` is {actual}; it should be {expected}.").format(
                name=name, actual=actual, what=_(what), expected=expected
            ),
            name,
            _("the commas are inside one pair of quotes: put each value in its own quotes, "
              "like [\"a\", \"b\"].") if joined else None,
        )


def equal(
    value: Any, expected: Any, *, name: str, hint: str | None = None, reveal: bool = False
) -> None:
    """Fail unless ``value == expected``; hidden tests keep ``reveal=False``.

    Example:
        >>> equal(2 + 2, 4, name="total")
    """
    __tracebackhide__ = True
    if value != expected:
        message = _("`{name}` is {shown}, which is not the right answer yet.").format(
            name=name, shown=_shown(value)
        )
        if reveal:
            message += " " + _("Expected: {expected}.").format(expected=_shown(expected))
        _fail(message, name, hint)


def approx(
    value: float, expected: float, *, name: str, tolerance: float = 1e-6, hint: str | None = None
) -> None:
    """Fail unless ``value`` is within ``tolerance`` of ``expected``.

    Example:
        >>> approx(43.2567, 43.25671, name="latitude", tolerance=0.001)
    """
    __tracebackhide__ = True
    is_type(value, (int, float), name=name)
    if not math.isclose(value, expected, abs_tol=tolerance):
        _fail(
            _("`{name}` is {shown}, which is not close enough to the right value.").format(
                name=name, shown=_shown(value)
            ),
            name,
            hint,
        )


def contains(container: Iterable[Any], item: Any, *, name: str, hint: str | None = None) -> None:
    """Fail unless ``item`` is in ``container``.

    Example:
        >>> contains(["Bekov", "Iskakova"], "Bekov", name="suspects")
    """
    __tracebackhide__ = True
    if item not in container:
        _fail(
            _("`{name}` does not contain {item}.").format(name=name, item=_shown(item)),
            name,
            hint,
        )


def columns(table: Any, required: Iterable[str], *, name: str) -> None:
    """Fail unless the table has every required column; suggest the likely spelling.

    Example:
        >>> import pandas as pd
        >>> columns(pd.DataFrame({"city": []}), ["city"], name="cases")
    """
    __tracebackhide__ = True
    present = [str(c) for c in getattr(table, "columns", [])]
    for column in required:
        if column in present:
            continue
        close = [
            c for c in difflib.get_close_matches(column, present, n=3, cutoff=0.6)
            if c not in required
        ]
        message = _("The table `{name}` has no column '{column}'.").format(
            name=name, column=column
        )
        if close:
            message += " " + _(
                "It has a column '{close}': if you meant '{column}', spell it exactly so "
                "(column names must match letter for letter)."
            ).format(close=close[0], column=column)
        else:
            message += " " + _("Its columns are: {present}.").format(present=", ".join(present))
        _fail(message, name)


def rows(table: Any, expected: int, *, name: str, hint: str | None = None) -> None:
    """Fail unless the table has exactly ``expected`` rows.

    Example:
        >>> import pandas as pd
        >>> rows(pd.DataFrame({"city": ["Almaty"]}), 1, name="cases")
    """
    __tracebackhide__ = True
    actual = len(table)
    if actual != expected:
        direction = _("too many") if actual > expected else _("too few")
        _fail(
            _("The number of rows in the table `{name}` is {actual}: {direction}.").format(
                name=name, actual=actual, direction=direction
            ),
            name,
            hint,
        )


def not_empty(value: Any, *, name: str, hint: str | None = None) -> None:
    """Fail when a table, list or dictionary is empty, or a count is 0.

    An empty result is the classic wrong answer that has the right form: a filter on a value
    spelt differently from the data (``"almaty"`` for ``"Almaty"``) keeps no row at all.

    Example:
        >>> not_empty([], name="suspects")
        Traceback (most recent call last):
        ...
        osintlab.exceptions.CheckFailed: `suspects` is empty: nothing was kept or found. ...
    """
    __tracebackhide__ = True
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        if value == 0:
            _fail(
                _(
                    "`{name}` is 0: nothing was counted. If you filtered first, check that "
                    "the value you compare with is spelt exactly as in the data (capital "
                    "letters too)."
                ).format(name=name),
                name,
                hint,
            )
        return
    if len(value) == 0:
        _fail(
            _(
                "`{name}` is empty: nothing was kept or found. Check that each value you "
                "compare with is spelt exactly as in the data (capital letters too)."
            ).format(name=name),
            name,
            hint,
        )


def filtered(table: Any, source: Any, *, name: str, hint: str | None = None) -> None:
    """Fail when a filtered table has as many rows as the table it was filtered from.

    Example:
        >>> import pandas as pd
        >>> cases = pd.DataFrame({"city": ["Almaty", "Osh"]})
        >>> filtered(cases[cases["city"] == "Osh"], cases, name="osh_cases")
    """
    __tracebackhide__ = True
    not_empty(table, name=name, hint=hint)
    if len(table) >= len(source):
        _fail(
            _(
                "`{name}` has every row of the table it comes from ({rows}): the filter kept "
                "everything. Check the condition in the square brackets."
            ).format(name=name, rows=len(source)),
            name,
            hint,
        )


def in_order(
    table: Any, column: str, *, name: str, descending: bool = False, hint: str | None = None
) -> None:
    """Fail unless the table's ``column`` runs in the order asked (largest first if descending).

    Example:
        >>> import pandas as pd
        >>> in_order(pd.DataFrame({"loss": [9, 5, 1]}), "loss", name="losses", descending=True)
    """
    __tracebackhide__ = True
    columns(table, [column], name=name)
    values = list(table[column])
    if values != sorted(values, reverse=descending):
        _fail(
            _(
                "`{name}` is not in the order asked: its column '{column}' should run from the "
                "largest to the smallest value."
            ).format(name=name, column=column)
            if descending
            else _(
                "`{name}` is not in the order asked: its column '{column}' should run from the "
                "smallest to the largest value."
            ).format(name=name, column=column),
            name,
            hint,
        )


def that(condition: bool, message: str, *, name: str | None = None, **values: Any) -> None:
    """Fail with ``message`` unless ``condition`` holds (for checks not covered above).

    ``message`` is a fixed text, so that it reaches the translation catalogue; what varies goes
    in ``{placeholders}`` filled from ``values`` after translation (never an f-string).

    Example:
        >>> that(1 < 2, "one should be less than two")
        >>> that("E1" == "E0001", "`item` is {found!r}; write an id like 'E0001'.",
        ...      found="E1")
        Traceback (most recent call last):
        ...
        osintlab.exceptions.CheckFailed: `item` is 'E1'; write an id like 'E0001'.
    """
    __tracebackhide__ = True
    if not condition:
        _fail(_(message).format(**values) if values else _(message), name)


def visible_passed() -> None:
    """Say that this cell's checks passed, without claiming more than was checked.

    Example:
        >>> visible_passed()
        ✔ The visible checks passed; more checks run at grading.
    """
    if os.environ.get(GRADING_ENV):
        print("✔ " + _("All checks for this answer passed."))
    else:
        print("✔ " + _("The visible checks passed; more checks run at grading."))
