"""The scale-out configuration: Zero to JupyterHub values and the single-user image.

The values are checked the way Helm checks them: the chart's defaults (chart-values.yaml)
merged with deploy/k8s/config.yaml, then validated against the chart's own JSON schema
(values.schema.yaml of the pinned chart version). No cluster runs here: the hub's extra
configuration is run against a stand-in spawner object (said so in that test).
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
import types
from pathlib import Path

import jsonschema
import pytest
import yaml
from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def helm_merge(defaults: dict, values: dict) -> dict:
    """Merge values over defaults as Helm does: maps recursively, null deletes a key."""
    merged = copy.deepcopy(defaults)
    for key, value in values.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = helm_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _errors(values: dict) -> list[jsonschema.ValidationError]:
    schema = _load(K8S / "values.schema.yaml")
    merged = helm_merge(_load(K8S / "chart-values.yaml"), values)
    return sorted(jsonschema.Draft7Validator(schema).iter_errors(merged), key=str)


@pytest.fixture(scope="module")
def config() -> dict:
    return _load(K8S / "config.yaml")


@pytest.fixture(scope="module")
def classroom() -> dict:
    return _load(ROOT / "deploy" / "classroom.yml")


def test_config_is_valid_for_the_pinned_chart(config):
    """Would `helm upgrade` accept config.yaml for the pinned chart version?"""
    assert [f"{'.'.join(map(str, e.path))}: {e.message}" for e in _errors(config)] == []


def test_the_chart_schema_is_the_pinned_version_with_its_source_and_licence():
    """Is the schema kept with where it came from and its BSD-3-Clause licence?"""
    source = (K8S / "SOURCE.md").read_text(encoding="utf-8")
    assert "jupyterhub/zero-to-jupyterhub-k8s" in source
    assert "jupyterhub/values.schema.yaml" in source
    readme = (K8S / "README.md").read_text(encoding="utf-8")
    version = "4.4.0"
    assert f"tag `{version}`" in source and f"--version {version}" in readme
    assert "BSD 3-Clause License" in (K8S / "LICENSE.zero-to-jupyterhub").read_text()
    assert _load(K8S / "values.schema.yaml")["properties"]["singleuser"]["additionalProperties"] \
        is False


def test_a_misspelt_key_fails_and_names_the_key(config):
    """Does a typo such as singleuser.memroy fail validation with a message naming it?"""
    broken = copy.deepcopy(config)
    broken["singleuser"]["memroy"] = broken["singleuser"]["memory"]
    errors = _errors(broken)
    assert len(errors) == 1
    assert list(errors[0].path) == ["singleuser"]
    assert "'memroy' was unexpected" in errors[0].message


def test_a_wrong_type_fails(config):
    """Is a culling timeout written as words refused instead of reaching the hub?"""
    broken = copy.deepcopy(config)
    broken["cull"]["timeout"] = "one hour"
    assert [list(e.path) for e in _errors(broken)] == [["cull", "timeout"]]


def test_limits_culling_and_exchange_match_the_one_server_classroom(config, classroom):
    """Does a trainee get the same limits, idle timeout and exchange on both set-ups?"""
    limits = classroom["limits"]
    assert config["singleuser"]["memory"]["limit"] == limits["trainee"]["memory"]
    assert config["singleuser"]["cpu"]["limit"] == limits["trainee"]["cpu"]
    custom = config["custom"]["osintlab"]
    assert custom["trainer"] == limits["trainer"]
    assert config["cull"]["enabled"] is True
    assert config["cull"]["timeout"] == classroom["idle_timeout"]
    assert custom["courseId"] == classroom["course_id"]
    assert custom["language"] == classroom["language"]
    mounts = {m["mountPath"] for m in config["singleuser"]["storage"]["extraVolumeMounts"]}
    assert classroom["exchange"] in mounts
    nbgrader = (K8S / "jupyter" / "nbgrader_config.py").read_text(encoding="utf-8")
    assert f'c.Exchange.root = "{classroom["exchange"]}"' in nbgrader


def _run_extra_config(config: dict, roster: Path):
    """Run hub.extraConfig as the chart's hub would, with a stand-in z2jh module."""
    custom = copy.deepcopy(config["custom"])
    custom["osintlab"]["roster"] = str(roster)

    def get_config(key, default=None):
        value = {"custom": custom}
        for part in key.split("."):
            value = value.get(part, default) if isinstance(value, dict) else default
        return value

    from traitlets.config import Config

    c = Config()
    z2jh = types.ModuleType("z2jh")
    z2jh.get_config = get_config
    sys.modules["z2jh"] = z2jh
    try:
        for code in config["hub"]["extraConfig"].values():
            exec(compile(code, "extraConfig", "exec"), {"c": c})
    finally:
        del sys.modules["z2jh"]
    return c


def test_shared_folders_are_the_claims_the_servers_mount(config):
    """Does exchange.yaml create exactly the volumes config.yaml mounts, shared by every pod?"""
    claims = {d["metadata"]["name"]: d for d in
              yaml.safe_load_all((K8S / "exchange.yaml").read_text(encoding="utf-8")) if d}
    mounted = {v["persistentVolumeClaim"]["claimName"]
               for v in config["singleuser"]["storage"]["extraVolumes"]}
    assert set(claims) == mounted | {config["custom"]["osintlab"]["courseClaim"]}
    for claim in claims.values():
        assert claim["spec"]["accessModes"] == ["ReadWriteMany"]


