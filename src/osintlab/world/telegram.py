"""Telegram Desktop exports (``result.json``) of the shop's channel and its chat group.

The shape is the one Telegram Desktop writes with "Export chat history" in JSON: a chat
with ``name``, ``type``, ``id`` and ``messages``; each message with ``id``, ``type``
(``message`` or ``service``), ``date`` and ``date_unixtime``, ``from``/``from_id`` (or
``actor``/``actor_id`` for service messages), optional ``edited``, ``forwarded_from``,
``reply_to_message_id``, ``via_bot``, ``photo`` with ``width``/``height``, and ``text``
(a string, or a list of plain strings and entity objects) with ``text_entities``.

Example:
    >>> from osintlab.world.telegram import files
    >>> sorted(files())[:2]
    ['channel/photos/photo_1@05-11-2024_09-40-00.jpg', 'channel/result.json']
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from . import SEED
from .crypto import wallets
from .people import person
from .photos import draw

CHANNEL = {"name": "Дала Маркет | Dala Market", "username": "dala_market_kz", "id": 1823456789}
GROUP = {"name": "Dala Market — чат", "id": 1823456790}
BOT = "dala_pay_bot"
ALMATY = timedelta(hours=5)


def _entities(parts: list) -> tuple[object, list[dict]]:
    """Telegram's two views of a text: ``text`` (str or mixed list) and ``text_entities``."""
    entities = [p if isinstance(p, dict) else {"type": "plain", "text": p} for p in parts]
    if all(isinstance(p, str) for p in parts):
        return "".join(parts), entities
    return parts, entities


def _message(number: int, when: datetime, sender: tuple[str, str], parts: list, **extra) -> dict:
    local = when + ALMATY
    text, entities = _entities(parts)
    out: dict = {"id": number, "type": "message", "date": local.strftime("%Y-%m-%dT%H:%M:%S"),
                 "date_unixtime": str(int(when.timestamp()))}
    if "edited" in extra:
        edited = extra.pop("edited")
        out["edited"] = (edited + ALMATY).strftime("%Y-%m-%dT%H:%M:%S")
        out["edited_unixtime"] = str(int(edited.timestamp()))
    out["from"], out["from_id"] = sender
    for key in ("forwarded_from", "reply_to_message_id", "via_bot"):
        if key in extra:
            out[key] = extra.pop(key)
    if "photo" in extra:
        out["photo"], out["width"], out["height"] = extra.pop("photo"), 480, 320
    out["text"], out["text_entities"] = text, entities
    return out


def _service(number: int, when: datetime, actor: tuple[str, str], action: str, **extra) -> dict:
    local = when + ALMATY
    return {"id": number, "type": "service", "date": local.strftime("%Y-%m-%dT%H:%M:%S"),
            "date_unixtime": str(int(when.timestamp())), "actor": actor[0],
            "actor_id": actor[1], "action": action, **extra,
            "text": "", "text_entities": []}


def _t(day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2024, 11, day, hour, minute, second, tzinfo=UTC)


def channel(seed: int = SEED) -> dict:
    """The shop's public channel: offers, pinned payment details, mirrors, a warning."""
    w = wallets(seed)
    me = (CHANNEL["name"], f"channel{CHANNEL['id']}")
    messages = [
        _service(1, _t(1, 4, 0), me, "create_channel", title=CHANNEL["name"]),
        _message(2, _t(1, 4, 5), me, [
            "Добро пожаловать в Dala Market! Заказы принимает бот ",
            {"type": "mention", "text": f"@{BOT}"},
            ". Доставка по Алматы, Бишкеку и Ошу."]),
        _message(3, _t(1, 4, 9), me, [
            {"type": "bold", "text": "Оплата / Payment"}, "\nBTC: ",
            {"type": "code", "text": w.btc_shop}, "\nUSDT (TRC-20): ",
            {"type": "code", "text": w.tron_shop},
            "\nДругих кошельков у нас нет. Чек присылайте боту ",
            {"type": "mention", "text": f"@{BOT}"}, "."]),
        _service(4, _t(1, 4, 10), me, "pin_message", message_id=3),
        _message(5, _t(2, 10, 30), me, [
            "Прайс на ноябрь обновлён, смотрите в боте. Скидка 10% при оплате USDT."],
            edited=_t(3, 8, 2)),
        _message(6, _t(4, 12, 0), me, [
            "Сайт: ", {"type": "link", "text": "http://dala-market.example"},
            " , зеркало в торе: ", {"type": "link", "text": "http://shop7x3k.onion.example"}]),
        _message(7, _t(5, 4, 40), me, ["Новое поступление."],
                 photo="photos/photo_1@05-11-2024_09-40-00.jpg"),
        _message(8, _t(8, 15, 20), me, [
            "Внимание! В чате появились фейк-админы с чужими кошельками. "
            "Наши адреса только в закрепе."]),
        _message(9, _t(12, 6, 0), me, [
            "Ищем курьеров (Бишкек, Ош). Пишите боту ", {"type": "mention", "text": f"@{BOT}"},
            ", хэштег ", {"type": "hashtag", "text": "#работа"}]),
    ]
    return {"name": CHANNEL["name"], "type": "public_channel", "id": CHANNEL["id"],
            "messages": messages}


