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
@main.command("lab", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@root_option
@click.option("--lang", "language", help="Notebooks and interface in this language, e.g. ru.")
@click.option(
    "--author",
    is_flag=True,
    help="The whole repository (notebooks/ with the model answers, grading/), for authors "
    "and trainers; without it, JupyterLab shows the trainee's workspace only.",
)
@click.pass_context
@_teaching_errors
def lab(
    context: click.Context, root: Path, language: str | None = None, author: bool = False
) -> None:
    """Start JupyterLab for one person, on the trainee's workspace and its first lesson.

    First fills workspace/ with the lessons and the trainee's version of each exercise (no
    answers, no hidden tests); a notebook already there is never overwritten. JupyterLab
    shows workspace/ only (workspace/LANG/ with --lang); --author shows the whole
    repository. Run as root, it adds --allow-root. Any other option goes to JupyterLab.

    \b
    Example:
        osintlab lab --no-browser --port 8899
        osintlab lab --lang ru
        osintlab lab --author
    """
    from .lab import launch

    launch(root, list(context.args), language=language or None, author=author)


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
@click.option("--lang", "language", help="The cohort's language, e.g. ru (default: English).")
@_teaching_errors
def grade_init(
    folder: Path,
    course_id: str,
    title: str | None,
    curriculum: Path | None,
    exchange: Path | None,
    language: str | None = None,
) -> None:
    """Create a course folder for one cohort from grading/.

    \b
    Example:
        osintlab grade init courses/almaty-2026 --course-id almaty-2026 --title "Алматы 2026"
        osintlab grade init courses/bishkek-2026 --course-id bishkek-2026 --lang ru
    """
    from .grading.course import init_course

    course = init_course(
        folder,
        course_id,
        title=title,
        curriculum=curriculum,
        exchange=exchange,
        language=language,
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
    from .grading.course import open_course

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
    from .grading.course import open_course

    for line in open_course(course).collect(module, source):
        click.echo(line)


@grade.command("autograde")
@module_argument
@course_option
@click.option("--student", "students", multiple=True, help="Only these trainees (repeatable).")
@click.option("--workers", type=int, help="Submissions graded at once (default: CPU cores).")
@click.option(
    "--unprotected",
    is_flag=True,
    help="Grade without the operating-system boundary, for a trusted cohort only "
    "(on a machine without bubblewrap or root).",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Grade only what an earlier run did not finish (after a run was interrupted): a "
    "hand-in already graded, with the same file, is kept.",
)
@_teaching_errors
def grade_autograde(
    module: str,
    course: Path,
    students: tuple[str, ...],
    workers: int | None,
    unprotected: bool,
    resume: bool,
):
    """Autograde every hand-in of MODULE, several at once, into the one gradebook.

    Each hand-in runs behind the operating system's boundary: an account of its own, no
    course folder, gradebook or network in sight, and caps on time, memory, processes,
    output and disk. A broken or hostile one gets a line in the summary and the others go
    on. Where the boundary cannot be had, grading refuses to start (--unprotected overrides
    it for a trusted cohort). After an interrupted run, --resume grades only what is left.
    Exits 1 if any hand-in could not be graded or was flagged.

    \b
    Example:
        osintlab grade autograde m00-getting-started --course courses/almaty-2026
    """
    from .grading.course import open_course

    if unprotected:
        click.echo(
            "Warning: grading WITHOUT the operating-system boundary (--unprotected): a hostile "
            "hand-in could reach the course folder. Use this for a trusted cohort only.",
            err=True,
        )
    outcomes = open_course(course).autograde(
        module,
        students or None,
        workers=workers,
        progress=sys.stderr.isatty(),
        unprotected=unprotected,
        resume=resume,
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
    from .grading.course import open_course

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
    from .grading.course import open_course

    path = open_course(course).export(output)
    click.echo(f"Grades written to {path}")


# -- classroom ----------------------------------------------------------------------------
classroom_settings_option = click.option(
    "--settings",
    type=click.Path(dir_okay=False, path_type=Path),
    help="classroom.yml (default: $OSINTLAB_CLASSROOM, else deploy/classroom.yml).",
)


@main.group()
def classroom() -> None:
    """Set up the classroom server: the cohort's accounts from a roster, and checks.

    \b
    Example:
        osintlab classroom check --settings /etc/osintlab/classroom.yml
    """


@classroom.command("users")
@click.argument("roster", type=click.Path(dir_okay=False, path_type=Path))
@classroom_settings_option
@_teaching_errors
def classroom_users(roster: Path, settings: Path | None) -> None:
    """Create or update a system account and home for everyone on ROSTER (run as root).

    ROSTER is a CSV file with the columns username,full_name,role,language. Nothing is
    changed when any line has a problem; every problem is listed with its line.

    \b
    Example:
        sudo osintlab classroom users /etc/osintlab/roster.csv
    """
    from .classroom import create_users, load_settings, read_roster

    loaded = load_settings(settings)
    members = read_roster(roster, loaded.language)
    for line in create_users(members, loaded):
        click.echo(line)


@classroom.command("check")
@classroom_settings_option
@_teaching_errors
def classroom_check(settings: Path | None) -> None:
    """Check the classroom settings and the roster they name; exits 1 on any problem.

    \b
    Example:
        osintlab classroom check --settings deploy/classroom.yml
    """
    from .classroom import check, load_settings

    loaded = load_settings(settings)
    problems = check(loaded)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the classroom settings.")
    click.echo(f"Classroom settings and roster {loaded.roster} are fine.")


# -- i18n -------------------------------------------------------------------------------
@main.group()
def i18n() -> None:
    """Translate the course: extract, update, status, build, check (gettext PO files).

    \b
    Example:
        osintlab i18n status
    """


@i18n.command("extract")
@root_option
@_teaching_errors
def i18n_extract(root: Path) -> None:
    """Write the PO templates: one per notebook and one for the package's messages.

    \b
    Example:
        osintlab i18n extract
    """
    from .i18n import extract_all

    for path in extract_all(root):
        click.echo(str(path.relative_to(root) if path.is_relative_to(root) else path))


@i18n.command("update")
@click.argument("languages", nargs=-1)
@root_option
@_teaching_errors
def i18n_update(languages: tuple[str, ...], root: Path) -> None:
    """Merge the templates into each language's catalogues; nothing translated is lost.

    Changed English becomes fuzzy (old translation kept as a suggestion), removed English
    becomes obsolete. Without LANGUAGES, every course language is updated.

    \b
    Example:
        osintlab i18n update ru kk
    """
    from .i18n import LANGUAGES, update_language

    for lang in languages or tuple(LANGUAGES):
        written = update_language(root, lang)
        click.echo(f"{lang}: {len(written)} catalogue(s) up to date")


@i18n.command("status")
@root_option
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the table as CSV.",
)
@click.option(
    "--require",
    "required",
    multiple=True,
    metavar="LANG=PERCENT",
    help="Exit 1 unless LANG is at least PERCENT translated (repeatable).",
)
@_teaching_errors
def i18n_status(root: Path, csv_file: Path | None, required: tuple[str, ...]) -> None:
    """Show per language and module what is translated, fuzzy and untranslated, and what a
    trainee of that language reads: own language, Russian (national cohorts) or English.

    \b
    Example:
        osintlab i18n status --csv status.csv --require ru=100
    """
    from .i18n.status import language_status, totals, write_csv

    rows = language_status(root)
    click.echo(f"{'lang':5} {'module':28} {'translated':>10} {'fuzzy':>6} {'missing':>8} {'%':>6}"
               f"   trainee reads: {'own':>5} {'Russian':>8} {'English':>8}")
    for row in rows:
        click.echo(
            f"{row.lang:5} {row.module:28} {row.translated:>10} {row.fuzzy:>6} "
            f"{row.untranslated:>8} {row.percent:>6g}                  {row.reads_own:>5} "
            f"{row.reads_russian:>8} {row.reads_english:>8}"
        )
    if csv_file:
        write_csv(rows, csv_file)
    failed = []
    overall = totals(rows)
    for rule in required:
        lang, _sep, wanted = rule.partition("=")
        try:
            percent = float(wanted)
        except ValueError:
            raise click.BadParameter(
                f"{rule!r} is not LANG=PERCENT; write it like ru=100.", param_hint="--require"
            ) from None
        have = overall[lang].percent if lang in overall else 0.0
        if have < percent:
            failed.append(f"{lang} is {have:g}% translated; {percent:g}% is required")
    if failed:
        raise click.ClickException("; ".join(failed) + ".")


@i18n.command("build")
@click.argument("lang")
@root_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the localised notebooks go (default: build/locale/LANG).",
)
@_teaching_errors
def i18n_build(lang: str, root: Path, out: Path | None) -> None:
    """Write LANG's localised notebooks and compile the package's LANG messages.

    Text not yet translated stays English and ends in ⟨EN⟩.

    \b
    Example:
        osintlab i18n build ru --out build/locale/ru
    """
    from .i18n import build_language

    written = build_language(root, lang, out)
    click.echo(f"{len(written)} file(s) written for {lang}.")


@i18n.command("check")
@root_option
@_teaching_errors
def i18n_check(root: Path) -> None:
    """Check every catalogue: placeholders, links, code, URLs, LaTeX, glossary, msgfmt.

    \b
    Example:
        osintlab i18n check
    """
    from .i18n import check_all

    report = check_all(root)
    for note in report.skipped:
        click.echo(note, err=True)
    for problem in report.problems:
        click.echo(problem)
    if report.problems:
        raise click.ClickException(f"{len(report.problems)} translation problem(s).")
    click.echo("Every catalogue passed the translation checks.")


# -- sandbox --------------------------------------------------------------------------
@main.group()
def sandbox() -> None:
    """The fictional internet: the course's invented websites on this computer.

    \b
    Example:
        osintlab sandbox hosts
    """


@sandbox.command("serve")
@click.option("--port", type=int, default=0, show_default=True, help="Port; 0 picks a free one.")
@click.option(
    "--web",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of sites (default: datasets/web).",
)
@_teaching_errors
def sandbox_serve(port: int, web: Path | None) -> None:
    """Serve the fictional websites on 127.0.0.1 until Ctrl-C.

    Open the printed address in a browser for the list of sites; set
    OSINTLAB_SANDBOX_URL to it so notebooks use this server.

    \b
    Example:
        osintlab sandbox serve --port 8765
    """
    from .sandbox import serve

    serve(port, web, announce=click.echo)


@sandbox.command("hosts")
@_teaching_errors
def sandbox_hosts() -> None:
    """List the fictional websites a sandbox session can reach.

    \b
    Example:
        osintlab sandbox hosts
    """
    from .sandbox import hosts

    for host in hosts():
        click.echo(f"http://{host}/")


# -- evidence -------------------------------------------------------------------------
@main.group()
def evidence() -> None:
    """Case folders: verify, export and report evidence (osintlab.evidence).

    \b
    Example:
        osintlab evidence verify CASE-2024-017-20240501T080000Z.zip
    """


@evidence.command("verify")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--head",
    help="The log's head as written on the hand-over form or report "
    "(SEQ:HASH): the log must still hold that very entry.",
)
@_teaching_errors
def evidence_verify(path: Path, head: str | None) -> None:
    """Check an exported archive (zip), an unpacked archive or a case folder.

    Recomputes every hash and the log's chain; prints one line per problem and exits 1
    when anything was altered, removed, reordered or added. The hash chain cannot show
    entries cut from the end of the log: --head, the anchor written down elsewhere, can.
    Prints the head to write down.

    \b
    Example:
        osintlab evidence verify CASE-2024-017-20240501T080000Z.zip --head 7:sha256:3f2a...
    """
    from .evidence import verify_archive
    from .exceptions import TamperDetected

    try:
        result = verify_archive(path, head=head)
    except TamperDetected as error:
        for finding in error.findings:
            click.echo(finding)
        sys.exit(1)
    click.echo(
        f"{result['case']}: intact ({result['items']} items, {result['entries']} log entries)"
    )
    click.echo(f"head of the log: {result['head']}")


