"""One person, one machine: a trainee's workspace beside the curriculum, and JupyterLab on it.

``notebooks/`` is nbgrader's source folder: its exercises hold the model answers and the hidden
tests. A trainee working alone must not start from those, so ``osintlab lab`` (``make lab``)
first fills ``workspace/<module>/`` with the lessons and the trainee's version of each exercise
(made by nbgrader, exactly as a trainer would release it), then opens JupyterLab there, on the
first lesson: its file browser holds the workspace only, so neither ``notebooks/`` nor
``grading/`` (the ground truth) is in reach (the datasets come through ``osintlab.datasets``).
An author asks for the whole repository: ``osintlab lab --author``.

The workspace is the trainee's own work: a notebook already in it is never overwritten. When
the curriculum has a newer version, the trainee is told which notebook and how to get it.

Example:
    >>> from osintlab import lab
    >>> lab.prepare_workspace()  # doctest: +SKIP
    ['workspace/m00-getting-started/04-exercise.ipynb: created']
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from ._layout import REPOSITORY
from .curriculum import find_modules

__all__ = ["WORKSPACE", "lab_command", "launch", "prepare_workspace"]

WORKSPACE = "workspace"
_VERSIONS = ".course-versions.json"  # which course version each workspace copy was made from


def prepare_workspace(
    root: Path = REPOSITORY, workspace: Path | None = None, language: str | None = None
) -> list[str]:
    """Copy lessons and trainee versions of exercises into the workspace; never overwrite.

    Returns one line per notebook created, and per notebook whose course version changed
    since it was copied (the workspace remembers the version each copy was made from).
    With ``language`` (e.g. ``"ru"``), the notebooks are the localised ones, in
    ``workspace/<language>/`` unless ``workspace`` is given.

    Example:
        >>> prepare_workspace(Path("."), Path("workspace"))  # doctest: +SKIP
        ['workspace/m00-getting-started/01-jupyter.ipynb: created', ...]
    """
    root = Path(root)
    localised = bool(language and language != "en")
    target = Path(workspace) if workspace else root / WORKSPACE
    if localised and not workspace:
        target = target / str(language)
    versions_file = target / _VERSIONS
    versions = json.loads(versions_file.read_text("utf-8")) if versions_file.exists() else {}
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="osintlab-lab-") as scratch:
        releases: Path | None = None
        for module in find_modules(root):
            for entry in module.notebooks:
                origin = root / "notebooks" / module.id / entry["file"]
                mine = target / module.id / entry["file"]
                key = f"{module.id}/{entry['file']}"
                if localised:  # the lesson in the trainee's language, built from locale/
                    origin = _localised(root, module.id, entry["file"], str(language), scratch)
                version = hashlib.sha256(origin.read_bytes()).hexdigest()
                shown = mine.relative_to(root) if mine.is_relative_to(root) else mine
                if mine.exists():
                    if versions.get(key, version) != version:
                        lines.append(
                            f"{shown}: the course has a newer version; your copy is kept. To "
                            f"start again from the new one, rename yours (e.g. to "
                            f"{mine.stem}-old.ipynb) and run `make lab` again."
                        )
                    continue
                source = origin
                if entry["kind"] == "exercise":  # the trainee's version, made by nbgrader
                    releases = releases or _release_all(root, Path(scratch), language)
                    source = releases / module.id / entry["file"]
                mine.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, mine)
                versions[key] = version
                lines.append(f"{shown}: created")
    target.mkdir(parents=True, exist_ok=True)
    versions_file.write_text(json.dumps(versions, indent=1, sort_keys=True), "utf-8")
    return lines


def _localised(root: Path, module: str, file: str, language: str, scratch: str) -> Path:
    """One notebook built in ``language`` into the scratch folder."""
    from .i18n.build import localise_file

    target = Path(scratch) / "localised" / module / file
    return localise_file(root / "notebooks" / module / file, target, language, module, root)


def _release_all(root: Path, scratch: Path, language: str | None = None) -> Path:
    """Make every exercise's trainee version with nbgrader, in a throwaway course."""
    from .grading.course import init_course

    course = init_course(scratch / "course", "workspace", curriculum=root, language=language)
    for module in find_modules(root):
        course.release(module.id)
    return course.root / "release"


#: JupyterLab's interface locale per course language. Only Russian has a published language
#: pack; the national languages get the Russian interface with notebooks in their own language.
INTERFACE_LOCALES = {
    "en": "en",
    "ru": "ru_RU",
    "kk": "ru_RU",
    "ky": "ru_RU",
    "tg": "ru_RU",
    "tk": "ru_RU",
    "uz": "ru_RU",
}


def interface_locale(language: str) -> str:
    """The JupyterLab interface locale for a cohort reading notebooks in ``language``.

    Example:
        >>> interface_locale("kk"), interface_locale("ru"), interface_locale("en")
        ('ru_RU', 'ru_RU', 'en')
    """
    return INTERFACE_LOCALES.get(language, "en")


