"""`station report verify FILE | show FILE | export-key | render FILE | rotate-key`.

verify exits 0 when the signature holds, 1 (with the reason) when it does not, 2 for bad input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from station.cli.output import add_json_flag, emit
from station.errors import BadInput


def register(sub) -> None:
    p = sub.add_parser("report", help="verify, show and render signed condition reports; export the key")
    cmds = p.add_subparsers(dest="report_command", metavar="ACTION", required=True)

    v = cmds.add_parser("verify", help="check a report's signature (exit 0 valid, 1 invalid)")
    v.add_argument("file", help="the report's .jws file")
    v.add_argument("--key", action="append", default=[], metavar="PEM_OR_JWK",
                   help="also trust this public key file (a report from another station)")
    add_json_flag(v)
    v.set_defaults(func=run_verify)

    s = cmds.add_parser("show", help="print a report (verified first; IMEI masked with --public)")
    s.add_argument("file")
    s.add_argument("--public", action="store_true", help="show what viewers see (masked IMEI/serial)")
    s.add_argument("--key", action="append", default=[], metavar="PEM_OR_JWK")
    add_json_flag(s)
    s.set_defaults(func=run_show)

    k = cmds.add_parser("export-key", help="print the station's public key (active, or --kid)")
    k.add_argument("--format", choices=("pem", "jwk", "jwks"), default="pem",
                   help="pem, jwk, or jwks (every key ever used, for verifying old reports)")
    k.add_argument("--kid", help="a specific (e.g. rotated-out) key id")
    k.add_argument("--out", help="write to this file instead of stdout")
    add_json_flag(k)
    k.set_defaults(func=run_export_key)

    r = cmds.add_parser("render", help="write the HTML page, PDF and PNG card of a report")
    r.add_argument("file")
    r.add_argument("--out", help="folder (default: next to the report)")
    r.add_argument("--staff", action="store_true", help="unmasked copy for the after-sales desk")
    r.add_argument("--base-url", help="verification base URL (default $STATION_VERIFY_BASE_URL)")
    r.add_argument("--key", action="append", default=[], metavar="PEM_OR_JWK")
    add_json_flag(r)
    r.set_defaults(func=run_render)

    rot = cmds.add_parser("rotate-key", help="start signing with a new key (old reports still verify)")
    add_json_flag(rot)
    rot.set_defaults(func=run_rotate)


def _extra_keys(paths) -> list:
    from station.report import load_public_key

    keys = []
    for path in paths:
        file = Path(path)
        if not file.is_file():
            raise BadInput(f"key file {path} not found", "export it with: station report export-key --out FILE")
        keys.append(load_public_key(file.read_text(encoding="utf-8")))
    return keys


def _verified(args):
    from station.report import verify_report_file

    return verify_report_file(args.file, extra_keys=_extra_keys(args.key))


def run_verify(args) -> int:
    from station.report import VerificationFailed

    try:
        verified = _verified(args)
    except VerificationFailed as exc:
        emit({"valid": False, "file": args.file, "reason": exc.message}, args.json,
             lambda r: f"INVALID: {r['reason']}")
        return 1
    payload = verified.payload
    result = {"valid": True, "file": args.file, "report_id": payload["report_id"], "key_id": verified.kid,
              "station_id": payload["station"]["id"], "issued_at": payload["issued_at"]}
    emit(result, args.json, lambda r: f"VALID: report {r['report_id']} signed by station {r['station_id']} "
                                      f"(key {r['key_id']}) at {r['issued_at']}")
    return 0


def _human_report(payload: dict) -> str:
    from station.report.labels import label, sections

    lines = [f"{label('title')}  {payload['report_id']}"]
    for section in sections(payload):
        lines.append(f"\n[{label(section.key)}]")
        lines.extend(f"  {label(key)}: {value}" for key, value in section.rows)
    return "\n".join(lines)


def run_show(args) -> int:
    from station.report import VerificationFailed, public_view

    try:
        payload = _verified(args).payload
    except VerificationFailed as exc:
        print(f"station: report does not verify: {exc.message}", file=sys.stderr)
        emit({"valid": False, "reason": exc.message}, args.json, lambda r: f"INVALID: {r['reason']}")
        return 1
    view = public_view(payload) if args.public else payload
    emit(view, args.json, _human_report)
    return 0


def run_export_key(args) -> int:
    from station.report import default_keyring

    ring = default_keyring()
    if args.format == "jwks":
        text = json.dumps(ring.export_jwks(), indent=2)
    else:
        text = ring.export(args.format, args.kid)
    if args.out:
        Path(args.out).write_text(text if text.endswith("\n") else text + "\n", encoding="ascii")
    if args.json:
        emit({"kid": args.kid or ring.signing_key().kid, "format": args.format, "key": text,
              "out": args.out}, True)
    elif not args.out:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def run_render(args) -> int:
    from station.report import verify_url
    from station.report.render import render_all

    payload = _verified(args).payload
    out = Path(args.out) if args.out else Path(args.file).resolve().parent
    written = render_all(payload, out, verify_url=verify_url(payload["report_id"], args.base_url),
                         public=not args.staff)
    emit({k: str(v) for k, v in written.items()}, args.json,
         lambda r: "\n".join(f"{k}: {v}" for k, v in r.items()))
    return 0


def run_rotate(args) -> int:
    from station.report import default_keyring

    ring = default_keyring()
    old = ring.signing_key().kid
    new = ring.rotate().kid
    emit({"old_kid": old, "kid": new, "public_keys": sorted(ring.public_keys())}, args.json,
         lambda r: f"now signing with {r['kid']} (old key {r['old_kid']} kept for verification)")
    return 0
