"""osintlab.domains over the real classroom services: the ground truth's answers, one call each.

Every look-up goes to this process's sandbox on 127.0.0.1 (HTTP for RDAP, passive DNS, CT and
WHOIS history; UDP for DNS). Real names appear only as the *name asked about*: they are
refused before anything is sent anywhere.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from conftest import ROOT
from cryptography import x509

from osintlab import domains, sandbox
from osintlab.exceptions import DomainError
from osintlab.world.domains import files

TRUTH = yaml.safe_load((ROOT / "grading" / "world" / "ground-truth.yml").read_text("utf-8"))
SHOP = "dala-market.example"


@pytest.fixture(scope="module", autouse=True)
def classroom():
    """This process's sandbox, on the committed world (started by the first look-up)."""
    sandbox.stop()
    yield
    sandbox.stop()


def test_the_services_are_reported():
    """Does services() say where passive DNS, CT and the WHOIS history are?"""
    found = sandbox.services()
    assert found["pdns"] == "http://pdns.example/" and found["ct"] == "http://ct.example/"
    assert found["whois_history"] == "http://whois-history.example/"


def test_registration_names_the_registrar_and_sees_the_privacy_proxy():
    """Which registrar gets the request, and does the record say a proxy hides the registrant?"""
    record = domains.registration(SHOP)
    assert record["source"] == "rdap" and record["registrar"] == "Kokpar Names Ltd."
    assert record["privacy_proxy"] and "PrivacyGuard" in record["registrant_org"]
    assert record["created"] == pd.Timestamp("2023-05-10T11:02:45Z")


class _NoRdap:
    """The classroom's web, except that RDAP has no answer for any domain (a registry without
    RDAP): registration must fall back to WHOIS over TCP."""

    def get(self, url: str, **options):
        response = sandbox.session().get(url, **options)
        if url.startswith("http://rdap.example/domain/"):
            response.status_code = 404
        return response


def test_without_rdap_registration_reads_the_same_facts_from_whois():
    """When RDAP has no answer, does the WHOIS fallback give the same registrar, people and UTC
    times (WHOIS writes them with their own zone)?"""
    rdap = domains.registration(SHOP)
    whois = domains.registration(SHOP, session=_NoRdap())
    assert whois["source"] == "whois" and rdap["source"] == "rdap"
    for field in ("registrar", "registrant_org", "privacy_proxy", "created", "updated",
                  "expires", "nameservers"):
        assert whois[field] == rdap[field], field
    assert whois["item"] is None  # nothing from RDAP to capture: the WHOIS text is domains.whois
    # the national registry's dotted style names its registrar by a handle, as it writes it
    look_alike = domains.registration("dalamarket.example", session=_NoRdap())
    assert look_alike["registrar"] == "STEPPEREGISTRY"
    assert look_alike["registrant_org"] == "Dala Gulder LLP"
    assert look_alike["created"] == pd.Timestamp("2021-03-02T10:21:00Z")


def test_the_whois_history_names_the_registrant_before_the_proxy():
    """Does the history service's old answer name P1 (link L04)?"""
    kept = domains.whois_history(SHOP)
    p1 = next(p for p in TRUTH["persons"] if p["id"] == "P1")
    assert kept.iloc[0]["registrant_email"] == p1["email"]
    assert kept.iloc[-1]["registrant_name"] == "REDACTED FOR PRIVACY"


def test_the_hosting_provider_is_the_holder_of_the_address():
    """Is the shop's address held by Bulut Host, one customer per address (link L15)?"""
    holder = domains.network(SHOP)
    assert holder["address"] == "203.0.113.45" and holder["organisation"] == "Bulut Host LLP"
    assert "one customer" in holder["description"]
    assert "Shared web hosting" in domains.network("198.51.100.23")["description"]


def test_records_come_from_the_classroom_dns():
    """Do the DNS records now give the shop's address and name servers?"""
    table = domains.records(SHOP, ["A", "NS"])
    assert table[table["type"] == "A"]["data"].tolist() == ["203.0.113.45"]
    assert sorted(table[table["type"] == "NS"]["data"]) == [
        "ns1.bulut-host.example.", "ns2.bulut-host.example."]


def test_same_address_ever_is_not_same_address_at_the_same_time():
    """The trap (F04): kilim-carpets was on the old address, but only after the shop left."""
    ever = domains.history("198.51.100.23")
    assert set(ever["rrname"]) == {SHOP, "kilim-carpets.example"}
    table = domains.shared("198.51.100.23", during=SHOP)
    assert table["rrname"].tolist() == ["kilim-carpets.example"]
    assert not table["same_time"].any()
    now = domains.shared("203.0.113.45", during=SHOP)
    assert sorted(now[now["same_time"]]["rrname"]) == ["pay.dala-market.example",
                                                       "shop7x3k.example"]
    assert str(ever["time_first"].dt.tz) == "UTC"


