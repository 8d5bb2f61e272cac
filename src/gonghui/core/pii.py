"""Personal data at rest: AES-GCM encryption and an HMAC blind index (DESIGN.md, "secrets at rest").

ID numbers and phones are stored as two columns: a ciphertext (``encrypt``) that only the key can
open, and a blind index (``blind_index``) that supports exact lookups and uniqueness without
revealing the value. The database file alone reveals no ID number.

Key: ``GONGHUI_PII_KEY`` (urlsafe base64 of 32 bytes, or 64 hex characters); if unset, the file
``<GONGHUI_DATA_DIR or settings.DATA_DIR>/pii.key``, created on first use with mode 0600. Losing
the key loses every encrypted value: back it up with the database, but never in the same place.
Two independent subkeys are derived from it with HKDF-SHA256 (RFC 5869), one for AES-256-GCM
(NIST SP 800-38D) and one for HMAC-SHA256 (RFC 2104).

Masking for display lives in ``gonghui.core.ids`` and is re-exported here.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import logging
import os
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from gonghui.core.ids import mask_id_number, mask_name, mask_phone

__all__ = [
    "KEY_ENV",
    "KEY_FILE_NAME",
    "PiiDecryptError",
    "PiiKeyError",
    "blind_index",
    "blind_index_many",
    "decrypt",
    "encrypt",
    "encrypt_many",
    "key_file_path",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "reset_keys_cache",
]

logger = logging.getLogger(__name__)

KEY_ENV = "GONGHUI_PII_KEY"
DATA_DIR_ENV = "GONGHUI_DATA_DIR"
KEY_FILE_NAME = "pii.key"
CIPHER_PREFIX = "v1:"
# Random 96-bit nonces: SP 800-38D allows 2^32 messages per key, several times a national register.
_NONCE_BYTES = 12
_KEY_BYTES = 32
_ENC_INFO = b"gonghui-pii-enc-v1"
_IDX_INFO = b"gonghui-pii-idx-v1"
# 128 bits: among 10^9 distinct values the chance of any collision is ~10^-21, and the index is
# keyed, so its length gives an attacker without the key nothing to brute-force; half a SHA-256
# keeps the unique index on the column small.
_INDEX_HEX_CHARS = 32


class PiiKeyError(RuntimeError):
    """The PII key is missing, malformed, or its file cannot be created or read."""


class PiiDecryptError(ValueError):
    """A token is malformed, was made with another key, or for another context."""


# --------------------------------------------------------------------------- keys


def _parse_key(text: str, source: str) -> bytes:
    text = text.strip()
    if len(text) == 2 * _KEY_BYTES:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass  # 64 characters can also be unpadded base64 of 48 bytes: report the length below
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise PiiKeyError(f"{source}: PII key is neither base64 nor hex") from None
    if len(key) != _KEY_BYTES:
        raise PiiKeyError(f"{source}: PII key must be 32 bytes, got {len(key)}")
    return key


def key_file_path() -> Path:
    """``<GONGHUI_DATA_DIR>/pii.key``, else ``<settings.DATA_DIR>/pii.key`` (settings read lazily)."""
    if data_dir := os.environ.get(DATA_DIR_ENV):
        return Path(data_dir) / KEY_FILE_NAME
    from django.conf import settings

    try:
        return Path(settings.DATA_DIR) / KEY_FILE_NAME
    except Exception as exc:  # ImproperlyConfigured, AttributeError: say what to set instead
        raise PiiKeyError(
            f"no PII key: set {KEY_ENV}, or {DATA_DIR_ENV} / settings.DATA_DIR for {KEY_FILE_NAME}"
        ) from exc


def _read_key_file(path: Path) -> bytes:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        logger.warning("%s is readable by other users (mode %o); it should be 0600", path, mode)
    # Another process may have created the file an instant ago and not written it yet.
    for _ in range(50):
        text = path.read_text(encoding="ascii").strip()
        if text:
            return _parse_key(text, str(path))
        time.sleep(0.02)
    raise PiiKeyError(f"{path} is empty")


def _load_or_create_key_file(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: of several processes starting at once exactly one creates the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key_file(path)
    except OSError as exc:
        raise PiiKeyError(f"cannot create {path}: {exc}") from exc
    key = os.urandom(_KEY_BYTES)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(base64.urlsafe_b64encode(key).decode("ascii") + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    logger.warning("created a new PII key at %s; back it up, encrypted data is lost without it", path)
    return key


def _master_key() -> bytes:
    if env := os.environ.get(KEY_ENV):
        return _parse_key(env, KEY_ENV)
    return _load_or_create_key_file(key_file_path())


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=_KEY_BYTES, salt=None, info=info).derive(master)


@functools.lru_cache(maxsize=1)
def _keys() -> tuple[AESGCM, bytes]:
    master = _master_key()
    return AESGCM(_derive(master, _ENC_INFO)), _derive(master, _IDX_INFO)


def reset_keys_cache() -> None:
    """Forget the cached keys so the next call reads the environment / key file again (tests)."""
    _keys.cache_clear()


# --------------------------------------------------------------------------- encryption


def _aad(context: str) -> bytes:
    if not context:
        raise ValueError("context must name the kind of value, e.g. 'id_number'")
    return context.encode("utf-8")


def _seal(aead: AESGCM, plaintext: str, aad: bytes) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = aead.encrypt(nonce, plaintext.encode("utf-8"), aad)
    # Unpadded: an 18-character ID number becomes a 65-character token.
    return CIPHER_PREFIX + base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt with AES-256-GCM, a random 96-bit nonce and `context` as associated data.

    Returns ``v1:`` + urlsafe base64 (unpadded) of nonce ‖ ciphertext ‖ tag: ASCII, 28 bytes of
    overhead, so values up to 59 bytes fit a CharField(max_length=120). The same plaintext gives a
    different token each time; use blind_index for lookups.
    """
    aead, _ = _keys()
    return _seal(aead, plaintext, _aad(context))


