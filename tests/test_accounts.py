"""A username across the fictional platforms, contacts normalised, and links between identifiers.

The checks run against the real sandbox server over loopback HTTP, with the platforms'
manifest (datasets/web/platforms.json) and the world's ground truth: every account the ground
truth gives a person on a platform must be found there, and a soft 404, a redirect and a
robots.txt refusal must each be read for what they are.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from osintlab import accounts, evidence, sandbox
from osintlab.exceptions import AccountError

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = json.loads((ROOT / "datasets" / "web" / "platforms.json").read_text("utf-8"))
TRUTH = yaml.safe_load((ROOT / "grading" / "world" / "ground-truth.yml").read_text("utf-8"))


@pytest.fixture(scope="module")
def dala_trade():
    return accounts.check("dala_trade")


def _result(hits, platform):
    return hits.set_index("platform").loc[platform]


def test_the_seller_is_found_where_it_has_an_account_and_nowhere_else(dala_trade):
    """Are found and not found decided as the platforms mean them, for the lead's handle?"""
    found = sorted(dala_trade[dala_trade["result"] == "found"]["platform"])
    assert found == ["bazaar.example", "tube.example"]


def test_a_soft_404_is_not_found_although_its_status_is_200(dala_trade):
    """Does a 200 page that says the user does not exist count as not found, and say why?"""
    row = _result(dala_trade, "photos.example")
    assert row["status"] == 200 and row["result"] == "not found"
    assert "soft 404" in row["decided_by"]


def test_a_redirect_and_a_404_are_read_as_missing():
    """Is tube.example's redirect a missing channel, and social.example's 404 a missing user?"""
    hits = accounts.check("dalatrade")
    assert _result(hits, "tube.example")["status"] == 302
    assert _result(hits, "tube.example")["result"] == "not found"
    assert "redirected to /?error=channel-not-found" in _result(hits, "tube.example")["decided_by"]
    assert _result(hits, "social.example")["result"] == "not found"
    assert _result(hits, "photos.example")["result"] == "found"  # the look-alike exists


def test_a_platform_that_asks_crawlers_to_stay_away_cannot_tell(dala_trade):
    """Is the forum, whose robots.txt disallows /members/, neither found nor not found?"""
    row = _result(dala_trade, "forum.example")
    assert row["result"] == "cannot tell" and row["status"] == "-"
    assert "robots.txt" in row["decided_by"]


def test_a_login_wall_cannot_tell_when_robots_is_not_obeyed():
    """Without robots, does the forum's redirect to its login page stay 'cannot tell'?"""
    hits = accounts.check("dmukh91", robots=False)
    row = _result(hits, "forum.example")
    assert row["status"] == 302 and row["result"] == "cannot tell"
    assert "login" in row["decided_by"]


@pytest.mark.parametrize("site", MANIFEST["sites"], ids=lambda s: s["name"])
def test_every_account_of_the_world_answers_as_its_platform_says(site):
    """Does every known and ground-truth account answer with e_code/e_string, others m_code?"""
    platform = site["name"].split(".")[0]
    names = set(site["known"]) | {p["accounts"][platform] for p in TRUTH["persons"]
                                  if platform in p.get("accounts", {})}
    web = sandbox.session()
    if platform == "forum":  # the member pages are behind the trainees' login
        web.post("http://forum.example/login", data={"user": "trainee",
                                                     "password": "sandbox-2025"})
    for name in sorted(names) + ["no_such_user_4041"]:
        reply = web.get(site["uri_check"].replace("{account}", name), allow_redirects=False)
        if name == "no_such_user_4041":
            assert reply.status_code == site["m_code"] and site["m_string"] in reply.text, name
        else:
            assert reply.status_code == site["e_code"] and site["e_string"] in reply.text, name


def test_captured_checks_keep_each_answer_as_it_came(tmp_path):
    """With case=, is each answer an item, the redirect kept as a 302 with its Location?"""
    case = evidence.open_case(tmp_path / "CASE", investigator="Test", persona="none",
                              session=sandbox.session(), screenshots=False)
    hits = accounts.check("daniyar.m91", case=case)
    asked = hits[hits["status"] != "-"]
    assert asked["item"].notna().all() and len(asked) == 4
    tube = _result(hits, "tube.example")
    record = case.record(tube["item"])
    assert record["http"]["status"] == 302
    assert ["Location", "/?error=channel-not-found"] in record["http"]["headers"]
    assert case.verify()["status"] == "intact"


def test_contacts_are_found_on_the_found_pages_and_normalised(dala_trade):
    """Do the channel's messy phone and tagged e-mail come out in the one comparable form?"""
    table = accounts.contacts(dala_trade)
    assert set(table["platform"]) == {"bazaar.example", "tube.example"}
    phones = set(table[table["kind"] == "phone"]["normalized"])
    assert phones == {"+77995550117"}
    assert table[table["kind"] == "email"]["normalized"].tolist() == ["daniyar.m91@mail.example"]
    assert not table.duplicated(["platform", "as_written"]).any()


