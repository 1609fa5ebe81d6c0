"""Split a cell's text into translation units and put translations back in their place.

Markdown is split into headings, list items, table rows, callout titles and paragraphs (lines
run together until a blank line or a new block); fenced code, blank lines and table rulers stay
as they are. Code keeps its code: only comments, the string literals passed to the check
helpers (and to ``_()``) and display text (what ``print`` shows, the notes and questions a case
records: ``DISPLAY_CALLS``, ``DISPLAY_KEYWORDS``) become messages. Rendering the pieces with no
translation gives back the source character for character (the tests rely on that).

Example:
    >>> pieces = split_markdown("## Setup\\n\\n- Read the task.")
    >>> [p.text for p in pieces if isinstance(p, Unit)]
    ['Setup', 'Read the task.']
    >>> render_markdown(pieces, {"Setup": "Подготовка"})
    '## Подготовка\\n\\n- Read the task.'
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from collections.abc import Callable
from dataclasses import dataclass

#: Which piece of a cell a message came from; the translator sees it as a comment.
KIND_NOTES = {
    "heading": "A heading.",
    "item": "One item of a list.",
    "row": "One row of a table: keep the | between the columns.",
    "title": "The title of a callout box (Tip, Legal basis, Ethics, OPSEC...).",
    "html": "Keep the HTML tags; translate only the words between them.",
    "paragraph": "",
    "comment": "A comment in a code cell: a note for the trainee; keep code in `backticks`.",
    "test-header": "The first line of a check cell: says what the check looks at.",
    "feedback": "Feedback the trainee reads when this check fails; keep `names` as they are.",
    "hint": "A hint shown with the check's feedback; keep `names` and code as they are.",
    "display": "Text the trainee sees in the output or in the case file (printed, or a note, "
               "purpose or question recorded in the case); keep {placeholders} exactly.",
}

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6}\s+)(.*)$")
_ITEM = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)(.*)$")
_QUOTE = re.compile(r"^(\s*>\s?)(.*)$")
_RULER = re.compile(r"^\s*\|?[\s:|-]+\|[\s:|-]*$")
_HTML = re.compile(r"^\s*<[^>]+>.*$")
_TITLE = re.compile(r"^\*\*[^*]+\*\*( ⟨EN⟩)?$")
_TAG = re.compile(r"<[^>]+>")
_NOT_TEXT_COMMENT = re.compile(r"^#(##|!| *(noqa|type:|doctest|pragma|fmt:))")

#: The helpers whose string arguments a trainee reads: the module names checks are made with.
CHECK_MODULES = {"check"}
_MESSAGE_KEYWORDS = {"message", "hint", "task"}  # task: "Task 3" in check.answer(..., task=)
#: Display text in code, by where it stands (no marks needed): every text or f-string given to
#: ``print``/``display``, and the text (or list of texts) of these keyword arguments, which
#: the case records and its report prints. Everything else in code is code: column names,
#: addresses, file names, keys, selectors, ids stay as written in every language.
DISPLAY_CALLS = {"print", "display"}
DISPLAY_KEYWORDS = {"note", "purpose", "questions", "summary", "findings", "reason", "title",
                    "connection", "provenance"}


@dataclass
class Unit:
    """One message: its text, how its lines start, and what kind of piece it is."""

    text: str
    kind: str
    first: str = ""  # what the first line starts with ("## ", "- ", "> ")
    rest: str = ""  # what every further line starts with ("  ", "> ")


Piece = Unit | str  # a str is kept exactly as it is (fences, blank lines, rulers)


def _starts_block(line: str) -> bool:
    return bool(
        not line.strip()
        or _FENCE.match(line)
        or _HEADING.match(line)
        or _ITEM.match(line)
        or _QUOTE.match(line)
        or line.lstrip().startswith("|")
        or _HTML.match(line)
        or _TITLE.match(line.strip())
    )


def split_markdown(source: str, prefix: str = "") -> list[Piece]:
    """The pieces of a Markdown text, each line prefixed by ``prefix`` (inside callouts).

    Example:
        >>> [p.kind for p in split_markdown("# T\\n\\nOne.\\nTwo.") if isinstance(p, Unit)]
        ['heading', 'paragraph']
    """
    lines = source.split("\n")
    pieces: list[Piece] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            end = i + 1
            while end < len(lines) and not _FENCE.match(lines[end]):
                end += 1
            pieces.extend(prefix + x for x in lines[i : end + 1])
            i = end + 1
            continue
        if not line.strip() or _RULER.match(line):
            pieces.append(prefix + line)
        elif _QUOTE.match(line):
            end = i
            while end < len(lines) and _QUOTE.match(lines[end]):
                end += 1
            marker = _QUOTE.match(line).group(1)
            inner = [_QUOTE.match(x).group(2) for x in lines[i:end]]
            if all(_QUOTE.match(x).group(1) == marker for x in lines[i:end]):
                pieces.extend(split_markdown("\n".join(inner), prefix + marker))
            else:  # mixed quote markers: keep the lines, translate nothing inside
                pieces.extend(prefix + x for x in lines[i:end])
            i = end
            continue
        elif match := _HEADING.match(line):
            pieces.append(Unit(match.group(2), "heading", prefix + match.group(1), prefix))
        elif line.lstrip().startswith("|"):
            pieces.append(Unit(line, "row", prefix, prefix))
        elif match := _ITEM.match(line):
            end, rest = i + 1, ""
            while end < len(lines) and lines[end].startswith(" ") and not _starts_block(
                lines[end]
            ):
                rest = rest or lines[end][: len(lines[end]) - len(lines[end].lstrip())]
                end += 1
            more = [x[len(rest) :] if x.startswith(rest) else x.lstrip() for x in lines[i + 1 : end]
                    ]
            text = "\n".join([match.group(2), *more])
            pieces.append(Unit(text, "item", prefix + match.group(1), prefix + rest))
            i = end
            continue
        elif _HTML.match(line):
            if _TAG.sub("", line).strip():
                pieces.append(Unit(line, "html", prefix, prefix))
            else:
                pieces.append(prefix + line)
        elif _TITLE.match(line.strip()):
            pieces.append(Unit(line, "title", prefix, prefix))
        else:
            end = i + 1
            while end < len(lines) and not _starts_block(lines[end]):
                end += 1
            pieces.append(Unit("\n".join(lines[i:end]), "paragraph", prefix, prefix))
            i = end
            continue
        i += 1
    return pieces


def render_markdown(pieces: list[Piece], translate: dict[str, str] | Callable[[Unit], str]) -> str:
    """Join the pieces again, each unit's text replaced by its translation (if any).

    Example:
        >>> render_markdown(split_markdown("> **Tip**\\n> Save often."), {"Save often.": "A\\nB"})
        '> **Tip**\\n> A\\n> B'
    """
    lines: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            lines.append(piece)
            continue
        if callable(translate):
            text = translate(piece)
        else:
            text = translate.get(piece.text, piece.text)
        parts = text.split("\n")
        lines.append(piece.first + parts[0])
        lines.extend(piece.rest + part for part in parts[1:])
    return "\n".join(lines)


@dataclass
class CodeUnit:
    """A comment or string literal in code: where it is (characters) and its text."""

    text: str
    kind: str
    line: int  # 1-based
    start: int  # character offsets in the cell's source
    end: int
    quoted: bool  # a string literal (rendered with quotes) rather than a comment
    prefix: str = ""  # "f" for an f-string: its text keeps the {expressions} as written


def _offsets(source: str) -> list[int]:
    starts, total = [0], 0
    for line in source.splitlines(keepends=True):
        total += len(line)
        starts.append(total)
    return starts


def _comments(source: str, starts: list[int]) -> list[CodeUnit]:
    units: list[CodeUnit] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        tokens = []
        for number, line in enumerate(source.split("\n"), 1):  # comment lines still count
            if line.lstrip().startswith("#"):
                col = len(line) - len(line.lstrip())
                tokens.append(
                    tokenize.TokenInfo(tokenize.COMMENT, line.strip(), (number, col), (0, 0), line)
                )
    first_code_line = next(
        (n for n, x in enumerate(source.split("\n"), 1) if x.strip()), 0
    )
    for token in tokens:
        if token.type != tokenize.COMMENT or _NOT_TEXT_COMMENT.match(token.string):
            continue
        body = token.string[1:]
        text = body.strip()
        if not text:
            continue
        row, col = token.start
        begin = starts[row - 1] + col + 1 + (len(body) - len(text))
        kind = "test-header" if row == first_code_line and text.startswith("Check that") else (
            "comment"
        )
        units.append(CodeUnit(text, kind, row, begin, begin + len(text), False))
    return units


def _is_check_call(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "_"
    return isinstance(func, ast.Attribute) and (
        isinstance(func.value, ast.Name) and func.value.id in CHECK_MODULES
    )


def message_arguments(call: ast.Call) -> list[tuple[ast.expr, str]]:
    """The arguments of a check call (or ``_()``) that are messages for the trainee.

    Example:
        >>> call = ast.parse('check.that(ok, "Say why.", hint="Look")').body[0].value
        >>> [role for _value, role in message_arguments(call)]
        ['feedback', 'hint']
    """
    if not _is_check_call(call):
        return []
    chosen: list[tuple[ast.expr, str]] = []
    is_that = isinstance(call.func, ast.Attribute) and call.func.attr == "that"
    if isinstance(call.func, ast.Name) or is_that:
        position = 0 if isinstance(call.func, ast.Name) else 1
        if len(call.args) > position:
            chosen.append((call.args[position], "feedback"))
    chosen += [(k.value, k.arg) for k in call.keywords if k.arg in _MESSAGE_KEYWORDS]
    return chosen


def display_arguments(call: ast.Call) -> list[ast.expr]:
    """The arguments of a call that are text shown to people (see ``DISPLAY_CALLS``).

    Example:
        >>> call = ast.parse('case.transfer("E0002", questions=["Edited?"], to="Expert")')
        >>> [ast.literal_eval(v) for v in display_arguments(call.body[0].value)]
        ['Edited?']
    """
    func = call.func
    name = func.id if isinstance(func, ast.Name) else None
    values: list[ast.expr] = list(call.args) if name in DISPLAY_CALLS else []
    for keyword in call.keywords:
        if keyword.arg in DISPLAY_KEYWORDS:
            value = keyword.value
            values.extend(value.elts if isinstance(value, ast.List | ast.Tuple) else [value])
    return values


def _display_unit(source: str, value: ast.expr, char: Callable[[int, int], int]
                  ) -> CodeUnit | None:
    """A text or simple f-string argument as a message (``None`` for anything else)."""
    start = char(value.lineno, value.col_offset)
    end = char(value.end_lineno or value.lineno, value.end_col_offset or 0)
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        if not value.value.strip() or not re.search(r"[^\W\d_]{2}", value.value):
            return None  # punctuation or a number: nothing to translate
        return CodeUnit(value.value, "display", value.lineno, start, end, True)
    if isinstance(value, ast.JoinedStr):
        written = source[start:end]
        match = re.fullmatch(r"[fF](\"|')(.*)\1", written, re.S)
        if not match or "\\" in match.group(2) or not re.search(
            r"[^\W\d_]{2}", re.sub(r"\{[^}]*\}", "", match.group(2))
        ):
            return None
        inner = match.group(2)
        if any("'" in part or '"' in part for part in re.findall(r"\{([^}]*)\}", inner)):
            return None  # quotes inside an expression cannot be re-quoted safely
        return CodeUnit(inner, "display", value.lineno, start, end, True, prefix="f")
    return None


def _literals(source: str, starts: list[int]) -> list[CodeUnit]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    lines = source.splitlines(keepends=True)

    def char(row: int, byte_col: int) -> int:
        return starts[row - 1] + len(lines[row - 1].encode("utf-8")[:byte_col].decode("utf-8"))

    units: list[CodeUnit] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for value in display_arguments(node):
            unit = _display_unit(source, value, char)
            if unit is not None:
                units.append(unit)
        if not _is_check_call(node):
            continue
        for value, role in message_arguments(node):
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value:
                kind = "hint" if role == "hint" else "feedback"
                units.append(
                    CodeUnit(
                        value.value,
                        kind,
                        value.lineno,
                        char(value.lineno, value.col_offset),
                        char(value.end_lineno or value.lineno, value.end_col_offset or 0),
                        True,
                    )
                )
    return units


def split_code(source: str) -> list[CodeUnit]:
    """The comments and check-message literals of a code cell, in the order they appear.

    Example:
        >>> [u.text for u in split_code('# Load it\\ncheck.that(x, "Say why.", name="x")')]
        ['Load it', 'Say why.']
    """
    starts = _offsets(source)
    units = _comments(source, starts) + _literals(source, starts)
    return sorted(units, key=lambda u: u.start)


def render_code(source: str, units: list[CodeUnit], translate: Callable[[CodeUnit], str]) -> str:
    """The code with each unit's text replaced; everything else stays byte for byte.

    Example:
        >>> code = "x = 1  # one"
        >>> render_code(code, split_code(code), lambda u: "один")
        'x = 1  # один'
    """
    out = source
    for unit in sorted(units, key=lambda u: u.start, reverse=True):
        text = translate(unit)
        if unit.quoted:
            # a JSON string is a Python literal (and an f-string's literal part)
            text = unit.prefix + json.dumps(text, ensure_ascii=False)
        else:
            text = text.replace("\n", " ")  # a comment stays on its line
        out = out[: unit.start] + text + out[unit.end :]
    return out
