"""The ground truth of the world, for trainers and graders (written to grading/world/).

Who is who, which links are true (each with the evidence that proves it: dataset, file,
and a CSS selector, JSON field, CSV row/column, EXIF tag or plain text), and which leads
are false (the data that makes them look true, and the data that refutes them). It never
goes into ``datasets/``, which trainees receive.

Evidence items:
``{dataset, file, value}`` plus one of ``selector`` (CSS, HTML), ``field`` (JSON, dotted,
``name[key=value]`` picks list items, ``name[*]`` all, a bare ``[key=value]`` picks from a
list at the top of the file), ``row`` + ``column`` (CSV),
``tag`` (EXIF, exifread's name), or nothing (the value is in the file's text);
``absent: true`` means the value must *not* be in the file; ``encoding`` names a legacy
encoding.

Example:
    >>> from osintlab.world.truth import ground_truth
    >>> [link["id"] for link in ground_truth()["links"]][:3]
    ['L01', 'L02', 'L03']
"""

from __future__ import annotations

from . import SEED
from .crypto import wallets
from .domains import HISTORY_DATE, IP, certificates
from .people import CAST, person

GROUP = "telegram"


def _e(dataset: str, file: str, value: str, **how) -> dict:
    return {"dataset": dataset, "file": file, "value": value, **how}