def test_the_certificates_reveal_the_alias_and_not_before_is_not_creation():
    """Which names do the certificates reveal (L14), and is not_before a trap (F08)?"""
    table = domains.certificates(SHOP)
    names = set().union(*table["names"])
    assert {"shop7x3k.example", "pay.dala-market.example"} <= names
    created = domains.registration(SHOP)["created"]
    assert table["not_before"].iloc[-1] == pd.Timestamp("2024-11-14T05:30:00Z")
    assert table["not_before"].min() > created
    assert domains.certificates("dalamarket.example")["organisation"].tolist() == [
        "Dala Gulder LLP"]


def test_the_look_alike_has_its_own_innocent_registration():
    """Is dalamarket.example another registrant, registrar, address and time (F03)?"""
    look_alike = domains.registration("dalamarket.example")
    assert look_alike["registrant_org"] == "Dala Gulder LLP" and not look_alike["privacy_proxy"]
    assert look_alike["registrar"] != domains.registration(SHOP)["registrar"]
    assert set(domains.history("dalamarket.example")["rdata"]) == {"198.51.100.77"}


def test_the_timeline_starts_with_the_registration_in_utc():
    """Does one time line, each row with its source, begin with the registration?"""
    table = domains.timeline(SHOP)
    assert table.iloc[0]["source"] == "rdap" and table.iloc[0]["time"].year == 2023
    assert {"rdap", "whois history", "passive dns", "ct"} <= set(table["source"])
    assert table["time"].is_monotonic_increasing and str(table["time"].dt.tz) == "UTC"


@pytest.mark.parametrize(("given", "says"), [
    ("http://dala-market.example/index.html", 'registration("dala-market.example")'),
    ("google.com", "Refused: google.com is not a name of the course's fictional world"),
    ("203.0.113.45", 'domains.network("203.0.113.45")'),
    ("nothing-here.example", "nothing-here.example is not registered"),
    (42, "needs one domain name as text"),
])
def test_registration_errors_teach(given, says):
    """Does a URL, a real name, an address or an unknown name get a message that teaches?"""
    with pytest.raises(DomainError) as caught:
        domains.registration(given)
    assert says in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_real_address_is_refused_and_an_unseen_name_explained():
    """Is 8.8.8.8 refused before anything is sent, and an empty history explained?"""
    with pytest.raises(DomainError, match="Refused: 8.8.8.8"):
        domains.history("8.8.8.8")
    with pytest.raises(DomainError, match="Passive DNS never saw free-name.example"):
        domains.history("free-name.example")


def test_the_services_refuse_real_names_themselves():
    """Do pdns.example, ct.example and whois-history.example refuse a real name (403)?"""
    web = sandbox.session()
    for url in ("http://pdns.example/lookup/rrset/name/google.com",
                "http://ct.example/?q=google.com&output=json",
                "http://whois-history.example/google.com"):
        reply = web.get(url)
        assert reply.status_code == 403 and "Refused" in reply.json()["error"]


def test_the_certificates_are_real_and_byte_identical_on_every_build():
    """Does cryptography parse each PEM, and does building twice give the same bytes?"""
    first, second = files(), files()
    pems = {k: v for k, v in first.items() if k.endswith(".pem")}
    assert pems and all(second[k] == v for k, v in pems.items())
    for path, pem in pems.items():
        assert (ROOT / "datasets" / "domains" / path).read_bytes() == pem
        cert = x509.load_pem_x509_certificate(pem)
        assert cert.signature_algorithm_oid == x509.oid.SignatureAlgorithmOID.ED25519


def test_the_module_answer_key_is_what_the_verbs_say():
    """Does the m05 answer key in the ground truth agree with one call of each verb?"""
    key = TRUTH["m05-domains-and-infrastructure"]
    assert domains.registration(SHOP)["registrar"] == key["registrar"]
    assert domains.network(SHOP)["organisation"] == key["hosting_provider"]
    now = domains.shared("203.0.113.45", during=SHOP)
    assert sorted(now[now["same_time"]]["rrname"]) == key["shared_at_the_same_time"]
    before = domains.shared("198.51.100.23", during=SHOP)
    assert sorted(before[~before["same_time"]]["rrname"]) == key["shared_never_at_the_same_time"]
    assert sorted(set().union(*domains.certificates(SHOP)["names"])) == key["certificate_names"]
    assert f"{domains.registration(SHOP)['created']:%Y-%m-%d}" == key["set_up"]
    assert domains.registration("dalamarket.example")["registrant_org"] == key[
        "look_alike_registrant"]


