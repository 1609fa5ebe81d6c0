"""The classroom's DNS server: the fictional zones on 127.0.0.1, and nothing else.

A dnslib server on a free loopback port, over UDP and TCP (the same port), answering from the
zone data the world generator writes: ``datasets/domains/dns/<domain>.txt``, each a ``dig``
answer section (name, TTL, class, type, data). Each file's name is a zone the server is
authoritative for (AA flag): a name in it gets its records, a name under it that has none gets
NXDOMAIN, and the zone's SOA goes in the authority section of negative answers (RFC 2308).
PTR records for the documentation ranges (RFC 5737, RFC 3849) are read from the files if they
are there, else derived from the A and AAAA records (the first name with an address wins).

Every other name (a real domain, a real address's PTR) gets REFUSED, with an Extended DNS
Error (RFC 8914, "Not Authoritative") whose text tells the trainee why when the query uses
EDNS, as ``dig`` does. The server never recurses and never asks another server: nothing leaves
the machine. Queries of class IN only; an opcode other than QUERY gets NOTIMP.

Example:
    >>> server = DNSServer(Path("datasets/domains")).start()       # doctest: +SKIP
    >>> import dns.resolver                                         # doctest: +SKIP
    >>> resolver = dns.resolver.Resolver(configure=False)           # doctest: +SKIP
    >>> resolver.nameservers, resolver.port = ["127.0.0.1"], server.port  # doctest: +SKIP
    >>> [str(r) for r in resolver.resolve("dala-market.example", "MX")]   # doctest: +SKIP
    ['10 mail.dala-market.example.']
    >>> server.stop()                                               # doctest: +SKIP

A trainee does the same with ``dig @127.0.0.1 -p PORT dala-market.example MX``.
"""

from __future__ import annotations

import ipaddress
import socket
import socketserver
import threading
from pathlib import Path
from typing import Any

import dns.resolver
from dnslib import CLASS, EDNS0, OPCODE, QTYPE, RCODE, RR, DNSLabel, DNSRecord, EDNSOption
from dnslib.server import DNSHandler

from .._i18n import _

#: The documentation ranges whose reverse zones the classroom DNS answers for.
DOCUMENTATION_RANGES = (
    ipaddress.ip_network("192.0.2.0/24"),
    ipaddress.ip_network("198.51.100.0/24"),
    ipaddress.ip_network("203.0.113.0/24"),
    ipaddress.ip_network("2001:db8::/32"),
)
#: The SOA of the documentation ranges' reverse zones (nobody registers them: invented here).
REVERSE_SOA = "ns.reverse.example. hostmaster.reverse.example. 2024021901 7200 3600 1209600 300"
EDE_OPTION = 15  # EDNS option code of an Extended DNS Error (RFC 8914)
EDE_NOT_AUTHORITATIVE = 20
TCP_TIMEOUT = 10.0  # seconds a TCP client may take to send its query


