"""A small fictional web site on 127.0.0.1 (port 0) for the evidence tests.

A marketplace offer page with an embedded photo, a redirect from an old address, a second
page, and a 404. Everything is invented; the server is real (http.server in a thread).
"""

from __future__ import annotations

import http.server
import io
import threading

OFFER = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Offer 17 — Bazar Example</title></head>
<body style="font-family: sans-serif">
<h1>Документы под заказ / Documents to order</h1>
<p>Seller: <b>kara_bekov</b>, contact +7 799 555 0142, wallet T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb.</p>
<img src="/static/photo.png" alt="sample">
<p>Posted 2024-04-28 21:14 (Asia/Almaty).</p>
<div style="height: 1800px; background: linear-gradient(#fff, #dde)">long page</div>
<p>End of the offer.</p>
</body></html>
"""

ABOUT = """<!doctype html><html><head><meta charset="utf-8"><title>About</title></head>
<body><p>Bazar Example is a fictional marketplace for training.</p>
<img src="/static/photo.png"><img src="/static/missing.png"></body></html>
"""


def _photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (120, 80), (200, 120, 40))
    ImageDraw.Draw(image).text((10, 30), "sample", fill="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class Site:
    """Start with ``Site().start()``; ``site.url("/offer/17")``; ``site.stop()``."""

    def __init__(self) -> None:
        self.pages = {
            "/offer/17": ("text/html; charset=utf-8", OFFER.encode()),
            "/about": ("text/html; charset=utf-8", ABOUT.encode()),
            "/static/photo.png": ("image/png", _photo()),
            "/files/price-list.txt": ("text/plain; charset=utf-8",
                                      "Passport — 1500 USDT\n".encode()),
        }
        self.redirects = {"/old-offer": "/offer/17"}
        self.requests: list[str] = []
        self.user_agents: list[str] = []  # what each request called itself
        self.server: http.server.ThreadingHTTPServer | None = None

    def url(self, path: str) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def start(self) -> Site:
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site.requests.append(self.path)
                site.user_agents.append(self.headers.get("User-Agent", ""))
                if self.path in site.redirects:
                    self.send_response(301)
                    self.send_header("Location", site.redirects[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                kind, body = site.pages.get(
                    self.path, ("text/html; charset=utf-8", b"<h1>404 Not Found</h1>")
                )
                self.send_response(200 if self.path in site.pages else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Server", "BazarExample/1.0")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
