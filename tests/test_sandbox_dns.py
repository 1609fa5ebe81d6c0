"""The classroom's DNS, WHOIS and RDAP: real queries over loopback, the fictional world only.

Every query here goes to a server this test started on 127.0.0.1. Real names (google.com) are
used only as the *name asked about*: the classroom servers refuse them without asking anyone.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import dns.edns
import dns.message
import dns.query
import dns.rcode
import dns.resolver
import dns.reversename
import pytest
import requests
from dnslib import QTYPE, RR

from osintlab import sandbox
from osintlab.sandbox.server import SandboxServer
from osintlab.sandbox.whois import query

pytestmark = pytest.mark.usefixtures("no_process_server")

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "sandbox-web"
DOMAINS = ROOT / "datasets" / "domains"
WORLD = ROOT / "datasets" / "web"
DOMAIN = "dala-market.example"


@pytest.fixture(scope="module")
def server():
    """The fixture's websites with the world's domain data: HTTP, RDAP, DNS and WHOIS."""
    running = SandboxServer(FIXTURE, rate_limits=False, domains=DOMAINS).start()
    yield running
    running.stop()


@pytest.fixture
def resolver(server):
    return sandbox.resolver(server)


def dataset_records(domain: str, kind: str, name: str | None = None) -> list[str]:
    """The data of ``kind`` records of ``name`` in datasets/domains/dns/<domain>.txt."""
    lines = (DOMAINS / "dns" / f"{domain}.txt").read_text(encoding="utf-8").splitlines()
    found = []
    for line in lines:
        if line.startswith(";") or not line.strip():
            continue
        owner, _ttl, _class, rtype, data = line.split(None, 4)
        if rtype == kind and owner.rstrip(".") == (name or domain):
            found.append(data)
    return sorted(found)


def ask(server, name: str, kind: str = "A", tcp: bool = False, edns: int = 0):
    """One raw query (dnspython) to the classroom DNS; the response message."""
    message = dns.message.make_query(name, kind, use_edns=edns)
    send = dns.query.tcp if tcp else dns.query.udp
    return send(message, "127.0.0.1", port=server.dns_port, timeout=5)


# -- DNS ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["MX", "NS", "A", "AAAA", "TXT", "SOA"])
def test_dns_answers_each_record_of_the_dataset(resolver, kind):
    """Does the classroom DNS answer MX, NS, A, AAAA, TXT and SOA exactly as dns/<domain>.txt?"""
    answer = resolver.resolve(DOMAIN, kind)
    assert sorted(r.to_text() for r in answer) == dataset_records(DOMAIN, kind)
    assert answer.response.flags & dns.flags.AA, "the answer is not authoritative"
    assert not answer.response.flags & dns.flags.RA, "the server offers recursion"


@pytest.mark.parametrize("domain", sorted(p.stem for p in (DOMAINS / "dns").glob("*.txt")))
def test_dns_serves_every_zone_of_the_dataset(resolver, domain):
    """Is every zone file served, with its address and TTL as written?"""
    answer = resolver.resolve(domain, "A")
    assert sorted(r.to_text() for r in answer) == dataset_records(domain, "A")
    written = RR.fromZone((DOMAINS / "dns" / f"{domain}.txt").read_text())
    assert answer.rrset.ttl == next(r.ttl for r in written
                                   if str(r.rname) == f"{domain}." and r.rtype == QTYPE.A)


def test_dns_follows_a_cname_inside_the_zone(resolver):
    """Does www.<domain> answer its CNAME and the address it points to?"""
    answer = resolver.resolve(f"www.{DOMAIN}", "A")
    texts = [rrset.to_text() for rrset in answer.response.answer]
    assert any("CNAME" in t and f"{DOMAIN}." in t for t in texts)
    assert [r.to_text() for r in answer] == dataset_records(DOMAIN, "A")
    assert [r.to_text() for r in resolver.resolve(f"www.{DOMAIN}", "CNAME")] == [f"{DOMAIN}."]


@pytest.mark.parametrize("address", ["203.0.113.45", "198.51.100.77", "192.0.2.80",
                                     "2001:db8:45::45"])
def test_dns_answers_ptr_for_the_documentation_addresses(resolver, address):
    """Does a reverse look-up of a fictional address give the domain that has it?"""
    answer = resolver.resolve(dns.reversename.from_address(address), "PTR")
    names = [r.to_text().rstrip(".") for r in answer]
    assert len(names) == 1
    kind = "AAAA" if ":" in address else "A"
    assert address in dataset_records(names[0], kind)


def test_dns_a_documentation_address_without_a_name_is_nxdomain(server):
    """Is an address of a documentation range that nobody has answered NXDOMAIN, with a SOA?"""
    response = ask(server, dns.reversename.from_address("198.51.100.23").to_text(), "PTR")
    assert response.rcode() == dns.rcode.NXDOMAIN
    assert response.flags & dns.flags.AA and response.authority


def test_dns_a_missing_name_under_a_fictional_zone_is_nxdomain(server, resolver):
    """Does a name under a fictional zone that has no records get NXDOMAIN and the SOA?"""
    with pytest.raises(dns.resolver.NXDOMAIN):
        resolver.resolve(f"nothing-here.{DOMAIN}", "A")
    response = ask(server, f"nothing-here.{DOMAIN}")
    assert response.rcode() == dns.rcode.NXDOMAIN
    assert response.flags & dns.flags.AA
    assert response.authority[0].to_text().split()[3] == "SOA"


def test_dns_a_type_the_name_has_not_is_an_empty_answer(resolver):
    """Is a type the name has none of (an AAAA of koinbridge) NOERROR with no answer?"""
    with pytest.raises(dns.resolver.NoAnswer):
        resolver.resolve("koinbridge.example", "AAAA")


@pytest.mark.parametrize("name", ["google.com", "example.org", "8.8.8.8.in-addr.arpa",
                                  "bazaar.example", "mail.ru"])
def test_dns_refuses_every_name_outside_the_fictional_zones(server, resolver, name):
    """Is a real name (or one no fictional zone holds) REFUSED, with no record and no AA?"""
    for tcp in (False, True):
        response = ask(server, name, tcp=tcp)
        assert response.rcode() == dns.rcode.REFUSED
        assert not response.answer and not response.authority
        assert not response.flags & dns.flags.AA
    with pytest.raises(dns.resolver.NoNameservers, match="REFUSED") as refused:
        resolver.resolve(name, "A")
    assert "only for the course's fictional zones" in str(refused.value)


def test_dns_refusal_explains_itself_to_a_client_speaking_edns(server):
    """Does a REFUSED answer carry the teaching text as an Extended DNS Error (what dig shows)?"""
    response = ask(server, "google.com", edns=0)
    errors = [o for o in response.options if o.otype == dns.edns.EDE]
    assert len(errors) == 1
    assert errors[0].code == dns.edns.EDECode.NOT_AUTHORITATIVE
    assert "fictional zones" in errors[0].text and "google.com" in errors[0].text


@pytest.mark.parametrize("kind", ["MX", "NS", "A", "TXT", "SOA"])
def test_dns_answers_over_tcp_as_over_udp(server, kind):
    """Does the same port answer over TCP what it answers over UDP?"""
    udp, tcp = ask(server, DOMAIN, kind), ask(server, DOMAIN, kind, tcp=True)
    assert udp.rcode() == tcp.rcode() == dns.rcode.NOERROR
    assert [r.to_text() for r in udp.answer] == [r.to_text() for r in tcp.answer]
    assert sorted(r.to_text() for r in tcp.answer[0]) == dataset_records(DOMAIN, kind)


def test_dns_names_are_case_insensitive(resolver):
    """Does DALA-MARKET.EXAMPLE answer as dala-market.example?"""
    assert [r.to_text() for r in resolver.resolve(DOMAIN.upper(), "MX")] == dataset_records(
        DOMAIN, "MX")


def test_dns_survives_garbage_and_answers_after_it(server, resolver):
    """Does a malformed packet (UDP and TCP) leave the server answering?"""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"\x00\x01not a dns packet", ("127.0.0.1", server.dns_port))
    with socket.create_connection(("127.0.0.1", server.dns_port), timeout=5) as sock:
        sock.sendall(b"\x00\x05junk!")
        sock.shutdown(socket.SHUT_WR)
        sock.recv(100)
    assert resolver.resolve(DOMAIN, "MX")


def test_dns_answers_only_on_loopback(server):
    """Does the classroom DNS (and WHOIS) listen on 127.0.0.1 only?"""
    services = server.services()
    assert services["host"] == "127.0.0.1"
    assert server._dns.host == server._whois.host == "127.0.0.1"


@pytest.mark.skipif(shutil.which("dig") is None,
                    reason="dig is not installed (Debian package dnsutils)")
def test_dig_asks_the_classroom_dns(server):
    """Does a trainee's `dig @127.0.0.1 -p PORT dala-market.example MX +short` work?"""
    result = subprocess.run(["dig", "@127.0.0.1", "-p", str(server.dns_port), DOMAIN, "MX",
                             "+short", "+time=3", "+tries=1"],
                            capture_output=True, text=True, timeout=30, check=True)
    assert result.stdout.split("\n")[0] == dataset_records(DOMAIN, "MX")[0]


