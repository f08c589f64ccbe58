"""A pyusb backend (`usb.backend.IBackend`) that shows the simulated phone as a USB device.

The device has the descriptors a real phone has (an MTP interface, and — when USB debugging is
on — the ADB interface 0xFF/0x42/0x01 with a bulk IN and a bulk OUT endpoint). Bulk OUT bytes
are decoded into ADB messages for the same `AdbdEngine` the TCP twin uses; bulk IN returns the
engine's replies, header and payload as separate transfers like adbd. Faults model the real
failures: ``busy`` (an adb server claimed the interface), ``no_permission`` (no udev rule),
and the engine's unplug.
"""

from __future__ import annotations

import array
import errno
import threading
import time
from collections import deque
from types import SimpleNamespace

import usb.backend
import usb.core

from drivers.phone import message as m
from drivers.phone.sim_adbd import AdbdEngine, SimOptions
from drivers.scenario import Scenario, load_scenario
from drivers.simworld import world_for

USB_IDS = {"google": (0x18D1, 0x4EE7), "samsung": (0x04E8, 0x6860), "xiaomi": (0x2717, 0xFF48)}
EP_IN, EP_OUT, MAX_PACKET = 0x81, 0x01, 512
POLL_S = 0.002


def _usb_error(text: str, code: int, err: int) -> usb.core.USBError:
    return usb.core.USBError(text, code, err)


