"""A full-page screenshot of exactly what was captured, stamped with the URL and the UTC time.

The picture is rendered from the captured bytes, the way replay tools show an archive: Debian's
Chromium runs headless with a throwaway profile, and every request it makes is paused
(DevTools ``Fetch`` domain) and answered by us: the page itself with the very bytes that were
hashed, its images and styles through the case's own session (the sandbox in a classroom),
anything else refused. Chromium resolves no host name and has no route of its own
(``--host-resolver-rules``, a dead proxy), so it can never show a page it fetched by itself,
nor its own "This site can't be reached" page as if it were the evidence. A navigation that
fails is a failed screenshot, with the reason in the record.

We speak the DevTools protocol over a WebSocket (``websocket-client``): navigate, wait for the
load event, measure the whole page (``Page.getLayoutMetrics``) and capture beyond the viewport
(``Page.captureScreenshot``). Pillow then adds a header band with the URL and the capture time,
as the Berkeley Protocol asks of a screen capture (para 155). Without Chromium the capture goes
on and the record says so: :func:`take` returns the reason instead of a picture.

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
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from .._i18n import _

MAX_HEIGHT = 16000  # pixels; longer pages are cut here and the record says so
# Headers that described the transfer, not the body: Chromium is given the body as it is.
_TRANSFER_HEADERS = {"content-length", "transfer-encoding", "connection", "keep-alive"}

#: (status, headers, body) for a URL the page asks for, or None to refuse it.
Answer = Callable[[str], "tuple[int, list[tuple[str, str]], bytes] | None"]


def chromium_binary() -> str | None:
    """The Chromium program, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class _DevTools:
    def __init__(self, url: str, answer: Answer | None = None) -> None:
        import websocket

        self.socket = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.ids = itertools.count(1)
        self.answer = answer  # answers the requests Chromium makes (Fetch.requestPaused)

    def send(self, method: str, **params) -> int:
        number = next(self.ids)
        self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        return number

    def call(self, method: str, **params) -> dict:
        number = self.send(method, **params)
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            self._event(message)

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
            self._event(message)
        return False

    def _event(self, message: dict) -> None:
        """Answer a paused request: from the capture, through the session, or refused."""
        if message.get("method") != "Fetch.requestPaused" or self.answer is None:
            return
        params = message["params"]
        try:
            got = self.answer(params["request"]["url"])
        except Exception:
            got = None
        if got is None:
            self.send("Fetch.failRequest", requestId=params["requestId"],
                      errorReason="BlockedByClient")
            return
        status, headers, body = got
        self.send(
            "Fetch.fulfillRequest", requestId=params["requestId"], responseCode=int(status),
            responseHeaders=[{"name": k, "value": v} for k, v in headers
                             if k.lower() not in _TRANSFER_HEADERS],
            body=base64.b64encode(body).decode(),
        )

    def close(self) -> None:
        self.socket.close()


def _start(binary: str, profile: str, *flags: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            # no way out of its own: every request is answered through DevTools
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
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


class NotRendered(Exception):
    """Chromium could not show the captured page (its reason is the message)."""


def capture_png(url: str, binary: str, answer: Answer) -> tuple[bytes, bool, str]:
    """The whole page at ``url`` as PNG bytes, whether it was cut at MAX_HEIGHT, its title.

    Every request is answered by ``answer``; a navigation Chromium reports as failed, or a
    page that is not ``url`` once loaded, raises :class:`NotRendered`.
    """
    with tempfile.TemporaryDirectory(prefix="osintlab-chromium-",
                                     ignore_cleanup_errors=True) as profile:
        process, browser_ws = _start(binary, profile)
        try:
            page = _DevTools(_page_socket(browser_ws), answer)
            try:
                page.call("Fetch.enable", patterns=[{"urlPattern": "*",
                                                     "requestStage": "Request"}])
                page.call("Page.enable")
                went = page.call("Page.navigate", url=url)
                if went.get("errorText"):
                    raise NotRendered(went["errorText"])
                page.wait_for("Page.loadEventFired", timeout=30)
                shown = page.call("Runtime.evaluate", returnByValue=True,
                                  expression="[document.URL, document.title]")
                shown_url, title = shown.get("result", {}).get("value") or ["", ""]
                if urldefrag(shown_url)[0] != urldefrag(url)[0]:
                    raise NotRendered(f"Chromium showed {shown_url!r}, not the captured page")
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
    return base64.b64decode(shot["data"]), cut, str(title)


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


def take(
    url: str,
    when: str,
    page: tuple[int, list[tuple[str, str]], bytes],
    fetch: Callable[[str], tuple[int, list[tuple[str, str]], bytes]] | None = None,
) -> tuple[bytes | None, str, str | None]:
    """(PNG bytes, note, the page's title) or (None, why there is no screenshot, None).

    ``page`` is the captured response (status, headers, body): Chromium is shown those very
    bytes for ``url``. ``fetch`` gets what the page embeds (images, styles), through the
    case's session; without it, the page is shown without them. Never silent.
    """
    binary = chromium_binary()
    if binary is None:
        return None, _("no screenshot: Chromium not installed"), None
    target = urldefrag(url)[0]

    def answer(asked: str):
        if urldefrag(asked)[0] == target:
            return page
        if fetch is None or not asked.startswith(("http://", "https://")):
            return None
        if urlsplit(asked).path == "/favicon.ico":  # the browser's own wish, not the page's
            return None
        return fetch(asked)

    try:
        png, cut, title = capture_png(url, binary, answer)
    except NotRendered as error:
        return None, _("no screenshot: the page could not be shown ({error})").format(
            error=error), None
    except Exception as error:
        return None, _("no screenshot: Chromium failed ({error})").format(error=error), None
    note = _("full page, rendered by Chromium from the captured bytes (the images and styles it "
             "shows were fetched again for the picture), stamped with URL and UTC time")
    if cut:
        note += " " + _("(cut at {max} pixels high)").format(max=MAX_HEIGHT)
    return stamp(png, url, when), note, title
