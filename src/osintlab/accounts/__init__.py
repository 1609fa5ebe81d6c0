"""From a username to a person: accounts across platforms, contacts, and the links between them.

Five verbs, each one line in a notebook:

- :func:`check` looks a username up on every platform of the course's manifest
  (``datasets/web/platforms.json``, in the WhatsMyName format) and says, per platform, whether
  the account was **found**, **not found**, or whether the answer **cannot tell**, and *how*
  that was decided: the status code, a text of the page (a "soft 404" answers 200 for a name
  that does not exist), or a redirect. It makes one polite request per platform, never logs
  in, likes, follows or writes; with ``case=`` each answer is captured into the case.
- :func:`profiles` reads what the pages of the accounts that were found say about their owner:
  display name, date of birth, city, the other websites they link to.
- :func:`contacts` finds the phone numbers and e-mail addresses on the pages of the accounts
  that were found, each normalised.
- :func:`normalise` writes phones and e-mails the one way they can be compared: phones in
  E.164 (``+77995550117``), e-mails in lower case without a ``+tag`` (and without dots where
  the provider ignores them), each with a note of what was changed and why.
- :func:`links` draws identifiers and the evidence joining them as a small graph, and counts
  the independent paths between two of them.

All of it reaches only the course's fictional internet (:mod:`osintlab.sandbox`).

Example:
    >>> from osintlab import accounts
    >>> accounts.normalise(["8 (799) 555-01-17"])["normalized"].tolist()
    ['+77995550117']
"""

from __future__ import annotations

import json
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any
from urllib.parse import quote

import pandas as pd

from .._i18n import _
from ..exceptions import AccountError
from .graph import Links, links

__all__ = ["Links", "check", "contacts", "links", "normalise", "platforms", "profiles"]

#: What check() can say of one platform (the values of its column ``result``).
FOUND, NOT_FOUND, CANNOT_TELL = "found", "not found", "cannot tell"
_COLUMNS = ["platform", "url", "result", "decided_by", "status", "item"]


@cache
def _manifest() -> dict[str, Any]:
    from .. import datasets

    return json.loads(datasets.path("web", "platforms.json").read_text(encoding="utf-8"))


def platforms() -> pd.DataFrame:
    """The platforms :func:`check` asks, and how each one answers for an account.

    Example:
        >>> platforms()["platform"].tolist()[:2]
        ['bazaar.example', 'forum.example']
    """
    rows = [{"platform": site["name"], "address": site["uri_check"],
             "exists_when": _("status {code}, page shows {text!r}").format(
                 code=site["e_code"], text=site["e_string"]),
             "missing_when": _missing_rule(site)} for site in _manifest()["sites"]]
    return pd.DataFrame(rows, columns=["platform", "address", "exists_when", "missing_when"])


def _missing_rule(site: dict[str, Any]) -> str:
    if 300 <= site["m_code"] < 400:
        return _("status {code}: a redirect").format(code=site["m_code"])
    return _("status {code}, page shows {text!r}").format(code=site["m_code"],
                                                          text=site["m_string"])


def _username(username: object) -> str:
    if not isinstance(username, str) or not username.strip():
        raise AccountError(_(
            "check needs one username as text, for example check(\"dala_trade\"); it got "
            "{given}."
        ).format(given=repr(username)[:80]), value=username)
    name = username.strip().removeprefix("@")
    if "://" in name or "/" in name or " " in name:
        raise AccountError(_(
            "{given!r} is not a username: give only the name the platforms show after the @, "
            "without spaces, for example check(\"dala_trade\") (the platforms' addresses are "
            "in the manifest: accounts.platforms())."
        ).format(given=username), value=username)
    return name


def _decide(site: dict[str, Any], status: int, text: str, location: str) -> tuple[str, str]:
    """(result, how it was decided) for one platform's answer."""
    if status == site["e_code"] and site["e_string"] in text:
        return FOUND, _("status {code} and the page shows {text!r}").format(
            code=status, text=site["e_string"])
    if status == site["m_code"] and site["m_string"] in text:
        if 300 <= status < 400:
            return NOT_FOUND, _("redirected to {where} (this site's answer for a missing "
                                "account)").format(where=location or "?")
        if status == 200:
            return NOT_FOUND, _("status 200, but the page says {text!r}: a soft 404").format(
                text=site["m_string"])
        return NOT_FOUND, _("status {code}").format(code=status)
    if 300 <= status < 400 and "login" in location.lower():
        return CANNOT_TELL, _("redirected to a login page ({where}): the site shows no "
                              "account to visitors").format(where=location)
    return CANNOT_TELL, _("status {code}: neither what this site shows for an account nor what "
                          "it shows for a missing one").format(code=status)


class _OneAtATime:
    """A case that captures one answer at a time, right after it came (checks run together)."""

    def __init__(self, case: Any) -> None:
        self.case = case
        self.lock = threading.Lock()
        self.warnings: list[warnings.WarningMessage] = []

    def capture(self, *args: Any, **kwargs: Any) -> Any:
        with self.lock, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            record = self.case.capture(*args, **kwargs)
            self.warnings.extend(caught)
        return record

    def say_warnings(self) -> None:
        """Repeat in the trainee's cell what the case warned while capturing (once each)."""
        for said in {str(w.message): w for w in self.warnings}.values():
            warnings.warn(said.message, stacklevel=3)