# -- WHOIS --------------------------------------------------------------------------------------
def raw_whois(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("domain", sorted(p.stem for p in (DOMAINS / "whois").glob("*.txt")))
def test_whois_answers_the_files_text_and_closes(server, domain):
    """Does a plain socket speaking RFC 3912 get whois/<domain>.txt, then the server closes?"""
    answer = raw_whois(server.whois_port, domain.encode() + b"\r\n")
    assert answer == (DOMAINS / "whois" / f"{domain}.txt").read_bytes()


def test_whois_unknown_fictional_domain_is_no_match(server):
    """Does a free name under .example get the usual "No match for" text?"""
    assert query(server.whois_port, "free-name.example") == 'No match for "FREE-NAME.EXAMPLE".\r\n'


@pytest.mark.parametrize("asked", ["google.com", "8.8.8.8", "GOOGLE.COM", "domain google.com"])
def test_whois_refuses_real_domains_with_a_teaching_text(server, asked):
    """Is a real domain (or address) refused with an explanation, not looked up?"""
    answer = query(server.whois_port, asked)
    assert answer.startswith("Refused: this classroom's WHOIS answers only")
    assert DOMAIN in answer and "procedures" in answer


def test_whois_takes_the_last_word_and_a_trailing_dot(server):
    """Does `domain DALA-MARKET.EXAMPLE.` (Verisign style, upper case, root dot) answer too?"""
    assert query(server.whois_port, "domain DALA-MARKET.EXAMPLE.") == (
        DOMAINS / "whois" / f"{DOMAIN}.txt").read_text()


def test_whois_silent_or_hostile_clients_do_not_stop_it(server):
    """Does the server answer after a client sent binary junk, an endless line, or nothing?"""
    assert raw_whois(server.whois_port, b"\xff\xfe\x00\r\n").startswith(b"Refused")
    assert raw_whois(server.whois_port, b"a" * 5000 + b"\r\n").startswith(b"Refused")
    with socket.create_connection(("127.0.0.1", server.whois_port), timeout=5):
        pass  # connects and leaves without a word
    assert query(server.whois_port, DOMAIN).startswith("Domain Name: DALA-MARKET.EXAMPLE")


# -- RDAP ---------------------------------------------------------------------------------------
def test_rdap_answers_the_datasets_json(server):
    """Does GET http://rdap.example/domain/<name> give rdap/<name>.json as RDAP JSON?"""
    web = sandbox.session(server)
    reply = web.get(f"http://rdap.example/domain/{DOMAIN}")
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "application/rdap+json"
    assert reply.json() == json.loads((DOMAINS / "rdap" / f"{DOMAIN}.json").read_text())
    assert reply.json()["ldhName"] == DOMAIN


@pytest.mark.parametrize(("path", "status", "text"), [
    ("/domain/free-name.example", 404, "No domain free-name.example is registered"),
    ("/domain/google.com", 404, "Refused: this classroom's RDAP answers only"),
    ("/ip/8.8.8.8", 404, "Refused: this classroom's RDAP answers only"),
    ("/ip/203.0.113.200", 404, "No network holding 203.0.113.200"),
    ("/autnum/64500", 400, "domain and address look-ups"),
    ("/", 400, "domain and address look-ups"),
])
def test_rdap_errors_are_rfc_9083_error_objects(server, path, status, text):
    """Is every other request an RFC 9083 error object (errorCode, title, description)?"""
    reply = sandbox.session(server).get(f"http://rdap.example{path}")
    assert reply.status_code == status
    assert reply.headers["Content-Type"] == "application/rdap+json"
    body = reply.json()
    assert body["errorCode"] == status and body["title"]
    assert text in " ".join(body["description"])


# -- started with the sandbox -----------------------------------------------------------------
@pytest.mark.skipif(not (WORLD / "bazaar.example").is_dir(), reason="datasets/web not built yet")
def test_the_processs_sandbox_starts_dns_whois_and_rdap_and_stops_them(monkeypatch):
    """Does the kernel's sandbox (session(), services()) run DNS, WHOIS and RDAP, and stop them?"""
    monkeypatch.delenv("OSINTLAB_SANDBOX_URL", raising=False)
    monkeypatch.delenv("OSINTLAB_SANDBOX_WEB", raising=False)
    monkeypatch.delenv("OSINTLAB_SANDBOX_DOMAINS", raising=False)
    reply = sandbox.session().get(f"http://rdap.example/domain/{DOMAIN}")
    assert reply.status_code == 200 and reply.json()["ldhName"] == DOMAIN
    found = sandbox.services()
    assert found["host"] == "127.0.0.1" and found["rdap"] == "http://rdap.example/"
    assert found["web"] == sandbox.start().url
    answer = sandbox.resolver().resolve(DOMAIN, "MX")
    assert [r.to_text() for r in answer] == dataset_records(DOMAIN, "MX")
    assert query(found["whois_port"], DOMAIN).startswith("Domain Name: DALA-MARKET.EXAMPLE")
    sandbox.stop()
    for port in (found["dns_port"], found["whois_port"]):
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_test_sites_without_domain_data_run_no_lookups(monkeypatch):
    """Does a sandbox over a folder of test sites (no domains/ beside it) run HTTP only?"""
    monkeypatch.setenv("OSINTLAB_SANDBOX_WEB", str(FIXTURE))
    monkeypatch.delenv("OSINTLAB_SANDBOX_URL", raising=False)
    monkeypatch.delenv("OSINTLAB_SANDBOX_DOMAINS", raising=False)
    found = sandbox.services()
    assert found["dns_port"] is found["whois_port"] is found["rdap"] is None
    with pytest.raises(Exception, match="classroom DNS is not running"):
        sandbox.resolver()


def test_services_of_a_server_named_by_the_environment(server, monkeypatch):
    """Does services() report the DNS and WHOIS ports of the server OSINTLAB_SANDBOX_URL names?"""
    monkeypatch.setenv("OSINTLAB_SANDBOX_URL", server.url)
    found = sandbox.services()
    assert (found["dns_port"], found["whois_port"]) == (server.dns_port, server.whois_port)
    assert [r.to_text() for r in sandbox.resolver().resolve(DOMAIN, "NS")] == dataset_records(
        DOMAIN, "NS")


@pytest.mark.slow
@pytest.mark.skipif(not (WORLD / "bazaar.example").is_dir(), reason="datasets/web not built yet")
def test_sandbox_serve_prints_where_dns_and_whois_listen():
    """Does `osintlab sandbox serve` say where DNS and WHOIS listen, and do they answer there?"""
    env = {"OSINTLAB_SANDBOX_WEB": str(WORLD), "OSINTLAB_SANDBOX_DOMAINS": str(DOMAINS)}
    process = subprocess.Popen(
        [sys.executable, "-c", "from osintlab.cli import main; main()", "sandbox", "serve"],
        stdout=subprocess.PIPE, text=True, env={**os.environ, **env})
    try:
        first, second = process.stdout.readline(), process.stdout.readline()
        assert "The fictional internet is at http://127.0.0.1:" in first
        assert "Classroom DNS: 127.0.0.1 port " in second
        dns_port = int(second.split("port ", 1)[1].split()[0])
        whois_port = int(second.rsplit("port ", 1)[1].split()[0].rstrip(","))
        response = dns.query.udp(dns.message.make_query(DOMAIN, "MX"), "127.0.0.1",
                                 port=dns_port, timeout=5)
        assert sorted(r.to_text() for r in response.answer[0]) == dataset_records(DOMAIN, "MX")
        assert query(whois_port, DOMAIN).startswith("Domain Name: DALA-MARKET.EXAMPLE")
        address = first.split(" at ", 1)[1].split()[0]
        assert "rdap.example" in requests.get(address + "/.sandbox/hosts", timeout=10).json()
    finally:
        process.terminate()
        process.wait(30)

