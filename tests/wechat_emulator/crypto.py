"""WeChat's message signatures and "safe mode" AES encryption, from the platform's documentation.

- ``signature`` = sha1 of the sorted ``[token, timestamp, nonce]`` concatenated (hex);
  ``msg_signature`` adds the ``Encrypt`` text to the sorted list.
- AES-256-CBC, key = ``base64decode(EncodingAESKey + "=")`` (43 characters -> 32 bytes),
  IV = ``key[:16]``, PKCS#7 padding to 32-byte blocks; the plaintext is 16 random bytes,
  the XML's length as a 4-byte big-endian integer, the XML, then the AppID.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import secrets
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

AES_KEY_RE = re.compile(r"^[A-Za-z0-9]{43}$")
BLOCK = 32


class CryptoError(ValueError):
    """A payload that does not decrypt, unpad or parse as WeChat's layout."""


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 over the sorted parts, concatenated."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def url_signature(token: str, timestamp: str, nonce: str) -> str:
    return sign(token, timestamp, nonce)


def msg_signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    return sign(token, timestamp, nonce, encrypt)


def make_aes_key() -> str:
    """A fresh EncodingAESKey: 43 characters of [A-Za-z0-9] (as the admin console makes)."""
    while True:
        key = base64.b64encode(os.urandom(32)).decode()[:43]
        if AES_KEY_RE.match(key):
            return key


def make_nonce() -> str:
    return str(secrets.randbelow(9_000_000_000) + 1_000_000_000)


def pkcs7_pad(data: bytes, block: int = BLOCK) -> bytes:
    amount = block - len(data) % block
    return data + bytes([amount]) * amount


def pkcs7_unpad(data: bytes, block: int = BLOCK) -> bytes:
    if not data or len(data) % 16:
        raise CryptoError("ciphertext length is not a multiple of the AES block")
    amount = data[-1]
    if not 1 <= amount <= block or data[-amount:] != bytes([amount]) * amount:
        raise CryptoError("bad PKCS#7 padding")
    return data[:-amount]


@dataclass(frozen=True)
class Decrypted:
    xml: bytes
    app_id: str
    random: bytes


class WeChatCipher:
    """Encrypts/decrypts the ``Encrypt`` text of one official account."""

    def __init__(self, aes_key: str, app_id: str) -> None:
        if not AES_KEY_RE.match(aes_key):
            raise ValueError("EncodingAESKey must be 43 characters of [A-Za-z0-9]")
        self.key = base64.b64decode(aes_key + "=")
        self.app_id = app_id

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def encrypt(
        self,
        xml: bytes | str,
        *,
        random: bytes | None = None,
        app_id: str | None = None,
        pad: bool = True,
    ) -> str:
        """Base64 ``Encrypt`` text. ``app_id``/``pad=False`` exist to forge bad payloads."""
        data = xml.encode() if isinstance(xml, str) else xml
        random = os.urandom(16) if random is None else random
        if len(random) != 16:
            raise ValueError("the random prefix is 16 bytes")
        appid = (self.app_id if app_id is None else app_id).encode()
        plain = random + struct.pack(">I", len(data)) + data + appid
        if pad:
            plain = pkcs7_pad(plain)
        else:  # deliberately wrong padding (still whole AES blocks)
            plain += b"\x00" * (-len(plain) % 16 or 16)
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()

    def decrypt(self, encrypted: str, *, check_app_id: bool = True) -> Decrypted:
        try:
            raw = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CryptoError(f"Encrypt is not base64: {exc}") from None
        if not raw or len(raw) % 16:
            raise CryptoError("ciphertext length is not a multiple of the AES block")
        decryptor = self._cipher().decryptor()
        plain = pkcs7_unpad(decryptor.update(raw) + decryptor.finalize())
        if len(plain) < 20:
            raise CryptoError("plaintext shorter than the random prefix and length")
        (length,) = struct.unpack(">I", plain[16:20])
        if 20 + length > len(plain):
            raise CryptoError("declared XML length exceeds the plaintext")
        xml = plain[20 : 20 + length]
        try:
            app_id = plain[20 + length :].decode()
        except UnicodeDecodeError:
            raise CryptoError("AppID is not UTF-8") from None
        if check_app_id and app_id != self.app_id:
            raise CryptoError(f"AppID {app_id!r} is not {self.app_id!r}")
        return Decrypted(xml=xml, app_id=app_id, random=plain[:16])
