"""Grade a cohort with nbgrader: release, collect, autograde (in parallel), feedback, export.

nbgrader is the grading engine; this module drives its own API for a whole cohort. Plain
``nbgrader autograde`` grades one submission after another (jupyter/nbgrader#174), so a
trainer with thirty trainees waits; here several workers grade at once, each in a private
copy of the course, and every score reaches the one gradebook through this process alone.
A broken or hostile hand-in gets one clear line in the summary and never stops the others.

How the pieces fit (each in its own module of ``osintlab.grading``)::

    Course.autograde          this process: checks, screens, merges, writes the gradebook
      └─ pool.WorkerPool      a few long-lived workers; a stuck one is killed and replaced
           └─ worker          nbgrader's autograde on one private course copy at a time
                ├─ nursery    forks warm kernels (cold start as the fallback)
                └─ kernel     the fence: time, memory, files, network, processes

Example:
    >>> from osintlab import grading
    >>> course = grading.init_course("courses/almaty-2026", "almaty-2026")  # doctest: +SKIP
    >>> course.release("m00-getting-started")                              # doctest: +SKIP
    >>> course.collect("m00-getting-started", source="usb-stick/")         # doctest: +SKIP
    >>> outcomes = course.autograde("m00-getting-started")                 # doctest: +SKIP
    >>> course.feedback("m00-getting-started"); course.export("grades.csv")  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
import yaml

from .._layout import REPOSITORY
from ..curriculum.cells import HIDDEN_TESTS, nbgrader_meta
from ..exceptions import CourseMissing, GradingError, SubmissionError
from .boundary import UID_BASE, SandboxLimits, boundary_problem
from .leaks import find_leaks
from .pool import WorkerPool
from .screen import Finding, screen_notebook

if TYPE_CHECKING:
    from ..curriculum import Module

__all__ = [
    "Course",
    "Outcome",
    "init_course",
    "nbgrader_api",
    "open_course",
    "safe_id",
]

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_STATUS_DIR = "grading-status"


@dataclass
class Outcome:
    """What happened to one trainee's submission in one autograde run."""

    student: str
    status: str  # "graded", "flagged" (held for review) or "not graded"
    score: float | None = None
    max_score: float | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float | None = None  # time the worker spent on it
    submission: str | None = None  # sha256 of the hand-in graded (a resumed run skips it)

    def line(self) -> str:
        """One summary line for the trainer.

        Example:
            >>> Outcome("ali", "graded", 8, 10).line()
            'ali: graded, 8 / 10'
        """
        head = f"{self.student}: {self.status}"
        if self.score is not None:
            head += f", {self.score:g} / {self.max_score:g}"
        return "; ".join([head, *self.notes])


def safe_id(name: str) -> str:
    """A student or course id nbgrader can use, made from any name (Cyrillic included).

    Example:
        >>> safe_id("Иванов А.А.")
        'ivanov-a-a'
    """
    import iuliia

    latin = iuliia.WIKIPEDIA.translate(name)
    slug = re.sub(r"[^a-z0-9]+", "-", latin.lower()).strip("-")
    return slug[:64] or "trainee"


def _require_id(value: str, what: str) -> str:
    if not _ID.match(value):
        raise GradingError(
            f"The {what} {value!r} cannot be used: nbgrader needs letters, digits, '-', '_' "
            f"and '.' only, starting with a letter or digit (jupyter/nbgrader#1797). "
            f"Did you mean {safe_id(value)!r}?",
            value=value,
        )
    return value


