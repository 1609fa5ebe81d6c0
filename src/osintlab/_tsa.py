"""Trusted time (RFC 3161): ask a time-stamping authority to sign "these bytes existed then".

The client side (:func:`request_token`, :func:`verify_token`) works with any RFC 3161
authority, such as an academy's real one. :class:`ClassroomTSA` is a fictional authority for
training: its own test CA and signing certificate (made with ``cryptography``), answering
``application/timestamp-query`` over HTTP on 127.0.0.1 with ``openssl ts -reply``. A token
from it proves nothing in court; it teaches what a real token proves and how
``openssl ts -verify`` checks it.

Example:
    >>> with ClassroomTSA() as tsa:   # doctest: +SKIP
    ...     token = request_token(tsa.url, b"page bytes")
    ...     verify_token(token, b"page bytes", tsa.ca_file)
    True
"""

from __future__ import annotations

import datetime as dt
import http.server
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from ._i18n import _
from .exceptions import EvidenceError

OPENSSL_CONFIG = """\
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {folder}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.0.3161.1
other_policies = 1.3.6.1.4.1.0.3161.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def openssl() -> str:
    """The ``openssl`` program, or an error that says how to install it."""
    binary = shutil.which("openssl")
    if binary is None:
        raise EvidenceError(
            _("openssl is not installed: trusted timestamps need it (apt-get install openssl).")
        )
    return binary


def _run(args: list[str], data: bytes | None = None) -> bytes:
    result = subprocess.run([openssl(), *args], input=data, capture_output=True, timeout=60)
    if result.returncode != 0:
        raise EvidenceError(
            _("openssl {command} failed: {error}").format(
                command=args[0] + " " + args[1], error=result.stderr.decode(errors="replace")
            )
        )
    return result.stdout


def make_query(data: bytes) -> bytes:
    """An RFC 3161 request (DER) for the SHA-256 of ``data``, asking for the signer's cert."""
    with tempfile.NamedTemporaryFile() as handle:
        handle.write(data)
        handle.flush()
        return _run(["ts", "-query", "-data", handle.name, "-sha256", "-cert"])


def request_token(url: str, data: bytes, timeout: float = 30, session=None) -> bytes:
    """Ask the authority at ``url`` to time-stamp ``data``; the token (``.tsr``) as bytes.

    ``session`` (a ``requests.Session``) carries the query; the classroom authority
    ``http://tsa.example/`` is reached through the sandbox's session, like any sandbox host.
    """
    import requests

    query = make_query(data)
    try:
        response = (session or _session_for(url)).post(
            url, data=query, headers={"Content-Type": "application/timestamp-query"},
            timeout=timeout,
        )
        response.raise_for_status()
    except requests.RequestException as error:
        raise EvidenceError(
            _(
                "The time-stamping authority at {url} did not answer ({error}). Nothing was "
                "added to the case. Check that the address given as tsa_url= when the case "
                "was opened is right and that the authority is running, then capture again."
            ).format(url=url, error=type(error).__name__),
            url=url,
        ) from error
    return response.content


def is_classroom(url: str) -> bool:
    """True when ``url`` names the sandbox's classroom authority (``http://tsa.example/``).

    Example:
        >>> is_classroom("http://tsa.example/"), is_classroom("https://tsa.academy.example/")
        (True, False)
    """
    from urllib.parse import urlsplit

    from ._sandbox_server import TSA_HOST

    try:
        parts = urlsplit(url)
        return parts.scheme == "http" and (parts.hostname or "").rstrip(".") == TSA_HOST
    except ValueError:
        return False


def _session_for(url: str):
    """The sandbox's session for the classroom authority, a plain one for any other."""
    if is_classroom(url):
        from . import sandbox

        return sandbox.session()
    import requests

    return requests.Session()