def group(seed: int = SEED) -> dict:
    """The chat group: buyers, a courier who leaks his number and photos, a fake admin."""
    w = wallets(seed)
    shop = (CHANNEL["name"], f"channel{CHANNEL['id']}")
    aibek = ("Aibek 🇰🇬", "user6021447751")
    buyer1, buyer2 = ("Серик", "user5102883311"), ("Madina K.", "user6634017720")
    fake = ("Dala Market Support", "user7019925588")
    courier_phone = "+" + person("P2").phone[1:4] + " " + person("P2").phone[4:7] + " " \
        + person("P2").phone[7:10] + " " + person("P2").phone[10:]
    messages = [
        _service(1, _t(1, 5, 0), shop, "create_group", title=GROUP["name"],
                 members=[CHANNEL["name"]]),
        _message(2, _t(2, 9, 12), buyer1, ["Доставка в Ош есть?"]),
        _message(3, _t(2, 9, 40), shop, ["Есть, через бота."], reply_to_message_id=2),
        _message(4, _t(3, 8, 22, 10), aibek, ["Забрал, всё на месте 👍"],
                 photo="photos/photo_2@03-11-2024_14-22-10.jpg"),
        _message(5, _t(3, 8, 30), aibek, [
            "Кто по Бишкеку, звоните ", {"type": "phone", "text": courier_phone}]),
        _message(6, _t(4, 11, 0), buyer2, ["Бот не отвечает"]),
        _message(7, _t(4, 11, 5), shop, ["Бот работает, оплатите и пришлите чек."],
                 reply_to_message_id=6, via_bot=f"@{BOT}"),
        _message(8, _t(7, 19, 2), fake, [
            "Бот временно не работает, оплата напрямую сюда USDT: ",
            {"type": "code", "text": w.tron_fake}]),
        _message(9, _t(7, 19, 30), shop, [
            "Это НЕ админ. Это фейк, не платите. Наши кошельки только в закрепе канала."],
            reply_to_message_id=8),
        _message(10, _t(9, 13, 12, 4), aibek, ["Ош базар сегодня"],
                 photo="photos/photo_3@09-11-2024_18-12-04.jpg"),
        _message(11, _t(10, 7, 0), buyer1, ["Переслал из канала"],
                 forwarded_from=CHANNEL["name"]),
    ]
    return {"name": GROUP["name"], "type": "public_supergroup", "id": GROUP["id"],
            "messages": messages}


def _json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def files(seed: int = SEED) -> dict[str, bytes]:
    """The ``telegram`` dataset: two exports, each a ``result.json`` and its photos."""
    return {
        "channel/result.json": _json(channel(seed)),
        "channel/photos/photo_1@05-11-2024_09-40-00.jpg": draw("product_07.jpg", seed),
        "group/result.json": _json(group(seed)),
        "group/photos/photo_2@03-11-2024_14-22-10.jpg": draw("IMG_20241103_142210.jpg", seed),
        "group/photos/photo_3@09-11-2024_18-12-04.jpg": draw("IMG_20241109_181204.jpg", seed),
    }


CARD = """\
# telegram: exports of the shop's channel and chat group

## What it is

Two chats exported with Telegram Desktop ("Export chat history", format JSON): the public
channel "Дала Маркет | Dala Market" and its chat group. Module `m07-messengers` reads them:
authors, replies, forwards, edits, bot contacts, pinned messages, attached photos;
`m08-crypto-and-darkweb` takes the payment addresses from them.

## Files and fields

- `channel/result.json`, `group/result.json`: one chat each, with `name`, `type`
  (`public_channel`, `public_supergroup`), `id` and `messages`. A message has `id`, `type`
  (`message` or `service`), `date` (local time of the exporting computer, UTC+5) and
  `date_unixtime` (seconds since 1970, UTC), `from` and `from_id` (`user…` or `channel…`);
  optional `edited`/`edited_unixtime`, `forwarded_from`, `reply_to_message_id`, `via_bot`,
  `photo` (a path inside the export) with `width`/`height`. `text` is a string, or a list of
  strings and entity objects; `text_entities` always lists the pieces with their `type`
  (`plain`, `bold`, `code`, `mention`, `link`, `phone`, `hashtag`). Service messages have
  `actor`, `actor_id` and `action` (`create_channel`, `create_group`, `pin_message` with
  `message_id`).
- `*/photos/`: the photos attached to messages, as the export saves them.

## What is fictional

The chats, users, user ids, bot, phone numbers and wallet addresses are invented; the
numbers are in the fictional blocks of `datasets/README.md`, the links go to `.example`
hosts only.
"""
