"""The classroom server: a cohort's accounts, homes and limits for one JupyterHub.

``deploy/jupyterhub_config.py`` is thin; what it needs as code lives here, so that the
command line (``osintlab classroom users``), the hub and the tests share one implementation:

- the roster (a CSV file: ``username,full_name,role,language``) read and checked, every
  problem named with its line and the fix;
- real system users (``useradd``/``userdel``) in a trainee or a trainer group, because
  nbgrader's exchange works with file permissions;
- each trainee's home: the lessons copied in (in the person's language, built from the
  course's translations with the i18n tooling), the datasets reachable read-only through
  ``OSINTLAB_DATASETS``, never the course's ``notebooks/`` (model answers, hidden tests)
  or ``grading/``: those two are locked to the trainer group;
- :class:`ClassroomSpawner`, which starts each person's server as that person with the
  memory and CPU limits in force (``RLIMIT_AS`` always, a cgroup where the machine allows),
  the interface language and the nbgrader role (assignment list for trainees, formgrader
  for trainers).

Example:
    >>> from osintlab import classroom
    >>> classroom.parse_memory("2G")
    2147483648
"""

from __future__ import annotations

import csv
import grp
import json
import os
import pwd
import re
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Unicode

from ._layout import REPOSITORY
from .exceptions import ClassroomError, RosterError
from .lab import INTERFACE_LOCALES, interface_locale

__all__ = [
    "ClassroomSpawner",
    "Member",
    "Settings",
    "build_lessons",
    "check",
    "create_users",
    "interface_locale",
    "lesson_folder",
    "load_settings",
    "lock_course",
    "parse_memory",
    "prepare_home",
    "read_roster",
    "remove_users",
    "write_role_config",
]

ROLES = ("trainee", "trainer")
# Notebook languages of the curriculum; the interface language follows from it.
LANGUAGES = {"en": "English", "ru": "Russian", "kk": "Kazakh", "ky": "Kyrgyz", "tg": "Tajik",
             "tk": "Turkmen", "uz": "Uzbek"}
# JupyterLab has an interface pack for Russian only; national-language cohorts read their
# notebooks in their language inside the Russian interface.
_LINUX_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_HEADER = ("username", "full_name", "role", "language")
_SETTINGS_ENV = "OSINTLAB_CLASSROOM"  # path of classroom.yml


def parse_memory(text: str | int) -> int:
    """Bytes from a size such as ``2G``, ``512M`` or a plain number of bytes.

    Example:
        >>> parse_memory("512M")
        536870912
    """
    if isinstance(text, int):
        return text
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*", str(text), re.IGNORECASE)
    if not match:
        raise ClassroomError(
            f"The memory limit {text!r} is not a size: write it like 2G or 1536M.", value=text
        )
    power = " KMGT".index(match.group(2).upper() or " ")
    return int(float(match.group(1)) * 1024**power)


