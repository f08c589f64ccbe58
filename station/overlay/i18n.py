"""The overlay's words in zh-CN (default) and English (`?lang=en`)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "直播验机", "steps": "检测步骤", "model": "机型", "battery": "电池健康",
        "screen": "屏幕", "cosmetic": "外观", "imei": "IMEI 校验", "overall": "综合成色",
        "imei_pass": "一致", "imei_fail": "不一致", "flagged": "待复核 · 不可售",
        "warranty": "180 天保修 · 至 {date}", "scan": "扫码验证报告", "defects": "处瑕疵",
        "no_defects": "无瑕疵", "paused": "已暂停", "waiting": "等待手机…", "report": "报告编号",
        "verify_title": "验机报告验证", "verified": "签名有效 · 报告未被篡改",
        "not_verified": "签名无效 · 报告不可信", "not_found": "未找到该报告",
        "issued": "签发时间", "inspected": "检测时间", "serial": "序列号", "period": "保修期",
        "grade_scale": "A 最好 · D 最差",
        "connect_rig": "连接检测台", "phone_placed": "放入手机", "identify": "识别手机",
        "step_imei": "IMEI 校验", "step_battery": "电池", "step_screen": "屏幕测试",
        "step_cosmetic": "外观拍摄", "verdict": "综合评级", "sign": "签名报告", "step_warranty": "保修登记",
    },
    "en": {
        "title": "Live inspection", "steps": "Steps", "model": "Model", "battery": "Battery health",
        "screen": "Screen", "cosmetic": "Body", "imei": "IMEI check", "overall": "Overall grade",
        "imei_pass": "match", "imei_fail": "mismatch", "flagged": "Flagged · not for sale",
        "warranty": "180-day warranty until {date}", "scan": "Scan to verify", "defects": "defects",
        "no_defects": "no defects", "paused": "Paused", "waiting": "Waiting for a phone…",
        "report": "Report", "verify_title": "Inspection report check",
        "verified": "Signature valid · report unaltered", "not_verified": "Signature INVALID · do not trust",
        "not_found": "No such report", "issued": "Issued", "inspected": "Inspected", "serial": "Serial",
        "period": "Warranty", "grade_scale": "A best · D worst",
        "connect_rig": "Connect rig", "phone_placed": "Phone placed", "identify": "Identify",
        "step_imei": "IMEI check", "step_battery": "Battery", "step_screen": "Screen patterns",
        "step_cosmetic": "Body photos", "verdict": "Verdict", "sign": "Sign report", "step_warranty": "Warranty",
    },
}


def pick_lang(value: str | None) -> str:
    """`en`/`en-US`… → en; anything else (or nothing) → zh, the default."""
    return "en" if value and value.lower().startswith("en") else "zh"
