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

from ..extract._checksums import b58check_decode, b58check_encode, segwit_decode, segwit_encode


def p2wpkh(key_hash: bytes, hrp: str = "bc") -> str:
    """A native SegWit v0 address (bc1q…) for a 20-byte key hash (BIP-173 Bech32)."""
    return segwit_encode(hrp, 0, key_hash)


def p2pkh(key_hash: bytes) -> str:
    """A legacy Bitcoin address (1…) for a 20-byte key hash."""
    return b58check_encode(0x00, key_hash)


def tron(key_hash: bytes) -> str:
    """A TRON address (T…) for a 20-byte account hash: prefix 0x41, Base58Check."""
    return b58check_encode(0x41, key_hash)


def is_valid_btc(address: str) -> bool:
    """True if ``address`` is a P2PKH (1…) or Bech32 v0 (bc1q…) address with a correct checksum.

    Example:
        >>> is_valid_btc("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
        True
    """
    try:
        if address.lower().startswith("bc1"):
            return segwit_decode("bc", address)[0] == 0
        version, payload = b58check_decode(address)
    except ValueError:
        return False
    return version == 0x00 and len(payload) == 20


def is_valid_tron(address: str) -> bool:
    """True if ``address`` is a TRON address (T…, 0x41 prefix) with a correct checksum.

    Example:
        >>> is_valid_tron(tron(bytes(20)))
        True
    """
    try:
        version, payload = b58check_decode(address)
    except ValueError:
        return False
    return version == 0x41 and len(payload) == 20