@pytest.mark.parametrize(("written", "normal", "country"), [
    ("8 (799) 555-01-17", "+77995550117", "KZ"),
    ("+7 799 555 0117", "+77995550117", "KZ"),
    ("87995550117", "+77995550117", "KZ"),
    ("+7 399 555 01 17", "+73995550117", "RU"),
    ("+996 799 555 021", "+996799555021", "KG"),
    ("Daniyar.M91+tube@Mail.example", "daniyar.m91@mail.example", ""),
    ("Aibek.Zh98+shop@inbox.example", "aibekzh98@inbox.example", ""),
    ("d.karimov+x@post.example", "d.karimov+x@post.example", ""),
])
def test_normalise_writes_phones_and_emails_one_way(written, normal, country):
    """E.164 phones with the +7 split; e-mails per their provider's rules on +tags and dots."""
    row = accounts.normalise(written).iloc[0]
    assert row["normalized"] == normal and row["country"] == country


def test_normalise_says_what_it_changed():
    """Does each note name the change, so the table can be read in court?"""
    notes = accounts.normalise(["8 799 555 01 17", "Aibek.Zh98+shop@inbox.example"])["note"]
    assert "country code of KZ, +7 (trunk prefix 8 dropped)" in notes[0] and "+7 is shared" in notes[0]
    assert "+shop removed" in notes[1] and "dots removed" in notes[1]


def test_text_that_is_neither_is_kept_and_named():
    """Is a value that is no phone and no e-mail kept as 'unknown', never a traceback?"""
    row = accounts.normalise(["not a number"]).iloc[0]
    assert row["kind"] == "unknown" and row["normalized"] is None


@pytest.mark.parametrize("bad", ["", None, "http://bazaar.example/seller/dala_trade.html",
                                 "Dala Trade"])
def test_check_refuses_what_is_not_a_username(bad):
    """Does a URL, a display name or nothing get a message that shows the right call?"""
    with pytest.raises(AccountError, match=r"check\(\"dala_trade\"\)"):
        accounts.check(bad)


def test_contacts_and_normalise_refuse_the_wrong_input():
    with pytest.raises(AccountError, match="accounts.check"):
        accounts.contacts(["dala_trade"])
    with pytest.raises(AccountError, match="normalise"):
        accounts.normalise([])


def test_two_independent_links_are_counted_and_one_shared_link_is_not():
    """Two chains that share a link count once; a second chain of its own counts twice."""
    graph = accounts.links()
    graph.add("bazaar: dala_trade", "+77995550117", "phone on the seller page")
    graph.add("+77995550117", "R-1075", "operator's subscriber record")
    assert graph.independent("bazaar: dala_trade", "R-1075") == 1
    graph.add("bazaar: dala_trade", "tube: dala_trade", "same phone")
    graph.add("tube: dala_trade", "R-1075", "e-mail to profile, born 17.04.1991")
    assert graph.independent("bazaar: dala_trade", "R-1075") == 2
    assert "<svg" in graph._repr_svg_() and "R-1075" in graph._repr_svg_()


def test_links_name_what_is_wrong():
    graph = accounts.links()
    with pytest.raises(AccountError, match="three texts"):
        graph.add("a", "b", "")
    with pytest.raises(AccountError, match="itself"):
        graph.add("a", "a", "x")
    graph.add("a", "b", "x")
    with pytest.raises(AccountError, match="not in the graph"):
        graph.independent("a", "z")


def test_the_same_evidence_twice_is_one_link_and_two_are_drawn_apart():
    """Does adding one subscriber record twice leave one path, and do two labels not overlap?"""
    graph = accounts.links()
    graph.add("phone", "R-1054", "subscriber record, E0003")
    graph.add("phone", "R-1054", "subscriber record, E0003")
    assert graph.independent("phone", "R-1054") == 1 and len(graph.table) == 1
    graph.add("phone", "R-1054", "register extract, E0004")
    drawing = graph._repr_svg_()
    labels = [line for line in drawing.split("<text") if "E000" in line]
    assert len({label.split('y="')[1].split('"')[0] for label in labels}) == 2


def test_profiles_read_what_the_found_pages_say():
    """Does profiles give the birth date (year-month-day), city and linked sites of found pages?"""
    table = accounts.profiles(accounts.check("daniyar.m91"))
    social = table.set_index("platform").loc["social.example"]
    assert social["born"] == "1991-04-17" and social["city"] == "Almaty"
    assert social["name"] == "Daniyar Mukhametov"
    lookalike = accounts.profiles(accounts.check("dalatrade"))
    assert lookalike["sites"].tolist() == ["dalamarket.example"]
    with pytest.raises(AccountError, match=r"profiles\(hits\)"):
        accounts.profiles(lookalike)
