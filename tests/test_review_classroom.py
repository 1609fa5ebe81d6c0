"""Review of the classroom set-up: what runs as root must not be turned against the server.

``osintlab classroom users`` runs as root, in homes the trainees own, and takes accounts
from a roster; these tests hold it to never following a trainee's link, never taking over
an account it did not make, and locking every copy of the model answers.
"""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest

from osintlab import classroom
from osintlab.exceptions import ClassroomError

ROOT = Path(__file__).resolve().parents[1]
MODULE = "m00-getting-started"
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")


def _settings(tmp_path: Path, repository: Path = ROOT, **groups: str) -> classroom.Settings:
    return classroom.Settings(
        roster=tmp_path / "roster.csv", state=tmp_path / "state",
        exchange=tmp_path / "exchange", course_repository=repository,
        course=tmp_path / "course", groups=groups or {"trainee": "root", "trainer": "root"},
    )


@needs_root
def test_prepare_home_never_follows_a_trainees_link(tmp_path, monkeypatch):
    """A trainee's links in ~/lessons must not make root chown or write files elsewhere."""
    home = tmp_path / "home"
    uid = 54321  # no such account needed: root may chown to any number
    monkeypatch.setattr(classroom.pwd, "getpwnam", lambda name: SimpleNamespace(
        pw_dir=str(home), pw_uid=uid, pw_gid=uid))
    victim = tmp_path / "shadow"  # stands for /etc/shadow
    victim.write_text("root:secret\n")
    outside = tmp_path / "outside"  # stands for /etc or /root/.ssh
    outside.mkdir()
    (home / "lessons" / MODULE).mkdir(parents=True)
    (home / "lessons" / "grab").symlink_to(victim)
    (home / "lessons" / MODULE / "01-jupyter.ipynb").symlink_to(tmp_path / "planted")
    member = classroom.Member("ali-bekov", "Али Беков", "trainee", "en")

    classroom.prepare_home(member, _settings(tmp_path))

    assert victim.stat().st_uid == 0, "root handed a file outside the home to the trainee"
    assert not (tmp_path / "planted").exists(), "root wrote through the trainee's link"
    assert (home / "lessons" / MODULE / "02-python-basics.ipynb").stat().st_uid == uid

    # the whole lessons folder a link to somewhere else: nothing there is touched
    (home / "lessons").rename(tmp_path / "old-lessons")
    (home / "lessons").symlink_to(outside)
    classroom.prepare_home(member, _settings(tmp_path))
    assert list(outside.iterdir()) == [] and outside.stat().st_uid == 0


def test_create_users_refuses_to_take_over_an_existing_system_account(tmp_path, monkeypatch):
    """A roster line naming `root` (or the server admin's account) changes nothing."""
    ran: list[tuple[str, ...]] = []
    monkeypatch.setattr(classroom, "_run", lambda *command: ran.append(command))
    for step in ("build_lessons", "lock_course", "_prepare_exchange", "_prepare_course",
                 "prepare_home"):
        monkeypatch.setattr(classroom, step, lambda *a, **k: [])
    members = [classroom.Member("root", "Root", "trainee", "ru")]
    with pytest.raises(ClassroomError, match="root: an account of that name already exists"):
        classroom.create_users(members, _settings(tmp_path, trainee="osintlab-x-trainees",
                                                  trainer="osintlab-x-trainers"))
    assert not any("usermod" in command for command in ran), ran
    assert not (tmp_path / "state").exists()


def test_the_spawner_never_starts_a_server_for_a_non_classroom_account(tmp_path):
    """Even with `root` on the roster, the hub must not start a server as root."""
    (tmp_path / "roster.csv").write_text(
        "username,full_name,role,language\nroot,Root,trainee,ru\n", "utf-8")
    settings = tmp_path / "classroom.yml"
    settings.write_text(
        f"roster: {tmp_path / 'roster.csv'}\nstate: {tmp_path / 'state'}\n"
        f"exchange: {tmp_path / 'exchange'}\ncourse_repository: {ROOT}\n"
        f"course: {tmp_path / 'course'}\n", "utf-8")
    spawner = classroom.ClassroomSpawner(user=SimpleNamespace(name="root"),
                                         settings_file=str(settings))
    with pytest.raises(ClassroomError, match="root has no classroom account"):
        spawner._classroom()
    assert pwd.getpwnam("root").pw_uid == 0  # the account the check is about exists


@needs_root
def test_lock_course_locks_every_copy_of_the_answers(tmp_path):
    """.git (every version of notebooks/) and build/ (localised exercises) are locked too."""
    repository = tmp_path / "repository"
    for secret in ("notebooks/m00/04-exercise.ipynb", ".git/objects/ab/cdef",
                   "build/locale/ru/notebooks/m00/04-exercise.ipynb",
                   "src/osintlab/world/truth.py", "locale/ru/m00/04-exercise.po"):
        (repository / secret).parent.mkdir(parents=True, exist_ok=True)
        (repository / secret).write_text("### BEGIN SOLUTION")
    for path in repository.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # as install.sh: chmod -R a+rX

    classroom.lock_course(_settings(tmp_path, repository))

    for name in ("notebooks", ".git", "build", "locale", "src/osintlab/world"):
        for path in [repository / name, *(repository / name).rglob("*")]:
            assert not path.stat().st_mode & stat.S_IRWXO, path


def test_install_copies_neither_git_history_nor_builds():
    """deploy/install.sh makes its copy world-readable: .git and build/ must stay out."""
    script = (ROOT / "deploy" / "install.sh").read_text("utf-8")
    rsync = script[script.index("rsync "):]
    rsync = rsync[:rsync.index('"$TARGET/"')]
    assert "--exclude .git" in rsync and "--exclude /build" in rsync