class SimUsbBackend(usb.backend.IBackend):
    def __init__(self, scenario: str | Scenario | None = None, options: SimOptions | None = None, *,
                 busy: bool = False, no_permission: bool = False) -> None:
        super().__init__()
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.world = world_for(self.scenario)
        self.options = options or SimOptions.for_scenario(self.scenario)
        self.busy, self.no_permission = busy, no_permission
        self.engine: AdbdEngine | None = None
        self._reader = m.MessageReader()
        self._transfers: deque[bytes] = deque()
        self._config = 0
        self._lock = threading.Lock()
        self._strings = {1: str(self.scenario.phone.get("manufacturer", "")),
                         2: str(self.scenario.phone.get("model", "")),
                         3: str(self.scenario.phone.get("serial", ""))}

    # -- descriptors ---------------------------------------------------------------------------
    @property
    def debugging_on(self) -> bool:
        return self.options.usb_debugging != "off"

    def _interfaces(self) -> list[SimpleNamespace]:
        mtp = SimpleNamespace(bLength=9, bDescriptorType=4, bInterfaceNumber=0, bAlternateSetting=0,
                              bNumEndpoints=3, bInterfaceClass=0x06, bInterfaceSubClass=0x01,
                              bInterfaceProtocol=0x01, iInterface=0, extra_descriptors=[])
        adb = SimpleNamespace(bLength=9, bDescriptorType=4, bInterfaceNumber=1, bAlternateSetting=0,
                              bNumEndpoints=2, bInterfaceClass=0xFF, bInterfaceSubClass=0x42,
                              bInterfaceProtocol=0x01, iInterface=0, extra_descriptors=[])
        return [mtp, adb] if self.debugging_on else [mtp]

    def enumerate_devices(self):
        yield "simphone"

    def get_device_descriptor(self, dev):
        vid, pid = USB_IDS.get(str(self.scenario.phone.get("brand", "")).lower(), (0x18D1, 0x4EE7))
        return SimpleNamespace(bLength=18, bDescriptorType=1, bcdUSB=0x0210, bDeviceClass=0, bDeviceSubClass=0,
                               bDeviceProtocol=0, bMaxPacketSize0=64, idVendor=vid, idProduct=pid,
                               bcdDevice=0x0404, iManufacturer=1, iProduct=2, iSerialNumber=3,
                               bNumConfigurations=1, address=7, bus=1, port_number=2, port_numbers=(2,),
                               speed=3)

    def get_configuration_descriptor(self, dev, config):
        return SimpleNamespace(bLength=9, bDescriptorType=2, wTotalLength=62, bNumInterfaces=len(self._interfaces()),
                               bConfigurationValue=1, iConfiguration=0, bmAttributes=0x80, bMaxPower=250,
                               extra_descriptors=[])

    def get_interface_descriptor(self, dev, intf, alt, config):
        if alt != 0:       # pyusb probes alternate settings until one is missing
            raise IndexError("no alternate setting")
        return self._interfaces()[intf]

    def get_endpoint_descriptor(self, dev, ep, intf, alt, config):
        if intf == 0:
            addresses = [0x82, 0x02, 0x83]
            return SimpleNamespace(bLength=7, bDescriptorType=5, bEndpointAddress=addresses[ep],
                                   bmAttributes=0x02 if ep < 2 else 0x03, wMaxPacketSize=MAX_PACKET if ep < 2 else 28,
                                   bInterval=0 if ep < 2 else 6, bRefresh=0, bSynchAddress=0, extra_descriptors=[])
        return SimpleNamespace(bLength=7, bDescriptorType=5, bEndpointAddress=[EP_IN, EP_OUT][ep], bmAttributes=0x02,
                               wMaxPacketSize=MAX_PACKET, bInterval=0, bRefresh=0, bSynchAddress=0,
                               extra_descriptors=[])

    # -- device handle -------------------------------------------------------------------------
    def open_device(self, dev):
        if self.no_permission:
            raise _usb_error("Access denied (insufficient permissions)", -3, errno.EACCES)
        self._check_plugged()
        return "handle"

    def close_device(self, dev_handle):
        pass

    def set_configuration(self, dev_handle, config_value):
        self._config = config_value

    def get_configuration(self, dev_handle):
        return self._config

    def set_interface_altsetting(self, dev_handle, intf, altsetting):
        pass

    def claim_interface(self, dev_handle, intf):
        if self.busy and intf == 1:
            raise _usb_error("Resource busy", -6, errno.EBUSY)
        if intf == 1:
            with self._lock:       # a fresh claim is a fresh ADB session, as after replugging
                self.engine = AdbdEngine(self.scenario, self.world, self.options)
                self._reader = m.MessageReader()
                self._transfers.clear()

    def release_interface(self, dev_handle, intf):
        pass

    def is_kernel_driver_active(self, dev_handle, intf):
        return False

    def ctrl_transfer(self, dev_handle, bmRequestType, bRequest, wValue, wIndex, data, timeout):
        if bmRequestType & 0x80 and bRequest == 6 and wValue >> 8 == 3:     # GET_DESCRIPTOR(STRING)
            index = wValue & 0xFF
            body = b"\x09\x04" if index == 0 else self._strings.get(index, "").encode("utf-16-le")
            desc = bytes([2 + len(body), 3]) + body
            n = min(len(desc), len(data))
            data[:n] = array.array("B", desc[:n])
            return n
        raise _usb_error("Pipe error", -9, errno.EPIPE)

    def clear_halt(self, dev_handle, ep):
        pass

    def reset_device(self, dev_handle):
        pass

    # -- bulk transfers ------------------------------------------------------------------------
    def _check_plugged(self) -> None:
        engine = self.engine
        if engine is not None and (engine.unplugged or engine.dropped) and not self._transfers:
            raise _usb_error("No such device (it may have been disconnected)", -4, errno.ENODEV)

    def bulk_write(self, dev_handle, ep, intf, data, timeout):
        self._check_plugged()
        if ep != EP_OUT or self.engine is None:
            raise _usb_error("Pipe error", -9, errno.EPIPE)
        with self._lock:
            for msg in self._reader.feed(bytes(data)):
                self.engine.receive(msg)
        return len(data)

    def bulk_read(self, dev_handle, ep, intf, buff, timeout):
        if ep != EP_IN or self.engine is None:
            raise _usb_error("Pipe error", -9, errno.EPIPE)
        deadline = time.monotonic() + timeout / 1000.0
        while True:
            with self._lock:
                for msg in self.engine.poll():
                    self._transfers.append(m.pack_header(msg))
                    if msg.data:
                        self._transfers.append(msg.data)
                if self._transfers:
                    chunk = self._transfers.popleft()
                    if len(chunk) > len(buff):
                        raise _usb_error("Overflow", -8, errno.EOVERFLOW)
                    buff[:len(chunk)] = array.array("B", chunk)
                    return len(chunk)
            self._check_plugged()
            if time.monotonic() >= deadline:
                raise usb.core.USBTimeoutError("Operation timed out", -7, errno.ETIMEDOUT)
            time.sleep(POLL_S)
