"""The e-card's QR token: signed by the federation with Ed25519 (RFC 8032), valid a few minutes.

Key: the file ``card_signing.key`` (PKCS#8 PEM) in the data directory, next to the PII key
(`core.pii.key_file_path`), created on first use with mode 0600. The public key is served to
checkers (``/me/check/key/``) so a checker's phone verifies a card offline.

Token: ``base64url(payload JSON) "." base64url(signature)``; the payload holds only what the check
page may show — the masked name, the union's name — plus the membership's id and the expiry.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import time
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from gonghui.core import pii
from gonghui.portal import conf

KEY_FILE_NAME = "card_signing.key"


def key_path() -> Path:
    return pii.key_file_path().parent / KEY_FILE_NAME


@functools.lru_cache(maxsize=4)
def _private_key(path: str) -> Ed25519PrivateKey:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process may have just created it
            data = p.read_bytes()
            if data.strip():
                key = serialization.load_pem_private_key(data, password=None)
                assert isinstance(key, Ed25519PrivateKey)
                return key
            time.sleep(0.02)
        raise RuntimeError(f"{p} is empty") from None
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    return key


def private_key() -> Ed25519PrivateKey:
    return _private_key(str(key_path()))


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_key_raw_b64() -> str:
    raw = public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _b64(raw)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(payload: dict[str, Any], *, now: float | None = None) -> str:
    now = time.time() if now is None else now
    body = {**payload, "v": 1, "exp": int(now) + int(conf.get("GONGHUI_PORTAL_CARD_TOKEN_SECONDS"))}
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    return _b64(data) + "." + _b64(private_key().sign(data))


def verify(token: str, *, now: float | None = None) -> tuple[dict[str, Any] | None, str]:
    """(payload, "") for a good unexpired token, else (payload or None, reason)."""
    now = time.time() if now is None else now
    try:
        head, sig = (token or "").strip().split(".")
        data, signature = _unb64(head), _unb64(sig)
        public_key().verify(signature, data)
        payload = json.loads(data)
    except (ValueError, InvalidSignature, UnicodeDecodeError):
        return None, "bad_signature"
    if not isinstance(payload, dict) or payload.get("v") != 1:
        return None, "bad_signature"
    if int(payload.get("exp", 0)) < now:
        return payload, "expired"
    return payload, ""
