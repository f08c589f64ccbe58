"""The station key: created 0600 on first use, RFC 7638 kid, PEM/JWK export, rotation keeps old keys."""

from __future__ import annotations

import json
import os
import stat

import pytest
from jwcrypto import jwk

from station.errors import BadInput
from station.report import Keyring, VerificationFailed, load_public_key, sign_report, verify_report
from station.report.keys import SIGNING_KEY_FILE, key_id


def test_key_is_created_on_first_use_owner_only(station_home):
    ring = Keyring()
    assert not (station_home / "keys" / SIGNING_KEY_FILE).exists()
    key = ring.signing_key()
    path = station_home / "keys" / SIGNING_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((station_home / "keys").stat().st_mode) == 0o700
    # A second keyring (next run) loads the same key rather than making another.
    assert Keyring().signing_key().kid == key.kid


def test_kid_is_the_rfc7638_thumbprint_an_independent_library_computes():
    ring = Keyring()
    pem = ring.export("pem").encode()
    assert jwk.JWK.from_pem(pem).thumbprint() == ring.signing_key().kid


def test_jwk_export_round_trips_and_carries_kid():
    ring = Keyring()
    exported = json.loads(ring.export("jwk"))
    assert exported["kty"] == "OKP" and exported["crv"] == "Ed25519" and exported["alg"] == "EdDSA"
    assert exported["kid"] == ring.signing_key().kid
    assert key_id(load_public_key(json.dumps(exported))) == exported["kid"]
    assert "d" not in exported  # never the private part


def test_rotation_keeps_old_reports_verifiable(report):
    ring = Keyring()
    old_token = sign_report(report, ring)
    old_kid = ring.signing_key().kid
    new = ring.rotate()
    assert new.kid != old_kid
    assert verify_report(old_token, ring).kid == old_kid
    assert verify_report(sign_report(report, ring), ring).kid == new.kid
    assert {old_kid, new.kid} <= set(ring.public_keys())
    assert {k["kid"] for k in ring.export_jwks()["keys"]} == {old_kid, new.kid}
    # The retired private key is gone: only the active one is on disk.
    private_files = [p for p in (ring.folder).iterdir() if p.is_file()]
    assert [p.name for p in private_files] == [SIGNING_KEY_FILE]


def test_a_report_from_another_station_needs_its_key(report, tmp_path):
    other = Keyring(tmp_path / "other-keys")
    token = sign_report(report, other)
    with pytest.raises(VerificationFailed, match="unknown key id"):
        verify_report(token)
    assert verify_report(token, extra_keys=[load_public_key(other.export("pem"))]).kid == other.signing_key().kid


def test_a_key_readable_by_others_is_refused(station_home):
    ring = Keyring()
    ring.signing_key()
    path = station_home / "keys" / SIGNING_KEY_FILE
    os.chmod(path, 0o644)
    with pytest.raises(BadInput, match="chmod 600"):
        Keyring().signing_key()


@pytest.mark.parametrize("text", ["not a key", '{"kty": "RSA", "n": "x"}', "-----BEGIN PUBLIC KEY-----\nAAAA\n"])
def test_unreadable_public_keys_say_what_to_do(text):
    with pytest.raises(BadInput) as info:
        load_public_key(text)
    assert "export-key" in info.value.hint


def test_a_rotation_by_another_process_stops_this_one_signing_with_the_old_key(report, monkeypatch):
    import station.report.keys as keys_module

    monkeypatch.setattr(keys_module, "ROTATION_CHECK_S", 0.0)  # look at the key file on every use
    app_ring, cli_ring = Keyring(), Keyring()   # e.g. the GUI and `station report rotate-key`
    old = app_ring.signing_key().kid
    new = cli_ring.rotate().kid
    assert app_ring.signing_key().kid == new != old
    assert verify_report(sign_report(report, app_ring), app_ring).kid == new
