"""ADB over USB with pyusb: find the ADB interface (class 0xFF, subclass 0x42, protocol 0x01 —
AOSP adb/adb.h), claim it, and move bytes over its two bulk endpoints.

libusb's errors become what the user must do: BUSY (an `adb` server holds the interface) →
"run `adb kill-server`"; ACCESS → install the udev rule; NO_DEVICE → the phone was unplugged.
Any pyusb backend works, including the simulator's (`drivers.phone.sim_usb`).
"""

from __future__ import annotations

import array
import errno as errno_mod

import usb.core
import usb.util

from drivers.phone.errors import (DebuggingOff, PhoneError, PhoneNotFound, busy_error, permission_error,
                                  unplugged_error)
from drivers.phone.message import HEADER_SIZE, MAX_PAYLOAD
from drivers.phone.transport import Transport, TransportTimeout

ADB_CLASS, ADB_SUBCLASS, ADB_PROTOCOL = 0xFF, 0x42, 0x01
# A phone with debugging off still enumerates: MTP/PTP (interface class 0x06), or at least its
# maker's vendor id. CDC serial devices (the rig itself) must not be mistaken for a phone.
STILL_IMAGE_CLASS = 0x06
ANDROID_VENDOR_IDS = {0x18D1, 0x04E8, 0x2717, 0x12D1, 0x2A70, 0x22D9, 0x2D95, 0x22B8, 0x1004, 0x0FCE, 0x0BB4,
                      0x17EF, 0x19D2, 0x05C6, 0x0E8D, 0x1EBF, 0x2A45, 0x29A9}
LIBUSB_ERROR_ACCESS, LIBUSB_ERROR_NO_DEVICE, LIBUSB_ERROR_BUSY = -3, -4, -6


def is_adb_interface(intf) -> bool:
    return (intf.bInterfaceClass, intf.bInterfaceSubClass, intf.bInterfaceProtocol) == \
        (ADB_CLASS, ADB_SUBCLASS, ADB_PROTOCOL)


def find_adb_interface(dev):
    """(configuration, interface) of the ADB interface, or None."""
    for cfg in dev:
        for intf in cfg:
            if is_adb_interface(intf):
                return cfg, intf
    return None


def translate_usb_error(exc: usb.core.USBError, during: str) -> PhoneError | TransportTimeout:
    code, err = getattr(exc, "backend_error_code", None), getattr(exc, "errno", None)
    if isinstance(exc, usb.core.USBTimeoutError) or err == errno_mod.ETIMEDOUT:
        return TransportTimeout()
    if code == LIBUSB_ERROR_BUSY or err == errno_mod.EBUSY:
        return busy_error()
    if code == LIBUSB_ERROR_ACCESS or err in (errno_mod.EACCES, errno_mod.EPERM):
        return permission_error(str(exc))
    if code == LIBUSB_ERROR_NO_DEVICE or err in (errno_mod.ENODEV, errno_mod.ENOENT, errno_mod.EPIPE, errno_mod.EIO):
        return unplugged_error(during)
    return PhoneError(f"USB error during {during}: {exc}", "replug the phone; try another cable or port")


def _serial_of(dev) -> str | None:
    try:
        return usb.util.get_string(dev, dev.iSerialNumber) if dev.iSerialNumber else None
    except usb.core.USBError as exc:
        raise translate_usb_error(exc, "reading the serial number") from exc
    except ValueError:
        return None