def ground_truth(seed: int = SEED) -> dict:
    """The machine-readable ground truth (persons, true links, false leads).

    Example:
        >>> ground_truth()["false_leads"][0]["id"]
        'F01'
    """
    w = wallets(seed)
    crt = {row["not_before"][:10]: row["id"] for row in certificates(seed)
           if row["common_name"] == "dala-market.example"}
    p1, p2, p3, p4, p5, b1 = (person(i) for i in ("P1", "P2", "P3", "P4", "P5", "B1"))
    accounts = {
        "P1": {"bazaar": "dala_trade", "forum": "dmukh91", "social": "daniyar.m91",
               "photos": "daniyar.m91", "tube": "dala_trade",
               "telegram": "channel admin of @dala_market_kz (bot @dala_pay_bot)",
               "domain": "dala-market.example"},
        "P2": {"telegram": "Aibek 🇰🇬 (user6021447751)", "social": "aibek.zh"},
        "P3": {"koinbridge": "KB-0048213"},
        "P4": {"forum": "f_nazar"},
        "P5": {"bazaar": "almaty_gadget", "photos": "nastya_vl", "tube": "almaty_gadget"},
        "N1": {"social": "d.mukhametov"},
        "B1": {"bazaar": "dala_gulnara", "social": "gulnara.kilim", "photos": "gulnara.kilim",
               "domain": "kilim-carpets.example"},
        "B2": {"domain": "dalamarket.example (admin contact of Dala Gulder LLP)"},
    }
    persons = [{"id": m.id, "role": m.role, "name": m.cyrillic, "name_national": m.native,
                "spellings": m.spellings(), "born": m.born, "city": m.city, "phone": m.phone,
                "email": m.email, "accounts": accounts.get(m.id, {})} for m in CAST]
    seller = "web", "bazaar.example/seller/{}.html"
    links = [
        {"id": "L01", "claim": "The channel @dala_market_kz takes payment at the shop's BTC "
         "and TRON addresses (pinned message), the same as the onion shop's payment page.",
         "evidence": [
             _e("telegram", "channel/result.json", w.btc_shop,
                field="messages[id=3].text_entities[*].text"),
             _e("telegram", "channel/result.json", "3", field="messages[id=4].message_id"),
             _e("web", "shop7x3k.onion.example/pay.html", w.btc_shop, selector="td.wallet"),
             _e("web", "shop7x3k.onion.example/pay.html", w.tron_shop, selector="td.wallet")]},
        {"id": "L02", "claim": "Bazaar seller dala_trade is the channel's shop: the profile "
         "names the channel; its phone is P1's.",
         "evidence": [
             _e(*seller[:1], seller[1].format("dala_trade"), "@dala_market_kz",
                selector="span.tg"),
             _e(*seller[:1], seller[1].format("dala_trade"), p1.phone,
                selector='[itemprop="telephone"]')]},
        {"id": "L03", "claim": "The phone +77995550117 belongs to Mukhametov Daniyar "
         "Serikovich, born 1991-04-17, Almaty (operator's subscriber record).",
         "evidence": [
             _e("providers", "steppe-mobile/1-subscriber.csv", p1.cyrillic,
                row={"msisdn": p1.phone}, column="name_cyrillic"),
             _e("providers", "steppe-mobile/1-subscriber.csv", p1.born,
                row={"msisdn": p1.phone}, column="born")]},
        {"id": "L04", "claim": "P1 registered dala-market.example in his own name before the "
         "privacy proxy was switched on (WHOIS history).",
         "evidence": [
             _e("domains", f"whois/history/dala-market.example-{HISTORY_DATE}.txt",
                f"Registrant Email: {p1.email}"),
             _e("domains", "whois/dala-market.example.txt",
                "Registrant Organization: PrivacyGuard Registrar Services")]},
        {"id": "L05", "claim": "The onion shop runs on the server of dala-market.example: the "
         "status page leaks 203.0.113.45, which passive DNS shows for the mirror.",
         "evidence": [
             _e("web", "shop7x3k.onion.example/server-status.html",
                f"Server address: {IP['network_now']}", selector="pre"),
             _e("domains", "passive-dns.jsonl", IP["network_now"],
                row={"rrname": "dala-market.example", "rrtype": "A"}, column="rdata"),
             _e("domains", "dns/dala-market.example.txt", IP["network_now"])]},
        {"id": "L06", "claim": "Forum user f_nazar (Farrukh Nazarov, Dushanbe) deployed the "
         "onion shop and moved it to the new server on P1's order.",
         "evidence": [
             _e("web", "shop7x3k.onion.example/server-status.html", "deploy: f_nazar"),
             _e("web", "forum.example/members/f_nazar.html", p4.email, selector="td.email"),
             _e("providers", "social-example/3-content.json", "f_nazar",
                field="private_messages[*].with")]},
        {"id": "L07", "claim": "The courier 'Aibek 🇰🇬' in the group is Aibek Zhumabaev: he "
         "posts his number, which Ala-Too Telecom gives as his.",
         "evidence": [
             _e("telegram", "group/result.json", "+996 799 555 021",
                field="messages[id=5].text_entities[*].text"),
             _e("providers", "alatoo-telecom/1-subscriber.csv", p2.cyrillic,
                row={"msisdn": p2.phone}, column="name_cyrillic")]},
        {"id": "L08", "claim": "Aibek's photo of 2024-11-03 was taken in Bishkek with a "
         "Redmi Note 12 (EXIF), and is the same file as in the photos dataset.",
         "evidence": [
             _e("telegram", "group/photos/photo_2@03-11-2024_14-22-10.jpg", "Redmi Note 12",
                tag="Image Model"),
             _e("photos", "IMG_20241103_142210.jpg", "[42, 52, ", tag="GPS GPSLatitude"),
             _e("photos", "IMG_20241103_142210.jpg", "[74, 36, ", tag="GPS GPSLongitude")]},
        {"id": "L09", "claim": "BTC paid to the shop goes down a peel chain to a KoinBridge "
         "deposit address held by Dilshod Karimov.",
         "evidence": [
             _e("crypto", "btc_transactions.csv", w.btc_peel[0],
                row={"direction": "out", "n": "0"}, column="address"),
             _e("crypto", "btc_transactions.csv", w.btc_deposit,
                row={"direction": "out", "n": "1"}, column="address"),
             _e("crypto", "labels.csv", "KoinBridge: hot wallet",
                row={"address": w.btc_exchange_hot}, column="label"),
             _e("providers", "koinbridge/1-subscriber.json", w.btc_deposit,
                field="deposit_addresses.BTC"),
             _e("providers", "koinbridge/1-subscriber.json", p3.email, field="kyc.email")]},
        {"id": "L10", "claim": "USDT of the shop and of the fraud seller pass the SwirlPool "
         "mixer and come together at Karimov's KoinBridge deposit address.",
         "evidence": [
             _e("crypto", "tron_usdt_transfers.csv", w.tron_mixer,
                row={"from_address": w.tron_shop}, column="to_address"),
             _e("crypto", "tron_usdt_transfers.csv", w.tron_mixer,
                row={"from_address": w.tron_fraud}, column="to_address"),
             _e("crypto", "labels.csv", "SwirlPool (mixing service)",
                row={"address": w.tron_mixer}, column="label"),
             _e("providers", "koinbridge/1-subscriber.json", w.tron_deposit,
                field="deposit_addresses.USDT_TRC20")]},
        {"id": "L11", "claim": "Bazaar seller almaty_gadget (the phone fraud in the news) is "
         "Anastasia Vlasova, who reports to P1.",
         "evidence": [
             _e(*seller[:1], seller[1].format("almaty_gadget"), p5.phone,
                selector='[itemprop="telephone"]'),
             _e("web", "news.example/2024/11/moshenniki-telefony.html", "almaty_gadget",
                selector="article", encoding="windows-1251"),
             _e("providers", "steppe-mobile/1-subscriber.csv", p5.cyrillic,
                row={"msisdn": p5.phone}, column="name_cyrillic"),
             _e("providers", "steppe-mobile/3-content.csv", p1.phone,
                row={"msisdn": p5.phone}, column="other_party")]},
        {"id": "L12", "claim": "The social profile daniyar.m91 is P1 (same e-mail and phone "
         "at the platform; Almaty photo).",
         "evidence": [
             _e("providers", "social-example/1-subscriber.json", p1.email, field="email"),
             _e("web", "social.example/u/daniyar.m91.html", "17.04.1991",
                selector='[itemprop="birthDate"]'),
             _e("photos", "IMG_0233.jpg", "[43, 14, ", tag="GPS GPSLatitude")]},
        {"id": "L13", "claim": "The tube.example channel dala_trade is the bazaar seller "
         "dala_trade (same phone once normalised) and gives P1's e-mail behind a +tag; the "
         "e-mail's name daniyar.m91 is P1's social profile (born 17.04.1991, as the operator's "
         "subscriber of the phone): two independent links from the seller to P1.",
         "evidence": [
             _e("web", "tube.example/c/dala_trade.html", "8 (799) 555-01-17", selector="p.about"),
             _e("web", "tube.example/c/dala_trade.html", "Daniyar.M91+tube@Mail.example",
                selector="p.about"),
             _e(*seller[:1], seller[1].format("dala_trade"), p1.phone,
                selector='[itemprop="telephone"]'),
             _e("web", "social.example/u/daniyar.m91.html", "17.04.1991",
                selector='[itemprop="birthDate"]'),
             _e("providers", "steppe-mobile/1-subscriber.csv", p1.born,
                row={"msisdn": p1.phone}, column="born")]},
        {"id": "L14", "claim": "shop7x3k.example is the onion shop's clearnet alias, run by the "
         "network: the mirror's certificate of the move (2024-02-19) names it, it was registered "
         "the day before at the mirror's registrar behind the same privacy proxy, and passive "
         "DNS shows it on the mirror's new address in the same window.",
         "evidence": [
             _e("domains", "ct/crtsh.json", "shop7x3k.example",
                field=f"[id={crt['2024-02-19']}].name_value"),
             _e("domains", "whois/shop7x3k.example.txt", "Creation Date: 2024-02-18"),
             _e("domains", "whois/shop7x3k.example.txt",
                "Registrant Organization: PrivacyGuard Registrar Services"),
             _e("domains", "passive-dns.jsonl", IP["network_now"],
                row={"rrname": "shop7x3k.example", "rrtype": "A"}, column="rdata"),
             _e("domains", "passive-dns.jsonl", "2024-02-19T08:31:00Z",
                row={"rrname": "shop7x3k.example"}, column="time_first")]},
        {"id": "L15", "claim": "Requests for dala-market.example go to the registrar Kokpar "
         "Names Ltd. (which knows the customer behind PrivacyGuard) and to the hosting "
         "provider Bulut Host LLP, which rents 203.0.113.45 to one customer.",
         "evidence": [
             _e("domains", "rdap/dala-market.example.json", "Kokpar Names Ltd.",
                field="entities[*].vcardArray"),
             _e("domains", "rdap/ip-networks.json", "Bulut Host LLP",
                field="[name=BULUT-HOST-VPS].entities"),
             _e("domains", "rdap/ip-networks.json", "one customer",
                field="[name=BULUT-HOST-VPS].remarks")]},
    ]
    false_leads = [
        {"id": "F01", "claim": "The Astana teacher Daniyar Mukhametov (social.example/u/"
         "d.mukhametov, news.example) runs the shop.",
         "why_tempting": "Same name as the registrant in the WHOIS history.",
         "bait": [_e("web", "news.example/2024/10/olympiad.html", "Daniyar Mukhametov",
                     selector="span.person")],
         "refuted_by": [
             _e("web", "social.example/u/d.mukhametov.html", "02.09.1985",
                selector='[itemprop="birthDate"]'),
             _e("web", "social.example/u/d.mukhametov.html", "Astana",
                selector='[itemprop="homeLocation"]'),
             _e("providers", "steppe-mobile/1-subscriber.csv", p1.born,
                row={"msisdn": p1.phone}, column="born"),
             _e("photos", "DSC_0101.jpg", "[51, 7, ", tag="GPS GPSLatitude")]},
        {"id": "F02", "claim": "Seller dala_gulnara belongs to the network ('dala' in the name, "
         "same category page, Almaty).",
         "why_tempting": "The username looks like the shop's brand.",
         "bait": [_e(*seller[:1], seller[1].format("dala_gulnara"), "Almaty",
                     selector='[itemprop="address"]')],
         "refuted_by": [
             _e(*seller[:1], seller[1].format("dala_gulnara"), "2019-04"),
             _e(*seller[:1], seller[1].format("dala_gulnara"), "только наличными"),
             _e(*seller[:1], seller[1].format("dala_gulnara"), b1.phone,
                selector='[itemprop="telephone"]'),
             _e("providers", "steppe-mobile/2-traffic.csv", b1.phone, absent=True)]},
        {"id": "F03", "claim": "dalamarket.example (no hyphen) is the network's domain.",
         "why_tempting": "Look-alike of dala-market.example.",
         "bait": [_e("domains", "whois/dalamarket.example.txt", "dalamarket.example")],
         "refuted_by": [
             _e("domains", "whois/dalamarket.example.txt", "Dala Gulder LLP"),
             _e("domains", "whois/dalamarket.example.txt", "Domain created: 2021-03-02"),
             _e("domains", "passive-dns.jsonl", IP["flowers"],
                row={"rrname": "dalamarket.example"}, column="rdata"),
             _e("domains", "passive-dns.jsonl", "dalamarket.example",
                row={"rdata": IP["network_now"]}, column="rrname", absent=True)]},
        {"id": "F04", "claim": "kilim-carpets.example shared the network's server.",
         "why_tempting": "Passive DNS shows it on 198.51.100.23, the mirror's old address.",
         "bait": [_e("domains", "passive-dns.jsonl", IP["network_before"],
                     row={"rrname": "kilim-carpets.example"}, column="rdata")],
         "refuted_by": [
             _e("domains", "passive-dns.jsonl", "2024-02-18T22:41:00Z",
                row={"rrname": "dala-market.example", "rdata": IP["network_before"]},
                column="time_last"),
             _e("domains", "passive-dns.jsonl", "2024-03-05T09:12:00Z",
                row={"rrname": "kilim-carpets.example"}, column="time_first"),
             _e("domains", "rdap/ip-networks.json", "Shared web hosting",
                field="[name=ARQA-SHARED-WEB].remarks")]},
        {"id": "F05", "claim": "Aibek was in Tashkent on 2024-11-09 (GPS of "
         "IMG_20241109_181204.jpg).",
         "why_tempting": "The photo's GPS points to Tashkent.",
         "bait": [_e("photos", "IMG_20241109_181204.jpg", "[41, 18, ", tag="GPS GPSLatitude")],
         "refuted_by": [
             _e("photos", "IMG_20241109_181204.jpg", "PhotoEditor Pro 3.2",
                tag="Image Software"),
             _e("photos", "IMG_20241109_181204.jpg", "2024:11:12 22:40:51",
                tag="Image DateTime"),
             _e("providers", "alatoo-telecom/2-traffic.csv", "Bishkek",
                row={"start_utc": "2024-11-09T13:*"}, column="cell_city"),
             _e("telegram", "group/result.json", "Ош базар сегодня",
                field="messages[id=10].text")]},
        {"id": "F06", "claim": f"{w.tron_fake} is the shop's wallet (forum, group message 8).",
         "why_tempting": "Posted twice, by 'Dala Market Support' and by a forum user.",
         "bait": [_e("web", "forum.example/threads/101.html", w.tron_fake,
                     selector="code.wallet")],
         "refuted_by": [
             _e("telegram", "group/result.json", "8", field="messages[id=9].reply_to_message_id"),
             _e("telegram", "channel/result.json", "Наши адреса только в закрепе",
                field="messages[id=8].text"),
             _e("crypto", "tron_usdt_transfers.csv", w.tron_fake, absent=True)]},
        {"id": "F07", "claim": "photos.example/dalatrade is the seller dala_trade.",
         "why_tempting": "The same words without the underscore; the checker finds it where "
         "dala_trade itself gets only a soft 404.",
         "bait": [_e("web", "photos.example/dalatrade.html", "dalatrade", selector="span.handle")],
         "refuted_by": [
             _e("web", "photos.example/dalatrade.html", "dalamarket.example", selector="a.link"),
             _e("people", "organisations.csv", "O1", row={"domain": "dalamarket.example"},
                column="id"),
             _e("web", "photos.example/dalatrade.html", "Букеты с доставкой по Алматы",
                selector="p.bio")]},
        {"id": "F09", "claim": "The seller dala_trade photographed the phone he sells "
         "(listing_04.jpg, re-posted as offer_33.jpg).",
         "why_tempting": "It is one of his listing photos, like the three his iPhone took.",
         "bait": [_e("photos", "listing_01.jpg", "iPhone 13", tag="Image Model")],
         "refuted_by": [
             _e("photos", "listing_04.jpg", "Canon EOS 80D", tag="Image Model"),
             _e("photos", "listing_04.jpg", "2019:06:14", tag="EXIF DateTimeOriginal"),
             _e("photos", "listing_04.jpg", "S", tag="GPS GPSLatitudeRef"),
             _e("photos", "listing_04.jpg", "W", tag="GPS GPSLongitudeRef")]},
    ]
    false_leads.append(
        {"id": "F08", "claim": "dala-market.example was set up on 2024-11-14 (the certificate "
         "the site shows today).",
         "why_tempting": "The current certificate's not_before is 2024-11-14.",
         "bait": [_e("domains", "ct/crtsh.json", "2024-11-14T05:30:00",
                     field=f"[id={crt['2024-11-14']}].not_before")],
         "refuted_by": [
             _e("domains", "rdap/dala-market.example.json", "2023-05-10T11:02:45Z",
                field="events[eventAction=registration].eventDate"),
             _e("domains", "ct/crtsh.json", "2023-05-11T05:30:00",
                field=f"[id={crt['2023-05-11']}].not_before"),
             _e("domains", "passive-dns.jsonl", "2023-05-10T11:30:00Z",
                row={"rrname": "dala-market.example", "rrtype": "NS"}, column="time_first")]})
    return {"seed": seed, "persons": persons, "links": links, "false_leads": false_leads,
            "photos": photo_answers()}


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371.0088 km)."""
    import math

    (lat1, lon1), (lat2, lon2) = (tuple(math.radians(v) for v in p) for p in (a, b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def photo_answers() -> dict:
    """m06's facts about the photos: coordinates, copies, shadows, the edit, a distance.

    Example:
        >>> photo_answers()["shadow_contradicts"]
        'IMG_20241107_141005.jpg'
    """
    import math
    from datetime import datetime, timedelta

    from . import photos as ph

    def gps(name: str) -> list[float]:
        lat, lon = ph.PHOTOS[name]["exif"]["gps"]
        return [ph.exif_decimal(lat), ph.exif_decimal(lon)]

    copies: dict[str, list[str]] = {}
    for name, spec in ph.PHOTOS.items():
        if "copy_of" in spec and spec["transform"][0] in ("recompress", "resize"):
            copies.setdefault(spec["copy_of"], [spec["copy_of"]]).append(name)
    shadows = {}
    scale, base = ph.YARD["pixels_per_metre"], ph.YARD["base"]
    for name, spec in sorted(ph.PHOTOS.items()):
        if spec.get("kind") != "shadow":
            continue
        meta = spec["exif"]
        local = datetime.strptime(meta["original"], "%Y:%m:%d %H:%M:%S")
        sign = -1 if meta["offset"][0] == "-" else 1
        offset = sign * timedelta(hours=int(meta["offset"][1:3]), minutes=int(meta["offset"][4:]))
        claimed = (local - offset).strftime("%Y-%m-%dT%H:%M:%SZ")
        tip = ph._shadow_tip(spec)
        dx, dy = tip[0] - base[0], tip[1] - base[1]
        up, azimuth = ph.sun_at(claimed)
        shadows[name] = {
            "claimed_local": meta["original"], "offset": meta["offset"], "claimed_utc": claimed,
            "pole_m": ph.YARD["pole_m"], "pixels_per_metre": scale, "base_px": list(base),
            "tip_px": list(tip), "length_m": round(math.hypot(dx, dy) / scale, 2),
            "bearing": round(math.degrees(math.atan2(dx, -dy)) % 360, 1),
            "sun_azimuth_at_claim": round(azimuth, 1), "sun_elevation_at_claim": round(up, 1),
            "shadow_bearing_at_claim": round((azimuth + 180) % 360, 1),
            "drawn_for_utc": spec["shadow_at"], "fits_claim": spec["shadow_at"] == claimed}
    edited = ph.PHOTOS["IMG_20241109_181204.jpg"]["exif"]
    claimed_place = "Bishkek, Osh Bazaar"
    return {
        "listing_gps": {name: gps(name) for name in sorted(ph.PHOTOS)
                        if name.startswith("listing_")},
        "same_picture": sorted(sorted(group) for group in copies.values()),
        "copies_a_hash_misses": {
            name: {"of": spec["copy_of"], "how": spec["transform"][0]}
            for name, spec in sorted(ph.PHOTOS.items())
            if "copy_of" in spec and spec["transform"][0] in ("crop", "rotate")},
        "shadows": shadows,
        "shadow_contradicts": next(n for n, s in shadows.items() if not s["fits_claim"]),
        "edited": {"file": "IMG_20241109_181204.jpg", "because": [
            f"Software: {edited['software']}",
            f"DateTime {edited['modified']} is after DateTimeOriginal {edited['original']}"]},
        "claimed_vs_gps": {
            "file": "IMG_20241109_181204.jpg", "claimed": claimed_place,
            "claimed_gps": list(ph.PLACES[claimed_place]),
            "exif_gps": gps("IMG_20241109_181204.jpg"),
            "distance_km": round(_km(ph.PLACES[claimed_place],
                                     tuple(gps("IMG_20241109_181204.jpg"))), 1)},
        "lifted_listing_photo": {"file": "listing_04.jpg", "because": [
            "Model: Canon EOS 80D (the seller's other photos: iPhone 13)",
            "DateTimeOriginal 2019:06:14, five years before the listing",
            "GPS south and west: -34.603722, -58.381592"]},
    }
