"""nbgrader's Execute step, run behind the boundary and with an output cap.

The grading worker names :class:`BoundedExecute` in place of nbgrader's own ``Execute``.
It changes three things and nothing else about how a notebook is run and scored:

* the kernel works in a private copy of the hand-in inside the worker's sandbox
  (``osintlab.grading.boundary``), never in the folder nbgrader writes the graded notebook
  to, so a hand-in cannot plant a link that makes the grading process write elsewhere;
* when the last cell has run, every process the hand-in left is killed and its folders are
  wiped before anything else happens (before nbgrader writes, before the next trainee);
* a test cell is judged where the hand-in cannot reach: the kernel runs only the cell's
  visible part (for its teaching messages), hands the names the cell reads out as plain
  data (``osintlab.grading.plain``), and the whole cell, hidden part included, runs on
  those values in this worker; only that run's error decides the cell's points;
* what a hand-in prints is capped (``limits: output_kb``): past the cap, text and pictures
  are dropped with one line saying so; errors are always kept (cut short), because an error
  in a test cell is what costs the points.

What happened is kept in :data:`NOTES` for the worker to report in the cohort's summary.

Example (what the worker puts in nbgrader's configuration)::

    Autograde.autograde_preprocessors = [BoundedExecute, IgnorePattern, ...]
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from nbclient.util import run_sync
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute

from .._i18n import _
from ..curriculum.cells import HIDDEN_TESTS, is_test, tag_lines
from . import plain
from .boundary import Sandbox

__all__ = ["NOTES", "SANDBOX", "BoundedExecute", "begin_job", "visible_part"]

SANDBOX: Sandbox | None = None  # the worker's sandbox, set once it is running
OUTPUT_CAP = 1024 * 1024  # bytes of output one hand-in may produce (the worker sets it)
NOTES: list[str] = []  # what this hand-in ran into, for the summary line
_KEPT_TRACEBACK = 20  # lines of an error kept once the output cap is reached


def begin_job(sandbox: Sandbox | None, output_kb: int) -> None:
    """Set the sandbox and output cap for the next hand-in and forget the last one's notes.

    Example:
        >>> begin_job(None, 1024); NOTES
        []
    """
    global SANDBOX, OUTPUT_CAP
    SANDBOX, OUTPUT_CAP = sandbox, output_kb * 1024
    NOTES.clear()


def visible_part(source: str) -> str:
    r"""A test cell without its hidden tests: what the trainee's kernel may run.

    Example:
        >>> visible_part("a\n### BEGIN HIDDEN TESTS\nb\n### END HIDDEN TESTS\nc")
        'a\nc'
    """
    return "\n".join(line for line, state in tag_lines(source, HIDDEN_TESTS) if state == "outside")


def _note(text: str) -> None:
    if text not in NOTES:
        NOTES.append(text)


class BoundedExecute(Execute):
    """nbgrader's Execute, with the kernel in the sandbox and its output capped."""

    def preprocess(self, nb, resources=None, km=None):  # type: ignore[override]
        self._output_bytes = 0
        self._capped = False
        if SANDBOX is None:
            return super().preprocess(nb, resources, km)
        resources = dict(resources or {})
        metadata = dict(resources.get("metadata") or {})
        graded_in = metadata.get("path")
        if graded_in:
            metadata["path"] = str(SANDBOX.hand_over(Path(graded_in)))
            resources["metadata"] = metadata
        try:
            nb, resources = super().preprocess(nb, resources, km)
        finally:
            self._end_of_hand_in()
        if graded_in:
            resources["metadata"] = {**resources.get("metadata", {}), "path": graded_in}
        return nb, resources

    async def async_execute_cell(self, cell, cell_index, execution_count=None,  # type: ignore[override]
                                 store_history=True):
        if cell.cell_type != "code" or not is_test(cell):
            return await super().async_execute_cell(cell, cell_index, execution_count,
                                                    store_history)
        whole = cell.source
        cell.source = visible_part(whole)  # the hidden tests never enter the kernel
        try:
            cell = await super().async_execute_cell(cell, cell_index, execution_count,
                                                    store_history)
        finally:
            cell.source = whole
        values = await self._plain_values(plain.names_read(whole), cell)
        error = plain.judge(whole, values)
        # The kernel's own errors in a test cell decide nothing (it could hide or fake them).
        kept = [o for o in cell.outputs if o.get("output_type") != "error"]
        if error is not None:
            kept.append(new_output("error", ename=error["ename"], evalue=error["evalue"],
                                   traceback=error["traceback"]))
        cell.outputs = kept
        return cell

    execute_cell = run_sync(async_execute_cell)  # the base class binds its own otherwise

    async def _plain_values(self, names: list[str], cell) -> dict[str, Any]:
        """Ask the kernel for the named answers as plain data; nothing if it will not say."""
        import ast
        import base64

        if self.kc is None:
            return {}
        try:
            msg_id = self.kc.execute("", silent=True, store_history=False,
                                     user_expressions={"plain": plain.expression(names)})
            reply = await self.async_wait_for_reply(msg_id, cell)
            found = (reply or {}).get("content", {}).get("user_expressions", {}).get("plain", {})
            if found.get("status") != "ok":
                return {}
            text = ast.literal_eval(found["data"]["text/plain"])
            return plain.loads(base64.b64decode(str(text), validate=True).decode("utf-8"))
        except Exception:  # whatever the kernel sent, it is only an answer not given
            return {}

    def _end_of_hand_in(self) -> None:
        assert SANDBOX is not None
        try:
            free = os.statvfs(SANDBOX.live)
            if free.f_bavail * free.f_frsize < 1024 * 1024:
                _note(
                    _("filled its disk cap of {mb} MB (files written by the notebook)").format(
                        mb=SANDBOX.limits.disk_mb
                    )
                )
        except OSError:
            pass
        left = SANDBOX.reset()
        if SANDBOX.restarted:
            _note(_("stopped its own grading sandbox (a fresh one grades the next hand-ins)"))
        if left > 0:
            _note(
                _("left {count} process(es) running after its last cell; they were stopped")
                .format(count=left)
            )

    def output(self, outs, msg, display_id, cell_index):  # type: ignore[override]
        content: dict[str, Any] = msg.get("content", {})
        if msg.get("msg_type") == "error":
            if self._capped:
                content["traceback"] = list(content.get("traceback", []))[-_KEPT_TRACEBACK:]
                content["evalue"] = str(content.get("evalue", ""))[:2000]
            return super().output(outs, msg, display_id, cell_index)
        self._output_bytes += len(json.dumps(content, default=str))
        if self._output_bytes <= OUTPUT_CAP:
            return super().output(outs, msg, display_id, cell_index)
        if not self._capped:
            self._capped = True
            kb = OUTPUT_CAP // 1024
            _note(
                _("printed more than its output cap of {kb} KB; the rest was dropped").format(kb=kb)
            )
            outs.append(
                new_output(
                    "stream",
                    name="stderr",
                    text=_("[output cap of {kb} KB reached: the rest of this notebook's printed "
                           "output was not kept]\n").format(kb=kb),
                )
            )
        return None
