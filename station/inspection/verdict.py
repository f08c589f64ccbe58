"""The overall verdict: one pure rule table from the component results to a sale grade.

Rules, first match wins (documented in docs/overlay.md and docs/inspection.md):

| # | condition                                          | overall     |
|---|----------------------------------------------------|-------------|
| 1 | IMEI check failed (Luhn, TAC, USB ≠ *#06# screen)  | `FLAGGED`   |
| 2 | phone is FRP/activation locked                     | `FLAGGED`   |
| 3 | battery reading flagged (unit error, not graded)   | `FLAGGED`   |
| 4 | otherwise                                          | worst of battery, screen, cosmetic (A best … D worst) |

`FLAGGED` means "no sale grade": the phone must not be sold as graded until a person has looked
at it; the report still records every measurement and the reasons.
"""

from __future__ import annotations

from typing import Any

GRADES = ("A", "B", "C", "D")
FLAGGED = "FLAGGED"
COMPONENTS = ("battery", "screen", "cosmetic")


class VerdictInputError(ValueError):
    """A component result without a usable grade."""


def _grade_of(results: dict[str, Any], name: str) -> str | None:
    part = results.get(name) or {}
    grade = part.get("grade")
    if grade is None or grade == FLAGGED:
        return None
    if grade not in GRADES:
        raise VerdictInputError(f"{name} grade {grade!r} is not one of {', '.join(GRADES)} or {FLAGGED}")
    return grade


def overall_verdict(results: dict[str, Any]) -> dict[str, Any]:
    """`{"grade", "rule", "reasons"}` from `results` holding battery/screen/cosmetic/imei/phone."""
    imei = results.get("imei") or {}
    if imei.get("verdict") != "pass":
        reasons = list(imei.get("reasons") or ["IMEI check did not pass"])
        return {"grade": FLAGGED, "rule": "imei_fail", "reasons": reasons}
    phone = results.get("phone") or {}
    if phone.get("frp_locked") is True:
        return {"grade": FLAGGED, "rule": "frp_locked",
                "reasons": ["factory-reset protection is on: the phone is still tied to an account"]}
    battery = results.get("battery") or {}
    if battery.get("grade") in (None, FLAGGED):
        reason = battery.get("flag") or "battery health could not be graded"
        return {"grade": FLAGGED, "rule": "battery_flagged", "reasons": [reason]}
    grades = {}
    for name in COMPONENTS:
        grade = _grade_of(results, name)
        if grade is None:
            raise VerdictInputError(f"{name} has no grade: the inspection is incomplete")
        grades[name] = grade
    worst = max(grades.values(), key=GRADES.index)
    limiting = [name for name, grade in grades.items() if grade == worst]
    return {"grade": worst, "rule": "worst_of",
            "reasons": [f"worst of battery {grades['battery']}, screen {grades['screen']}, "
                        f"cosmetic {grades['cosmetic']}: {', '.join(limiting)} {worst}"]}
