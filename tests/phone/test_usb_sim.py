"""The pyusb transport end to end against the simulated phone's pyusb backend."""

from __future__ import annotations

import pytest
import usb.core

from drivers.phone import open_phone
from drivers.phone.errors import DebuggingOff, InterfaceBusy, NoPermission, PhoneDisconnected, PhoneNotFound
from drivers.phone.sim_adbd import SimOptions
from drivers.phone.sim_usb import SimUsbBackend
from drivers.phone.transport_usb import find_adb_interface, is_adb_interface
from drivers.scenario import load_scenario


def test_backend_shows_a_phone_with_the_adb_interface():
    backend = SimUsbBackend("pristine")
    devices = list(usb.core.find(find_all=True, backend=backend))
    assert len(devices) == 1
    dev = devices[0]
    assert (dev.idVendor, dev.idProduct) == (0x04E8, 0x6860)
    cfg, intf = find_adb_interface(dev)
    assert is_adb_interface(intf) and intf.bInterfaceNumber == 1
    assert sorted(e.bEndpointAddress for e in intf) == [0x01, 0x81]
    assert dev.serial_number == "R58N31ABCDE"


def test_shell_and_pull_over_usb():
    with open_phone("usbsim://default") as device:
        assert device.shell_v2("getprop ro.product.model; exit 7") == (7, "Pixel 2\n", "")
        assert b"CYCLE_COUNT=402" in device.pull("/sys/class/power_supply/battery/uevent")
        assert device.shell("echo " + "y" * 3000) == "y" * 3000 + "\n"


def test_usb_url_with_serial_picks_that_phone():
    backend = SimUsbBackend("worn-battery")
    with open_phone("usb://7c3b9a21", backend=backend) as device:
        assert device.shell("getprop ro.product.model") == "Redmi Note 7\n"
    with pytest.raises(PhoneNotFound, match="serial 0000"):
        open_phone("usb://0000", backend=SimUsbBackend("worn-battery"))


def test_interface_busy_says_run_adb_kill_server():
    with pytest.raises(InterfaceBusy) as info:
        open_phone("usbsim://default?busy=1")
    assert "adb kill-server" in info.value.hint


def test_no_permission_points_at_the_udev_rule():
    with pytest.raises(NoPermission) as info:
        open_phone("usbsim://default?no_permission=1")
    assert "/etc/udev/rules.d/51-android.rules" in info.value.hint
    assert "drivers/phone/51-android.rules" in info.value.hint


def test_shipped_udev_rule_matches_the_adb_interface_triple():
    from pathlib import Path

    import drivers.phone

    rule = (Path(drivers.phone.__file__).with_name("51-android.rules")).read_text()
    assert "ff4201" in rule and 'SUBSYSTEM=="usb"' in rule


def test_debugging_off_phone_has_no_adb_interface():
    with pytest.raises(DebuggingOff) as info:
        open_phone("usbsim://default?usb_debugging=off")
    assert "Developer options" in info.value.hint


def test_prompt_over_usb_keeps_waiting_then_connects():
    scenario = load_scenario("default")
    backend = SimUsbBackend(scenario, SimOptions.for_scenario(scenario, usb_debugging="prompt", allow_after_s=0.3))
    told = []
    with open_phone("usb://", backend=backend, auth_timeout_s=5, on_auth_prompt=told.append) as device:
        assert device.shell("getprop ro.product.device") == "walleye\n"
    assert len(told) == 1


def test_unplugged_mid_command_over_usb():
    device = open_phone("usbsim://default?unplug_on=dumpsys")
    with pytest.raises(PhoneDisconnected):
        device.shell("dumpsys battery")
    device.close()


def test_a_serial_device_alone_is_not_mistaken_for_a_phone_with_debugging_off():
    from types import SimpleNamespace

    class RigOnlyBackend(SimUsbBackend):
        """A CDC-ACM serial device (like the rig's controller) and no phone."""

        def get_device_descriptor(self, dev):
            desc = super().get_device_descriptor(dev)
            desc.idVendor, desc.idProduct = 0x1209, 0x0001
            return desc

        def _interfaces(self):
            return [SimpleNamespace(bLength=9, bDescriptorType=4, bInterfaceNumber=0, bAlternateSetting=0,
                                    bNumEndpoints=0, bInterfaceClass=0x02, bInterfaceSubClass=0x02,
                                    bInterfaceProtocol=0x01, iInterface=0, extra_descriptors=[])]

    with pytest.raises(PhoneNotFound):
        open_phone("usb://", backend=RigOnlyBackend("default"))
