"""The offline bundle: built once, installed with the package index switched off.

The build may use the package index (as CI can); the install gets an index address on a
closed loopback port, no find-links but the bundle's, no pip configuration and an npm
registry on the same closed port, so any attempt to reach the network fails loudly.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "deploy" / "bundle" / "build.py"

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("bundle")]


def _offline_env() -> dict[str, str]:
    closed = f"http://127.0.0.1:{free_port()}"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "npm_config_", "NPM_CONFIG_", "VIRTUAL_ENV"))}
    env.update(
        PIP_NO_INDEX="1",
        PIP_INDEX_URL=f"{closed}/simple",
        PIP_CONFIG_FILE=os.devnull,
        PIP_NO_CACHE_DIR="1",
        npm_config_registry=f"{closed}/",
        PATH=os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                             if ".venv" not in p),
    )
    return env


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, str(BUILD), "--output", str(output)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return output / "osintlab-bundle"


@pytest.fixture(scope="module")
def installed(bundle, tmp_path_factory) -> Path:
    prefix = tmp_path_factory.mktemp("opt") / "osintlab"
    result = subprocess.run([str(bundle / "install-offline.sh"), "--prefix", str(prefix)],
                            capture_output=True, text=True, env=_offline_env())
    assert result.returncode == 0, result.stdout + result.stderr
    return prefix


def test_bundle_holds_a_wheel_for_every_pin_and_checks_out(bundle):
    """Does the bundle carry everything the install reads, and does `sha256sum -c` accept it?"""
    def name(text: str) -> str:
        return re.sub(r"[-_.]+", "-", text).lower()

    wheels = {name(w.name.split("-")[0]) + "==" + w.name.split("-")[1]
              for w in (bundle / "wheels").glob("*.whl")}
    pins = [line.split()[0] for line in (ROOT / "requirements.lock").read_text().splitlines()
            if "==" in line and not line.lstrip().startswith("#")]
    assert len(pins) > 100
    missing = [p for p in pins if name(p.split("==")[0]) + "==" + p.split("==")[1] not in wheels]
    assert missing == []
    for needed in ("jupyterlab-language-pack-ru-ru", "xstatic-leaflet", "xstatic-jquery",
                   "nbgrader", "jupyterhub", "osintlab"):
        assert any(w.startswith(needed + "==") for w in wheels), needed
    assert list((bundle / "proxy").glob("osintlab-classroom-proxy-*.tgz"))
    for folder in ("modules", "notebooks", "datasets", "grading", "locale", "deploy"):
        assert (bundle / "course" / folder).is_dir(), folder
    assert not (bundle / "course" / "deploy" / "node_modules").exists()
    assert (bundle.parent / "osintlab-bundle.tar.gz").stat().st_size > 0
    check = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=bundle,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr
    listed = {line.split("  ", 1)[1] for line in (bundle / "SHA256SUMS").read_text().splitlines()}
    on_disk = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()}
    assert on_disk - listed == {"SHA256SUMS"}


def test_offline_install_gives_a_working_osintlab_hub_and_grader(installed):
    """With no index reachable, is osintlab, the hub and nbgrader installed and importable?"""
    python = installed / "venv" / "bin" / "python"
    version = subprocess.run([str(installed / "venv" / "bin" / "osintlab"), "--version"],
                             capture_output=True, text=True, check=True)
    assert "0.1.0" in version.stdout
    imports = subprocess.run(
        [str(python), "-c", "import nbgrader, jupyterhub, osintlab; print(osintlab.__version__)"],
        capture_output=True, text=True)
    assert imports.returncode == 0, imports.stderr
    assert (installed / "course" / "notebooks" / "m00-getting-started").is_dir()


def test_offline_install_has_the_russian_interface(installed):
    """Does JupyterLab in the installed venv find the Russian language pack?"""
    code = ("import json; from jupyterlab_server.translation_utils import get_language_packs;"
            "print(json.dumps(sorted(get_language_packs('en')[0])))")
    found = subprocess.run([str(installed / "venv" / "bin" / "python"), "-c", code],
                           capture_output=True, text=True, check=True)
    assert "ru_RU" in json.loads(found.stdout)


def test_proxy_from_the_offline_npm_install_serves_its_api(installed):
    """Does configurable-http-proxy, installed by npm --offline, start and answer on loopback?"""
    token = secrets.token_hex(16)
    api = free_port()
    proxy = subprocess.Popen(
        [str(installed / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"),
         "--ip", "127.0.0.1", "--port", str(free_port()),
         "--api-ip", "127.0.0.1", "--api-port", str(api)],
        env={**os.environ, "CONFIGPROXY_AUTH_TOKEN": token},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{api}/api/routes",
                                         headers={"Authorization": f"token {token}"})
        for _ in range(100):  # bounded wait: at most ~10 s for node to start
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    routes = json.load(response)
                break
            except OSError:
                assert proxy.poll() is None, proxy.stdout.read()
                time.sleep(0.1)
        else:
            pytest.fail("the proxy did not answer on its API port")
        assert isinstance(routes, dict)
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)


def test_a_changed_file_makes_the_installer_refuse(bundle, tmp_path):
    """Is a bundle with one edited file refused, naming the file, with nothing installed?"""
    target = bundle / "course" / "README.md"
    original = target.read_bytes()
    prefix = tmp_path / "osintlab"
    try:
        target.write_bytes(original + b"\n<!-- changed on the way -->\n")
        result = subprocess.run([str(bundle / "install-offline.sh"), "--prefix", str(prefix)],
                                capture_output=True, text=True, env=_offline_env())
    finally:
        target.write_bytes(original)
    assert result.returncode == 1
    assert "damaged or was changed" in result.stderr
    assert "course/README.md: FAILED" in result.stderr
    assert "Copy the bundle again" in result.stderr
    assert not (prefix / "venv").exists()


def test_an_added_wheel_makes_the_installer_refuse(bundle, tmp_path):
    """Is a wheel slipped into wheels/ after the build refused, so pip can never pick it?"""
    extra = bundle / "wheels" / "requests-99.0-py3-none-any.whl"
    extra.write_bytes(b"not a wheel")
    try:
        result = subprocess.run([str(bundle / "install-offline.sh"), "--prefix",
                                 str(tmp_path / "osintlab")],
                                capture_output=True, text=True, env=_offline_env())
    finally:
        extra.unlink()
    assert result.returncode == 1
    assert "were not in it when it was built" in result.stderr
    assert "wheels/requests-99.0-py3-none-any.whl" in result.stderr
