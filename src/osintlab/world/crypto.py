"""Cryptocurrency data: BTC transactions and USDT-on-TRON transfers, with explorer labels.

The shop takes BTC and USDT (TRC-20). BTC from buyers is consolidated and sent down a peel
chain (each hop pays a little away and keeps the change) to a deposit address at the
invented exchange KoinBridge, whose hot wallet sweeps it. USDT from the shop and from the
fraud listings passes a mixer-like hop (many in, equal amounts out) before reaching a
KoinBridge deposit address. Addresses are random hashes in the real encodings
(``_addresses``): valid checksums, no real wallet.

Example:
    >>> from osintlab.world.crypto import wallets
    >>> w = wallets()
    >>> w.btc_shop.startswith("bc1q"), w.tron_shop.startswith("T")
    (True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from . import REFERENCE, SEED, csv_bytes, rng
from ._addresses import p2pkh, p2wpkh, tron


@dataclass(frozen=True)
class Wallets:
    """The addresses the story refers to by role."""

    btc_shop: str
    btc_peel: tuple[str, ...]
    btc_deposit: str
    btc_exchange_hot: str
    btc_buyers: tuple[str, ...]
    btc_peeled_to: tuple[str, ...]
    tron_shop: str
    tron_fraud: str
    tron_mixer: str
    tron_mixer_out: tuple[str, ...]
    tron_deposit: str
    tron_exchange_hot: str
    tron_fake: str
    tron_victims: tuple[str, ...]
    tron_unrelated: tuple[str, ...]
    usdt_contract: str


def wallets(seed: int = SEED) -> Wallets:
    """Every address of the world, made from the seed.

    Example:
        >>> wallets().btc_shop == wallets().btc_shop
        True
    """
    r = rng("wallets", seed)

    def h() -> bytes:
        return r.randbytes(20)

    return Wallets(
        btc_shop=p2wpkh(h()),
        btc_peel=tuple(p2wpkh(h()) for _ in range(4)),
        btc_deposit=p2pkh(h()),
        btc_exchange_hot=p2wpkh(h()),
        btc_buyers=tuple((p2pkh if i % 2 else p2wpkh)(h()) for i in range(6)),
        btc_peeled_to=tuple(p2pkh(h()) for _ in range(4)),
        tron_shop=tron(h()),
        tron_fraud=tron(h()),
        tron_mixer=tron(h()),
        tron_mixer_out=tuple(tron(h()) for _ in range(5)),
        tron_deposit=tron(h()),
        tron_exchange_hot=tron(h()),
        tron_fake=tron(h()),
        tron_victims=tuple(tron(h()) for _ in range(7)),
        tron_unrelated=tuple(tron(h()) for _ in range(6)),
        usdt_contract=tron(h()),
    )


def _txid(r) -> str:
    return r.randbytes(32).hex()


def _when(start: datetime, minutes: int) -> str:
    return (start + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def btc_rows(seed: int = SEED) -> list[dict[str, str]]:
    """The BTC transaction table: one row per input or output of each transaction."""
    w, r = wallets(seed), rng("btc", seed)
    start = REFERENCE - timedelta(days=75)
    rows: list[dict[str, str]] = []
    height = 869_000
    clock = 0

    def tx(inputs: list[tuple[str, int]], outputs: list[tuple[str, int]], fee: int) -> None:
        nonlocal height, clock
        assert sum(v for _, v in inputs) == sum(v for _, v in outputs) + fee
        txid, height, clock = _txid(r), height + r.randint(3, 40), clock + r.randint(90, 900)
        common = {"txid": txid, "block_height": str(height), "time_utc": _when(start, clock),
                  "fee_btc": f"{fee / 1e8:.8f}"}
        for kind, items in (("in", inputs), ("out", outputs)):
            for n, (address, value) in enumerate(items):
                rows.append({**common, "direction": kind, "n": str(n), "address": address,
                             "value_btc": f"{value / 1e8:.8f}"})

    paid = []
    for buyer in w.btc_buyers:  # buyers pay the shop (with change back to themselves)
        price, have = r.randint(60, 260) * 10_000, r.randint(300, 900) * 10_000
        fee = r.randint(8, 20) * 100
        tx([(buyer, have)], [(w.btc_shop, price), (buyer, have - price - fee)], fee)
        paid.append(price)
    total = sum(paid)
    fee = 4_200
    tx([(w.btc_shop, v) for v in paid], [(w.btc_peel[0], total - fee)], fee)  # consolidation
    value = total - fee
    for i, hop in enumerate(w.btc_peel):  # the peel chain: a small payment away, change on
        peel = r.randint(4, 9) * 10_000
        nxt = w.btc_peel[i + 1] if i + 1 < len(w.btc_peel) else w.btc_deposit
        fee = r.randint(15, 30) * 100
        tx([(hop, value)], [(w.btc_peeled_to[i], peel), (nxt, value - peel - fee)], fee)
        value = value - peel - fee
    fee = 3_100
    tx([(w.btc_deposit, value)], [(w.btc_exchange_hot, value - fee)], fee)  # exchange sweep
    return rows


def tron_rows(seed: int = SEED) -> list[dict[str, str]]:
    """The USDT (TRC-20) transfer table: one row per token transfer."""
    w, r = wallets(seed), rng("tron", seed)
    start = REFERENCE - timedelta(days=70)
    rows: list[dict[str, str]] = []
    block, clock = 66_400_000, 0

    def transfer(source: str, target: str, amount: int) -> None:
        nonlocal block, clock
        block, clock = block + r.randint(20, 4000), clock + r.randint(30, 700)
        rows.append({"transaction_id": _txid(r), "block": str(block),
                     "time_utc": _when(start, clock), "from_address": source,
                     "to_address": target, "token": "USDT", "token_contract": w.usdt_contract,
                     "amount": f"{amount}.000000"})

    into_shop = into_fraud = 0
    for i, victim in enumerate(w.tron_victims):
        amount = r.randint(8, 45) * 10
        if i % 2:
            transfer(victim, w.tron_fraud, amount)  # fraud victims paying for phones
            into_fraud += amount
        else:
            transfer(victim, w.tron_shop, amount)  # buyers paying the shop
            into_shop += amount
    transfer(w.tron_shop, w.tron_mixer, into_shop)
    transfer(w.tron_fraud, w.tron_mixer, into_fraud)
    mixed = into_shop + into_fraud
    for other in w.tron_unrelated:  # other people's money passes the same hop
        amount = r.randint(20, 90) * 10
        transfer(other, w.tron_mixer, amount)
        mixed += amount
    unit = (into_shop + into_fraud) // 4
    for out in w.tron_mixer_out[:4]:
        transfer(w.tron_mixer, out, unit)
    transfer(w.tron_mixer, w.tron_mixer_out[4], mixed - 4 * unit)
    for out in w.tron_mixer_out[:4]:  # four equal pieces come together again at the deposit
        transfer(out, w.tron_deposit, unit)
    transfer(w.tron_deposit, w.tron_exchange_hot, 4 * unit)
    return rows


def labels(seed: int = SEED) -> list[dict[str, str]]:
    """Address tags as a (fictional) block explorer shows them."""
    w = wallets(seed)
    return [
        {"chain": "BTC", "address": w.btc_exchange_hot, "label": "KoinBridge: hot wallet"},
        {"chain": "TRON", "address": w.tron_exchange_hot, "label": "KoinBridge: hot wallet"},
        {"chain": "TRON", "address": w.tron_mixer, "label": "SwirlPool (mixing service)"},
        {"chain": "TRON", "address": w.usdt_contract, "label": "USDT token (sandbox contract)"},
    ]


def files(seed: int = SEED) -> dict[str, bytes]:
    """The ``crypto`` dataset.

    Example:
        >>> sorted(files())
        ['btc_transactions.csv', 'labels.csv', 'tron_usdt_transfers.csv']
    """
    return {
        "btc_transactions.csv": csv_bytes(btc_rows(seed)),
        "tron_usdt_transfers.csv": csv_bytes(tron_rows(seed)),
        "labels.csv": csv_bytes(labels(seed)),
    }


CARD = """\
# crypto: BTC transactions, USDT-on-TRON transfers, explorer labels

## What it is

What a block explorer would show for the addresses of the case, as tables. Module
`m08-crypto-and-darkweb` follows the money with it; `m09-requests-to-providers` and
`m10-capstone` use it to decide which exchange to ask for subscriber data.

## Files and fields

- `btc_transactions.csv`: one row per input (`direction` = `in`) or output (`out`) of a
  Bitcoin transaction: `txid`, `block_height`, `time_utc` (ISO 8601, UTC), `fee_btc`,
  `direction`, `n` (position), `address`, `value_btc` (8 decimals). Inputs add up to the
  outputs plus the fee.
- `tron_usdt_transfers.csv`: one row per TRC-20 token transfer: `transaction_id`, `block`,
  `time_utc`, `from_address`, `to_address`, `token`, `token_contract`, `amount` (USDT,
  6 decimals).
- `labels.csv`: tags an explorer puts on known service addresses: `chain`, `address`,
  `label`.

## What is fictional

Every address is a random hash put into the real encoding (Bech32 `bc1q…`, Base58Check
`1…` and `T…`), so checksums are correct but no address is a real wallet. The token
contract is a sandbox address, not the real USDT contract. KoinBridge and SwirlPool are
invented. Amounts, blocks and times are invented.
"""