def reverse_zones() -> list[str]:
    """The reverse-lookup zones of the documentation ranges.

    Example:
        >>> reverse_zones()
        ['2.0.192.in-addr.arpa', '100.51.198.in-addr.arpa', '113.0.203.in-addr.arpa', \
'8.b.d.0.1.0.0.2.ip6.arpa']
    """
    zones = []
    for network in DOCUMENTATION_RANGES:
        labels = network.network_address.reverse_pointer.split(".")
        if network.version == 4:
            zones.append(".".join(labels[4 - network.prefixlen // 8:]))
        else:
            zones.append(".".join(labels[32 - network.prefixlen // 4:]))
    return zones


def _key(name: str | DNSLabel) -> str:
    return str(name).lower().rstrip(".")


class Zones:
    """The fictional zones and their records, and the answer to one question.

    Example:
        >>> zones = Zones.load(Path("datasets/domains/dns"))
        >>> rcode, answers, _authority = zones.lookup("dala-market.example", "MX")
        >>> rcode, [str(r.rdata) for r in answers]
        ('NOERROR', ['10 mail.dala-market.example.'])
        >>> str(zones.lookup("45.113.0.203.in-addr.arpa", "PTR")[1][0].rdata)
        'dala-market.example.'
        >>> zones.lookup("google.com", "A")[0]
        'REFUSED'
    """

    def __init__(self, records: list[RR]) -> None:
        self.records: dict[str, list[RR]] = {}
        self.soa: dict[str, RR] = {}
        for record in records:
            if record.rtype == QTYPE.SOA:
                self.soa[_key(record.rname)] = record
            self.records.setdefault(_key(record.rname), []).append(record)
        self._add_reverse()
        self.names = set()  # every name with records, and the names between it and its zone
        for name in self.records:
            zone = self.zone_of(name)
            while zone is not None and name != zone:
                self.names.add(name)
                name = name.partition(".")[2]
            self.names.add(name)

    @classmethod
    def load(cls, folder: Path) -> Zones:
        """The zones of every ``<domain>.txt`` in ``folder`` (``dig`` answer sections)."""
        records: list[RR] = []
        for path in sorted(Path(folder).glob("*.txt")):
            found = RR.fromZone(path.read_text(encoding="utf-8"))
            apex = path.name.removesuffix(".txt").lower()
            if not any(r.rtype == QTYPE.SOA and _key(r.rname) == apex for r in found):
                raise ValueError(f"{path}: no SOA record for {apex}")
            records += found
        return cls(records)

    def _add_reverse(self) -> None:
        for zone in reverse_zones():
            self.soa[zone] = RR.fromZone(f"{zone}. 3600 IN SOA {REVERSE_SOA}")[0]
        for name, records in list(self.records.items()):
            for record in records:
                if record.rtype not in (QTYPE.A, QTYPE.AAAA):
                    continue
                address = ipaddress.ip_address(str(record.rdata))
                pointer = address.reverse_pointer
                if not any(address in n for n in DOCUMENTATION_RANGES):
                    continue
                if not any(r.rtype == QTYPE.PTR for r in self.records.get(pointer, [])):
                    self.records.setdefault(pointer, []).append(
                        RR.fromZone(f"{pointer}. {record.ttl} IN PTR {name}.")[0])

    def zones(self) -> list[str]:
        """The zones this server is authoritative for (forward first, then reverse)."""
        forward = sorted(z for z in self.soa if not z.endswith(".arpa"))
        return forward + [z for z in reverse_zones() if z in self.soa]

    def zone_of(self, name: str) -> str | None:
        """The fictional zone ``name`` lies in, or None (a name the classroom refuses)."""
        name = _key(name)
        while name:
            if name in self.soa:
                return name
            name = name.partition(".")[2]
        return None

    def lookup(self, name: str, kind: str) -> tuple[str, list[RR], list[RR]]:
        """The answer to ``name``/``kind``: rcode, answer records, authority records."""
        name = _key(name)
        zone = self.zone_of(name)
        if zone is None:
            return "REFUSED", [], []
        negative = [self.soa[zone]]
        if name not in self.names:
            return "NXDOMAIN", [], negative
        answers: list[RR] = []
        seen = set()
        while name not in seen:  # follow CNAMEs inside the fictional zones
            seen.add(name)
            records = self.records.get(name, [])
            wanted = [r for r in records if kind == "ANY" or QTYPE[r.rtype] == kind]
            if wanted:
                return "NOERROR", answers + wanted, []
            alias = [r for r in records if r.rtype == QTYPE.CNAME]
            if not alias or kind == "CNAME":
                break
            answers += alias
            name = _key(alias[0].rdata.label)
            if self.zone_of(name) is None:
                break
        return "NOERROR", answers, [] if answers else negative


class Resolver:
    """The dnslib resolver: answers each request from :class:`Zones`, refuses the rest."""

    def __init__(self, zones: Zones) -> None:
        self.zones = zones

    def resolve(self, request: DNSRecord, handler: Any) -> DNSRecord:
        """The reply to one request (dnslib calls this in the server's threads)."""
        reply = request.reply(ra=0, aa=0)  # keeps the id and the RD flag; never recursion
        if request.header.opcode != OPCODE.QUERY:
            reply.header.rcode = RCODE.NOTIMP
            return reply
        if not request.questions or request.q.qclass != CLASS.IN:
            reply.header.rcode = RCODE.REFUSED
            return reply
        name, kind = str(request.q.qname), QTYPE[request.q.qtype]
        rcode, answers, authority = self.zones.lookup(name, kind)
        reply.header.rcode = getattr(RCODE, rcode)
        if rcode != "REFUSED":
            reply.header.aa = 1
        for record in answers:
            reply.add_answer(record)
        for record in authority:
            reply.add_auth(record)
        if any(r.rtype == QTYPE.OPT for r in request.ar):
            options = []
            if rcode == "REFUSED":
                options.append(EDNSOption(EDE_OPTION, refusal_code(name)))
            reply.add_ar(EDNS0(udp_len=1232, opts=options))
        return reply


def refusal_text(name: str) -> str:
    """Why the classroom DNS refused ``name`` (the text of the Extended DNS Error).

    Example:
        >>> "fictional" in refusal_text("google.com")
        True
    """
    return _(
        "Refused: this classroom DNS answers only for the course's fictional zones; "
        "{name} was not looked up anywhere. A real look-up goes through your unit's procedures."
    ).format(name=_key(name))


def refusal_code(name: str) -> bytes:
    """The Extended DNS Error payload: "Not Authoritative" and the teaching text (RFC 8914)."""
    return EDE_NOT_AUTHORITATIVE.to_bytes(2, "big") + refusal_text(name).encode("utf-8")[:400]


class Refused(dns.resolver.NoNameservers):
    """The classroom DNS refused the name: it is not part of the fictional world.

    A ``dns.resolver.NoNameservers`` (what dnspython raises for REFUSED) whose message adds why.
    """

    teaching = ""

    def __str__(self) -> str:
        return f"{super().__str__()}\n{self.teaching}"


class ClassroomResolver(dns.resolver.Resolver):
    """A dnspython resolver that asks the classroom DNS on 127.0.0.1 ``port``, and only it.

    Example:
        >>> resolver = ClassroomResolver(53)
        >>> resolver.nameservers, resolver.port
        (['127.0.0.1'], 53)
    """

    def __init__(self, port: int) -> None:
        super().__init__(configure=False)
        self.nameservers = ["127.0.0.1"]
        self.port = int(port)
        self.timeout = self.lifetime = 5.0

    def resolve(self, qname: Any, *args: Any, **kwargs: Any) -> dns.resolver.Answer:
        """As ``dns.resolver.Resolver.resolve``; a refused name raises :class:`Refused`."""
        try:
            return super().resolve(qname, *args, **kwargs)
        except dns.resolver.NoNameservers as error:
            if "REFUSED" not in str(error):
                raise
            refused = Refused(**error.kwargs)
            refused.teaching = refusal_text(str(qname))
            raise refused from None


class _Quiet:
    """A dnslib logger that logs nothing (a trainee's notebook stays clean)."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args: None


class _Handler(DNSHandler):
    def setup(self) -> None:
        if isinstance(self.request, socket.socket):
            self.request.settimeout(TCP_TIMEOUT)


class _UDP(socketserver.ThreadingMixIn, socketserver.UDPServer):
    allow_reuse_address = False  # on Linux it would let another socket share the port
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a malformed packet or a vanished client: nothing to tell anyone


class _TCP(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True  # TIME_WAIT only: Linux never lets two listeners share a port
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class DNSServer:
    """The classroom DNS on 127.0.0.1: UDP and TCP on one port, each in a daemon thread.

    ``domains`` is the ``datasets/domains`` folder (its ``dns/`` subfolder is read);
    ``port`` 0 picks a free one.

    Example:
        >>> server = DNSServer(Path("datasets/domains"))
        >>> "dala-market.example" in server.zones.zones()
        True
    """

    def __init__(self, domains: Path, *, port: int = 0, host: str = "127.0.0.1") -> None:
        self.zones = Zones.load(Path(domains) / "dns")
        self.host = host
        self.requested_port = port
        self.port = 0
        self._servers: list[socketserver.BaseServer] = []
        self._threads: list[threading.Thread] = []

    def start(self) -> DNSServer:
        """Bind UDP and TCP on one port and serve in daemon threads."""
        if self._servers:
            return self
        for _attempt in range(20):
            udp = _UDP((self.host, self.requested_port), _Handler)
            port = udp.server_address[1]
            try:
                tcp = _TCP((self.host, port), _Handler)
            except OSError:
                udp.server_close()
                if self.requested_port:
                    raise
                continue
            break
        else:
            raise OSError("no free port for both UDP and TCP on 127.0.0.1")
        for server in (udp, tcp):
            server.resolver = Resolver(self.zones)  # type: ignore[attr-defined]
            server.logger = _Quiet()  # type: ignore[attr-defined]
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                      name=f"osintlab-dns-{port}", daemon=True)
            thread.start()
            self._servers.append(server)
            self._threads.append(thread)
        self.port = port
        return self

    def stop(self) -> None:
        """Stop serving and close both sockets."""
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(5)
        self._servers, self._threads = [], []

    @property
    def running(self) -> bool:
        """Whether both threads are alive."""
        return bool(self._threads) and all(t.is_alive() for t in self._threads)