@evidence.command("export")
@click.argument("case", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_teaching_errors
def evidence_export(case: Path) -> None:
    """Write log.csv and a zip with MANIFEST.sha256 for hand-over.

    \b
    Example:
        osintlab evidence export cases/CASE-2024-017
    """
    from .evidence import open_case

    opened = open_case(case)
    click.echo(str(opened.export()))
    packed = opened.entries()[-1].get("head")  # the head of the log inside the archive
    click.echo(f"head of the log in the archive (write it on the hand-over form): {packed}")


@evidence.command("report")
@click.argument("case", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--language", "-l", default="en", show_default=True, help="e.g. en or ru.")
@click.option("--summary", default="", help="The summary paragraph.")
@click.option("--kind", type=click.Choice(["report", "annex"]), default="report",
              show_default=True,
              help="report: the case report; annex: the technical annex to the protocol of "
                   "inspection of an internet resource (blanks to complete by hand).")
@_teaching_errors
def evidence_report(case: Path, language: str, summary: str, kind: str) -> None:
    """Write the case report (or the protocol's technical annex) as HTML and as DOCX.

    \b
    Example:
        osintlab evidence report cases/CASE-2024-017 --language ru --kind annex
    """
    from .evidence import open_case

    paths = open_case(case).report(language=language, summary=summary, kind=kind)
    click.echo(f"{paths['html']}\n{paths['docx']}")


# -- datasets ---------------------------------------------------------------------------
@main.group()
def datasets() -> None:
    """Build the fictional world's datasets, or verify them against their MANIFESTs.

    \b
    Example:
        osintlab datasets verify
    """


@datasets.command("build")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the datasets into (default: the repository's datasets/, and the "
    "ground truth into grading/world/).",
)
@_teaching_errors
def datasets_build(out: Path | None) -> None:
    """Generate every dataset of the fictional world (same seed, same bytes every time).

    \b
    Example:
        osintlab datasets build --out /tmp/world
    """
    from .world.build import build

    names = build(out)
    click.echo(f"Built {len(names)} dataset(s): {', '.join(names)}")


@datasets.command("verify")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="The datasets folder to check (default: the one lessons use).",
)
@_teaching_errors
def datasets_verify(root: Path | None) -> None:
    """Check every dataset file against its MANIFEST; name each changed, added or missing file.

    Exits 1 if any file differs.

    \b
    Example:
        osintlab datasets verify --root datasets
    """
    from .datasets import verify

    result = verify(root)
    for line in result.lines():
        click.echo(line)
    if not result.ok:
        raise click.ClickException(
            f"{len(result.lines())} file(s) differ from their MANIFEST. Restore them from the "
            "course repository, or rebuild with `osintlab datasets build`."
        )
    click.echo("Every dataset file matches its MANIFEST.")


if __name__ == "__main__":
    main()
