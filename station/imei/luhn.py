"""IMEI and IMEISV numbers (3GPP TS 23.003 §6.2): TAC (8) + SNR (6) + check digit (Luhn), or
TAC + SNR + SVN (2) for the 16-digit IMEISV, which carries no check digit. A 14-digit IMEI is the
form without its check digit (`add_check_digit` completes it).
"""

from __future__ import annotations

from station.errors import BadInput

SEPARATORS = " -./"


class InvalidImei(BadInput):
    """Not a usable IMEI."""


class InvalidFormat(InvalidImei):
    pass


class InvalidLength(InvalidImei):
    pass


class InvalidChecksum(InvalidImei):
    pass


def compact(number: str) -> str:
    """Strip separators and surrounding space: '35-417803-685978-9' → '354178036859789'."""
    return "".join(ch for ch in str(number) if ch not in SEPARATORS).strip().upper()


def luhn_checksum(digits: str) -> int:
    """Luhn sum mod 10 (0 for a valid number)."""
    total = 0
    for position, ch in enumerate(reversed(digits)):
        value = int(ch)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10


def calc_check_digit(digits: str) -> str:
    """The digit that makes `digits` + it Luhn-valid."""
    return str((10 - luhn_checksum(digits + "0")) % 10)


def validate(number: str) -> str:
    """Compact form of a valid IMEI (14 or 15 digits) or IMEISV (16); raise InvalidImei otherwise."""
    value = compact(number)
    if not value.isdigit() or not value.isascii():
        raise InvalidFormat(f"{number!r} is not an IMEI: it must contain only digits",
                            "type the 15 digits shown by dialling *#06#")
    if len(value) == 15:
        if luhn_checksum(value) != 0:
            raise InvalidChecksum(f"IMEI {value} fails its check digit (Luhn): expected "
                                  f"{calc_check_digit(value[:14])}, found {value[14]}",
                                  "re-read the number; one digit is wrong or the IMEI was tampered with")
    elif len(value) not in (14, 16):
        raise InvalidLength(f"{number!r} has {len(value)} digits; an IMEI has 15 (14 without the check "
                            "digit, 16 as IMEISV)", "re-read the number from *#06#")
    return value


def is_valid(number: str) -> bool:
    try:
        validate(number)
        return True
    except InvalidImei:
        return False


def is_valid_imei(number: str) -> bool:
    """A full 15-digit IMEI whose check digit is right."""
    value = compact(number)
    return len(value) == 15 and is_valid(value)


def imei_type(number: str) -> str | None:
    """'IMEI', 'IMEISV' or None (invalid)."""
    try:
        value = validate(number)
    except InvalidImei:
        return None
    return "IMEISV" if len(value) == 16 else "IMEI"


def split(number: str) -> tuple[str, str, str]:
    """(TAC, SNR, check digit or SVN)."""
    value = compact(number)
    return value[:8], value[8:14], value[14:]


def add_check_digit(number: str) -> str:
    """14 digits → the 15-digit IMEI; a valid 15-digit IMEI is returned as is."""
    value = validate(number)
    if len(value) == 14:
        return value + calc_check_digit(value)
    if len(value) == 15:
        return value
    raise InvalidLength(f"{value} is an IMEISV; it has no check digit", "use the 15-digit IMEI")


def to_imei(number: str) -> str:
    """The 15-digit IMEI for any valid form (an IMEISV's TAC+SNR gets its check digit)."""
    value = validate(number)
    return value if len(value) == 15 else value[:14] + calc_check_digit(value[:14])


def format(number: str, separator: str = "-", add_check_digit: bool = False) -> str:  # noqa: A001
    """Standard presentation: 'AA-BBBBBB-CCCCCC-D' (TAC split 2+6, then SNR, then CD/SVN)."""
    value = compact(number)
    if len(value) == 14 and add_check_digit:
        value += calc_check_digit(value)
    parts = (value[:2], value[2:8], value[8:14], value[14:])
    return separator.join(part for part in parts if part)


def mask(number: str) -> str:
    """Public form: TAC and last 3 digits only (DESIGN.md: public pages never show a full IMEI)."""
    value = compact(number)
    return value[:8] + "*" * max(0, len(value) - 11) + value[-3:] if len(value) > 11 else value