def test_shared_takes_a_list_of_two_dates_and_captures_into_the_case(tmp_path):
    """Does shared take [start, end] (no tuple to teach), capture the answer, and teach a bad
    during?"""
    from osintlab import evidence

    case = evidence.open_case(tmp_path / "CASE-1", investigator="Test", persona="none",
                              connection="test", session=sandbox.session(), screenshots=False)
    table = domains.shared("203.0.113.45", during=["2024-03-01", "2024-03-02"], case=case)
    assert sorted(table[table["same_time"]]["rrname"]) == [
        "dala-market.example", "pay.dala-market.example", "shop7x3k.example"]
    assert table["item"].notna().all() and table["item"].nunique() == 1
    assert set(table["address"]) == {"203.0.113.45"}
    assert domains.shared("203.0.113.45", during=SHOP)["item"].isna().all()
    for wrong in (["2024-03-01"], 5, ["2024-03-01", "yesterday-ish"], ["2024-03-01", None],
                  {"a": 1, "b": 2}):  # each a plain sentence, never a pandas traceback
        with pytest.raises(DomainError, match="a list of two dates"):
            domains.shared("203.0.113.45", during=wrong)


def test_certificate_names_lists_each_name_once():
    """Does certificate_names give every name of the certificates, once each, sorted?"""
    key = TRUTH["m05-domains-and-infrastructure"]
    assert domains.certificate_names(domains.certificates(SHOP)) == key["certificate_names"]
    with pytest.raises(DomainError, match="needs the table of domains.certificates"):
        domains.certificate_names(SHOP)


def test_the_timeline_captures_each_source_into_the_case(tmp_path):
    """With case=, does every row of the time line name the item that holds its source?"""
    from osintlab import evidence

    case = evidence.open_case(tmp_path / "CASE-2", investigator="Test", persona="none",
                              connection="test", session=sandbox.session(), screenshots=False)
    table = domains.timeline(SHOP, case=case)
    assert table["item"].notna().all()
    assert table[table["source"] == "ct"]["item"].nunique() == 7
    assert domains.timeline(SHOP)["item"].isna().all()


def test_whois_gives_the_answer_as_the_registry_writes_it():
    """Does whois() give the text, in either style, and teach an unknown name?"""
    assert "Registrar: Kokpar Names Ltd." in domains.whois("koinbridge.example")
    assert "Domain created: 2021-03-02" in domains.whois("dalamarket.example")
    with pytest.raises(DomainError, match="WHOIS knows no nothing-here.example"):
        domains.whois("nothing-here.example")


def test_a_misspelt_domain_in_no_zone_is_explained_plainly():
    """Does a typo outside every zone get a plain sentence, not dnspython's server report?"""
    with pytest.raises(DomainError) as caught:
        domains.records("koinbrige.example")
    assert str(caught.value).startswith("The classroom DNS has no zone for koinbrige.example")
    assert "Do53" not in str(caught.value)


def test_case_in_quotes_is_explained_before_anything_is_asked():
    """Does case="case" (the word in quotes) get a message naming case=case, not an
    AttributeError, in every verb that takes case= (domains, accounts, web)?"""
    from osintlab import accounts, web
    from osintlab.exceptions import EvidenceError

    for call in (lambda: domains.registration("dala-market.example", case="case"),
                 lambda: accounts.check("dala_trade", case="case"),
                 lambda: web.follow("http://bazaar.example/listings/page-1.html", case="case"),
                 lambda: web.collect(["http://bazaar.example/"], case="case")):
        with pytest.raises(EvidenceError, match="write case=case, the word case without quotes"):
            call()


def test_the_same_answer_to_another_question_is_its_own_item(tmp_path, capsys):
    """Does the CT search for www.dala-market.example, byte for byte the search for
    dala-market.example, become its own item with its own source instead of a DuplicateCapture
    error? (Each certificate is fetched from the same address both times: the same item.)"""
    from osintlab import evidence

    case = evidence.open_case(tmp_path / "CASE-1", investigator="Test", persona="none",
                              connection="test", session=sandbox.session(), screenshots=False)
    shop = domains.certificates(SHOP, case=case)
    www = domains.certificates("www." + SHOP, case=case)
    assert set(shop["item"]) == set(www["item"]) and www["item"].notna().all()
    assert "captured as its own item" in capsys.readouterr().out
    searched = shop.attrs["search_item"], www.attrs["search_item"]
    assert searched[0] != searched[1]
    assert case.record(searched[1])["source_url"] == "http://ct.example/?q=www.dala-market.example&output=json"
    # the www cell run again adds nothing: the same question, the same answer, the same item
    captures = len(case.captures())
    again = domains.certificates("www." + SHOP, case=case)
    assert again.attrs["search_item"] == searched[1] and len(case.captures()) == captures
    assert "nothing was added (the cell was run again)" in capsys.readouterr().out


def test_whois_says_when_the_classroom_service_does_not_answer(monkeypatch):
    """With no WHOIS service (a classroom without it) or a refused connection, does whois()
    say the service is not there, never "WHOIS knows no ..." or a socket traceback?"""
    monkeypatch.setattr(sandbox, "services", lambda: {"host": "127.0.0.1", "whois_port": None})
    with pytest.raises(DomainError, match="WHOIS service does not answer here"):
        domains.whois(SHOP)
    monkeypatch.setattr(sandbox, "services", lambda: {"host": "127.0.0.1", "whois_port": 1})
    with pytest.raises(DomainError, match="ConnectionRefusedError"):
        domains.whois(SHOP)
