"""The station's ADB key: Android's public-key struct, token signatures, key files."""

from __future__ import annotations

import base64
import os
import stat
import struct

import pytest
from cryptography.hazmat.primitives import serialization

from drivers.phone.auth import AdbKey, decode_android_pubkey, encode_android_pubkey, sign_token, verify_token
from drivers.phone.errors import PhoneError


@pytest.fixture(scope="module")
def key():
    return AdbKey.generate()


def test_public_key_struct_has_android_layout(key):
    line = encode_android_pubkey(key.private.public_key(), "me@station")
    b64, name = line.split(b" ")
    blob = base64.b64decode(b64)
    assert name == b"me@station" and len(blob) == 524
    words, n0inv = struct.unpack_from("<II", blob)
    n = int.from_bytes(blob[8:264], "little")
    rr = int.from_bytes(blob[264:520], "little")
    (e,) = struct.unpack_from("<I", blob, 520)
    assert words == 64 and e == 65537
    assert n == key.private.public_key().public_numbers().n
    assert (n0inv * n + 1) % (1 << 32) == 0                 # n0inv = -1/n mod 2^32
    assert rr == pow(2, 4096, n)                            # Montgomery R^2 mod n


def test_round_trip_with_nul_and_name(key):
    decoded = decode_android_pubkey(key.public_line + b"\0")
    assert decoded.public_numbers() == key.private.public_key().public_numbers()


def test_token_signature_verifies_only_with_the_right_key(key):
    token = os.urandom(20)
    signature = key.sign(token)
    assert verify_token(key.private.public_key(), token, signature)
    assert not verify_token(key.private.public_key(), os.urandom(20), signature)
    assert not verify_token(AdbKey.generate().private.public_key(), token, signature)


def test_wrong_token_length_is_refused(key):
    with pytest.raises(PhoneError, match="20 bytes"):
        sign_token(key.private, b"short")


def test_key_file_is_created_0600_and_reloaded(tmp_path):
    path = tmp_path / "keys" / "adbkey"
    first = AdbKey.load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (tmp_path / "keys" / "adbkey.pub").read_bytes().startswith(first.public_line)
    again = AdbKey.load_or_create(path)
    assert again.public_line == first.public_line


def test_a_loaded_key_is_kept_until_its_file_changes(tmp_path, monkeypatch):
    path = tmp_path / "adbkey"
    created = AdbKey.load_or_create(path)
    loads = []
    real = serialization.load_pem_private_key
    monkeypatch.setattr(serialization, "load_pem_private_key", lambda *a, **k: loads.append(1) or real(*a, **k))
    first = AdbKey.load_or_create(path)
    assert first is created and AdbKey.load_or_create(path) is first and loads == []   # made here: never parsed
    other = AdbKey.generate()
    path.write_bytes(other.private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    replaced = AdbKey.load_or_create(path)
    assert replaced.public_line == other.public_line and len(loads) == 1     # parsed and checked once
    assert AdbKey.load_or_create(path) is replaced and len(loads) == 1
    path.write_text("not a key")                      # damaged later: said, not served from memory
    with pytest.raises(PhoneError, match="not a PEM private key"):
        AdbKey.load_or_create(path)


def test_damaged_key_file_says_what_to_do(tmp_path):
    path = tmp_path / "adbkey"
    path.write_text("not a key")
    with pytest.raises(PhoneError) as info:
        AdbKey.load_or_create(path)
    assert "move it away" in info.value.hint


@pytest.mark.parametrize("line", [b"!!!not base64", base64.b64encode(b"\0" * 100)])
def test_bad_public_keys_are_rejected(line):
    with pytest.raises(PhoneError):
        decode_android_pubkey(line)
