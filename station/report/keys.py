"""The station's Ed25519 signing key and the keyring of every public key it has ever used.

Layout under ``station_home()/keys`` (folder 0700):
  signing-key.pem        the active private key, PKCS#8 PEM, created on first use with mode 0600
  public/<kid>.pem       the public key of every key ever active (SubjectPublicKeyInfo PEM)
Rotation writes a new signing key and keeps the old public key, so reports signed before the
rotation still verify; the old private key is destroyed (a retired key should not sign again).
Key id = RFC 7638 JWK thumbprint of the public key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nacl.signing
import pybase64
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from station.errors import BadInput
from station.home import station_home

SIGNING_KEY_FILE = "signing-key.pem"
# How stale this process's view of the active key may get after another process rotates it.
ROTATION_CHECK_S = 1.0


def b64url(data: bytes) -> str:
    """Unpadded base64url (RFC 7515 §2); pybase64 is the SIMD twin of the stdlib function."""
    return pybase64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def raw_public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_jwk(key: Ed25519PublicKey) -> dict:
    """The RFC 8037 OKP JWK of an Ed25519 public key, with its RFC 7638 thumbprint as kid."""
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw_public_bytes(key))}
    return {**jwk, "kid": jwk_thumbprint(jwk), "alg": "EdDSA", "use": "sig"}


def jwk_thumbprint(jwk: dict) -> str:
    """RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace."""
    required = {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]}
    text = json.dumps(required, sort_keys=True, separators=(",", ":"))
    return b64url(hashlib.sha256(text.encode("utf-8")).digest())


def key_id(key: Ed25519PublicKey) -> str:
    return public_jwk(key)["kid"]


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key from PEM or from a JWK (JSON object) text."""
    stripped = text.strip()
    try:
        if stripped.startswith("{"):
            jwk = json.loads(stripped)
            if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
                raise ValueError("not an Ed25519 OKP JWK")
            x = jwk["x"]
            raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
            return Ed25519PublicKey.from_public_bytes(raw)
        key = serialization.load_pem_public_key(stripped.encode("ascii"))
    except (ValueError, KeyError, TypeError, UnicodeEncodeError) as exc:
        raise BadInput(f"cannot read the public key: {exc}",
                       "pass an Ed25519 public key as PEM or JWK (station report export-key)") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise BadInput("the public key is not Ed25519", "export the station key with station report export-key")
    return key


def _write_private(path: Path, data: bytes) -> bool:
    """Create `path` with mode 0600 holding `data`; False if it already exists (another process won)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(tmp, path)  # atomic create-if-absent, unlike rename
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey
    # The same key in libsodium, which signs ~1.2x and verifies ~1.8x faster than OpenSSL's Ed25519
    # (Ed25519 is deterministic: both give identical signature bytes, a test holds them to it).
    sodium: nacl.signing.SigningKey = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        seed = self.private.private_bytes_raw()
        object.__setattr__(self, "sodium", nacl.signing.SigningKey(seed))

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature of `data`."""
        return self.sodium.sign(data).signature


