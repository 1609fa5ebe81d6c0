"""Checksums of cryptocurrency addresses: Base58Check, Bech32/Bech32m (segwit) and EIP-55.

No maintained library for these is among the course's pinned packages, so the small,
well-specified algorithms are written here from their references:

* Base58Check (Bitcoin P2PKH/P2SH, TRON): version byte + payload + the first 4 bytes of
  SHA-256(SHA-256(version + payload)), written in the Base58 alphabet.
* Bech32 and Bech32m (BIP-173, BIP-350): the reference decoder of BIP-350, segwit rules
  included (witness version 0 uses Bech32, versions 1-16 use Bech32m).
* EIP-55 (Ethereum-style addresses): the case of each hex letter follows the Keccak-256 hash of
  the lower-case address. Keccak-256 is the original Keccak padding (0x01), not NIST SHA3-256
  (0x06), so ``hashlib.sha3_256`` gives different digests; Keccak-f[1600] is written out below.

Every function raises ``ValueError`` with a short reason when an address is not valid.

Example:
    >>> b58check_decode("17Zij68pMWfnnDtcSTtb2H9hDYm7Rg7hVG")[0]
    0
    >>> segwit_decode("bc", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")[0]
    0
    >>> eip55("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
"""

from __future__ import annotations

import hashlib

from .._i18n import _

__all__ = [
    "b58check_decode",
    "b58check_encode",
    "bech32_decode",
    "eip55",
    "keccak256",
    "segwit_decode",
    "segwit_encode",
]

# ---- Base58Check ----------------------------------------------------------------------------

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: index for index, char in enumerate(B58_ALPHABET)}


def _double_sha256(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def b58check_encode(version: int, payload: bytes) -> str:
    """Base58Check text of ``version`` + ``payload`` (for tests and examples).

    Example:
        >>> b58check_encode(0, bytes(20))
        '1111111111111111111114oLvT2'
    """
    data = bytes([version]) + payload
    data += _double_sha256(data)[:4]
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, rest = divmod(number, 58)
        text = B58_ALPHABET[rest] + text
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + text


def b58check_decode(text: str) -> tuple[int, bytes]:
    """The version byte and payload of a Base58Check string; ``ValueError`` if it is broken.

    Example:
        >>> version, payload = b58check_decode("3MpUgv7XU2i3WyiyonC119JB1TXwSPw97u")
        >>> version, len(payload)
        (5, 20)
    """
    number = 0
    for char in text:
        if char not in _B58_INDEX:
            raise ValueError(
                _("'{char}' is not a Base58 character (0, O, I and l never occur)").format(
                    char=char
                )
            )
        number = number * 58 + _B58_INDEX[char]
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    data = b"\0" * (len(text) - len(text.lstrip("1"))) + body
    if len(data) < 5:
        raise ValueError(_("the address is too short to hold a version byte and a checksum"))
    data, checksum = data[:-4], data[-4:]
    if _double_sha256(data)[:4] != checksum:
        raise ValueError(_("the Base58Check checksum does not match (a typo, or not an address)"))
    return data[0], data[1:]


# ---- Bech32 / Bech32m (BIP-173, BIP-350 reference code) --------------------------------------

BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32 = "bech32"
BECH32M = "bech32m"
_BECH32M_CONST = 0x2BC830A3


def _polymod(values: list[int]) -> int:
    generator = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            checksum ^= generator[i] if ((top >> i) & 1) else 0
    return checksum


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]


def bech32_decode(text: str) -> tuple[str, list[int], str]:
    """Human-readable part, data values and encoding (``bech32``/``bech32m``) of a string.

    Example:
        >>> bech32_decode("A12UEL5L")[0::2]
        ('a', 'bech32')
    """
    if any(ord(x) < 33 or ord(x) > 126 for x in text):
        raise ValueError(_("the address has a character outside printable ASCII"))
    if text.lower() != text and text.upper() != text:
        raise ValueError(_("the address mixes upper and lower case, which Bech32 forbids"))
    text = text.lower()
    position = text.rfind("1")
    if position < 1 or position + 7 > len(text) or len(text) > 90:
        raise ValueError(
            _("the address has no separator '1' in the right place, or the wrong length")
        )
    if not all(x in BECH32_CHARSET for x in text[position + 1 :]):
        raise ValueError(
            _("the address has a character that Bech32 never uses (1, b, i or o after the '1')")
        )
    hrp = text[:position]
    data = [BECH32_CHARSET.find(x) for x in text[position + 1 :]]
    constant = _polymod(_hrp_expand(hrp) + data)
    if constant == 1:
        encoding = BECH32
    elif constant == _BECH32M_CONST:
        encoding = BECH32M
    else:
        raise ValueError(_("the Bech32 checksum does not match (a typo, or not an address)"))
    return hrp, data[:-6], encoding


