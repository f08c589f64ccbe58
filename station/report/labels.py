"""What a rendering shows, in zh-CN and English: labels plus the report laid out as sections.

All three renderings (HTML, PDF, PNG card) draw from `sections(view)` so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

LABELS: dict[str, tuple[str, str]] = {
    "title": ("验机报告", "Condition report"),
    "report_id": ("报告编号", "Report ID"),
    "issued_at": ("签发时间", "Issued"),
    "inspected_at": ("检测时间", "Inspected"),
    "station": ("检测站", "Station"),
    "key_id": ("签名密钥", "Signing key"),
    "phone": ("手机", "Phone"),
    "model": ("型号", "Model"),
    "serial": ("序列号", "Serial"),
    "imeis": ("IMEI", "IMEI"),
    "android": ("系统版本", "Android"),
    "patch": ("安全补丁", "Security patch"),
    "overall": ("综合成色", "Overall grade"),
    "rule": ("评级规则", "Rule"),
    "battery": ("电池", "Battery"),
    "health": ("健康度", "Health"),
    "cycles": ("循环次数", "Cycles"),
    "source": ("数据来源", "Source"),
    "grade": ("等级", "Grade"),
    "screen": ("屏幕", "Screen"),
    "cosmetic": ("外观", "Cosmetic"),
    "defects": ("瑕疵", "Defects"),
    "none": ("无", "none"),
    "imei_check": ("IMEI 核验", "IMEI check"),
    "verdict": ("结论", "Verdict"),
    "pass": ("通过", "pass"),
    "fail": ("未通过", "fail"),
    "sources": ("来源", "Sources"),
    "warranty": ("质保", "Warranty"),
    "warranty_id": ("质保编号", "Warranty ID"),
    "period": ("有效期", "Valid"),
    "days": ("天", "days"),
    "evidence": ("证据照片", "Evidence frames"),
    "verify": ("扫码验证", "Scan to verify"),
    "signed_note": ("本报告经检测站 Ed25519 密钥签名，任何改动都会导致验证失败。",
                    "Signed with the station's Ed25519 key; any change makes verification fail."),
    "masked_note": ("公开版本隐藏部分 IMEI 与序列号，不含买家信息。",
                    "Public copy: IMEI and serial partly hidden; no buyer data."),
    "unknown": ("未知", "unknown"),
}


def label(key: str, lang: str = "both") -> str:
    zh, en = LABELS[key]
    if zh == en:
        return en
    return {"zh": zh, "en": en}.get(lang, f"{zh} {en}")


@dataclass(frozen=True)
class Section:
    key: str
    rows: list[tuple[str, str]]


def permille_text(value) -> str:
    if value is None:
        return label("unknown")
    return f"{value // 10}.{value % 10} %"


DEFECT_KINDS: dict[str, str] = {
    "scratch": "划痕", "crack": "裂纹", "dent": "磕碰", "scuff": "擦痕", "missing_part": "缺件",
    "dead_pixel": "坏点", "stuck_pixel": "亮点", "line": "线条", "bright_spot": "亮斑",
    "dark_spot": "暗斑", "burn_in": "烧屏",
}
FACES: dict[str, str] = {"back": "背面", "front": "正面", "left": "左侧", "right": "右侧",
                         "top": "顶部", "bottom": "底部"}


def _mm(micrometres) -> str:
    return f"{micrometres / 1000:.1f} mm"


def defect_text(defect: dict) -> str:
    """One defect for people: kind (zh + en), where, and its size, e.g. '划痕 scratch 背面 back 14.2 mm'.

    Grader internals (strengths, pixel boxes of cosmetic frames) stay in the signed data only.
    """
    if not isinstance(defect, dict):
        return str(defect)
    kind = str(defect.get("kind", "?"))
    parts = [f"{DEFECT_KINDS[kind]} {kind}" if kind in DEFECT_KINDS else kind]
    face = defect.get("face")
    if face:
        parts.append(f"{FACES[face]} {face}" if face in FACES else str(face))
    if isinstance(defect.get("length_um"), int):
        parts.append(_mm(defect["length_um"]))
    if isinstance(defect.get("diameter_um"), int):
        parts.append("dia. " + _mm(defect["diameter_um"]))
    if not face and isinstance(defect.get("x"), int) and isinstance(defect.get("y"), int):
        parts.append(f"@ ({defect['x']}, {defect['y']})")  # screen defects: display pixels
    if defect.get("severity"):
        parts.append(str(defect["severity"]))
    return " ".join(parts)


def defects_text(defects: list) -> str:
    if not defects:
        return label("none")
    shown = [defect_text(d) for d in defects[:6]]
    more = f" (+{len(defects) - 6})" if len(defects) > 6 else ""
    return "; ".join(shown) + more


def _text(value) -> str:
    return label("unknown") if value in (None, "") else str(value)


def sections(view: dict) -> list[Section]:
    """The report (already public-masked or not) as labelled rows, in display order."""
    phone, battery, screen = view["phone"], view["battery"], view["screen"]
    cosmetic, imei, overall, warranty = view["cosmetic"], view["imei"], view["overall"], view["warranty"]
    cosmetic_grade = _text(cosmetic.get("grade"))
    if cosmetic.get("label_zh"):
        cosmetic_grade += f" · {cosmetic['label_zh']}"
    verdict = imei.get("verdict")
    return [
        Section("phone", [
            ("model", " ".join(str(p) for p in (phone.get("brand"), phone.get("model")) if p)
             + (f" ({phone['device']})" if phone.get("device") else "")),
            ("serial", _text(phone.get("serial"))),
            ("imeis", " / ".join(phone.get("imeis") or [])),
            ("android", _text(phone.get("android_release"))),
            ("patch", _text(phone.get("security_patch"))),
        ]),
        Section("overall", [("grade", _text(overall.get("grade"))), ("rule", _text(overall.get("rule")))]),
        Section("battery", [
            ("grade", _text(battery.get("grade"))),
            ("health", permille_text(battery.get("health_permille"))),
            ("cycles", _text(battery.get("cycle_count"))),
            ("source", _text(battery.get("source"))),
        ]),
        Section("screen", [("grade", _text(screen.get("grade"))), ("defects", defects_text(screen.get("defects")))]),
        Section("cosmetic", [("grade", cosmetic_grade), ("defects", defects_text(cosmetic.get("defects")))]),
        Section("imei_check", [
            ("verdict", label(verdict) if verdict in ("pass", "fail") else _text(verdict)),
            ("sources", ", ".join(imei.get("sources") or []) or label("none")),
        ]),
        Section("warranty", [
            ("warranty_id", warranty["id"]),
            ("period", f"{warranty['start']} → {warranty['end']} ({warranty.get('days', '')} {label('days')})"),
        ]),
        Section("report_id", [
            ("report_id", view["report_id"]),
            ("inspected_at", view["inspected_at"]),
            ("issued_at", view["issued_at"]),
            ("station", view["station"]["id"]),
            ("key_id", view["station"]["key_id"]),
            ("evidence", f"{len(view.get('evidence') or [])} × SHA-256"),
        ]),
    ]