class Keyring:
    """The station's active signing key plus every public key it has used."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder else station_home() / "keys"
        self._active: SigningKey | None = None
        self._lock = threading.Lock()
        self._public_cache: tuple[int, dict] | None = None
        self._public_folder_text = str(self.folder / "public")
        self._signing_key_text = str(self.folder / SIGNING_KEY_FILE)
        self._active_pem = b""
        self._checked_at = 0.0

    @property
    def public_folder(self) -> Path:
        return self.folder / "public"

    def _ensure_folders(self) -> None:
        self.public_folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)

    def signing_key(self) -> SigningKey:
        """The active key; created (0600) on first use, re-read when another process rotated it
        (a retired key must not go on signing in a long-running app)."""
        active = self._active
        if active is not None:
            now = time.monotonic()
            if now - self._checked_at < ROTATION_CHECK_S:
                return active
            # Compare the file's bytes, not its inode or mtime: a rotation can reuse the freed
            # inode within one timestamp tick.
            try:
                with open(self._signing_key_text, "rb") as handle:
                    if handle.read() == self._active_pem:
                        self._checked_at = now
                        return active
            except FileNotFoundError:
                pass  # mid-rotation elsewhere: load the new key below
        with self._lock:
            self._ensure_folders()
            path = self.folder / SIGNING_KEY_FILE
            if not path.exists():
                self._create(path)
            pem = path.read_bytes()
            active = self._load_private(path, pem)
            self._remember_public(active.public)
            self._active, self._active_pem, self._checked_at = active, pem, time.monotonic()
        return active

    def _create(self, path: Path) -> None:
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        if _write_private(path, pem):
            self._remember_public(private.public_key())

    @staticmethod
    def _load_private(path: Path, pem: bytes) -> SigningKey:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise BadInput(f"station signing key {path} is readable by others (mode {mode:o})",
                           f"run: chmod 600 {path}")
        private = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise BadInput(f"{path} is not an Ed25519 key", "move it away; a new key is created on next run")
        return SigningKey(key_id(private.public_key()), private)

    def _remember_public(self, key: Ed25519PublicKey) -> Path:
        path = self.public_folder / f"{key_id(key)}.pem"
        if not path.exists():
            tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
            tmp.write_text(public_pem(key), encoding="ascii")
            os.replace(tmp, path)
        return path

    def public_key_path(self, kid: str | None = None) -> Path:
        kid = kid or self.signing_key().kid
        path = self.public_folder / f"{kid}.pem"
        if not path.exists():
            raise BadInput(f"no public key with id {kid} in {self.public_folder}",
                           "import it with the PEM exported by the station that signed the report")
        return path

    def public_keys(self) -> dict[str, Ed25519PublicKey]:
        """kid -> key for every key this station has used (the active one included)."""
        self.signing_key()
        # Cached while the folder is unchanged (adding a key file bumps its mtime).
        stamp = os.stat(self._public_folder_text).st_mtime_ns
        if self._public_cache is None or self._public_cache[0] != stamp:
            keys = {}
            for path in sorted(self.public_folder.glob("*.pem")):
                key = load_public_key(path.read_text(encoding="ascii"))
                keys[key_id(key)] = key
            self._public_cache = (stamp, keys)
        return dict(self._public_cache[1])

    def rotate(self) -> SigningKey:
        """Make a new active key; the old public key stays for verifying older reports."""
        old = self.signing_key()
        self._remember_public(old.public)
        path = self.folder / SIGNING_KEY_FILE
        retired = path.with_name(f".retired-{old.kid}.pem")
        os.replace(path, retired)
        retired.unlink()
        self._active = None
        self._create(path)
        return self.signing_key()

    def export(self, fmt: str = "pem", kid: str | None = None) -> str:
        """The public key (active unless `kid`) as PEM text or a JWK JSON document."""
        keys = self.public_keys()
        kid = kid or self.signing_key().kid
        if kid not in keys:
            raise BadInput(f"no key with id {kid}", f"known ids: {', '.join(keys)}")
        if fmt == "pem":
            return public_pem(keys[kid])
        if fmt == "jwk":
            return json.dumps(public_jwk(keys[kid]), indent=2)
        raise BadInput(f"unknown key format {fmt!r}", "use pem or jwk")

    def export_jwks(self) -> dict:
        """Every public key as a JWK Set (RFC 7517), for verifiers of old and new reports."""
        return {"keys": [public_jwk(key) for key in self.public_keys().values()]}


def station_id() -> str:
    """This station's id: $STATION_ID, else one made on first run and kept in station.json."""
    env = os.environ.get("STATION_ID")
    if env:
        return env
    path = station_home() / "station.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))["station_id"]
    sid = "ST-" + os.urandom(4).hex().upper()
    tmp = path.with_name(f".station.json.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(json.dumps({"station_id": sid}), encoding="utf-8")
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return json.loads(path.read_text(encoding="utf-8"))["station_id"]