def encrypt_many(values: Iterable[str], context: str) -> list[str]:
    """encrypt() for a bulk load: one key lookup and one associated-data encoding for all values,
    and the random nonces drawn from the OS in one read (12 fresh random bytes per value still;
    a read per value cost as much as the encryption)."""
    aead, _ = _keys()
    aad = _aad(context)
    values = values if isinstance(values, list) else list(values)
    nb = _NONCE_BYTES
    pool = os.urandom(nb * len(values))
    enc, b64 = aead.encrypt, base64.urlsafe_b64encode
    out = []
    for k, value in enumerate(values):
        nonce = pool[k * nb : (k + 1) * nb]
        out.append(
            CIPHER_PREFIX + b64(nonce + enc(nonce, value.encode("utf-8"), aad)).rstrip(b"=").decode("ascii")
        )
    return out


def decrypt(token: str, *, context: str) -> str:
    """Open a token made by encrypt() with the same key and `context`; else PiiDecryptError."""
    aead, _ = _keys()
    aad = _aad(context)
    if not token.startswith(CIPHER_PREFIX):
        raise PiiDecryptError("not a gonghui PII token (unknown version)")
    body = token[len(CIPHER_PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise PiiDecryptError("PII token is not valid base64") from None
    if len(raw) < _NONCE_BYTES + 16:
        raise PiiDecryptError("PII token is too short")
    try:
        plain = aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], aad)
    except InvalidTag:
        raise PiiDecryptError("PII token does not open with this key and context") from None
    return plain.decode("utf-8")


# --------------------------------------------------------------------------- blind index


def _index_form(value: str) -> str:
    # Part of the index format: changing it orphans every stored index. NFKC folds full-width
    # characters, so "１１０…ｘ" and "110…X" index alike.
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    return value.strip().upper()


def blind_index(value: str, *, context: str) -> str:
    """HMAC-SHA256(index key, context ‖ NUL ‖ value) as 32 hex characters (128 bits).

    `value` is folded (NFKC, outer whitespace stripped, uppercased) before hashing; callers should
    still pass the canonical form (e.g. ``parse_id_number(raw).number``). Equal values in the same
    context give equal indexes; the context keeps an ID number and a phone from ever matching.
    """
    _, key = _keys()
    _aad(context)
    message = f"{context}\x00{_index_form(value)}".encode()
    return hmac.digest(key, message, "sha256").hex()[:_INDEX_HEX_CHARS]


def blind_index_many(values: Iterable[str], context: str) -> list[str]:
    """blind_index() for a bulk load."""
    _, key = _keys()
    _aad(context)
    prefix = f"{context}\x00"
    digest = hmac.digest
    return [
        digest(key, (prefix + _index_form(v)).encode(), "sha256").hex()[:_INDEX_HEX_CHARS] for v in values
    ]