class UsbTransport(Transport):
    def __init__(self, serial: str | None = None, backend=None) -> None:
        self._dev = self._pick(serial, backend)
        cfg, intf = find_adb_interface(self._dev)
        self._intf = intf.bInterfaceNumber
        try:
            try:
                active = self._dev.get_active_configuration()
            except usb.core.USBError:
                active = None
            if active is None or active.bConfigurationValue != cfg.bConfigurationValue:
                self._dev.set_configuration(cfg.bConfigurationValue)
            try:
                if self._dev.is_kernel_driver_active(self._intf):
                    self._dev.detach_kernel_driver(self._intf)
            except (NotImplementedError, usb.core.USBError):
                pass
            usb.util.claim_interface(self._dev, self._intf)
        except usb.core.USBError as exc:
            usb.util.dispose_resources(self._dev)
            raise translate_usb_error(exc, "opening the phone") from exc
        self._ep_in = usb.util.find_descriptor(intf, custom_match=lambda e: usb.util.endpoint_direction(
            e.bEndpointAddress) == usb.util.ENDPOINT_IN and usb.util.endpoint_type(e.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK)
        self._ep_out = usb.util.find_descriptor(intf, custom_match=lambda e: usb.util.endpoint_direction(
            e.bEndpointAddress) == usb.util.ENDPOINT_OUT and usb.util.endpoint_type(e.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK)
        if self._ep_in is None or self._ep_out is None:
            raise PhoneError("the phone's ADB interface lacks bulk endpoints", "replug the phone")
        self._buf = array.array("B", bytes(MAX_PAYLOAD + HEADER_SIZE))
        self.description = f"USB phone {self.serial or ''}".strip()
        self._discard_stale_input()

    def _discard_stale_input(self, max_reads: int = 64) -> None:
        # A session that ended mid-stream (a killed adb, a crash) can leave transfers queued on
        # the IN endpoint; reading them as replies to our CNXN would desynchronise the protocol.
        for _ in range(max_reads):
            try:
                self._ep_in.read(self._buf, 10)
            except usb.core.USBError:
                return

    @staticmethod
    def _pick(serial: str | None, backend):
        try:
            devices = list(usb.core.find(find_all=True, backend=backend))
        except usb.core.NoBackendError as exc:
            raise PhoneNotFound("libusb is not installed", "apt-get install libusb-1.0-0") from exc
        adb = [d for d in devices if find_adb_interface(d) is not None]
        if serial:
            adb = [d for d in adb if _serial_of(d) == serial]
        if adb:
            return adb[0]
        phones = [d for d in devices if d.idVendor in ANDROID_VENDOR_IDS
                  or any(i.bInterfaceClass == STILL_IMAGE_CLASS for c in d for i in c)]
        if phones and not serial:
            raise DebuggingOff(
                "a phone is connected but offers no ADB interface: USB debugging is off",
                "on the phone: Settings > About phone > tap Build number 7 times, then Settings > System > "
                "Developer options > USB debugging on; then replug",
            )
        wanted = f" with serial {serial}" if serial else ""
        raise PhoneNotFound(f"no phone{wanted} with USB debugging found on USB",
                            "plug the phone in (a data cable, not charge-only) and turn on USB debugging")

    @property
    def serial(self) -> str | None:
        try:
            return _serial_of(self._dev)
        except PhoneError:
            return None

    def write(self, data: bytes, timeout_s: float) -> None:
        # adbd reads the header and the payload as separate transfers
        parts = [data[:HEADER_SIZE]] + ([data[HEADER_SIZE:]] if len(data) > HEADER_SIZE else [])
        try:
            for part in parts:
                self._ep_out.write(part, max(1, int(timeout_s * 1000)))
                if len(part) > HEADER_SIZE and len(part) % self._ep_out.wMaxPacketSize == 0:
                    self._ep_out.write(b"", max(1, int(timeout_s * 1000)))      # zero-length packet ends it
        except usb.core.USBError as exc:
            raise translate_usb_error(exc, "a write") from exc

    def read(self, timeout_s: float) -> bytes:
        try:
            n = self._ep_in.read(self._buf, max(1, int(timeout_s * 1000)))
        except usb.core.USBError as exc:
            raise translate_usb_error(exc, "a read") from exc
        return self._buf[:n].tobytes()

    def close(self) -> None:
        try:
            usb.util.release_interface(self._dev, self._intf)
        except usb.core.USBError:
            pass
        usb.util.dispose_resources(self._dev)
