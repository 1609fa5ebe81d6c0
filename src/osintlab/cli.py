"""The ``osintlab`` command: one group per object, a few obvious verbs in each.

Library errors become a one-line teaching message here, at the boundary, and never a
traceback; a failed check exits non-zero.

Example:
    $ osintlab modules check
    $ osintlab grade autograde m00-getting-started --course courses/almaty-2026
"""

from __future__ import annotations

import sys
from functools import wraps
from pathlib import Path

import click

from ._layout import REPOSITORY
from ._startup import skip_slow_optional_imports
from .exceptions import OsintLabError


def _teaching_errors(command):
    """Turn any OsintLabError into a clean ClickException with its message."""

    @wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except OsintLabError as error:
            raise click.ClickException(str(error)) from error

    return run


course_option = click.option(
    "--course",
    "course",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The cohort's course folder (made by `osintlab grade init`).",
)
module_argument = click.argument("module")
root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=REPOSITORY,
    show_default="the course repository",
    help="The repository folder holding modules/, notebooks/ and datasets/.",
)


@click.group()
@click.version_option(package_name="osintlab")
def main() -> None:
    """OSINT Investigations Lab: the curriculum's helper command.

    \b
    Example:
        osintlab modules check
    """
    skip_slow_optional_imports()


# -- lab ------------------------------------------------------------------------------
@main.command(
    "lab", context_settings={"ignore_unknown_options": True, "allow_extra_args": True}
)
@root_option
@click.pass_context
@_teaching_errors
def lab(context: click.Context, root: Path) -> None:
    """Start JupyterLab for one person: the trainee's workspace and the curriculum.

    First fills workspace/ with the lessons and the trainee's version of each exercise (no
    answers, no hidden tests); a notebook already there is never overwritten. Any other
    option goes to JupyterLab.

    \b
    Example:
        osintlab lab --no-browser --port 8899
    """
    from .lab import launch

    launch(root, list(context.args))


# -- modules --------------------------------------------------------------------------
@main.group()
def modules() -> None:
    """Check the curriculum's modules against the contract.

    \b
    Example:
        osintlab modules check
    """


@modules.command("check")
@root_option
@_teaching_errors
def modules_check(root: Path) -> None:
    """Validate every module: schema, notebooks, datasets, nbgrader cells, order.

    Prints one line per problem (file, cell, what to fix) and exits 1 if there is any.

    \b
    Example:
        osintlab modules check --root .
    """
    from .curriculum import check_all, find_modules

    problems = check_all(root)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the curriculum.")
    found = find_modules(root)
    click.echo(f"{len(found)} module(s) checked, no problems: {', '.join(m.id for m in found)}")


# -- grade ------------------------------------------------------------------------------
@main.group()
def grade() -> None:
    """Grade a cohort with nbgrader: init, release, collect, autograde, feedback, export.

    \b
    Example:
        osintlab grade init courses/almaty-2026 --course-id almaty-2026
    """


@grade.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--course-id", required=True, help="URL-safe ASCII id, e.g. almaty-2026.")
@click.option("--title", help="The cohort's name as trainees see it (any script).")
@click.option(
    "--curriculum",
    type=click.Path(file_okay=False, path_type=Path),
    help="The course repository (default: the one this package was installed from).",
)
@click.option(
    "--exchange",
    type=click.Path(file_okay=False, path_type=Path),
    help="nbgrader exchange folder on a hub; without it, hand-ins come by folder or zip.",
)
@_teaching_errors
def grade_init(
    folder: Path, course_id: str, title: str | None, curriculum: Path | None, exchange: Path | None
) -> None:
    """Create a course folder for one cohort from grading/.

    \b
    Example:
        osintlab grade init courses/almaty-2026 --course-id almaty-2026 --title "Алматы 2026"
    """
    from .grade import init_course

    course = init_course(
        folder, course_id, title=title, curriculum=curriculum, exchange=exchange
    )
    click.echo(f"Course {course.course_id!r} created in {course.root}")


@grade.command("release")
@module_argument
@course_option
@_teaching_errors
def grade_release(module: str, course: Path) -> None:
    """Build the trainee version of MODULE (no answers, no hidden tests) and publish it.

    \b
    Example:
        osintlab grade release m00-getting-started --course courses/almaty-2026
    """
    from .grade import open_course

    folder = open_course(course).release(module)
    click.echo(f"Released {module}: {folder}")


@grade.command("collect")
@module_argument
@course_option
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, path_type=Path),
    help="A folder or zip of notebooks (one per trainee), e.g. from a USB stick.",
)
@_teaching_errors
def grade_collect(module: str, course: Path, source: Path | None) -> None:
    """Gather the hand-ins of MODULE from the exchange, or from a folder or zip.

    \b
    Example:
        osintlab grade collect m00-getting-started --from usb/m00.zip --course courses/almaty-2026
    """
    from .grade import open_course

    for line in open_course(course).collect(module, source):
        click.echo(line)


@grade.command("autograde")
@module_argument
@course_option
@click.option("--student", "students", multiple=True, help="Only these trainees (repeatable).")
@click.option("--workers", type=int, help="Submissions graded at once (default: CPU cores).")
@_teaching_errors
def grade_autograde(module: str, course: Path, students: tuple[str, ...], workers: int | None):
    """Autograde every hand-in of MODULE, several at once, into the one gradebook.

    Each hand-in runs in a fenced kernel (time, memory, no network, no writing outside its
    folder); a broken one gets a line in the summary and the others go on. Exits 1 if any
    hand-in could not be graded or was flagged for review.

    \b
    Example:
        osintlab grade autograde m00-getting-started --course courses/almaty-2026
    """
    from .grade import open_course

    outcomes = open_course(course).autograde(
        module, students or None, workers=workers, progress=sys.stderr.isatty()
    )
    for outcome in outcomes:
        click.echo(outcome.line())
    graded = sum(o.status == "graded" for o in outcomes)
    click.echo(f"{graded} of {len(outcomes)} hand-in(s) graded.")
    if graded != len(outcomes):
        sys.exit(1)


@grade.command("feedback")
@module_argument
@course_option
@_teaching_errors
def grade_feedback(module: str, course: Path) -> None:
    """Write each trainee's feedback page for MODULE (hidden tests never shown).

    \b
    Example:
        osintlab grade feedback m00-getting-started --course courses/almaty-2026
    """
    from .grade import open_course

    pages = open_course(course).feedback(module)
    click.echo(f"{len(pages)} feedback page(s) written.")


@grade.command("export")
@course_option
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="CSV file to write."
)
@_teaching_errors
def grade_export(course: Path, output: Path | None) -> None:
    """Write every trainee's score per module as a CSV file a spreadsheet opens.

    \b
    Example:
        osintlab grade export --course courses/almaty-2026 -o grades.csv
    """
    from .grade import open_course

    path = open_course(course).export(output)
    click.echo(f"Grades written to {path}")


if __name__ == "__main__":
    main()
