"""A full-page screenshot with Debian's Chromium, stamped with the URL and the UTC time.

Chromium runs headless with a throwaway profile; we speak the DevTools protocol to it over
a WebSocket (``websocket-client``): navigate, wait for the load event, measure the whole page
(``Page.getLayoutMetrics``) and capture beyond the viewport (``Page.captureScreenshot``).
Pillow then adds a header band with the URL and the capture time, as the Berkeley Protocol
asks of a screen capture (para 155). Without Chromium the capture goes on and the record
says so: :func:`take` returns the reason instead of a picture.

Example:
    >>> isinstance(chromium_binary(), (str, type(None)))
    True
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .._i18n import _

MAX_HEIGHT = 16000  # pixels; longer pages are cut here and the record says so


def chromium_binary() -> str | None:
    """The Chromium program, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class _DevTools:
    def __init__(self, url: str) -> None:
        import websocket

        self.socket = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.ids = itertools.count(1)

    def call(self, method: str, **params) -> dict:
        number = next(self.ids)
        self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})

    def wait_for(self, event: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.socket.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                message = json.loads(self.socket.recv())
            except Exception:
                return False
            if message.get("method") == event:
                return True
        return False

    def close(self) -> None:
        self.socket.close()


def _start(binary: str, profile: str, *flags: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-sync", "--disable-background-networking", "--disable-component-update",
            "--hide-scrollbars", "--remote-debugging-port=0", "--remote-allow-origins=*",
            f"--user-data-dir={profile}", "--window-size=1280,900", *flags, "about:blank",
        ],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    port_file = Path(profile) / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if port_file.exists():
            lines = port_file.read_text().split("\n")
            if len(lines) >= 2 and lines[1]:
                return process, f"ws://127.0.0.1:{lines[0].strip()}{lines[1].strip()}"
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("Chromium did not open its DevTools port")


def _page_socket(browser_ws: str) -> str:
    browser = _DevTools(browser_ws)
    try:
        target = browser.call("Target.createTarget", url="about:blank")["targetId"]
    finally:
        browser.close()
    port_part = browser_ws.split("/devtools/")[0]
    return f"{port_part}/devtools/page/{target}"


def capture_png(url: str, binary: str) -> tuple[bytes, bool]:
    """The whole page at ``url`` as PNG bytes, and whether it had to be cut at MAX_HEIGHT."""
    with tempfile.TemporaryDirectory(prefix="osintlab-chromium-",
                                     ignore_cleanup_errors=True) as profile:
        process, browser_ws = _start(binary, profile)
        try:
            page = _DevTools(_page_socket(browser_ws))
            try:
                page.call("Page.enable")
                page.call("Page.navigate", url=url)
                page.wait_for("Page.loadEventFired", timeout=30)
                metrics = page.call("Page.getLayoutMetrics")
                size = metrics.get("cssContentSize") or metrics["contentSize"]
                width = max(1, int(size["width"]))
                height = max(1, int(size["height"]))
                cut = height > MAX_HEIGHT
                shot = page.call(
                    "Page.captureScreenshot", format="png", captureBeyondViewport=True,
                    clip={"x": 0, "y": 0, "width": width, "height": min(height, MAX_HEIGHT),
                          "scale": 1},
                )
            finally:
                page.close()
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return base64.b64decode(shot["data"]), cut


def stamp(png: bytes, url: str, when: str) -> bytes:
    """The picture with a header band: the URL and the UTC capture time, in plain text."""
    from PIL import Image, ImageDraw, ImageFont

    page = Image.open(io.BytesIO(png)).convert("RGB")
    try:
        font = ImageFont.load_default(size=16)
    except TypeError:  # older Pillow
        font = ImageFont.load_default()
    band = 56
    image = Image.new("RGB", (max(page.width, 640), page.height + band), "white")
    image.paste(page, (0, band))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, image.width, band - 1], fill=(32, 32, 48))
    draw.text((10, 8), _("URL: {url}").format(url=url), fill="white", font=font)
    draw.text((10, 30), _("Captured (UTC): {time}").format(time=when), fill="white", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def take(url: str, when: str) -> tuple[bytes | None, str]:
    """(PNG bytes, note) or (None, why there is no screenshot) — never silent."""
    binary = chromium_binary()
    if binary is None:
        return None, _("no screenshot: Chromium not installed")
    try:
        png, cut = capture_png(url, binary)
    except Exception as error:
        return None, _("no screenshot: Chromium failed ({error})").format(error=error)
    note = _("full page, stamped with URL and UTC time; taken by Chromium")
    if cut:
        note += " " + _("(cut at {max} pixels high)").format(max=MAX_HEIGHT)
    return stamp(png, url, when), note
