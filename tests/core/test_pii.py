"""Encryption at rest and the blind index (core/pii.py); runs without Django settings."""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core import pii
from gonghui.core.ids import mask_id_number

KEY = bytes(range(32))
KEY_B64 = base64.urlsafe_b64encode(KEY).decode()


@pytest.fixture(scope="module", autouse=True)
def pii_key() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(pii.KEY_ENV, KEY_B64)
        pii.reset_keys_cache()
        yield
    pii.reset_keys_cache()


@pytest.fixture
def fresh_keys() -> Iterator[None]:
    pii.reset_keys_cache()
    yield
    pii.reset_keys_cache()


# --------------------------------------------------------------------------- encryption


@given(st.text(max_size=59), st.sampled_from(["id_number", "phone", "name"]))
def test_round_trip(value: str, context: str) -> None:
    token = pii.encrypt(value, context=context)
    assert token.startswith("v1:")
    assert token.isascii()
    assert pii.decrypt(token, context=context) == value


def test_token_fits_a_char_field() -> None:
    for value in ("530326199001010011", "13800138000", "0874-12345678", "x" * 59):
        assert len(pii.encrypt(value, context="id_number")) <= 120


def test_tokens_are_randomised() -> None:
    tokens = {pii.encrypt("530326199001010011", context="id_number") for _ in range(100)}
    assert len(tokens) == 100


@given(st.text(min_size=1, max_size=30))
def test_wrong_context_fails(value: str) -> None:
    token = pii.encrypt(value, context="id_number")
    with pytest.raises(pii.PiiDecryptError):
        pii.decrypt(token, context="phone")


def test_tampering_fails() -> None:
    token = pii.encrypt("530326199001010011", context="id_number")
    body = bytearray(base64.urlsafe_b64decode(token[3:] + "=" * (-len(token[3:]) % 4)))
    body[20] ^= 1
    tampered = "v1:" + base64.urlsafe_b64encode(bytes(body)).rstrip(b"=").decode()
    for bad in (tampered, token[:-2], "v2:" + token[3:], "530326199001010011", "v1:!!!!", "v1:"):
        with pytest.raises(pii.PiiDecryptError):
            pii.decrypt(bad, context="id_number")


def test_another_key_cannot_decrypt(monkeypatch: pytest.MonkeyPatch, fresh_keys: None) -> None:
    token = pii.encrypt("13800138000", context="phone")
    monkeypatch.setenv(pii.KEY_ENV, base64.urlsafe_b64encode(bytes(32)).decode())
    pii.reset_keys_cache()
    with pytest.raises(pii.PiiDecryptError):
        pii.decrypt(token, context="phone")


def test_empty_context_is_refused() -> None:
    with pytest.raises(ValueError):
        pii.encrypt("x", context="")
    with pytest.raises(ValueError):
        pii.blind_index("x", context="")


def test_encrypt_many() -> None:
    values = [f"5303261990{i:08d}" for i in range(1000)]
    tokens = pii.encrypt_many(values, "id_number")
    assert len(set(tokens)) == 1000
    assert [pii.decrypt(t, context="id_number") for t in tokens] == values
    assert pii.encrypt_many(iter(values[:3]), context="id_number")[0] != tokens[0]
    assert pii.encrypt_many([], "id_number") == []


# --------------------------------------------------------------------------- blind index


@given(st.text(max_size=40), st.text(max_size=40))
def test_blind_index_equality(a: str, b: str) -> None:
    ia, ib = pii.blind_index(a, context="id_number"), pii.blind_index(b, context="id_number")
    assert ia == pii.blind_index(a, context="id_number")
    assert len(ia) == 32
    assert int(ia, 16) >= 0
    folded = pii._index_form
    assert (ia == ib) == (folded(a) == folded(b))


def test_blind_index_known_cases() -> None:
    idx = pii.blind_index("530326199001010011", context="id_number")
    assert idx != pii.blind_index("530326199001010012", context="id_number")
    assert idx != pii.blind_index("530326199001010011", context="phone")
    # full-width digits, lowercase and outer spaces fold to the same index
    assert idx == pii.blind_index(" ５３０３２６１９９００１０１００１１ ", context="id_number")
    x = pii.blind_index("53032619850615004X", context="id_number")
    assert x == pii.blind_index("53032619850615004x", context="id_number")
    assert pii.blind_index_many(["530326199001010011", "53032619850615004x"], "id_number") == [idx, x]


