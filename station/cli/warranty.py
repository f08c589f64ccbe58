"""`station warranty issue|lookup|claim|void|list|export|audit`, each with --json.

lookup exits 1 when nothing matches (a negative answer), 0 otherwise.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from station.cli.output import add_json_flag, emit
from station.errors import BadInput


def register(sub) -> None:
    p = sub.add_parser("warranty", help="issue, look up, claim and export 180-day warranties")
    cmds = p.add_subparsers(dest="warranty_command", metavar="ACTION", required=True)

    i = cmds.add_parser("issue", help="sign a report and register its warranty from an inspection JSON")
    i.add_argument("inspection", help="inspection JSON file (the dict the workflow passes)")
    i.add_argument("--sale-date", help="YYYY-MM-DD (default: today)")
    i.add_argument("--order-id")
    i.add_argument("--buyer-contact", help="kept private: never in the report or public pages")
    i.add_argument("--no-render", action="store_true", help="skip the HTML/PDF/PNG renderings")
    add_json_flag(i)
    i.set_defaults(func=run_issue)

    lk = cmds.add_parser("lookup", help="find warranties by IMEI, serial, report id or order id")
    key = lk.add_mutually_exclusive_group(required=True)
    key.add_argument("--imei")
    key.add_argument("--serial")
    key.add_argument("--report", metavar="REPORT_ID")
    key.add_argument("--order", metavar="ORDER_ID")
    key.add_argument("--warranty", metavar="WARRANTY_ID")
    lk.add_argument("--private", action="store_true", help="include buyer contact (staff only)")
    add_json_flag(lk)
    lk.set_defaults(func=run_lookup)

    c = cmds.add_parser("claim", help="open or resolve a claim")
    claim_cmds = c.add_subparsers(dest="claim_command", metavar="open|resolve", required=True)
    co = claim_cmds.add_parser("open", help="open a claim on a warranty")
    co.add_argument("warranty_id")
    co.add_argument("--reason", required=True)
    co.add_argument("--photo", action="append", default=[], help="photo path (repeatable)")
    co.add_argument("--allow-expired", action="store_true", help="record a goodwill claim after the end date")
    add_json_flag(co)
    co.set_defaults(func=run_claim_open)
    cr = claim_cmds.add_parser("resolve", help="resolve an open claim")
    cr.add_argument("claim_id")
    cr.add_argument("--outcome", required=True, choices=("repaired", "replaced", "refunded", "rejected"))
    cr.add_argument("--note")
    add_json_flag(cr)
    cr.set_defaults(func=run_claim_resolve)

    vd = cmds.add_parser("void", help="void a warranty (kept on record)")
    vd.add_argument("warranty_id")
    vd.add_argument("--reason", required=True)
    add_json_flag(vd)
    vd.set_defaults(func=run_void)

    ls = cmds.add_parser("list", help="warranties sold in a date range")
    _range_args(ls)
    ls.add_argument("--status", choices=("active", "expired", "claimed", "void"))
    ls.add_argument("--limit", type=int, default=1000, help="at most this many rows (default 1000; "
                    "use export for everything)")
    add_json_flag(ls)
    ls.set_defaults(func=run_list)

    ex = cmds.add_parser("export", help="CSV of warranties sold in a date range")
    _range_args(ex)
    ex.add_argument("--out", help="CSV file (default: stdout)")
    ex.add_argument("--private", action="store_true", help="include buyer contact column")
    add_json_flag(ex)
    ex.set_defaults(func=run_export)

    au = cmds.add_parser("audit", help="the append-only change log (who, when, what)")
    au.add_argument("--id", dest="entity_id", help="only entries about this warranty or claim id")
    add_json_flag(au)
    au.set_defaults(func=run_audit)

    for parser in (i, co, cr, vd):
        parser.add_argument("--actor", help="who is making the change (default $STATION_ACTOR or login)")


def _range_args(parser) -> None:
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first sale date (inclusive)")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last sale date (inclusive)")


def _registry():
    from station.warranty import WarrantyRegistry

    return WarrantyRegistry()


def _human_warranty(w: dict) -> str:
    lines = [f"{w['warranty_id']}  [{w['status']}]  {w['brand'] or ''} {w['model'] or ''}  grade {w['overall_grade']}",
             f"  report {w['report_id']}   sold {w['sale_date']}   valid {w['start']} → {w['end']}",
             f"  IMEI {' / '.join(w['imeis'])}   serial {w['serial']}   order {w['order_id'] or '-'}"]
    if "buyer_contact" in w:
        lines.append(f"  buyer {w['buyer_contact'] or '-'}")
    for claim in w.get("claims", []):
        outcome = claim["resolution"] or "open"
        lines.append(f"  claim {claim['claim_id']} [{outcome}] {claim['opened_at']}: {claim['reason']}")
    return "\n".join(lines)


def run_issue(args) -> int:
    from station.warranty import issue_report_and_warranty

    path = Path(args.inspection)
    try:
        inspection = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BadInput(f"inspection file {path} not found", "pass the inspection JSON the workflow saved") from exc
    except json.JSONDecodeError as exc:
        raise BadInput(f"{path} is not JSON ({exc})", "pass the inspection JSON the workflow saved") from exc
    issued = issue_report_and_warranty(inspection, sale_date=args.sale_date, order_id=args.order_id,
                                       buyer_contact=args.buyer_contact, actor=args.actor,
                                       render=not args.no_render)
    emit(issued.to_dict(), args.json,
         lambda r: f"issued report {r['report_id']} with warranty {r['warranty_id']} "
                   f"({r['start']} → {r['end']})\n  {r['jws_path']}\n  verify: {r['verify_url']}")
    return 0


def run_lookup(args) -> int:
    with _registry() as registry:
        found = registry.lookup(imei=args.imei, serial=args.serial, report_id=args.report,
                                order_id=args.order, warranty_id=args.warranty, include_private=args.private)
    emit({"count": len(found), "warranties": found}, args.json,
         lambda r: "\n\n".join(_human_warranty(w) for w in r["warranties"]) or "no warranty found")
    return 0 if found else 1


def run_claim_open(args) -> int:
    with _registry() as registry:
        claim = registry.open_claim(args.warranty_id, args.reason, args.photo, actor=args.actor,
                                    allow_expired=args.allow_expired)
    emit(claim, args.json, lambda c: f"opened claim {c['claim_id']} on {c['warranty_id']}")
    return 0


def run_claim_resolve(args) -> int:
    with _registry() as registry:
        claim = registry.resolve_claim(args.claim_id, args.outcome, args.note, actor=args.actor)
    emit(claim, args.json, lambda c: f"claim {c['claim_id']} resolved: {c['resolution']}")
    return 0


def run_void(args) -> int:
    with _registry() as registry:
        warranty = registry.void(args.warranty_id, args.reason, actor=args.actor)
    emit(warranty, args.json, _human_warranty)
    return 0


def run_list(args) -> int:
    with _registry() as registry:
        rows = registry.list(date_from=args.date_from, date_to=args.date_to, status=args.status,
                             limit=args.limit + 1)
    truncated = len(rows) > args.limit
    rows = rows[: args.limit]
    emit({"count": len(rows), "truncated": truncated, "warranties": rows}, args.json,
         lambda r: "\n".join(f"{w['warranty_id']}  {w['status']:<8} {w['sale_date']}  {' '.join(w['imeis'])}"
                             f"  {w['brand'] or ''} {w['model'] or ''}" for w in r["warranties"])
         or "no warranties in that range")
    return 0


def run_export(args) -> int:
    with _registry() as registry:
        if args.out:
            with open(args.out, "w", encoding="utf-8", newline="") as handle:
                count = registry.export_csv(handle, date_from=args.date_from, date_to=args.date_to,
                                            include_private=args.private)
        elif args.json:
            raise BadInput("--json needs --out for export (stdout carries the JSON summary)",
                           "add --out FILE.csv")
        else:
            count = registry.export_csv(sys.stdout, date_from=args.date_from, date_to=args.date_to,
                                        include_private=args.private)
    if args.out:
        emit({"rows": count, "out": args.out}, args.json, lambda r: f"wrote {r['rows']} rows to {r['out']}")
    return 0


def run_audit(args) -> int:
    with _registry() as registry:
        if args.entity_id:
            # a warranty's log includes its claims' entries, which name it in their detail
            entries = [e for e in registry.audit_log()
                       if args.entity_id in (e["entity_id"], e["detail"].get("warranty_id"))]
        else:
            entries = registry.audit_log()
    emit({"count": len(entries), "entries": entries}, args.json,
         lambda r: "\n".join(f"{e['seq']:>6} {e['at']} {e['actor']:<12} {e['action']:<14} {e['entity_id']}  "
                             f"{json.dumps(e['detail'], ensure_ascii=False)}" for e in r["entries"])
         or "no entries")
    return 0