class _Spawner:
    """A stand-in for KubeSpawner (no cluster here): only the attributes the hook touches."""

    def __init__(self, name: str, user_id: int) -> None:
        self.user = types.SimpleNamespace(name=name, id=user_id)
        self.environment: dict[str, str] = {}
        self.volumes: list[dict] = [{"name": "home"}]
        self.volume_mounts: list[dict] = [{"name": "home", "mountPath": "/home/jovyan"}]
        self.mem_limit, self.cpu_limit, self.uid = "2G", 1.0, 1000


def test_roster_decides_who_logs_in_and_who_sees_the_course(config, tmp_path):
    """Do trainers alone get the course folder and larger limits, each person their own uid?"""
    roster = tmp_path / "roster.csv"
    roster.write_text(config["hub"]["extraFiles"]["roster"]["stringData"], encoding="utf-8")
    c = _run_extra_config(config, roster)
    assert c.Authenticator.allowed_users == {"trainer-nurlan", "ali-bekov", "aigerim-s"}
    hook = c.KubeSpawner.pre_spawn_hook

    trainee = _Spawner("aigerim-s", 7)
    hook(trainee)
    assert trainee.uid == 20007
    assert trainee.environment["OSINTLAB_ROLE"] == "trainee"
    assert trainee.environment["OSINTLAB_LANG"] == "kk"
    assert trainee.environment["JUPYTER_CONFIG_PATH"] == "/etc/osintlab/jupyter/trainee"
    assert [v["name"] for v in trainee.volumes] == ["home"]
    assert (trainee.mem_limit, trainee.cpu_limit) == ("2G", 1.0)

    trainer = _Spawner("trainer-nurlan", 1)
    hook(trainer)
    assert trainer.uid == 20001
    assert trainer.environment["OSINTLAB_ROLE"] == "trainer"
    assert {"name": "course", "mountPath": "/srv/osintlab/course"} in trainer.volume_mounts
    assert (trainer.mem_limit, trainer.cpu_limit) == ("4G", 2.0)
    for role in ("trainee", "trainer"):
        assert (K8S / "jupyter" / role / "jupyter_server_config.json").is_file()


def test_no_server_may_be_shown_inside_a_frame():
    """Does every role keep JupyterHub's frame policy (frame-ancestors 'none'), as on one
    server? Loosening it for the formgrader is what nbgrader reverted (jupyter/nbgrader#1947);
    trainers open the formgrader in its own tab instead."""
    for role in ("trainee", "trainer"):
        server = json.loads((K8S / "jupyter" / role / "jupyter_server_config.json").read_text())
        headers = server["ServerApp"].get("tornado_settings", {}).get("headers", {})
        assert "Content-Security-Policy" not in headers, role


@pytest.fixture(scope="module")
def dockerfile() -> DockerfileParser:
    return DockerfileParser(str(ROOT / "deploy" / "Dockerfile"))


def test_image_base_is_pinned_and_built_from_the_lock(dockerfile):
    """Is every base image an exact version (or digest), and do the packages come from the lock?"""
    bases = [i["value"].split()[0] for i in dockerfile.structure if i["instruction"] == "FROM"]
    assert bases
    for base in bases:
        assert "@sha256:" in base or any(ch.isdigit() for ch in base.split(":", 1)[1]), base
        assert not base.endswith((":latest", ":3", ":3.11")), base
    runs = " ".join(i["value"] for i in dockerfile.structure if i["instruction"] == "RUN")
    assert "--requirement requirements.lock" in runs or "-r requirements.lock" in runs


def test_image_runs_as_a_person_with_a_health_check(dockerfile):
    """Does the image end as a non-root user and say how to tell it is healthy?"""
    users = [i["value"].split(":")[0] for i in dockerfile.structure if i["instruction"] == "USER"]
    assert users and users[-1] not in ("0", "root")
    assert any(i["instruction"] == "HEALTHCHECK" for i in dockerfile.structure)


def test_image_never_holds_model_answers(dockerfile):
    """Are notebooks/, grading/ and locale/ (answers, hidden tests and their feedback texts)
    kept out of the image?"""
    for instruction in dockerfile.structure:
        if instruction["instruction"] in ("COPY", "ADD"):
            parts = [p for p in instruction["value"].split() if not p.startswith("--")]
            for source in parts[:-1]:
                assert not source.startswith(("notebooks", "grading", "locale", ".")), instruction
                if not instruction["value"].startswith("--from"):
                    assert (ROOT / source).exists(), f"{source} is copied but does not exist"
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").split("\n")
    patterns = [line.strip() for line in ignore if line.strip() and not line.startswith("#")]
    assert patterns[0] == "*"
    assert not [p for p in patterns if p.startswith(("!notebooks", "!grading", "!."))]


def _container_engine() -> str | None:
    """docker or podman, when its daemon (or podman itself) answers."""
    for name in ("docker", "podman"):
        path = shutil.which(name)
        if path and subprocess.run([path, "info"], capture_output=True).returncode == 0:
            return path
    return None


@pytest.mark.slow
def test_image_builds_where_a_container_engine_exists():
    """Does the image build (only where docker or podman is installed and running)?"""
    engine = _container_engine()
    if engine is None:
        pytest.skip("no running container engine (docker or podman) here: the image is linted only")
    result = subprocess.run([engine, "build", "-f", "deploy/Dockerfile", "-t",
                             "osintlab-singleuser:test", "."], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
