"""Cryptocurrency address encodings: Base58Check (Bitcoin P2PKH, TRON) and Bech32 (BIP-173).

The fictional world's wallets are random 20-byte hashes put into the real encodings, so
every address has a correct checksum (block explorers' and trainees' validators accept
it) and none is a real wallet. The same functions validate addresses for the tests.

Example:
    >>> from osintlab.world._addresses import p2pkh, is_valid_btc
    >>> address = p2pkh(bytes(range(20)))
    >>> address, is_valid_btc(address)
    ('112D2adLM3UKy4Z4giRbReR6gjWuvHUqB', True)
"""

from __future__ import annotations

import hashlib

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def b58check_encode(payload: bytes) -> str:
    """Base58Check: payload + first 4 bytes of double SHA-256, in the Bitcoin alphabet."""
    data = payload + _sha256d(payload)[:4]
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def b58check_decode(text: str) -> bytes | None:
    """The payload of a Base58Check string, or None if a character or the checksum is wrong."""
    number = 0
    for char in text:
        if char not in _B58:
            return None
        number = number * 58 + _B58.index(char)
    pad = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    data = b"\0" * pad + body
    if len(data) < 5 or _sha256d(data[:-4])[:4] != data[-4:]:
        return None
    return data[:-4]


def _polymod(values: list[int]) -> int:
    generator = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            check ^= generator[i] if (top >> i) & 1 else 0
    return check


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convertbits(data: bytes | list[int], frombits: int, tobits: int, pad: bool) -> list[int]:
    acc = bits = 0
    out: list[int] = []
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & ((1 << tobits) - 1))
    if pad and bits:
        out.append((acc << (tobits - bits)) & ((1 << tobits) - 1))
    return out


def p2wpkh(key_hash: bytes, hrp: str = "bc") -> str:
    """A native SegWit v0 address (bc1q…) for a 20-byte key hash (BIP-173 Bech32)."""
    data = [0, *_convertbits(key_hash, 8, 5, True)]
    polymod = _polymod([*_hrp_expand(hrp), *data, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in data + checksum)


def p2pkh(key_hash: bytes) -> str:
    """A legacy Bitcoin address (1…) for a 20-byte key hash."""
    return b58check_encode(b"\x00" + key_hash)


def tron(key_hash: bytes) -> str:
    """A TRON address (T…) for a 20-byte account hash: prefix 0x41, Base58Check."""
    return b58check_encode(b"\x41" + key_hash)


def is_valid_btc(address: str) -> bool:
    """True if ``address`` is a P2PKH (1…) or Bech32 v0 (bc1q…) address with a correct checksum.

    Example:
        >>> is_valid_btc("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
        True
    """
    if address.lower().startswith("bc1"):
        text = address.lower()
        if any(c not in _BECH32 for c in text[3:]) or len(text) < 14:
            return False
        data = [_BECH32.index(c) for c in text[3:]]
        return _polymod([*_hrp_expand("bc"), *data]) == 1 and data[0] == 0
    payload = b58check_decode(address)
    return payload is not None and len(payload) == 21 and payload[0] == 0


def is_valid_tron(address: str) -> bool:
    """True if ``address`` is a TRON address (T…, 0x41 prefix) with a correct checksum.

    Example:
        >>> is_valid_tron(tron(bytes(20)))
        True
    """
    payload = b58check_decode(address)
    return payload is not None and len(payload) == 21 and payload[0] == 0x41