def test_blind_index_is_keyed(monkeypatch: pytest.MonkeyPatch, fresh_keys: None) -> None:
    before = pii.blind_index("13800138000", context="phone")
    monkeypatch.setenv(pii.KEY_ENV, base64.urlsafe_b64encode(bytes(32)).decode())
    pii.reset_keys_cache()
    assert pii.blind_index("13800138000", context="phone") != before


def test_index_and_encryption_keys_are_independent() -> None:
    enc_key = pii._derive(KEY, b"gonghui-pii-enc-v1")
    idx_key = pii._derive(KEY, b"gonghui-pii-idx-v1")
    assert len({enc_key, idx_key, KEY}) == 3
    assert pii._keys()[1] == idx_key


# --------------------------------------------------------------------------- keys


def test_hex_and_base64_keys_are_the_same_key(monkeypatch: pytest.MonkeyPatch, fresh_keys: None) -> None:
    b64_index = pii.blind_index("a", context="c")
    monkeypatch.setenv(pii.KEY_ENV, KEY.hex())
    pii.reset_keys_cache()
    assert pii.blind_index("a", context="c") == b64_index
    monkeypatch.setenv(pii.KEY_ENV, KEY_B64.rstrip("="))
    pii.reset_keys_cache()
    assert pii.blind_index("a", context="c") == b64_index


@pytest.mark.parametrize("bad", ["short", base64.urlsafe_b64encode(bytes(16)).decode(), "z" * 64, "!!!"])
def test_bad_env_key(monkeypatch: pytest.MonkeyPatch, fresh_keys: None, bad: str) -> None:
    monkeypatch.setenv(pii.KEY_ENV, bad)
    pii.reset_keys_cache()
    with pytest.raises(pii.PiiKeyError):
        pii.encrypt("x", context="c")


def test_key_file_created_with_mode_0600(
    monkeypatch: pytest.MonkeyPatch, fresh_keys: None, tmp_path: Path
) -> None:
    monkeypatch.delenv(pii.KEY_ENV)
    data_dir = tmp_path / "var"
    monkeypatch.setenv("GONGHUI_DATA_DIR", str(data_dir))
    old_umask = os.umask(0)  # the mode must not depend on a permissive umask
    try:
        token = pii.encrypt("530326199001010011", context="id_number")
    finally:
        os.umask(old_umask)
    path = data_dir / "pii.key"
    assert pii.key_file_path() == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(base64.urlsafe_b64decode(path.read_text().strip())) == 32
    # a later process reads the same key back
    pii.reset_keys_cache()
    assert pii.decrypt(token, context="id_number") == "530326199001010011"


def test_key_file_existing_is_used(monkeypatch: pytest.MonkeyPatch, fresh_keys: None, tmp_path: Path) -> None:
    monkeypatch.delenv(pii.KEY_ENV)
    monkeypatch.setenv("GONGHUI_DATA_DIR", str(tmp_path))
    (tmp_path / "pii.key").write_text(KEY.hex() + "\n")
    (tmp_path / "pii.key").chmod(0o600)
    from_file = pii.blind_index("a", context="c")
    monkeypatch.setenv(pii.KEY_ENV, KEY_B64)
    pii.reset_keys_cache()
    assert pii.blind_index("a", context="c") == from_file


def test_key_file_falls_back_to_settings_data_dir(
    monkeypatch: pytest.MonkeyPatch, fresh_keys: None, tmp_path: Path
) -> None:
    import django.conf

    monkeypatch.delenv(pii.KEY_ENV)
    monkeypatch.delenv("GONGHUI_DATA_DIR", raising=False)
    monkeypatch.setattr(django.conf, "settings", SimpleNamespace(DATA_DIR=tmp_path))
    assert pii.decrypt(pii.encrypt("x", context="c"), context="c") == "x"
    assert stat.S_IMODE((tmp_path / "pii.key").stat().st_mode) == 0o600


def test_no_key_source_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, fresh_keys: None) -> None:
    import django.conf

    monkeypatch.delenv(pii.KEY_ENV)
    monkeypatch.delenv("GONGHUI_DATA_DIR", raising=False)
    monkeypatch.setattr(django.conf, "settings", SimpleNamespace())
    with pytest.raises(pii.PiiKeyError, match="GONGHUI_PII_KEY"):
        pii.encrypt("x", context="c")


def test_masks_are_re_exported() -> None:
    assert pii.mask_id_number is mask_id_number
    assert pii.mask_phone("13800110011") == "138****0011"
    assert pii.mask_name("张三") == "张*"