# -- settings -------------------------------------------------------------------------
@dataclass
class Settings:
    """What one classroom server needs to know (from ``deploy/classroom.yml``)."""

    roster: Path
    state: Path  # hub database, cookie secret, passwords, generated Jupyter config
    exchange: Path
    course_repository: Path
    course: Path  # the trainers' nbgrader course folder
    course_id: str = "osint-lab"
    python: str = sys.executable  # the interpreter every person's server runs
    language: str = "ru"  # default notebook language when the roster leaves it empty
    show_drafts: bool = False  # national cohorts read unreviewed drafts (⟨draft⟩), not Russian
    limits: dict[str, dict[str, Any]] = field(default_factory=dict)
    idle_timeout: int = 3600
    ip: str = "0.0.0.0"
    port: int = 8000
    hub_port: int = 8081
    proxy_api_port: int = 8001
    proxy: str = ""  # configurable-http-proxy executable (default: deploy/node_modules)
    groups: dict[str, str] = field(
        default_factory=lambda: {"trainee": "osintlab-trainees", "trainer": "osintlab-trainers"}
    )
    environment: dict[str, str] = field(default_factory=dict)  # extra variables for servers

    @property
    def lessons(self) -> Path:
        """Where ``osintlab classroom users`` builds the translated lessons (one folder a
        language), read by everyone and copied into homes.

        Example:
            >>> Settings(Path("r"), Path("s"), Path("e"), Path("c"), Path("k")).lessons
            PosixPath('s/lessons')
        """
        return self.state / "lessons"

    def limit(self, role: str) -> tuple[int, float]:
        """(memory bytes, CPU cores) for one role.

        Example:
            >>> Settings(Path("r"), Path("s"), Path("e"), Path("c"), Path("k")).limit("trainee")
            (2147483648, 1.0)
        """
        defaults = {"trainee": {"memory": "2G", "cpu": 1.0},
                    "trainer": {"memory": "4G", "cpu": 2.0}}
        merged = {**defaults[role], **(self.limits.get(role) or {})}
        return parse_memory(merged["memory"]), float(merged["cpu"])


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Read ``classroom.yml`` (from ``path``, ``$OSINTLAB_CLASSROOM`` or deploy/), resolving
    relative paths against the file's folder.

    Example:
        >>> load_settings("deploy/classroom.yml").course_id
        'osint-lab'
    """
    source = Path(path or os.environ.get(_SETTINGS_ENV) or REPOSITORY / "deploy" / "classroom.yml")
    if not source.is_file():
        raise ClassroomError(
            f"No classroom settings at {source}: copy deploy/classroom.yml there, or point "
            f"{_SETTINGS_ENV} at yours.",
            path=str(source),
        )
    raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    known = set(Settings.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ClassroomError(
            f"{source}: unknown setting(s) {', '.join(unknown)}. Known settings: "
            f"{', '.join(sorted(known))}.",
            path=str(source),
        )
    base = source.parent
    for key in ("roster", "state", "exchange", "course_repository", "course"):
        if key not in raw:
            raise ClassroomError(f"{source}: the setting {key!r} is missing.", path=str(source))
        raw[key] = (base / str(raw[key])).resolve()
    if raw.get("proxy"):
        raw["proxy"] = str((base / raw["proxy"]).resolve())
    if raw.get("python") in (None, ""):
        raw.pop("python", None)
    return Settings(**raw)


# -- roster ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Member:
    """One person on the roster."""

    username: str
    full_name: str
    role: str
    language: str


def read_roster(path: str | os.PathLike[str], default_language: str = "ru") -> list[Member]:
    """Read and check a roster CSV; every problem is reported at once, with its line.

    Example:
        >>> [m.role for m in read_roster("deploy/roster.example.csv")][:2]
        ['trainer', 'trainee']
    """
    source = Path(path)
    if not source.is_file():
        raise RosterError(
            f"The roster {source} does not exist. Start from deploy/roster.example.csv.",
            path=str(source),
        )
    with source.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [h for h in _HEADER[:3] if h not in header]
        if missing:
            raise RosterError(
                f"{source}: the first line must name the columns {','.join(_HEADER)}; "
                f"missing: {', '.join(missing)}.",
                path=str(source),
            )
        rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    members: list[Member] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        name, role = row.get("username", ""), row.get("role", "").lower()
        language = row.get("language", "").lower() or default_language
        where = f"line {number}"
        if not _LINUX_NAME.match(name):
            problems.append(
                f"{where}: username {name!r} is not a valid Linux account name; use 1-32 "
                "lower-case Latin letters, digits, '-' or '_', starting with a letter "
                f"(for example {_suggest(name)!r})"
            )
        elif name in seen:
            problems.append(
                f"{where}: username {name!r} is already used on line {seen[name]}; give each "
                "person their own username"
            )
        else:
            seen[name] = number
        if role not in ROLES:
            problems.append(f"{where}: role {row.get('role', '')!r} is not 'trainee' or 'trainer'")
        if language not in LANGUAGES:
            problems.append(
                f"{where}: language {language!r} is not one of {', '.join(LANGUAGES)}"
            )
        members.append(Member(name, row.get("full_name", ""), role, language))
    if problems:
        raise RosterError(
            f"{source} has {len(problems)} problem(s); nothing was changed:\n  "
            + "\n  ".join(problems),
            path=str(source),
            problems=problems,
        )
    return members


def _suggest(name: str) -> str:
    from .grading.course import safe_id

    slug = safe_id(name or "trainee").replace(".", "-")
    slug = slug if slug[:1].isalpha() else f"u{slug}"
    return slug[:32]


# -- system users and homes ------------------------------------------------------------
def _run(*command: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise ClassroomError(
            f"`{' '.join(command)}` failed: {result.stderr.strip() or result.stdout.strip()}. "
            "Run this as root (sudo) on the classroom server.",
            command=command,
        )


def _group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _classroom_account(name: str, settings: Settings, missing_ok: bool = False) -> bool:
    """Whether ``name`` is a classroom account: not root, primary group a classroom group.

    An existing account of another kind (``root``, ``www-data``, the server's own admin)
    must never be taken over by a roster line: its server would run with its rights.
    """
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        return missing_ok
    gids = set()
    for group in settings.groups.values():
        try:
            gids.add(grp.getgrnam(group).gr_gid)
        except KeyError:
            continue
    return account.pw_uid != 0 and account.pw_gid in gids


def create_users(members: list[Member], settings: Settings) -> list[str]:
    """Create or update the system account and home of each member; one line per person.

    First builds the lessons in every language on the roster (:func:`build_lessons`), so
    a broken translation stops it before any account changes. Also makes the groups, locks
    the course's sources to trainers, makes the exchange and the trainers' course folder.
    Needs root; safe to run again after a roster change.

    Example:
        >>> create_users(read_roster("roster.csv"), load_settings())  # doctest: +SKIP
        ['ali-bekov: created (trainee)', ...]
    """
    foreign = [member.username for member in members if not _classroom_account(
        member.username, settings, missing_ok=True)]
    if foreign:
        raise ClassroomError(
            f"{', '.join(foreign)}: an account of that name already exists on this server and "
            "is not a classroom account (its group is not "
            f"{' or '.join(settings.groups.values())}); nothing was changed. Give "
            "the person another username in the roster.",
            users=foreign,
        )
    settings.state.mkdir(parents=True, exist_ok=True)
    settings.state.chmod(0o711)  # people's servers read the lessons and config; nothing else
    build_lessons(settings, {member.language for member in members})
    for group in settings.groups.values():
        if not _group_exists(group):
            _run("groupadd", "--system", group)
    lock_course(settings)
    _prepare_exchange(settings)
    _prepare_course(settings)
    lines: list[str] = []
    for member in members:
        group = settings.groups[member.role]
        other = settings.groups["trainer" if member.role == "trainee" else "trainee"]
        if _user_exists(member.username):
            _run("usermod", "--comment", member.full_name, "--gid", group, member.username)
            state = "updated"
        else:
            _run("useradd", "--create-home", "--shell", "/bin/bash", "--gid", group,
                 "--comment", member.full_name, member.username)
            state = "created"
        if other in [g.gr_name for g in grp.getgrall() if member.username in g.gr_mem]:
            _run("gpasswd", "--delete", member.username, other)
        prepare_home(member, settings)
        lines.append(f"{member.username}: {state} ({member.role}, {member.language})")
    return lines


def remove_users(usernames: list[str], groups: list[str] | None = None) -> list[str]:
    """Delete system accounts with their homes (and, if named, groups); say what went.

    Example:
        >>> remove_users(["ali-bekov"])  # doctest: +SKIP
        ['ali-bekov: removed']
    """
    lines: list[str] = []
    for name in usernames:
        if _user_exists(name):
            subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
            _run("userdel", "--remove", name)
            lines.append(f"{name}: removed")
    for group in groups or []:
        if _group_exists(group):
            _run("groupdel", group)
    return lines


def lesson_folder(repository: Path, module: str, language: str,
                  built: Path | None = None) -> Path:
    """Where the lessons of ``module`` in ``language`` are.

    ``built`` is the folder :func:`build_lessons` wrote (``<built>/<language>/<module>/``);
    English, and a language with no lessons built, get the English source lessons.

    Example:
        >>> lesson_folder(Path("."), "m00-getting-started", "en").as_posix()
        'notebooks/m00-getting-started'
    """
    if built is not None and language != "en" and (built / language / module).is_dir():
        return built / language / module
    return repository / "notebooks" / module


def build_lessons(settings: Settings, languages: list[str] | set[str]) -> list[Path]:
    """Build every module's lessons in each of ``languages`` with the course's i18n tooling.

    Each lesson that has a catalogue (``locale/<lang>/<module>/<lesson>.po``) is written to
    ``settings.lessons/<lang>/<module>/`` as ``osintlab i18n build`` writes it: translated
    text, code and cell ids unchanged, text still untranslated in English marked ⟨EN⟩.
    Only lessons are built, never an exercise (its source holds the model answers), so the
    folder is safe for everyone to read. English needs no build.

    Example:
        >>> build_lessons(load_settings(), {"ru"})  # doctest: +SKIP
        [PosixPath('/var/lib/osintlab/lessons/ru/m00-getting-started/01-jupyter.ipynb'), ...]
    """
    from .curriculum import find_modules
    from .i18n.build import catalogue_path, localise_file

    written: list[Path] = []
    for language in sorted(set(languages) - {"en"}):
        target = settings.lessons / language
        if target.exists():
            shutil.rmtree(target)  # a fresh build: lessons removed from a module go too
        for module in find_modules(settings.course_repository):
            for lesson in module.lessons:
                source = settings.course_repository / "notebooks" / module.id / lesson
                if not source.is_file() or not catalogue_path(
                        settings.course_repository, language, module.id, lesson).is_file():
                    continue
                written.append(localise_file(source, target / module.id / lesson, language,
                                             module.id, root=settings.course_repository,
                                             drafts=settings.show_drafts))
    for path in [settings.lessons, *settings.lessons.rglob("*")] if written else []:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return written


def prepare_home(member: Member, settings: Settings) -> list[Path]:
    """Give a member a private home (0700) with the lessons of every module copied in,
    in the member's language where :func:`build_lessons` built them (English otherwise).

    A trainer's home also gets ``course``, a link to the trainers' course folder (the
    formgrader works only on a course folder inside the home).

    Only lessons are copied (never an exercise, a model answer or ``grading/``); a lesson
    already in the home is kept, so a trainee's notes are never overwritten.

    Example:
        >>> ali = Member("ali-bekov", "Али Беков", "trainee", "ru")
        >>> prepare_home(ali, settings)  # doctest: +SKIP
        [PosixPath('/home/ali-bekov/lessons/m00-getting-started/01-jupyter.ipynb'), ...]
    """
    from .curriculum import find_modules

    account = pwd.getpwnam(member.username)
    home = Path(account.pw_dir)
    home.mkdir(mode=0o700, exist_ok=True)
    os.chown(home, account.pw_uid, account.pw_gid)
    home.chmod(0o700)
    copied: list[Path] = []
    # This runs as root in a folder the person owns: never follow a link they may have made
    # (a link in lessons/ would let root write or chown a file of the link's choosing).
    lessons = home / "lessons"
    for module in find_modules(settings.course_repository):
        folder = lesson_folder(settings.course_repository, module.id, member.language,
                               settings.lessons)
        target = lessons / module.id
        if lessons.is_symlink() or target.is_symlink():
            continue
        for lesson in module.lessons:
            if not (folder / lesson).is_file() or os.path.lexists(target / lesson):
                continue
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / lesson, target / lesson)
            copied.append(target / lesson)
    if not lessons.is_symlink():
        for path in [lessons, *lessons.rglob("*")]:
            if os.path.lexists(path):
                os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)
    link = home / "course"
    if member.role == "trainer" and not link.is_symlink() and not link.exists():
        link.symlink_to(settings.course, target_is_directory=True)
        os.chown(link, account.pw_uid, account.pw_gid, follow_symlinks=False)
    return copied


def lock_course(settings: Settings) -> list[Path]:
    """Make the course repository's ``notebooks/`` and ``grading/`` unreadable to trainees.

    They hold the model answers and hidden tests: group ``trainers`` may read them, others
    may not (mode 0750 folders, 0640 files, owner root). So do ``.git`` (every version of
    those files), ``build/`` (``osintlab i18n build`` writes localised exercises with
    their answers there) and the world generator ``src/osintlab/world/`` (its cast table and
    ground truth say who is who; trainees need only the generated ``datasets/``) and
    ``locale/`` (the exercises' catalogues hold the hidden tests' feedback texts; trainees get
    lessons already built in their language and the package's compiled messages), where a
    copy of the repository has them.

    Example:
        >>> lock_course(load_settings())  # doctest: +SKIP
        [PosixPath('/opt/osintlab/notebooks'), PosixPath('/opt/osintlab/grading')]
    """
    gid = grp.getgrnam(settings.groups["trainer"]).gr_gid
    locked: list[Path] = []
    for name in ("notebooks", "grading", ".git", "build", "locale", "src/osintlab/world"):
        top = settings.course_repository / name
        if not top.is_dir():
            continue
        for path in [top, *top.rglob("*")]:
            os.chown(path, 0, gid, follow_symlinks=False)
            if not path.is_symlink():
                path.chmod(0o750 if path.is_dir() else 0o640)
        locked.append(top)
    return locked


def _prepare_exchange(settings: Settings) -> None:
    # nbgrader's documented exchange: world-writable with the sticky bit, like /tmp.
    settings.exchange.mkdir(parents=True, exist_ok=True)
    settings.exchange.chmod(0o1777)


def _prepare_course(settings: Settings) -> None:
    """The trainers' course folder: made once, shared by the trainer group (setgid)."""
    from .grading.course import init_course

    if not (settings.course / "nbgrader_config.py").is_file():
        init_course(settings.course, settings.course_id, curriculum=settings.course_repository,
                    exchange=settings.exchange)
    gid = grp.getgrnam(settings.groups["trainer"]).gr_gid
    for path in [settings.course, *settings.course.rglob("*")]:
        os.chown(path, 0, gid, follow_symlinks=False)
        path.chmod(0o2770 if path.is_dir() else 0o660)
    # the folders above the course folder must let trainers through
    for parent in settings.course.parents:
        if parent == Path("/"):
            break
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o011 if parent.stat().st_gid == gid else mode | 0o001)


# -- generated Jupyter configuration for each role and language ------------------------
def write_role_config(settings: Settings) -> dict[str, Path]:
    """Write the Jupyter configuration folders the servers read (``JUPYTER_CONFIG_PATH``).

    ``trainee``: nbgrader's assignment list only (formgrader, course list and
    create-assignment switched off in the server and in JupyterLab), the exchange and course
    id. ``trainer``: the formgrader on the course folder. ``lab-<locale>``: JupyterLab's
    settings override that sets the interface language.

    Example:
        >>> write_role_config(load_settings())  # doctest: +SKIP
        {'trainee': PosixPath('/var/lib/osintlab/jupyter/trainee'), ...}
    """
    base = settings.state / "jupyter"
    folders: dict[str, Path] = {}
    hidden = ["formgrader", "course_list"]
    for role in ROLES:
        folder = base / role
        (folder / "labconfig").mkdir(parents=True, exist_ok=True)
        off = hidden if role == "trainee" else []
        server = {"ServerApp": {"jpserver_extensions": {
            f"nbgrader.server_extensions.{name}": False for name in off}}}
        (folder / "jupyter_server_config.json").write_text(json.dumps(server, indent=1))
        plugins = ["formgrader", "create-assignment", "course-list"] if role == "trainee" else []
        page = {"disabledExtensions": {f"@jupyter/nbgrader:{p}": True for p in plugins}}
        # the classroom is offline: no "Jupyter news" prompt (it would fetch from the internet)
        page["disabledExtensions"]["@jupyterlab/apputils-extension:announcements"] = True
        (folder / "labconfig" / "page_config.json").write_text(json.dumps(page, indent=1))
        lines = [
            "# Written by osintlab classroom (deploy/jupyterhub_config.py); do not edit here.",
            "c = get_config()  # noqa: F821",
            f"c.CourseDirectory.course_id = {settings.course_id!r}",
            f"c.Exchange.root = {str(settings.exchange)!r}",
        ]
        if role == "trainer":
            # nbgrader's formgrader shows an error unless the course folder is inside the
            # server's root (the home): each trainer's home has `course`, a link to it.
            lines += [
                f"load_subconfig({str(settings.course / 'nbgrader_config.py')!r})  # noqa: F821",
                "import os.path",
                "c.CourseDirectory.root = os.path.join(os.path.expanduser('~'), 'course')",
            ]
        (folder / "nbgrader_config.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
        folders[role] = folder
    for locale in sorted(set(INTERFACE_LOCALES.values())):
        folder = base / f"lab-{locale}"
        folder.mkdir(parents=True, exist_ok=True)
        overrides = {"@jupyterlab/translation-extension:plugin": {"locale": locale}}
        (folder / "overrides.json").write_text(json.dumps(overrides, indent=1))
        folders[f"lab-{locale}"] = folder
    for path in [base, *base.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return folders


def closed_to_trainees(path: str | os.PathLike[str]) -> Path | None:
    """The first folder on the way to ``path`` that other accounts cannot pass, or None.

    A trainee's server runs as the trainee's own account, so every folder above the course,
    its datasets and its Python must let others through (the ``x`` bit for "others").

    Example:
        >>> closed_to_trainees("/usr/bin") is None
        True
    """
    target = Path(os.path.realpath(path))
    for folder in [*reversed(target.parents), target]:
        try:
            mode = folder.stat().st_mode
        except OSError:
            return None  # a missing path is reported by the checks that need it
        if folder.is_dir() and not mode & 0o001:
            return folder
    return None


def _closed_problems(settings: Settings) -> list[str]:
    problems = []
    for what, path in (
        ("the course repository", settings.course_repository / "datasets"),
        ("the Python trainees' servers run", Path(settings.python)),
        ("the lessons folder", settings.lessons),
    ):
        closed = closed_to_trainees(path)
        if closed is not None:
            mode = oct(closed.stat().st_mode & 0o777)[2:]
            problems.append(
                f"{closed} (mode {mode}) is closed to trainee accounts, so {what} cannot be "
                f"reached and every trainee's server fails to start (the hub answers \"500 "
                f"Internal Server Error\"): move it to a shared place such as /opt (as "
                f"deploy/install.sh does), or let others pass with `chmod o+x {closed}`"
            )
    return problems


def check(settings: Settings) -> list[str]:
    """Everything wrong with a classroom's settings and roster, one line each.

    Example:
        >>> check(load_settings("deploy/classroom.yml"))  # doctest: +SKIP
        []
    """
    problems: list[str] = []
    try:
        read_roster(settings.roster, settings.language)
    except RosterError as error:
        problems.append(str(error))
    if not (settings.course_repository / "modules").is_dir():
        problems.append(
            f"course_repository {settings.course_repository} has no modules/ folder: point it "
            "at the course repository"
        )
    if settings.language not in LANGUAGES:
        problems.append(f"language {settings.language!r} is not one of {', '.join(LANGUAGES)}")
    for role in ROLES:
        try:
            memory, cpu = settings.limit(role)
        except ClassroomError as error:
            problems.append(f"limits.{role}: {error}")
            continue
        if memory < 512 * 1024**2:
            problems.append(
                f"limits.{role}.memory is {memory // 1024**2} MB: a Jupyter server and one "
                "kernel need at least 512M"
            )
        if cpu <= 0:
            problems.append(f"limits.{role}.cpu must be more than 0 (e.g. 1 or 0.5)")
    if settings.idle_timeout < 60:
        problems.append("idle_timeout is in seconds and should be at least 60 (e.g. 3600)")
    proxy = Path(settings.proxy or REPOSITORY / "deploy/node_modules/.bin/configurable-http-proxy")
    if not proxy.exists():
        problems.append(f"no proxy at {proxy}: run `npm ci --prefix deploy`")
    problems += _closed_problems(settings)
    return problems


# -- the spawner ------------------------------------------------------------------------
def _cgroup_base() -> tuple[str, Path] | None:
    """A writable cgroup (v2, else v1 memory+cpu) below this process's own, or None."""
    root = Path("/sys/fs/cgroup")
    lines = Path("/proc/self/cgroup").read_text().splitlines()
    if (root / "cgroup.controllers").exists():
        own = next((ln.split(":", 2)[2] for ln in lines if ln.startswith("0::")), "/")
        base = root / own.lstrip("/") / "osintlab-classroom"
        version = "v2"
    else:
        own = next((ln.split(":", 2)[2] for ln in lines if ":memory:" in ln), None)
        if own is None or not (root / "cpu").is_dir():
            return None
        base = Path(own.lstrip("/")) / "osintlab-classroom"
        version = "v1"
    try:
        folders = [base] if version == "v2" else [root / "memory" / base, root / "cpu" / base]
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
        if version == "v2":
            # cgroup v2 keeps processes in leaves only: the hub's own processes (hub, proxy,
            # services) move to a "hub" leaf before the people's groups get controllers.
            own_group = base.parent
            (own_group / "hub").mkdir(exist_ok=True)
            for pid in (own_group / "cgroup.procs").read_text().split():
                (own_group / "hub" / "cgroup.procs").write_text(pid)
            (own_group / "cgroup.subtree_control").write_text("+memory +cpu")
            (base / "cgroup.subtree_control").write_text("+memory +cpu")
    except OSError:
        return None
    return version, base


def _cgroup_for(name: str, memory: int, cpu: float) -> list[Path]:
    """Make (or update) ``name``'s cgroup with the limits; the cgroup.procs files to join."""
    found = _cgroup_base()
    if found is None:
        return []
    version, base = found
    period = 100_000
    try:
        if version == "v2":
            group = base / name
            group.mkdir(exist_ok=True)
            (group / "memory.max").write_text(str(memory))
            if (group / "memory.swap.max").exists():
                (group / "memory.swap.max").write_text("0")
            (group / "cpu.max").write_text(f"{int(cpu * period)} {period}")
            return [group / "cgroup.procs"]
        memory_group = Path("/sys/fs/cgroup/memory") / base / name
        cpu_group = Path("/sys/fs/cgroup/cpu") / base / name
        memory_group.mkdir(exist_ok=True)
        cpu_group.mkdir(exist_ok=True)
        (memory_group / "memory.limit_in_bytes").write_text(str(memory))
        (cpu_group / "cpu.cfs_period_us").write_text(str(period))
        (cpu_group / "cpu.cfs_quota_us").write_text(str(int(cpu * period)))
        return [memory_group / "cgroup.procs", cpu_group / "cgroup.procs"]
    except OSError:
        return []


class ClassroomSpawner(LocalProcessSpawner):
    """Each person's server as their own system user, with limits that are really in force.

    JupyterHub's ``LocalProcessSpawner`` ignores ``mem_limit`` and ``cpu_limit``. Here the
    memory limit is applied to the server and every kernel it starts as ``RLIMIT_AS`` (the
    address space one process may use, everywhere), and both limits as a cgroup for the
    person's whole process tree where ``/sys/fs/cgroup`` is writable (cgroup v2 or v1).

    Example:
        >>> c.JupyterHub.spawner_class = "osintlab.classroom.ClassroomSpawner"  # doctest: +SKIP
    """

    settings_file = Unicode("", config=True, help="classroom.yml (default $OSINTLAB_CLASSROOM)")

    def _classroom(self) -> tuple[Settings, Member]:
        settings = load_settings(self.settings_file or None)
        members = {m.username: m for m in read_roster(settings.roster, settings.language)}
        member = members.get(self.user.name)
        if member is None:
            raise ClassroomError(
                f"{self.user.name} is not on the roster {settings.roster}; add them and run "
                "`osintlab classroom users` again.",
                user=self.user.name,
            )
        if not _classroom_account(member.username, settings):
            raise ClassroomError(
                f"{self.user.name} has no classroom account on this server (none, or one "
                "`osintlab classroom users` did not make); run `osintlab classroom users` "
                "and give the person another username if it refuses this one.",
                user=self.user.name,
            )
        return settings, member

    def get_env(self) -> dict[str, str]:
        env = super().get_env()
        settings, member = self._classroom()
        python_bin = str(Path(settings.python).parent)
        env.update(settings.environment)
        env.update(
            PATH=os.pathsep.join([python_bin, "/usr/local/bin", "/usr/bin", "/bin"]),
            OSINTLAB_LANG=member.language,
            OSINTLAB_SHOW_DRAFTS="1" if settings.show_drafts else "",
            OSINTLAB_DATASETS=str(settings.course_repository / "datasets"),
            OSINTLAB_ROLE=member.role,
            # the role's nbgrader and Jupyter settings come before the installation's own
            JUPYTER_CONFIG_PATH=str(settings.state / "jupyter" / member.role),
        )
        # The fictional internet needs no setting: each kernel starts its own sandbox server
        # on first use (its own rate limits and logins, never shared between trainees), and
        # the launcher's "Fictional internet" entry (jupyter-server-proxy, registered by the
        # installed osintlab package) starts one for the person's browser.
        return env

    def get_args(self) -> list[str]:
        settings, member = self._classroom()
        lab_settings = settings.state / "jupyter" / f"lab-{interface_locale(member.language)}"
        return [*super().get_args(), f"--LabApp.app_settings_dir={lab_settings}"]

    async def start(self):
        settings, member = self._classroom()
        closed = _closed_problems(settings)
        if closed:  # say which folder and the fix, not a bare 500
            raise ClassroomError(closed[0], user=member.username)
        self.cmd = [settings.python, "-m", "jupyterhub.singleuser"]
        self.default_url = "/lab"
        memory, cpu = settings.limit(member.role)
        self.mem_limit, self.cpu_limit = memory, cpu
        self._limits = (memory, _cgroup_for(member.username, memory, cpu),
                        0o077 if member.role == "trainee" else 0o007)
        return await super().start()

    def make_preexec_fn(self, name: str):
        become = super().make_preexec_fn(name)
        memory, cgroups, umask = getattr(self, "_limits", (None, [], 0o077))

        def preexec() -> None:
            for procs in cgroups:  # join the person's cgroup while still root
                procs.write_text(str(os.getpid()))
            if memory:
                resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            os.umask(umask)
            become()

        return preexec