def classroom_ca(url: str, session=None) -> bytes:
    """The classroom authority's test CA certificate (PEM), fetched from ``<url>/ca.pem``."""
    import requests

    address = url.split("?")[0].rstrip("/") + "/ca.pem"
    try:
        response = (session or _session_for(url)).get(address, timeout=30)
        response.raise_for_status()
    except requests.RequestException as error:
        raise EvidenceError(
            _("The classroom time-stamping authority at {url} did not give its CA "
              "certificate ({error}).").format(url=url, error=type(error).__name__),
            url=url,
        ) from error
    return response.content


def token_text(token: bytes) -> str:
    """What a token says, as ``openssl ts -reply -text`` prints it."""
    with tempfile.NamedTemporaryFile(suffix=".tsr") as handle:
        handle.write(token)
        handle.flush()
        return _run(["ts", "-reply", "-in", handle.name, "-text"]).decode()


def verify_token(token: bytes | Path, data: bytes | Path, ca_file: Path) -> bool:
    """True when ``openssl ts -verify`` accepts the token for ``data`` under ``ca_file``."""
    with tempfile.TemporaryDirectory() as folder:
        token_path = Path(folder) / "t.tsr" if isinstance(token, bytes) else Path(token)
        data_path = Path(folder) / "data" if isinstance(data, bytes) else Path(data)
        if isinstance(token, bytes):
            token_path.write_bytes(token)
        if isinstance(data, bytes):
            data_path.write_bytes(data)
        result = subprocess.run(
            [openssl(), "ts", "-verify", "-in", str(token_path), "-data", str(data_path),
             "-CAfile", str(ca_file)],
            capture_output=True, timeout=60,
        )
    return result.returncode == 0 and b"Verification: OK" in result.stdout


def _make_pki(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)

    def name(common: str) -> x509.Name:
        return x509.Name([
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Training Academy (fictional)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder().subject_name(name("Classroom Test CA"))
        .issuer_name(name("Classroom Test CA")).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    tsa_key = ec.generate_private_key(ec.SECP256R1())
    tsa = (
        x509.CertificateBuilder().subject_name(name("Classroom Time-Stamping Authority"))
        .issuer_name(ca.subject).public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    (folder / "tsa.pem").write_bytes(tsa.public_bytes(pem))
    (folder / "tsa.key").write_bytes(
        tsa_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (folder / "serial").write_text("01\n")
    (folder / "openssl.cnf").write_text(OPENSSL_CONFIG.format(folder=folder))


class ClassroomTSA:
    """A fictional RFC 3161 authority on 127.0.0.1 (port 0 = any free port).

    ``url`` is where to send queries; ``ca_file`` is the test CA a token verifies against.
    Use as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(self, folder: Path | None = None, port: int = 0) -> None:
        self._temporary = None if folder else tempfile.TemporaryDirectory(prefix="osintlab-tsa-")
        self.folder = Path(folder or self._temporary.name)  # type: ignore[union-attr]
        self.folder.mkdir(parents=True, exist_ok=True)
        if not (self.folder / "openssl.cnf").exists():
            _make_pki(self.folder)
        self.ca_file = self.folder / "ca.pem"
        self.port = port
        self._server: http.server.ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the TSA first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/tsa"

    def reply(self, query: bytes) -> bytes:
        """The signed token for one DER query (``openssl ts -reply``)."""
        with self._lock, tempfile.NamedTemporaryFile(suffix=".tsq") as handle:
            handle.write(query)
            handle.flush()
            return _run([
                "ts", "-reply", "-config", str(self.folder / "openssl.cnf"),
                "-queryfile", handle.name, "-section", "tsa_config",
            ])

    def start(self) -> ClassroomTSA:
        tsa = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    token = tsa.reply(self.rfile.read(length))
                except EvidenceError as error:
                    self.send_error(400, str(error)[:200])
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(token)))
                self.end_headers()
                self.wfile.write(token)

            def log_message(self, *args) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> ClassroomTSA:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        if self._temporary is not None:
            self._temporary.cleanup()
