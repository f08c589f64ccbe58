"""The station's ADB key: RSA-2048, signing adbd's 20-byte token, in adb's public-key format.

adbd sends AUTH TOKEN (20 random bytes). The host answers AUTH SIGNATURE: the token signed as if
it were a SHA-1 digest (PKCS#1 v1.5, what OpenSSL's RSA_sign(NID_sha1) does). If adbd knows no
matching key it sends another TOKEN; the host then sends AUTH RSAPUBLICKEY: base64 of Android's
``RSAPublicKey`` struct (mincrypt layout, little-endian) + `` name`` + NUL, and the phone shows
"Allow USB debugging?". Keys are files the caller names (the station keeps its key under
$STATION_HOME/keys, see station code); private key files are written 0600.
"""

from __future__ import annotations

import base64
import os
import struct
import threading
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

from drivers.phone.errors import PhoneError

KEY_BITS = 2048
WORDS = KEY_BITS // 32
_PUBKEY_STRUCT_SIZE = 4 + 4 + KEY_BITS // 8 * 2 + 4


def default_key_path() -> Path:
    """$STATION_HOME/keys/adbkey, else the platform data dir's (the station passes its own path)."""
    home = os.environ.get("STATION_HOME")
    if home:
        return Path(home) / "keys" / "adbkey"
    import platformdirs

    return Path(platformdirs.user_data_dir("phone-station", "station")) / "keys" / "adbkey"


def read_public_keys(path: str | os.PathLike) -> list[rsa.RSAPublicKey]:
    """Keys in an adb_keys-style file (one adb public key line each); missing file = none."""
    path = Path(path)
    if not path.exists():
        return []
    keys = []
    for line in path.read_bytes().splitlines():
        if line.strip():
            try:
                keys.append(decode_android_pubkey(line.strip()))
            except PhoneError:
                continue
    return keys


def encode_android_pubkey(public: rsa.RSAPublicKey, name: str = "station@inspection") -> bytes:
    """Android's adb public key line: base64(RSAPublicKey struct) + ' ' + name (no NUL)."""
    numbers = public.public_numbers()
    n, e = numbers.n, numbers.e
    if n.bit_length() > KEY_BITS:
        raise PhoneError(f"ADB keys must be {KEY_BITS}-bit RSA", "delete the key file to make a new one")
    n0inv = (-pow(n, -1, 1 << 32)) & 0xFFFFFFFF
    rr = pow(1 << KEY_BITS, 2, n)
    blob = (struct.pack("<II", WORDS, n0inv) + n.to_bytes(KEY_BITS // 8, "little")
            + rr.to_bytes(KEY_BITS // 8, "little") + struct.pack("<I", e))
    return base64.b64encode(blob) + b" " + name.encode()


def decode_android_pubkey(line: bytes) -> rsa.RSAPublicKey:
    """Parse an adb public key line (as sent in AUTH RSAPUBLICKEY, NUL and name optional)."""
    text = line.rstrip(b"\0").split(b" ", 1)[0]
    try:
        blob = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise PhoneError("ADB public key is not valid base64", "the host sent a damaged key") from exc
    if len(blob) != _PUBKEY_STRUCT_SIZE:
        raise PhoneError(f"ADB public key struct is {len(blob)} bytes, expected {_PUBKEY_STRUCT_SIZE}",
                         "only 2048-bit RSA adb keys are supported")
    words, _n0inv = struct.unpack_from("<II", blob)
    if words != WORDS:
        raise PhoneError(f"ADB public key has {words} words, expected {WORDS}", "only 2048-bit RSA keys work")
    n = int.from_bytes(blob[8:8 + KEY_BITS // 8], "little")
    (e,) = struct.unpack_from("<I", blob, 8 + KEY_BITS // 4)
    try:
        return rsa.RSAPublicNumbers(e, n).public_key()
    except ValueError as exc:
        raise PhoneError(f"ADB public key numbers are invalid: {exc}", "the host sent a damaged key") from exc


def sign_token(private: rsa.RSAPrivateKey, token: bytes) -> bytes:
    if len(token) != 20:
        raise PhoneError(f"AUTH token must be 20 bytes, got {len(token)}", "the phone sent a malformed token")
    return private.sign(token, padding.PKCS1v15(), utils.Prehashed(hashes.SHA1()))


def verify_token(public: rsa.RSAPublicKey, token: bytes, signature: bytes) -> bool:
    try:
        public.verify(signature, token, padding.PKCS1v15(), utils.Prehashed(hashes.SHA1()))
        return True
    except (InvalidSignature, ValueError):
        return False


_loaded: dict[tuple, "AdbKey"] = {}
_loaded_lock = threading.Lock()


class AdbKey:
    """A private key plus its adb-format public line."""

    def __init__(self, private: rsa.RSAPrivateKey, name: str = "station@inspection") -> None:
        self.private = private
        self.public_line = encode_android_pubkey(private.public_key(), name)

    def sign(self, token: bytes) -> bytes:
        return sign_token(self.private, token)

    @classmethod
    def generate(cls) -> "AdbKey":
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS))

    @classmethod
    def _load(cls, path: Path) -> "AdbKey":
        """The key in the PEM file at `path`. Kept per file version (path, mtime, size): loading
        checks the RSA key's consistency, ~45 ms of CPU that every inspection paid at `identify`."""
        version = _file_version(path)
        with _loaded_lock:
            key = _loaded.get(version)
        if key is not None:
            return key
        try:
            private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except ValueError as exc:
            raise PhoneError(f"ADB key file {path} is not a PEM private key",
                             "move it away; a new key is made next time (the phone will ask again)") from exc
        if not isinstance(private, rsa.RSAPrivateKey):
            raise PhoneError(f"ADB key file {path} is not an RSA key", "move it away to make a new one")
        key = cls(private)
        _keep(version, key)
        return key

    @classmethod
    def load_or_create(cls, path: str | os.PathLike) -> "AdbKey":
        """Load the PEM key at `path`, or create it (0600) with `path`.pub beside it."""
        path = Path(path)
        if path.exists():
            return cls._load(path)
        key = cls.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = key.private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:          # another process made it first: use theirs
            return cls.load_or_create(path)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        Path(f"{path}.pub").write_bytes(key.public_line + b"\n")
        _keep(_file_version(path), key)      # the next connection must not pay the load's check for it
        return key


def _file_version(path: Path) -> tuple:
    """(path, mtime, size): a kept key stands for this version of its file only."""
    stat = path.stat()
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def _keep(version: tuple, key: AdbKey) -> None:
    with _loaded_lock:
        _loaded.clear()                  # one station key: keep only the newest file version
        _loaded[version] = key


def preload_adb_key() -> None:
    """Load (or create) the key at `default_key_path()` now, so the process's first phone
    connection finds it checked and kept: the station calls this while the rig self-tests."""
    AdbKey.load_or_create(default_key_path())