def check(username: str, *, case: Any = None, session: Any = None,
          robots: bool = True) -> pd.DataFrame:
    """Look one username up on every platform of the manifest, politely, one request each.

    One row per platform: ``platform``, ``url``, ``result`` (``found``, ``not found`` or
    ``cannot tell``), ``decided_by`` (the status code, the page text or the redirect that
    decided), ``status`` and ``item`` (the case item, with ``case=``). Redirects are not
    followed: a redirect is itself the answer. robots.txt is obeyed like in ``web.collect``:
    a platform that asks crawlers to leave its member pages alone is ``cannot tell``.

    Example:
        >>> hits = check("dala_trade")                                      # doctest: +SKIP
        >>> hits[hits["result"] == "found"]["platform"].tolist()            # doctest: +SKIP
        ['bazaar.example', 'tube.example']
    """
    from ..evidence.case import given_case
    from ..web import _Polite, _site

    given_case(case)
    name = _username(username)
    polite = _Polite(session, None, robots)
    sites = _manifest()["sites"]
    urls = [site["uri_check"].replace("{account}", quote(name, safe="._-")) for site in sites]
    serial = _OneAtATime(case) if case is not None else None

    def ask(site: dict[str, Any], url: str) -> Any:
        note = _("account check: {name} on {platform}").format(name=name, platform=site["name"])
        return polite.get(url, serial, note, redirects=False)

    # each platform is its own site: asked at the same time, each as politely as alone
    with ThreadPoolExecutor(max_workers=len(sites) or 1) as pool:
        answers = list(pool.map(ask, sites, urls))
    if serial is not None:
        serial.say_warnings()
    rows, texts = [], {}
    for site, url, got in zip(sites, urls, answers, strict=True):
        if isinstance(got, str):
            rules = polite.rules.get(_site(url))
            why = got if rules is None or rules.allows(url) else _(
                "robots.txt asks crawlers to leave this address alone")
            rows.append({"platform": site["name"], "url": url, "result": CANNOT_TELL,
                         "decided_by": _("not asked: {why}").format(why=why), "status": "-",
                         "item": None})
            continue
        location = got.response.headers.get("Location", "") if got.response is not None else ""
        result, how = _decide(site, got.status, got.text, location)
        rows.append({"platform": site["name"], "url": url, "result": result, "decided_by": how,
                     "status": got.status, "item": got.item})
        texts[url] = got.text
    table = pd.DataFrame(rows, columns=_COLUMNS)
    table.attrs["username"] = name
    table.attrs["texts"] = texts
    found = table[table["result"] == FOUND]["platform"].tolist()
    print(_("{name}: found on {count} of {total} platforms ({where}); read the column "
            "decided_by before you rely on a row.").format(
        name=name, count=len(found), total=len(table), where=", ".join(found) or "-"))
    return table


def contacts(hits: pd.DataFrame, *, region: str = "KZ") -> pd.DataFrame:
    """The phones and e-mails on the pages of the accounts :func:`check` found, normalised.

    One row per contact and page: ``platform``, ``item``, then the columns of
    :func:`normalise` (``as_written``, ``kind``, ``normalized``, ``country``, ``note``).

    Example:
        >>> contacts(check("dala_trade"))["normalized"].tolist()          # doctest: +SKIP
        ['+77995550117', '+77995550117', 'daniyar.m91@mail.example']
    """
    from .. import extract

    texts = _texts_of(hits, "contacts(hits)")
    rows = []
    for _index, row in hits[hits["result"] == FOUND].iterrows():
        text = texts.get(row["url"], "")
        written = (extract.phones(text, region=region, html=True)["value"].tolist()
                   + extract.emails(text, html=True)["value"].tolist())
        for found in normalise(written, region=region).to_dict("records") if written else []:
            rows.append({"platform": row["platform"], "item": row["item"], **found})
    table = pd.DataFrame(rows, columns=["platform", "item", *_NORMAL_COLUMNS])
    return table.drop_duplicates(["platform", "as_written"], ignore_index=True)


_NORMAL_COLUMNS = ["as_written", "kind", "normalized", "country", "note"]
_PROFILE_COLUMNS = ["platform", "url", "item", "name", "born", "city", "sites"]


def _first_text(soup: Any, selectors: tuple[str, ...]) -> str | None:
    for selector in selectors:
        found = soup.select_one(selector)
        if found is not None and found.get_text(strip=True):
            return found.get_text(" ", strip=True)
    return None


