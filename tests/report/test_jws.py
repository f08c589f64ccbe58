"""The signed report is a standard JWS: openssl and jwcrypto verify it; any changed byte fails."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jwcrypto import jwk, jws

from station.report import VerificationFailed, default_keyring, sign_report, verify_report
from station.report.canonical import canonical_json
from station.report.keys import b64url


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")
def test_openssl_pkeyutl_verifies_the_signature(token, tmp_path):
    header_b64, payload_b64, sig_b64 = token.split(".")
    (tmp_path / "data").write_bytes(f"{header_b64}.{payload_b64}".encode("ascii"))
    (tmp_path / "sig").write_bytes(_b64decode(sig_b64))
    (tmp_path / "pub.pem").write_text(default_keyring().export("pem"))
    cmd = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub.pem"), "-rawin",
           "-in", str(tmp_path / "data"), "-sigfile", str(tmp_path / "sig")]
    ok = subprocess.run(cmd, capture_output=True, text=True)
    assert ok.returncode == 0 and "Signature Verified Successfully" in ok.stdout, ok.stdout + ok.stderr
    # and openssl says no to a tampered payload
    (tmp_path / "data").write_bytes(f"{header_b64}.{payload_b64[:-2]}AA".encode("ascii"))
    bad = subprocess.run(cmd, capture_output=True, text=True)
    assert bad.returncode != 0


def test_jwcrypto_verifies_and_reads_the_same_payload(token, report):
    key = jwk.JWK.from_pem(default_keyring().export("pem").encode())
    parsed = jws.JWS()
    parsed.deserialize(token)
    parsed.verify(key, alg="EdDSA")
    assert parsed.jose_header["kid"] == key.thumbprint()
    assert json.loads(parsed.payload) == report
    assert parsed.payload == canonical_json(report)


def test_verify_returns_payload_and_kid(token, report):
    verified = verify_report(token)
    assert verified.payload == report
    assert verified.kid == default_keyring().signing_key().kid
    assert verify_report(token + "\n").payload == report  # the file's one trailing newline


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_changing_any_byte_of_the_report_file_fails(token, data):
    original = (token + "\n").encode("ascii")
    index = data.draw(st.integers(0, len(original) - 1), label="index")
    new_byte = data.draw(st.integers(0, 255).filter(lambda b: b != original[index]), label="byte")
    altered = original[:index] + bytes([new_byte]) + original[index + 1:]
    with pytest.raises(VerificationFailed):
        verify_report(altered)


@pytest.mark.parametrize("edit", ["drop_newline_then_add_two", "truncate", "append_part", "swap_payload"])
def test_structural_tampering_fails(token, report, edit):
    header, payload, sig = token.split(".")
    other = sign_report({**report, "report_id": "R20261124-FORGED0000"})
    altered = {
        "drop_newline_then_add_two": token + "\n\n",
        "truncate": token[:-1],
        "append_part": token + ".x",
        "swap_payload": f"{header}.{other.split('.')[1]}.{sig}",
    }[edit]
    with pytest.raises(VerificationFailed):
        verify_report(altered)


def test_alg_none_is_refused(report):
    header = b64url(canonical_json({"alg": "none", "kid": default_keyring().signing_key().kid}))
    forged = f"{header}.{b64url(canonical_json(report))}."
    with pytest.raises(VerificationFailed, match="alg"):
        verify_report(forged)


def test_non_report_payload_is_refused():
    with pytest.raises(VerificationFailed, match="format"):
        verify_report(sign_report({"format": "something-else/1"}))


def test_spare_bits_in_the_last_character_are_refused(token):
    # The 64-byte signature is 86 base64url characters: the last one carries 2 data bits and
    # 4 spare bits. A lenient decoder gives the same signature for 16 different last characters.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    head, sig = token.rsplit(".", 1)
    index = alphabet.index(sig[-1])
    twin = alphabet[(index & 0b110000) | ((index + 1) & 0b1111)]
    altered = f"{head}.{sig[:-1]}{twin}"
    assert _b64decode(altered.rsplit(".", 1)[1]) == _b64decode(sig)  # same bytes to a lenient decoder
    with pytest.raises(VerificationFailed, match="canonical"):
        verify_report(altered)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400) | st.text(alphabet="ABCxyz019-_.=+/ \n{}\"", max_size=200).map(str.encode))
def test_arbitrary_input_is_only_ever_invalid_never_a_crash(blob):
    with pytest.raises(VerificationFailed):
        verify_report(blob)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_public_key_parser_says_bad_input_for_junk(text):
    from station.errors import BadInput
    from station.report import load_public_key

    with pytest.raises(BadInput):
        load_public_key(text)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=3000))
def test_libsodium_and_openssl_make_the_same_signature(message):
    # The station signs and verifies with libsodium for speed; keys live as OpenSSL objects.
    # Ed25519 is deterministic, so both libraries must give byte-identical signatures.
    key = default_keyring().signing_key()
    assert key.sign(message) == key.private.sign(message)
    key.public.verify(key.sign(message), message)   # OpenSSL accepts libsodium's signature


@pytest.mark.parametrize("segment", ["payload", "signature"])
def test_standard_base64_alphabet_is_refused(token, segment):
    # '+' and '/' decode to the same bytes as '-' and '_' in a lenient decoder: refuse them.
    header, payload, signature = token.strip().split(".")
    parts = {"payload": payload, "signature": signature}
    text = parts[segment]
    position = next((i for i, c in enumerate(text[:-1]) if c in "-_"), None)
    if position is None:   # no '-'/'_' in this token: put one in (the decoded bytes change, still refused)
        position = 0
        text = "-" + text[1:]
    swapped = text[:position] + {"-": "+", "_": "/"}[text[position]] + text[position + 1:]
    parts[segment] = swapped
    # The signature covers the payload's text, so there the signature check refuses it first.
    reason = "base64url" if segment == "signature" else "signature does not match"
    with pytest.raises(VerificationFailed, match=reason):
        verify_report(f"{header}.{parts['payload']}.{parts['signature']}")
