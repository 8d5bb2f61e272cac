"""Files at rest, sealed with the PII key: uploaded rosters and error files in the data folder.

A roster holds every ID number and phone of a union's workers in the clear; the database holds them
encrypted (core/pii.py), so the files beside it must be too. A sealed file is AES-256-GCM in
chunks of 64 KiB, each with its own nonce and tag, so it can be written as an upload streams in and
read with random access (a zip package is read from its end) without ever holding the whole file
in memory or writing a plaintext byte to disk.

Format: MAGIC (8 bytes) ‖ file nonce (8 random bytes) ‖ chunk 0 ‖ chunk 1 ‖ …; chunk i is
AES-GCM(key, nonce = file nonce ‖ i as 4 bytes big-endian, plaintext of 64 KiB (the last: 0 to
64 KiB), associated data = MAGIC ‖ file nonce ‖ last-chunk flag) with its 16-byte tag. The flag
makes a truncated file fail to open instead of reading short; the counter in the nonce makes
reordered chunks fail. The key is derived from the PII master key with HKDF (its own `info`), so
a file key never opens a database value and the other way round.

Files are created with mode 0600 (O_EXCL, then renamed into place); folders 0700.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gonghui.core import pii

MAGIC = b"GHSEAL01"
CHUNK = 64 * 1024
_TAG = 16
_PREFIX = 8
_HEAD = len(MAGIC) + _PREFIX
_FILE_INFO = b"gonghui-file-enc-v1"
_cache: tuple[Any, AESGCM] | None = None


class SealedFileError(ValueError):
    """A sealed file that does not open with this key (damaged, truncated, or another key)."""


def _aead() -> AESGCM:
    global _cache
    current = pii._keys()  # cached by pii; a new identity after pii.reset_keys_cache()
    if _cache is None or _cache[0] is not current:
        _cache = (current, AESGCM(pii._derive(pii._master_key(), _FILE_INFO)))
    return _cache[1]


def _aad(prefix: bytes, last: bool) -> bytes:
    return MAGIC + prefix + (b"\x01" if last else b"\x00")


def _nonce(prefix: bytes, i: int) -> bytes:
    return prefix + i.to_bytes(4, "big")


def is_sealed(path: str | os.PathLike[str]) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def make_private_dir(path: str | os.PathLike[str]) -> Path:
    """A folder only this account may enter (0700), with its parents."""
    p = Path(path)
    p.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(p, 0o700)
    return p


class SealedWriter(io.RawIOBase):
    """Write-only file object: bytes written are sealed chunk by chunk into `path` (mode 0600).
    Data goes to `path`.part first and is renamed into place on close; `discard()` drops it."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = Path(path)
        self._tmp = self.path.with_name(self.path.name + ".part")
        fd = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._fh = os.fdopen(fd, "wb")
        self._prefix = os.urandom(_PREFIX)
        self._fh.write(MAGIC + self._prefix)
        self._buf = bytearray()
        self._i = 0
        self._aead = _aead()
        self.size = 0

    def writable(self) -> bool:
        return True

    def _emit(self, data: bytes, last: bool) -> None:
        self._fh.write(self._aead.encrypt(_nonce(self._prefix, self._i), data, _aad(self._prefix, last)))
        self._i += 1

    def write(self, data: Any) -> int:
        b = bytes(data)
        self._buf += b
        self.size += len(b)
        # keep at least one byte back: the last chunk is sealed as the last one by close()
        while len(self._buf) > CHUNK:
            self._emit(bytes(self._buf[:CHUNK]), False)
            del self._buf[:CHUNK]
        return len(b)

    def close(self) -> None:
        if self.closed:
            return
        if not self._fh.closed:
            self._emit(bytes(self._buf), True)
            self._buf.clear()
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            os.replace(self._tmp, self.path)
        super().close()

    def discard(self) -> None:
        if not self._fh.closed:
            self._fh.close()
        self._tmp.unlink(missing_ok=True)
        super().close()


class SealedReader(io.RawIOBase):
    """Read-only, seekable view of a sealed file's plaintext (one chunk decrypted at a time)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self._fh = open(path, "rb")  # noqa: SIM115 - closed by close()
        head = self._fh.read(_HEAD)
        if len(head) != _HEAD or head[: len(MAGIC)] != MAGIC:
            self._fh.close()
            raise SealedFileError("not a sealed file")
        self._prefix = head[len(MAGIC) :]
        body = os.fstat(self._fh.fileno()).st_size - _HEAD
        step = CHUNK + _TAG
        self._chunks = max(1, -(-body // step))
        last_size = body - (self._chunks - 1) * step - _TAG
        if last_size < 0 or last_size > CHUNK:
            self._fh.close()
            raise SealedFileError("sealed file is truncated")
        self.size = (self._chunks - 1) * CHUNK + last_size
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None
        self._aead = _aead()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def _chunk(self, i: int) -> bytes:
        if self._cached is not None and self._cached[0] == i:
            return self._cached[1]
        step = CHUNK + _TAG
        self._fh.seek(_HEAD + i * step)
        raw = self._fh.read(step)
        last = i == self._chunks - 1
        try:
            data = self._aead.decrypt(_nonce(self._prefix, i), raw, _aad(self._prefix, last))
        except InvalidTag:
            raise SealedFileError("sealed file does not open with this key (damaged or truncated)") from None
        self._cached = (i, data)
        return data

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        n = 0
        while n < len(view) and self._pos < self.size:
            i, off = divmod(self._pos, CHUNK)
            data = self._chunk(i)
            take = min(len(view) - n, len(data) - off)
            view[n : n + take] = data[off : off + take]
            n += take
            self._pos += take
        return n

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()
        self._cached = None
        super().close()


def open_read(path: str | os.PathLike[str]) -> IO[bytes]:
    """A buffered binary file of the plaintext: sealed files decrypted as read, others as they are."""
    if is_sealed(path):
        return io.BufferedReader(SealedReader(path), buffer_size=CHUNK)
    return open(path, "rb")  # noqa: SIM115 - the caller closes it


def plain_size(path: str | os.PathLike[str]) -> int:
    if is_sealed(path):
        with SealedReader(path) as r:
            return r.size
    return os.path.getsize(path)


def seal_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    w = SealedWriter(path)
    try:
        w.write(data)
    except BaseException:
        w.discard()
        raise
    w.close()
    return Path(path)


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    with open_read(path) as fh:
        return fh.read()
