"""The closing steps: the overall verdict, the signed report, the warranty record.

A report is issued only from a complete inspection (`InspectionRecord.is_complete`): every
measuring step done and a verdict reached. The report engine signs the report and stores the
warranty in one transaction; the warranty step then reads the record back to confirm it.
"""

from __future__ import annotations

from typing import Any

from station.errors import StationError
from station.inspection.devices import PartMissing, import_part
from station.inspection.machine import StepContext
from station.inspection.steps_capture import collect_grade
from station.inspection.verdict import overall_verdict

PHONE_KEYS = ("brand", "model", "device", "serial", "imeis", "android_release", "security_patch")
BATTERY_KEYS = ("health_permille", "cycle_count", "source", "grade")


class IncompleteInspection(StationError):
    """A report was asked for before every measurement was in."""


def _require_complete_so_far(ctx: StepContext, what: str) -> None:
    if ctx.inspection.missing:
        raise PartMissing(f"{what} needs every measuring step; not run: {', '.join(ctx.inspection.missing)}",
                          "install the missing parts and run the inspection again")


def verdict(ctx: StepContext) -> dict[str, Any]:
    _require_complete_so_far(ctx, "the verdict")
    grade_screen = lambda folder: import_part("station.grading.screen", "grade_screen_frameset")(folder)  # noqa: E731
    grade_cosmetic = lambda folder: import_part("station.grading.cosmetic", "grade_cosmetic_frameset")(folder)  # noqa: E731
    ctx.progress(0.1, message="waiting for the screen grade")
    collect_grade(ctx, "screen", grade_screen)
    ctx.progress(0.5, message="waiting for the cosmetic grade")
    collect_grade(ctx, "cosmetic", grade_cosmetic)
    for write in list(ctx.inspection.pending_writes):   # every evidence hash in before signing
        write.result()
    overall = overall_verdict(ctx.record.results)
    ctx.keep_result("overall", overall)
    ctx.result(grade=overall["grade"], rule=overall["rule"], reasons=overall["reasons"])
    return {"grade": overall["grade"]}


def _ints(value: Any) -> Any:
    """The signed payload holds no floats (RFC 8785 numbers are ambiguous): a whole float becomes
    an int; `<name>_mm` becomes `<name>_um` in micrometres; any other float `<name>_milli`."""
    if isinstance(value, float):
        return int(round(value))
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if isinstance(item, float) and item != int(item):
                if key.endswith("_mm"):
                    out[key[:-3] + "_um"] = int(round(item * 1000))
                else:
                    out[f"{key}_milli"] = int(round(item * 1000))
            else:
                out[key] = _ints(item)
        return out
    if isinstance(value, (list, tuple)):
        return [_ints(v) for v in value]
    return value


def inspection_payload(record) -> dict[str, Any]:
    """The inspection dict the report engine signs (integers, no floats)."""
    results = record.results
    if not record.is_complete():
        not_done = [s for s, e in record.steps.items() if e["status"] != "done"]
        raise IncompleteInspection(f"inspection {record.id} is not complete (not done: {', '.join(not_done)})",
                                   "finish the inspection; a report is only issued from complete data")
    phone = results["phone"]
    return _ints({
        "inspected_at": record.created_at,
        "phone": {k: phone.get(k) for k in PHONE_KEYS},
        "battery": {k: results["battery"].get(k) for k in BATTERY_KEYS},
        "screen": {"grade": results["screen"]["grade"], "defects": results["screen"].get("defects", [])},
        "cosmetic": {"grade": results["cosmetic"]["grade"], "label_zh": results["cosmetic"].get("label_zh"),
                     "defects": results["cosmetic"].get("defects", [])},
        "imei": {k: results["imei"].get(k) for k in ("verdict", "reasons", "notes", "sources")},
        "overall": {"grade": results["overall"]["grade"], "rule": results["overall"]["rule"]},
        "evidence": [{"name": e["name"], "sha256": e["sha256"]} for e in record.evidence],
    })


def sign(ctx: StepContext) -> dict[str, Any]:
    _require_complete_so_far(ctx, "the report")
    if ctx.record.report:
        return {"report_id": ctx.record.report["report_id"]}
    issue = import_part("station.report", "issue_report_and_warranty")
    render_copies = import_part("station.report", "render_copies")
    payload = inspection_payload(ctx.record)
    ctx.progress(0.3, message="signing")
    issued = issue(payload, sale_date=ctx.options.sale_date, order_id=ctx.options.order_id, render=False)
    report = {key: _str(getattr(issued, key, None)) for key in
              ("report_id", "warranty_id", "start", "end", "jws_path", "public_key_path")}
    ctx.record.report = report
    ctx.record.save()
    ctx.inspection.bus.emit("report_issued", "sign", **report)
    # The printable copies (PDF ~55 ms of CPU; HTML and PNG card ~30 ms) come from the signed report,
    # after the warranty step: rendered alongside it they slowed its few database calls (GIL) by
    # more than they took. The inspection ends once they are written; the PDF and the others on
    # two workers.
    for formats in (("pdf",), ("html", "png")):
        ctx.inspection.defer_write(render_copies, issued, formats)
    return {"report_id": report["report_id"]}


def warranty(ctx: StepContext) -> dict[str, Any]:
    _require_complete_so_far(ctx, "the warranty")
    report = ctx.record.report
    if not report:
        raise IncompleteInspection("no report was issued", "run the sign step first")
    registry_cls = import_part("station.warranty", "WarrantyRegistry")
    registry = registry_cls()
    try:   # read it back: the warranty desk must find this phone by its report
        rows = registry.lookup(report_id=report["report_id"])
    finally:
        registry.close()
    # The report's copies (see sign); if this step fails, the inspection's end writes them.
    ctx.inspection.flush_deferred_writes()
    if not rows or rows[0].get("warranty_id") != report["warranty_id"]:
        raise IncompleteInspection(f"warranty {report['warranty_id']} is not in the registry",
                                   "run `station warranty lookup --report " + report["report_id"] + "`")
    ctx.result(warranty_id=report["warranty_id"], start=report["start"], end=report["end"],
               status=rows[0].get("status"))
    return {"warranty_id": report["warranty_id"], "end": report["end"]}


def _str(value: Any) -> Any:
    return value if value is None or isinstance(value, (str, int)) else str(value)
