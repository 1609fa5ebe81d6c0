"""The classroom time-stamping authority: a fictional RFC 3161 service the sandbox hosts.

:class:`ClassroomTSA` has its own test CA and signing certificate (made with
``cryptography``) and answers ``application/timestamp-query`` with ``openssl ts -reply``.
Every sandbox server mounts one as ``http://tsa.example/``; it also runs alone
over HTTP on 127.0.0.1. A token from it proves nothing in court. The client that asks for
tokens is :mod:`osintlab.evidence.timestamp`.

Example:
    >>> with ClassroomTSA() as tsa:   # doctest: +SKIP
    ...     tsa.url
    'http://127.0.0.1:.../tsa'
"""

from __future__ import annotations

import datetime as dt
import http.server
import tempfile
import threading
from pathlib import Path

from .._openssl import run as _run
from ..exceptions import EvidenceError

TSA_HOST = "tsa.example"  # the classroom time-stamping authority every server mounts

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