def _convertbits(data: list[int], frombits: int, tobits: int, pad: bool = True) -> list[int]:
    accumulator, bits, result = 0, 0, []
    maxv = (1 << tobits) - 1
    for value in data:
        if value < 0 or (value >> frombits):
            raise ValueError(_("the address holds a value out of range"))
        accumulator = (accumulator << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            result.append((accumulator >> bits) & maxv)
    if pad:
        if bits:
            result.append((accumulator << (tobits - bits)) & maxv)
    elif bits >= frombits or ((accumulator << (tobits - bits)) & maxv):
        raise ValueError(_("the address has padding bits that are not zero"))
    return result


def segwit_decode(hrp: str, address: str) -> tuple[int, bytes]:
    """Witness version and program of a segwit address with prefix ``hrp`` (BIP-173/350).

    Example:
        >>> version, program = segwit_decode("bc", "bc1sw50qgdz25j")
        >>> version, len(program)
        (16, 2)
    """
    found, data, encoding = bech32_decode(address)
    if found != hrp:
        raise ValueError(
            _("the address starts with '{found}1', not '{hrp}1'").format(found=found, hrp=hrp)
        )
    if not data:
        raise ValueError(_("the address has no witness version"))
    program = _convertbits(data[1:], 5, 8, False)
    if not 2 <= len(program) <= 40:
        raise ValueError(_("the address has a witness program of the wrong length"))
    if data[0] > 16:
        raise ValueError(_("the address has a witness version above 16"))
    if data[0] == 0 and len(program) not in (20, 32):
        raise ValueError(_("the address has a version 0 program that is neither 20 nor 32 bytes"))
    if (data[0] == 0 and encoding != BECH32) or (data[0] != 0 and encoding != BECH32M):
        raise ValueError(
            _(
                "the address uses the wrong checksum for its witness version "
                "(v0 needs Bech32, v1 and above Bech32m)"
            )
        )
    return data[0], bytes(program)


def segwit_encode(hrp: str, version: int, program: bytes) -> str:
    """The segwit address for a witness ``version`` and ``program`` (BIP-173/350 reference).

    Example:
        >>> segwit_encode("bc", 0, bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6"))
        'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'
    """
    data = [version, *_convertbits(list(program), 8, 5)]
    constant = 1 if version == 0 else _BECH32M_CONST
    polymod = _polymod([*_hrp_expand(hrp), *data, 0, 0, 0, 0, 0, 0]) ^ constant
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in data + checksum)


# ---- Keccak-256 and EIP-55 --------------------------------------------------------------------

_ROUND_CONSTANTS = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]  # fmt: skip
_ROTATIONS = [
    [0, 36, 3, 41, 18],
    [1, 44, 10, 45, 2],
    [62, 6, 43, 15, 61],
    [28, 55, 25, 21, 56],
    [27, 20, 39, 8, 14],
]
_MASK = (1 << 64) - 1


def _rotl(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (64 - shift))) & _MASK if shift else value


def _keccak_f(lanes: list[list[int]]) -> None:
    """Keccak-f[1600] on a 5x5 state of 64-bit lanes, ``lanes[x][y]``, in place."""
    for constant in _ROUND_CONSTANTS:
        c = [lanes[x][0] ^ lanes[x][1] ^ lanes[x][2] ^ lanes[x][3] ^ lanes[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rotl(c[(x + 1) % 5], 1) for x in range(5)]
        for x in range(5):
            for y in range(5):
                lanes[x][y] ^= d[x]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rotl(lanes[x][y], _ROTATIONS[x][y])
        for x in range(5):
            for y in range(5):
                lanes[x][y] = b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y])
        lanes[0][0] ^= constant


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as Ethereum uses it (original padding), not NIST SHA3-256.

    Example:
        >>> keccak256(b"").hex()[:16]
        'c5d2460186f7233c'
    """
    rate = 136
    padded = bytearray(data)
    padded.append(0x01)
    while len(padded) % rate:
        padded.append(0)
    padded[-1] |= 0x80
    lanes = [[0] * 5 for _ in range(5)]
    for start in range(0, len(padded), rate):
        block = padded[start : start + rate]
        for i in range(rate // 8):
            x, y = i % 5, i // 5
            lanes[x][y] ^= int.from_bytes(block[8 * i : 8 * i + 8], "little")
        _keccak_f(lanes)
    return b"".join(lanes[i % 5][i // 5].to_bytes(8, "little") for i in range(4))


def eip55(address: str) -> str:
    """The EIP-55 checksummed form of a 0x address (40 hex digits).

    Example:
        >>> eip55("0xFB6916095CA1DF60BB79CE92CE3EA74C37C5D359")
        '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359'
    """
    digits = address[2:].lower()
    if len(digits) != 40 or any(c not in "0123456789abcdef" for c in digits):
        raise ValueError(_("the address is not 0x followed by 40 hexadecimal digits"))
    digest = keccak256(digits.encode("ascii")).hex()
    return "0x" + "".join(
        c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(digits)
    )