def profiles(hits: pd.DataFrame) -> pd.DataFrame:
    """What the pages of the accounts :func:`check` found say about their owner.

    One row per found account: ``platform``, ``url``, ``item``, then what the page shows:
    ``name`` (the display name), ``born`` (a date of birth, written year-month-day), ``city``
    and ``sites`` (the other websites it links to). An empty cell means the page does not say.
    Read from the page as it was received (the captured item holds the same bytes).

    Example:
        >>> profiles(check("aibek.zh"))[["platform", "born"]].values.tolist()  # doctest: +SKIP
        [['social.example', '1998-08-02']]
    """
    from urllib.parse import urlsplit

    from bs4 import BeautifulSoup

    from ..web import iso_date

    texts = _texts_of(hits, "profiles(hits)")
    rows = []
    for _index, row in hits[hits["result"] == FOUND].iterrows():
        soup = BeautifulSoup(texts.get(row["url"], ""), "html.parser")
        born = _first_text(soup, ('[itemprop="birthDate"]',))
        host = urlsplit(row["url"]).hostname
        sites = sorted({urlsplit(a["href"]).hostname for a in soup.select('a[href^="http"]')}
                       - {host, None})
        rows.append({"platform": row["platform"], "url": row["url"], "item": row["item"],
                     "name": _first_text(soup, ('[itemprop="name"]', "h1")),
                     "born": iso_date(born) if born else None,
                     "city": _first_text(soup, ('[itemprop="homeLocation"]',
                                               '[itemprop="address"]')),
                     "sites": ", ".join(sites) or None})
    return pd.DataFrame(rows, columns=_PROFILE_COLUMNS)


def _texts_of(hits: Any, example: str) -> dict[str, str]:
    """The pages check() received, or a clear error when ``hits`` is not its table."""
    texts = hits.attrs.get("texts") if isinstance(hits, pd.DataFrame) else None
    if texts is None or "result" not in getattr(hits, "columns", []):
        raise AccountError(_(
            "{example} needs the table that accounts.check made, for example {example} after "
            "hits = accounts.check(\"dala_trade\"); it got {given}."
        ).format(example=example, given=type(hits).__name__), value=type(hits).__name__)
    return texts


def _email(value: str) -> dict[str, Any]:
    local, _at, domain = value.strip().rpartition("@")
    domain = domain.lower().rstrip(".")
    rules = _manifest().get("mailboxes", {}).get(domain)
    notes = [_("lower case (mail providers do not tell capitals apart)")]
    mailbox = local.lower()
    if "+" in mailbox:
        if rules is None or rules["plus_tags"]:
            tag = mailbox.split("+", 1)[1]
            mailbox = mailbox.split("+", 1)[0]
            notes.append(_("+{tag} removed: a tag after + reaches the same mailbox").format(
                tag=tag) + ("" if rules else " " + _("(check this provider's rules)")))
    if rules is not None and rules["ignores_dots"] and "." in mailbox:
        mailbox = mailbox.replace(".", "")
        notes.append(_("dots removed: {domain} ignores them").format(domain=domain))
    return {"kind": "email", "normalized": f"{mailbox}@{domain}", "country": "",
            "note": "; ".join(notes)}


def _phone(value: str, region: str) -> dict[str, Any]:
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return {"kind": "unknown", "normalized": None, "country": "",
                "note": _("neither a phone number nor an e-mail address: check how it was "
                          "copied")}
    normal = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    country = phonenumbers.region_code_for_number(number) or ""
    notes = []
    if not value.strip().startswith("+"):
        trunk = phonenumbers.PhoneMetadata.metadata_for_region(region).national_prefix
        digits = "".join(c for c in value if c.isdigit())
        dropped = _(" (trunk prefix {prefix} dropped)").format(prefix=trunk) if (
            trunk and digits.startswith(trunk)) else ""
        notes.append(_("written without +: read with the country code of {region}, "
                       "+{code}").format(region=region,
                                         code=phonenumbers.country_code_for_region(region))
                     + dropped)
    if number.country_code == 7:
        notes.append(_("+7 is shared by Russia and Kazakhstan; the digits after it say "
                       "{country}").format(country=country or "?"))
    if not phonenumbers.is_valid_number(number):
        notes.append(_("valid False: in no operator's range (as every number of the course)"))
    return {"kind": "phone", "normalized": normal, "country": country,
            "note": "; ".join(notes)}


def normalise(values: Any, *, region: str = "KZ") -> pd.DataFrame:
    """Phones and e-mails written the one way they can be compared, with what was changed.

    ``values`` is one text or a list (or table column) of texts. ``region`` is the country
    of numbers written without ``+`` ("KZ", "KG", "TJ", "TM", "UZ"). Columns: ``as_written``,
    ``kind`` (``phone``, ``email`` or ``unknown``), ``normalized``, ``country``, ``note``.

    Example:
        >>> normalise(["Daniyar.M91+tube@Mail.example"])["normalized"].tolist()
        ['daniyar.m91@mail.example']
    """
    if isinstance(values, str):
        values = [values]
    try:
        written = [str(v) for v in values]
    except TypeError:
        written = []
    if not written:
        raise AccountError(_(
            "normalise needs one text or a list of texts, for example "
            "normalise([\"8 (799) 555-01-17\", \"Daniyar.M91+tube@Mail.example\"]); it got "
            "{given}."
        ).format(given=repr(values)[:80]), value=values)
    rows = [{"as_written": v, **(_email(v) if "@" in v else _phone(v, region))}
            for v in written]
    return pd.DataFrame(rows, columns=_NORMAL_COLUMNS)
