"""`station imei check IMEI... [--json]` and `station imei read IMAGE [--json]`."""

from __future__ import annotations

from station.cli.output import add_json_flag, emit
from station.errors import EXIT_OK, EXIT_VERDICT


def register(sub) -> None:
    p = sub.add_parser("imei", help="check IMEIs (Luhn, TAC model, blocklist) or read them from a *#06# photo")
    cmds = p.add_subparsers(dest="imei_command", metavar="ACTION", required=True)
    check = cmds.add_parser("check", help="validate IMEIs and look up their TAC; cross-check with --model")
    check.add_argument("imeis", nargs="+", metavar="IMEI", help="14, 15 or 16 digits (separators allowed)")
    check.add_argument("--brand", help="the brand the phone reports (for the TAC cross-check)")
    check.add_argument("--model", help="the model the phone reports (for the TAC cross-check)")
    check.add_argument("--screen", nargs="*", default=None, metavar="IMEI",
                       help="IMEIs read from the *#06# screen, to cross-check against the others")
    check.add_argument("--blocklist", help="CSV blocklist (default $STATION_HOME/imei/blocklist.csv)")
    add_json_flag(check)
    check.set_defaults(func=run_check)
    read = cmds.add_parser("read", help="read IMEIs from a photo of the *#06# screen (barcodes)")
    read.add_argument("image", help="PNG/JPEG photo of the phone showing *#06#")
    add_json_flag(read)
    read.set_defaults(func=run_read)


def describe(number: str) -> dict:
    from station.imei import InvalidImei, imei_type, lookup, to_imei, validate

    try:
        value = validate(number)
    except InvalidImei as exc:
        return {"input": number, "valid": False, "error": exc.message, "hint": exc.hint}
    entry = lookup(value)
    return {"input": number, "valid": True, "type": imei_type(value), "compact": value,
            "imei": to_imei(value), "tac": value[:8], "tac_entry": entry.to_dict() if entry else None}


def run_check(args) -> int:
    from station.imei import CsvBlocklist, cross_check

    numbers = [describe(n) for n in args.imeis]
    blocklist = CsvBlocklist(args.blocklist)
    verdict = cross_check([n["imei"] if n["valid"] else n["input"] for n in numbers], args.screen,
                          brand=args.brand, model=args.model, blocklist=blocklist, usb_label="given")
    if args.model is None:
        # without a reported model there is nothing to cross-check the TAC against
        verdict["reasons"] = [r for r in verdict["reasons"] if not r.startswith("TAC ")]
        verdict["verdict"] = "fail" if verdict["reasons"] else "pass"
    result = {"numbers": numbers, **verdict}

    def human(doc: dict) -> str:
        lines = []
        for n in doc["numbers"]:
            if n["valid"]:
                tac = n["tac_entry"]
                lines.append(f"{n['compact']}: valid {n['type']}, TAC {n['tac']} = "
                             f"{tac['brand'] + ' ' + tac['model'] if tac else 'unknown'}")
            else:
                lines.append(f"{n['input']}: INVALID — {n['error']}")
        lines.append(f"verdict: {doc['verdict']}")
        lines += [f"  reason: {r}" for r in doc["reasons"]] + [f"  note: {x}" for x in doc["notes"]]
        return "\n".join(lines)

    emit(result, args.json, human)
    return EXIT_OK if result["verdict"] == "pass" else EXIT_VERDICT


def run_read(args) -> int:
    from station.imei.screen import read_imeis_from_image
    from station.errors import VerdictFailed

    result = read_imeis_from_image(args.image)
    if not result["imeis"]:
        raise VerdictFailed(f"no IMEI barcode found in {args.image}",
                            "photograph the *#06# screen straight on, in focus, with the barcodes fully visible")
    result["numbers"] = [describe(i) for i in result["imeis"]]
    emit(result, args.json, lambda d: "\n".join(d["imeis"]))
    return EXIT_OK