def init_course(
    folder: str | os.PathLike[str],
    course_id: str,
    *,
    title: str | None = None,
    curriculum: str | os.PathLike[str] | None = None,
    exchange: str | os.PathLike[str] | None = None,
    language: str | None = None,
) -> Course:
    """Create a course folder for one cohort from ``grading/`` and return it.

    With ``language`` (e.g. ``"ru"``) the cohort receives the notebooks in that language
    (built from ``locale/``) and the check feedback speaks it; it is kept in cohort.yml.

    Example:
        >>> course = init_course("courses/almaty-2026", "almaty-2026")  # doctest: +SKIP
    """
    _require_id(course_id, "course id")
    if language and language != "en":
        from ..i18n.catalog import check_language

        check_language(language)
    root = Path(folder).resolve()
    if (root / "nbgrader_config.py").exists():
        raise GradingError(
            f"{root} is already a course folder. Use it as it is, or choose a new folder.",
            path=str(root),
        )
    curriculum_root = Path(curriculum or REPOSITORY).resolve()
    grading = curriculum_root / "grading"
    if not (grading / "nbgrader_config.py").is_file():
        raise GradingError(
            f"No grading/nbgrader_config.py under {curriculum_root}: pass --curriculum with "
            "the course repository's folder.",
            path=str(curriculum_root),
        )
    root.mkdir(parents=True, exist_ok=True)
    settings = yaml.safe_load((grading / "cohort.yml").read_text(encoding="utf-8"))
    settings.update(
        course_id=course_id,
        title=title or settings.get("title", course_id),
        curriculum=str(curriculum_root),
        exchange=str(Path(exchange).resolve()) if exchange else None,
    )
    if language:
        settings["language"] = language
    (root / "cohort.yml").write_text(
        yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    shared = (grading / "nbgrader_config.py").read_text(encoding="utf-8")
    extra = [
        "",
        "# This cohort (written by osintlab grade init)",
        f"c.CourseDirectory.course_id = {course_id!r}",
        f"c.CourseDirectory.root = {str(root)!r}",
        f"c.Execute.timeout = {int(settings['limits']['cell_timeout'])}",
    ]
    if exchange:
        extra.append(f"c.Exchange.root = {str(Path(exchange).resolve())!r}")
    (root / "nbgrader_config.py").write_text(shared + "\n".join(extra) + "\n", encoding="utf-8")
    for sub in ("source", "release", "submitted", "autograded", "feedback"):
        (root / sub).mkdir(exist_ok=True)
    return Course(root)


def open_course(folder: str | os.PathLike[str] = ".") -> Course:
    """Open an existing course folder (one made by :func:`init_course`).

    Example:
        >>> course = open_course("courses/almaty-2026")  # doctest: +SKIP
    """
    return Course(Path(folder).resolve())


def nbgrader_api(config_file: Path, root: Path, **sections: dict[str, Any]):
    """nbgrader's own API on the course folder ``root``, configured from ``config_file``.

    ``sections`` override settings, e.g. ``Execute={"timeout": 30}``.

    Example:
        >>> api = nbgrader_api(Path("course/nbgrader_config.py"), Path("course"))  # doctest: +SKIP
        >>> api.generate_assignment("m00-getting-started")  # doctest: +SKIP
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(config_file.name, path=str(config_file.parent)).load_config()
    config.CourseDirectory.root = str(root)
    for section, values in sections.items():
        for key, value in values.items():
            setattr(config[section], key, value)
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


#: What an earlier osintlab wrote into a course's nbgrader_config.py, and its name now.
_RENAMED = {
    "osintlab._feedback.HideHiddenTests": "osintlab.grading.HideHiddenTests",
    'os.path.join(os.path.dirname(osintlab.__file__), "templates")':
        "str(osintlab.grading.FEEDBACK_TEMPLATES)",
}


def _upgrade_config(config: Path) -> None:
    """Give a course folder made by an earlier osintlab the package's current names.

    Without this, a cohort created before an upgrade could no longer write its feedback
    (nbgrader would not find the preprocessor that hides the hidden tests).
    """
    text = config.read_text(encoding="utf-8")
    upgraded = text
    for old, new in _RENAMED.items():
        upgraded = upgraded.replace(old, new)
    if upgraded != text:
        temporary = config.with_name(config.name + ".upgrade")
        temporary.write_text(upgraded, encoding="utf-8")
        temporary.replace(config)


class Course:
    """One cohort's nbgrader course folder and the verbs a trainer needs on it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        config = root / "nbgrader_config.py"
        if not config.is_file():
            raise CourseMissing(
                f"{root} is not a course folder (no nbgrader_config.py). Create one with "
                "`osintlab grade init FOLDER --course-id ID`, or pass --course FOLDER.",
                path=str(root),
            )
        _upgrade_config(config)
        self.settings: dict[str, Any] = yaml.safe_load(
            (root / "cohort.yml").read_text(encoding="utf-8")
        )
        self.course_id: str = self.settings["course_id"]
        self.curriculum = Path(self.settings.get("curriculum") or REPOSITORY)
        self.language: str = self.settings.get("language") or "en"
        # a national cohort reads unreviewed drafts (marked ⟨draft⟩) only if its trainer says so
        self.show_drafts: bool = bool(self.settings.get("show_drafts", False))
        self.db_url = f"sqlite:///{root / 'gradebook.db'}"
        # nbgrader runs `alembic` from PATH when it creates a gradebook; workers inherit this.
        venv_bin = str(Path(sys.executable).parent)
        if os.environ.get("PATH", "").split(os.pathsep)[0] != venv_bin:
            os.environ["PATH"] = os.pathsep.join([venv_bin, os.environ.get("PATH", "")])
        # nbgrader 0.9 with SQLAlchemy 2.1 warns on every submission; it is harmless noise.
        warnings.filterwarnings("ignore", message=".*not in session.*")

    # -- nbgrader plumbing -------------------------------------------------------------
    def _api(self):
        return nbgrader_api(self.root / "nbgrader_config.py", self.root)

    def module(self, module: str) -> Module:
        """The curriculum's description of ``module`` (its module.yml), or a clear error.

        Example:
            >>> course.module("m00-getting-started").exercise  # doctest: +SKIP
            '04-exercise.ipynb'
        """
        from ..curriculum import load_module

        folder = self.curriculum / "modules" / module
        if not folder.is_dir():
            known = sorted(p.name for p in (self.curriculum / "modules").glob("m*"))
            raise GradingError(
                f"There is no module {module!r} in {self.curriculum / 'modules'}. "
                f"Modules: {', '.join(known) or '-'}.",
                module=module,
            )
        return load_module(folder)

    @staticmethod
    def _checked(result: dict[str, Any], what: str) -> dict[str, Any]:
        if not result.get("success"):
            log = (result.get("log") or "") + (result.get("error") or "")
            tail = "\n".join(log.strip().splitlines()[-8:])
            raise GradingError(f"nbgrader could not {what}:\n{tail}")
        return result

    # -- release ---------------------------------------------------------------------
    def release(self, module: str) -> Path:
        """Build the trainee version of a module (and publish it to the exchange if set).

        Example:
            >>> course.release("m00-getting-started")  # doctest: +SKIP
            PosixPath('.../release/m00-getting-started')
        """
        spec = self.module(module)
        source = self.root / "source" / module
        if source.exists():
            shutil.rmtree(source)
        shutil.copytree(
            self.curriculum / "notebooks" / module,
            source,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
        if self.language != "en":  # the cohort's language: nbgrader releases the localised source
            from ..i18n.build import localise_folder

            localise_folder(source, self.language, module, self.curriculum,
                            drafts=self.show_drafts)
        api = self._api()
        self._checked(api.generate_assignment(module, force=True, create=True), "release it")
        release = self.root / "release" / module
        for lesson in spec.lessons:
            shutil.copy2(source / lesson, release / lesson)
        leaks = find_leaks(
            nbformat.read(source / spec.exercise, as_version=4),
            nbformat.read(release / spec.exercise, as_version=4),
        )
        if leaks:
            shutil.rmtree(release)
            raise GradingError(
                "The release would show answers or hidden tests, so it was deleted:\n  "
                + "\n  ".join(leaks),
                module=module,
            )
        if self.settings.get("exchange"):
            self._checked(api.release_assignment(module), "publish it to the exchange")
        return release

    # -- collect ---------------------------------------------------------------------
    def collect(self, module: str, source: str | os.PathLike[str] | None = None) -> list[str]:
        """Gather hand-ins from the exchange, or from a folder or zip (a USB stick).

        In a folder or zip, each trainee is a sub-folder, or a notebook named after them.
        Returns one line per hand-in.

        Example:
            >>> course.collect("m00-getting-started", "usb/m00.zip")  # doctest: +SKIP
            ['Иванов А.А.ipynb → ivanov-a-a']
        """
        spec = self.module(module)
        if source is None:
            if not self.settings.get("exchange"):
                raise GradingError(
                    "This course has no exchange: pass the folder or zip with the notebooks, "
                    "e.g. `osintlab grade collect m00-getting-started --from usb/`."
                )
            self._checked(self._api().collect(module), "collect from the exchange")
            return [f"{s}: collected" for s in self._submitted(module)]
        with tempfile.TemporaryDirectory() as unpacked:
            folder = Path(source)
            if folder.is_file() and zipfile.is_zipfile(folder):
                folder = _safe_unzip(folder, Path(unpacked))
            elif not folder.is_dir():
                raise GradingError(
                    f"{source} is neither a folder nor a zip file of notebooks.",
                    path=str(source),
                )
            return self._collect_folder(module, spec.exercise, folder)

    def _collect_folder(self, module: str, exercise: str, folder: Path) -> list[str]:
        from nbgrader.api import Gradebook

        lines: list[str] = []
        taken: set[str] = set()
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or ".ipynb_checkpoints" in path.parts:
                continue
            relative = path.relative_to(folder)
            if path.suffix != ".ipynb":
                lines.append(f"{relative}: ignored, not a notebook (.ipynb)")
                continue
            name = relative.parts[0] if len(relative.parts) > 1 else path.stem
            student = safe_id(name)
            while student in taken:
                student = f"{student}-2"
            taken.add(student)
            target = self.root / "submitted" / student / module
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            shutil.copy2(path, target / exercise)
            stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            (target / "timestamp.txt").write_text(
                stamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC"), encoding="utf-8"
            )
            with Gradebook(self.db_url, self.course_id) as gradebook:
                gradebook.update_or_create_student(student, first_name=name)
            lines.append(f"{relative} → {student}")
        return lines

    def _submitted(self, module: str) -> list[str]:
        return sorted(
            p.parent.name for p in (self.root / "submitted").glob(f"*/{module}") if p.is_dir()
        )

    # -- autograde -------------------------------------------------------------------
    def autograde(
        self,
        module: str,
        students: Iterable[str] | None = None,
        *,
        workers: int | None = None,
        progress: bool = False,
        unprotected: bool = False,
        resume: bool = False,
    ) -> list[Outcome]:
        """Autograde every submission of ``module`` (or the named students) in parallel.

        Each hand-in runs behind the operating-system boundary (``osintlab.grading.boundary``);
        where this machine cannot provide it, grading refuses to start, unless the trainer
        grades a trusted cohort with ``unprotected=True``. ``resume=True`` grades only what an
        earlier run did not finish: a hand-in already graded, with the same file, is kept.

        Example:
            >>> for outcome in course.autograde("m00-getting-started"):  # doctest: +SKIP
            ...     print(outcome.line())
            ali: graded, 10 / 10
        """

        spec = self.module(module)
        release = self.root / "release" / module / spec.exercise
        if not release.is_file():
            raise GradingError(
                f"{module} has not been released in this course yet: run "
                f"`osintlab grade release {module}` first.",
                module=module,
            )
        asked = list(students) if students is not None else self._submitted(module)
        kept = self._already_graded(module, spec.exercise, asked) if resume else {}
        wanted = [s for s in asked if s not in kept]
        if not wanted:
            return [kept[s] for s in asked]
        limits = self.settings.get("limits", {})
        boundary = None
        if not unprotected:
            problem = boundary_problem()
            if problem:
                raise GradingError(f"Grading did not start: {problem}", module=module)
            boundary = SandboxLimits.from_settings(limits)
        work = self.root / ".grading" / module
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        # One worker per core and one more: a kernel starting up leaves a core idle at times.
        count = workers or int(self.settings.get("workers") or 0) or (os.cpu_count() or 1) + 1
        pool = WorkerPool(
            work,
            env={
                "OSINTLAB_DATASETS": str(self.curriculum / "datasets"),
                "OSINTLAB_LANG": self.language,  # check feedback in the cohort's language
                **({"OSINTLAB_SHOW_DRAFTS": "1"} if self.show_drafts else {}),
            },
            timeout=float(limits.get("submission_timeout", 600)),
            boundary=boundary,
            uid_base=int(self.settings.get("grading_uid_base") or UID_BASE),
        )
        pool.start(min(count, len(wanted)))  # workers load nbgrader while the hand-ins are read
        try:
            outcomes = self._grade_all(module, spec, wanted, pool, work, progress)
        finally:
            pool.close()
            shutil.rmtree(work, ignore_errors=True)
        self._save_status(module, [outcomes[s] for s in wanted])
        self._give_back()
        return [kept[s] if s in kept else outcomes[s] for s in asked]

    def _already_graded(self, module: str, exercise: str, students: list[str]) -> dict:
        """The hand-ins an earlier run graded whose file has not changed since."""
        path = self.root / _STATUS_DIR / f"{module}.json"
        try:
            known = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        kept = {}
        for student in students:
            saved = known.get(student) or {}
            graded = self.root / "submitted" / student / module / exercise
            if (saved.get("status") in ("graded", "flagged") and graded.is_file()
                    and saved.get("submission") == _sha256(graded)):
                fields = {k: v for k, v in saved.items() if k in Outcome.__dataclass_fields__}
                outcome = Outcome(**fields)
                outcome.notes = [*outcome.notes, "kept from an earlier run (the same hand-in)"]
                kept[student] = outcome
        return kept

    def _give_back(self) -> None:
        """After grading as root (the boundary needs it), the trainers still own the course.

        What root wrote into the course (gradebook, graded notebooks, status) takes the course
        folder's owner and group; in a course shared by a trainers' group (group-writable, as
        on a classroom server) it is made group-writable too, so the trainers' feedback and
        export work afterwards. Links are never followed.
        """
        if os.geteuid() != 0:
            return
        top = self.root.stat()
        shared = bool(top.st_mode & stat.S_IWGRP)
        for folder, names, files in os.walk(self.root):
            for name in [*names, *files]:
                path = os.path.join(folder, name)
                now = os.lstat(path)
                if (now.st_uid, now.st_gid) != (top.st_uid, top.st_gid):
                    os.lchown(path, top.st_uid, top.st_gid)
                if shared and not stat.S_ISLNK(now.st_mode):
                    extra = 0o2070 if stat.S_ISDIR(now.st_mode) else 0o060
                    if now.st_mode & extra != extra:
                        os.chmod(path, stat.S_IMODE(now.st_mode) | extra)

    def _grade_all(
        self,
        module: str,
        spec: Module,
        wanted: list[str],
        pool: WorkerPool,
        work: Path,
        progress: bool,
    ) -> dict[str, Outcome]:
        from nbgrader.api import Gradebook

        limits = self.settings.get("limits", {})
        release = self.root / "release" / module / spec.exercise
        outcomes: dict[str, Outcome] = {}
        jobs: list[dict[str, Any]] = []
        locked = _locked_ids(self.root / "source" / module / spec.exercise)
        reference = nbformat.read(release, as_version=4)
        with Gradebook(self.db_url, self.course_id) as gradebook:
            for student in wanted:
                problem = self._precheck(module, spec.exercise, student)
                if problem:
                    outcomes[student] = Outcome(student, "not graded", notes=[problem])
                    continue
                gradebook.update_or_create_student(student)
        snapshot = work / "gradebook-snapshot.db"
        shutil.copy2(self.root / "gradebook.db", snapshot)
        screened: dict[str, list[Finding]] = {}
        repaired: dict[str, list[str]] = {}
        for number, student in enumerate(s for s in wanted if s not in outcomes):
            job_dir = work / f"{number:03d}"
            submitted = self.root / "submitted" / student / module
            copy = job_dir / "submitted" / student / module
            shutil.copytree(submitted, copy)
            repaired[student] = _restore_locked_cells(copy / spec.exercise, reference)
            screened[student] = screen_notebook(str(copy / spec.exercise), locked)
            (job_dir / "source").mkdir()
            (job_dir / "source" / module).symlink_to(self.root / "source" / module)
            (job_dir / "tmp").mkdir()
            shutil.copy2(snapshot, job_dir / "gradebook.db")
            jobs.append(
                {
                    "job": number,
                    "dir": str(job_dir),
                    "module": module,
                    "student": student,
                    "course_id": self.course_id,
                    "config": str(self.root / "nbgrader_config.py"),
                    "cell_timeout": int(limits.get("cell_timeout", 60)),
                    "memory_mb": int(limits.get("memory_mb", 2048)),
                    "output_kb": int(limits.get("output_kb", 1024)),
                    # solutions, hidden tests and other hand-ins stay out of the kernel's reach
                    "read_deny": [
                        str(self.root),
                        str(self.curriculum / "notebooks"),
                        str(self.curriculum / "grading"),
                    ],
                }
            )
        with Gradebook(self.db_url, self.course_id) as gradebook:
            for job, answer in pool.run(jobs, progress=progress):
                student = job["student"]
                outcome = self._merge(gradebook, module, job, answer, screened[student])
                outcome.notes[:0] = repaired[student]
                outcome.notes += answer.get("notes", [])
                outcome.seconds = answer.get("seconds")
                handed = self.root / "submitted" / student / module / spec.exercise
                outcome.submission = _sha256(handed) if handed.is_file() else None
                outcomes[student] = outcome
                self._save_status(module, [outcome])  # a run that dies keeps what it graded
        return outcomes

    def _precheck(self, module: str, exercise: str, student: str) -> str | None:
        if not _ID.match(student):
            return (
                f"the folder name {student!r} is not a usable student id (letters, digits, "
                f"'-', '_', '.' only); collect it again with `osintlab grade collect`, which "
                f"names it {safe_id(student)!r}"
            )
        path = self.root / "submitted" / student / module / exercise
        if not path.is_file():
            found = sorted(p.name for p in path.parent.glob("*.ipynb"))
            return f"no {exercise} in the hand-in (found: {', '.join(found) or 'nothing'})"
        try:
            notebook = nbformat.read(path, as_version=4)
            nbformat.validate(notebook)
        except Exception as error:
            reason = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
            return (
                f"{exercise} is not a notebook Jupyter can open ({reason}); ask the trainee to "
                "hand in the .ipynb file again (File → Download)"
            )
        return None

    def _merge(
        self,
        gradebook: Any,
        module: str,
        job: dict[str, Any],
        answer: dict[str, Any],
        findings: list[Finding],
    ) -> Outcome:
        """Write one worker's scores into the cohort's gradebook (this process alone writes)."""
        student = job["student"]
        if not answer.get("ok"):
            return Outcome(student, "not graded", notes=[answer.get("reason", "unknown error")])
        flagged = bool(findings)
        score = max_score = 0.0
        timestamp = answer.get("timestamp")
        gradebook.update_or_create_submission(
            module, student, timestamp=datetime.fromisoformat(timestamp) if timestamp else None
        )
        for notebook in answer["notebooks"]:
            stored = gradebook.find_submission_notebook(notebook["name"], module, student)
            stored.flagged = flagged
            for item in notebook["grades"]:
                grade = gradebook.find_grade(item["name"], notebook["name"], module, student)
                grade.auto_score = 0.0 if flagged else item["auto_score"]
                grade.needs_manual_grade = item["needs_manual_grade"] or flagged
                score += grade.auto_score or 0.0
                max_score += item["max_score"] or 0.0
            for item in notebook["comments"]:
                comment = gradebook.find_comment(item["name"], notebook["name"], module, student)
                comment.auto_comment = item["auto_comment"]
        gradebook.db.commit()
        graded = Path(job["dir"]) / "autograded" / student / module
        target = self.root / "autograded" / student / module
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(graded, target, symlinks=False)
        if flagged:
            notes = [f"held at 0 for a trainer's review: {f}" for f in findings[:3]]
            return Outcome(student, "flagged", score, max_score, notes)
        return Outcome(student, "graded", score, max_score)

    def _save_status(self, module: str, outcomes: list[Outcome]) -> None:
        folder = self.root / _STATUS_DIR
        folder.mkdir(exist_ok=True)
        path = folder / f"{module}.json"
        known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        known.update({o.student: asdict(o) for o in outcomes})
        partial = path.with_suffix(".partial")  # a run killed mid-write leaves the old file
        partial.write_text(json.dumps(known, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(partial, path)

    # -- feedback and export -----------------------------------------------------------
    def feedback(self, module: str) -> list[Path]:
        """Write each trainee's feedback page (no hidden tests in it); send it if exchanged.

        Example:
            >>> course.feedback("m00-getting-started")  # doctest: +SKIP
            [PosixPath('.../feedback/ali/m00-getting-started/04-exercise.html')]
        """
        api = self._api()
        self._checked(api.generate_feedback(module), "write the feedback")
        pages = sorted((self.root / "feedback").glob(f"*/{module}/*.html"))
        spec = self.module(module)
        hidden = _hidden_lines(self.root / "source" / module / spec.exercise)
        for page in pages:
            # What the trainee typed never decides: a marker or a copied line in an answer
            # is theirs to see; only hidden test code they did not type is a leak.
            typed = _typed_text(self.root / "autograded" / page.parts[-3] / module / page.name)
            shown = _visible_text(page.read_text(encoding="utf-8"))
            if any(line in shown and line not in typed for line in hidden):
                page.unlink()
                raise GradingError(
                    f"{page} showed hidden tests and was deleted: check that "
                    "GenerateFeedback.preprocessors in nbgrader_config.py includes "
                    "osintlab.grading.feedback.HideHiddenTests.",
                    path=str(page),
                )
        if self.settings.get("exchange"):
            self._checked(api.release_feedback(module), "send the feedback")
        return pages

    def export(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write every trainee's score per module as CSV a spreadsheet opens (UTF-8).

        Example:
            >>> course.export("grades.csv")  # doctest: +SKIP
            PosixPath('grades.csv')
        """
        from nbgrader.api import Gradebook, MissingEntry

        target = Path(path) if path else self.root / "grades.csv"
        statuses = {
            p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in (self.root / _STATUS_DIR).glob("*.json")
        }
        with (
            Gradebook(self.db_url, self.course_id) as gradebook,
            target.open("w", newline="", encoding="utf-8-sig") as out,
        ):
            writer = csv.writer(out)
            writer.writerow(["student", "name", "module", "score", "max_score", "status", "notes"])
            names = {s.id: s.first_name or "" for s in gradebook.students}
            for module_status in statuses.values():
                names.update({s: names.get(s, "") for s in module_status})
            for student in sorted(names):
                for assignment in sorted(gradebook.assignments, key=lambda a: a.name):
                    status = statuses.get(assignment.name, {}).get(student, {})
                    try:
                        score = gradebook.find_submission(assignment.name, student).score
                    except MissingEntry:
                        score = None
                    if score is None and not status:
                        shown = "missing"
                    else:
                        shown = status.get("status", "graded")
                    writer.writerow(
                        [
                            student,
                            names[student],
                            assignment.name,
                            "" if score is None or shown == "not graded" else f"{score:g}",
                            f"{assignment.max_score:g}",
                            shown,
                            " | ".join(status.get("notes", [])),
                        ]
                    )
        return target


def _sha256(path: Path) -> str:
    import hashlib

    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def _hidden_lines(source: Path) -> list[str]:
    """The code lines of the hidden tests (long enough to be recognised in a page)."""
    from ..curriculum.cells import is_test, tag_lines

    notebook = nbformat.read(str(source), as_version=4)
    lines = []
    for cell in notebook.cells:
        if cell.cell_type == "code" and is_test(cell):
            for line, state in tag_lines(cell.source, HIDDEN_TESTS):
                text = line.strip()
                if state == "inside" and len(text) >= 20 and not text.startswith("#"):
                    lines.append(text)
    return lines


def _typed_text(graded: Path) -> str:
    """Everything a trainee typed into the cells that are theirs (answers and free cells)."""
    from ..curriculum.cells import is_test

    if not graded.with_suffix(".ipynb").is_file():
        return ""
    notebook = nbformat.read(str(graded.with_suffix(".ipynb")), as_version=4)
    return "\n".join(c.source for c in notebook.cells if not is_test(c))


def _visible_text(page: str) -> str:
    """A feedback page as text: tags (syntax highlighting included) removed, entities read."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _locked_ids(source: Path) -> set[str]:
    notebook = nbformat.read(source, as_version=4)
    return {
        meta["grade_id"]
        for meta in map(nbgrader_meta, notebook.cells)
        if meta.get("locked") and not meta.get("solution")
    }


def _restore_locked_cells(path: Path, reference: nbformat.NotebookNode) -> list[str]:
    """Put back read-only cells a trainee deleted, from the release; say which."""
    notebook = nbformat.read(path, as_version=4)
    notes: list[str] = []
    position = 0
    for cell in reference.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if not grade_id:
            continue
        ids = [nbgrader_meta(c).get("grade_id") for c in notebook.cells]
        if grade_id in ids:
            position = ids.index(grade_id) + 1
        elif nbgrader_meta(cell).get("locked"):
            notebook.cells.insert(position, cell)
            position += 1
            notes.append(f"read-only cell '{grade_id}' was deleted and has been put back")
    if notes:
        nbformat.write(notebook, path)
    return notes


def _safe_unzip(archive: Path, into: Path) -> Path:
    with zipfile.ZipFile(archive) as bundle:
        for member in bundle.infolist():
            name = Path(member.filename)
            if name.is_absolute() or ".." in name.parts:
                raise SubmissionError(
                    f"{archive.name} contains {member.filename!r}, a path outside the archive; "
                    "it was not unpacked. Make the zip again from the folder of notebooks.",
                    path=str(archive),
                )
        bundle.extractall(into)
    return into
