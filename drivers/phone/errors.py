"""What can go wrong between the station and a phone's adbd, each with what to do about it."""

from __future__ import annotations

from drivers.errors import DriverError

UDEV_RULE_PATH = "/etc/udev/rules.d/51-android.rules"


class PhoneError(DriverError):
    """Base of every phone failure."""


class ProtocolError(PhoneError):
    """Bytes that are not a valid ADB message (bad magic, checksum, length or command)."""


class BadPhoneUrl(PhoneError):
    """A phone URL that names no transport we know, or lacks its parts."""


class PhoneNotFound(PhoneError):
    """No phone answered at the given URL."""


class DebuggingOff(PhoneError):
    """The phone is there but USB (or wireless) debugging is switched off."""


class AuthPending(PhoneError):
    """The phone shows "Allow USB debugging?" and nobody tapped Allow before the timeout."""


class AuthRefused(PhoneError):
    """Someone tapped Deny on the phone's "Allow USB debugging?" dialog."""


class InterfaceBusy(PhoneError):
    """Another program (usually an `adb` server) holds the phone's ADB interface."""


class NoPermission(PhoneError):
    """The operating system does not let this user open the USB device."""


class PhoneDisconnected(PhoneError):
    """The phone went away (unplugged, rebooted) in the middle of a command."""


class ServiceFailed(PhoneError):
    """The phone refused to open a service (shell, sync) or a file pull failed."""


def busy_error() -> InterfaceBusy:
    return InterfaceBusy(
        "the phone's ADB interface is in use by another program (LIBUSB_ERROR_BUSY)",
        "an adb server is probably holding it: run `adb kill-server`, then try again",
    )


def permission_error(detail: str = "") -> NoPermission:
    return NoPermission(
        "no permission to open the phone's USB device (LIBUSB_ERROR_ACCESS)" + (f": {detail}" if detail else ""),
        f"install the udev rule shipped in drivers/phone/51-android.rules as {UDEV_RULE_PATH} "
        "(sudo cp drivers/phone/51-android.rules /etc/udev/rules.d/ && sudo udevadm control --reload-rules "
        "&& sudo udevadm trigger), add yourself to the plugdev group, then replug the phone; "
        "if an adb server holds the phone, run `adb kill-server`",
    )


def unplugged_error(during: str) -> PhoneDisconnected:
    return PhoneDisconnected(
        f"the phone disconnected during {during}",
        "check the cable and that the phone is still in the tray, plug it back in and run the step again",
    )