def interface_settings(folder: Path, language: str) -> Path:
    """A JupyterLab settings folder that switches the interface to ``language``'s pack.

    Only Russian has a published JupyterLab language pack; the national languages get the
    Russian interface (their notebooks are still in their own language).

    Example:
        >>> interface_settings(Path("/tmp/lab-settings"), "kk").name
        'lab-settings'
    """
    locale = interface_locale(language)
    plugin = folder / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    plugin.parent.mkdir(parents=True, exist_ok=True)
    plugin.write_text(json.dumps({"locale": locale}), "utf-8")
    return folder


#: JupyterLab plugins a lab started here never loads: the "Jupyter news" prompt and the update
#: check would reach for the internet, and classrooms are offline.
DISABLED_PLUGINS = ("@jupyterlab/apputils-extension:announcements",)
#: And in a trainee's lab, nbgrader's trainer tools (as in the classroom's trainee role).
TRAINER_PLUGINS = tuple(
    f"@jupyter/nbgrader:{name}" for name in ("formgrader", "create-assignment", "course-list")
)


def lab_command(
    root: Path = REPOSITORY,
    extra: list[str] | None = None,
    language: str | None = None,
    author: bool = False,
    workspace: Path | None = None,
) -> tuple[list[str], dict[str, str]]:
    """The JupyterLab command line and the environment it needs (its settings are written).

    A trainee's JupyterLab is rooted at their workspace (``workspace/``, or
    ``workspace/<language>/``) and opens on the first lesson: the model answers of
    ``notebooks/`` and the ground truth of ``grading/`` are not in its file browser. With
    ``author``, it is rooted at the repository instead. As root (uid 0) it gets
    ``--allow-root``, which JupyterLab otherwise demands.

    Example:
        >>> lab_command(Path("."), ["--no-browser"])[0][3]  # doctest: +SKIP
        '--LabApp.default_url=/lab/tree/m00-getting-started/01-jupyter.ipynb'
    """
    root = Path(root)
    extra = list(extra or [])
    localised = bool(language and language != "en")
    mine = _workspace_folder(root, workspace, language)
    settings = (Path(workspace) if workspace else root / WORKSPACE) / ".lab-settings"
    first = next(iter(find_modules(root)), None)
    folder, start = (root if author else mine), "/lab"
    if first and author:
        start = f"/lab/tree/notebooks/{first.id}"
    elif first:  # the trainee's first lesson, open
        lessons = [entry["file"] for entry in first.notebooks if entry["kind"] == "lesson"]
        start = f"/lab/tree/{first.id}/{lessons[0]}" if lessons else f"/lab/tree/{first.id}"
    config = settings / "config"  # read by JupyterLab through JUPYTER_CONFIG_PATH
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    disabled = DISABLED_PLUGINS if author else DISABLED_PLUGINS + TRAINER_PLUGINS
    page = {"disabledExtensions": dict.fromkeys(disabled, True)}
    (config / "labconfig" / "page_config.json").write_text(json.dumps(page, indent=1), "utf-8")
    paths = [str(config), *filter(None, [os.environ.get("JUPYTER_CONFIG_PATH")])]
    env = {"JUPYTER_CONFIG_PATH": os.pathsep.join(paths)}
    if localised:
        env["JUPYTERLAB_SETTINGS_DIR"] = str(
            interface_settings(settings / str(language), str(language))
        )
        env["OSINTLAB_LANG"] = str(language)
    if _as_root(extra):
        extra.append("--allow-root")
    jupyter = Path(sys.executable).with_name("jupyter")
    argv = [
        str(jupyter),
        "lab",
        f"--ServerApp.root_dir={folder}",
        f"--LabApp.default_url={start}",
        *extra,
    ]
    return argv, env


def _workspace_folder(root: Path, workspace: Path | None, language: str | None) -> Path:
    """The trainee's folder: ``workspace``, else ``workspace/`` (``workspace/<language>/``)."""
    if workspace:
        return Path(workspace)
    if language and language != "en":
        return root / WORKSPACE / language
    return root / WORKSPACE


def _as_root(extra: list[str]) -> bool:
    """Whether JupyterLab must be told --allow-root: run as uid 0, and not told already."""
    return os.geteuid() == 0 and "--allow-root" not in extra


def launch(
    root: Path = REPOSITORY,
    extra: list[str] | None = None,
    language: str | None = None,
    author: bool = False,
    workspace: Path | None = None,
) -> None:
    """Prepare the workspace, then replace this process with JupyterLab on it.

    The trainee's JupyterLab shows their workspace only and opens on the first lesson;
    ``author`` shows the whole repository. With ``language``, the notebooks are the
    localised ones, JupyterLab's interface uses the Russian language pack, and kernels
    speak the language (``OSINTLAB_LANG``). ``workspace`` puts the trainee's folder
    elsewhere than ``workspace/`` in the repository.

    Example:
        >>> launch(Path("."), ["--no-browser"])  # doctest: +SKIP
    """
    for line in prepare_workspace(root, workspace, language=language):
        print(line)
    argv, env = lab_command(root, extra, language, author, workspace)
    if _as_root(list(extra or [])):
        print("Running as root, so JupyterLab starts with --allow-root (safer: an ordinary user).")
    os.environ.update(env)
    sys.stdout.flush()
    os.execv(argv[0], argv)
