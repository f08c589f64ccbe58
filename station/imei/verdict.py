"""The IMEI verdict: cross-check every source and say exactly why it failed.

Sources: the IMEIs the phone reports over USB, the IMEIs read from a photo of its *#06# screen,
and the TAC database's model for each IMEI versus the model the phone reports. Any mismatch, an
invalid check digit or a blocklist hit fails the check; no IMEI at all fails it too (nothing to
vouch for). Output is the inspection dict's ``imei`` section: {verdict, reasons, sources}.
"""

from __future__ import annotations

from station.imei.blocklist import BlocklistProvider
from station.imei.luhn import compact, is_valid, is_valid_imei, mask, to_imei
from station.imei.tac import lookup, model_matches


def _clean(imeis: list[str] | None, label: str, reasons: list[str]) -> list[str]:
    out = []
    for raw in imeis or []:
        value = compact(raw)
        if len(value) == 16 and is_valid(value):
            value = to_imei(value)                 # an IMEISV on screen: compare its IMEI
        if not is_valid_imei(value):
            reasons.append(f"{label} IMEI {value} is not a valid 15-digit IMEI (check digit or length)")
            continue
        if value not in out:
            out.append(value)
    return out


def cross_check(usb_imeis: list[str] | None, screen_imeis: list[str] | None, *, brand: str | None,
                model: str | None, blocklist: BlocklistProvider | None = None, usb_label: str = "USB") -> dict:
    """`usb_label` names the first source in reasons (the CLI passes typed-in numbers there)."""
    reasons: list[str] = []
    notes: list[str] = []
    usb = _clean(usb_imeis, usb_label, reasons)
    screen = _clean(screen_imeis, "screen", reasons)
    if usb and screen and set(usb) != set(screen):
        only_usb, only_screen = sorted(set(usb) - set(screen)), sorted(set(screen) - set(usb))
        reasons.append(f"the IMEIs on the *#06# screen differ from the {usb_label} IMEIs "
                       f"({usb_label} only: {', '.join(only_usb) or '-'}; screen only: {', '.join(only_screen) or '-'})")
    all_imeis = usb + [i for i in screen if i not in usb]
    if not all_imeis:
        reasons.append("no valid IMEI from any source")
    elif not usb or not screen:
        notes.append(f"only one source ({usb_label if usb else 'screen'}); the other gave no IMEI")
    tac_models = []
    for imei in all_imeis:
        entry = lookup(imei)
        if entry is None:
            notes.append(f"TAC {imei[:8]} is not in the TAC database")
            tac_models.append({"imei_masked": mask(imei), "tac": imei[:8], "brand": None, "model": None})
            continue
        tac_models.append({"imei_masked": mask(imei), "tac": entry.tac, "brand": entry.brand, "model": entry.model})
        if not model_matches(entry, brand, model):
            reasons.append(f"TAC {entry.tac} belongs to {entry.brand} {entry.model}, "
                           f"but the phone reports {brand or '?'} {model or '?'}")
    if blocklist is not None:
        for imei in all_imeis:
            hit = blocklist.check(imei)
            if hit is not None:
                reasons.append(f"IMEI {imei} is on the blocklist ({hit.source}): {hit.reason}")
        if getattr(blocklist, "present", True) is False:
            notes.append(f"blocklist {getattr(blocklist, 'path', '')} not found: no blocklist check made")
    return {
        "verdict": "fail" if reasons else "pass",
        "reasons": reasons,
        "notes": notes,
        "imeis": all_imeis,
        "sources": {"usb": usb, "screen": screen, "tac": tac_models,
                    "blocklist": getattr(blocklist, "name", None)},
    }
