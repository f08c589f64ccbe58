"""The real ADB client code against the adbd twin over TCP: services, auth states, failures."""

from __future__ import annotations

import time

import pytest

from drivers.phone import open_phone
from drivers.phone.errors import (AuthPending, AuthRefused, DebuggingOff, PhoneDisconnected, PhoneError,
                                  ServiceFailed)
from drivers.phone.sim_adbd import SimOptions
from drivers.phone.sim_server import SimAdbServer
from drivers.simworld import world_for


@pytest.fixture
def phone():
    device = open_phone("sim://default")
    yield device
    device.close()


def test_banner_and_shell_v1(phone):
    assert phone.banner.props["ro.product.model"] == "Pixel 2"
    assert "shell_v2" in phone.features
    assert phone.shell("getprop ro.product.model") == "Pixel 2\n"


@pytest.mark.parametrize("command, code, out, err", [
    ("exit 3", 3, "", ""),
    ("echo hi", 0, "hi\n", ""),
    ("false", 1, "", ""),
    ("no-such-tool", 127, "", "/system/bin/sh: no-such-tool: inaccessible or not found\n"),
    ("echo a; exit 42", 42, "a\n", ""),
])
def test_shell_v2_gives_exit_codes_and_separate_streams(phone, command, code, out, err):
    assert phone.shell_v2(command) == (code, out, err)


def test_shell_v2_is_emulated_on_phones_without_it(phone):
    phone.banner = type(phone.banner)(phone.banner.system_type, "", phone.banner.props, frozenset())
    assert phone.shell_v2("echo a; exit 5") == (5, "a\n", "")


def test_big_output_is_chunked_and_flow_controlled(phone):
    text = phone.shell("getprop")
    assert text.count("\n") > 15 and "[ro.product.model]: [Pixel 2]" in text
    phone.max_payload = 4096
    long = phone.shell("echo " + "x" * 20000)
    assert long == "x" * 20000 + "\n"


def test_pull_small_file_and_missing_file(phone):
    data = phone.pull("/sys/class/power_supply/battery/uevent")
    assert b"POWER_SUPPLY_CHARGE_FULL_DESIGN=2700000" in data
    with pytest.raises(ServiceFailed, match="No such file"):
        phone.pull("/no/such/file")
    assert phone.shell("echo still-usable") == "still-usable\n"


def test_unknown_service_is_refused_with_a_hint(phone):
    with pytest.raises(ServiceFailed) as info:
        phone._read_stream("framebuffer:")
    assert info.value.hint


@pytest.mark.parametrize("command, screen", [
    ("am start -a android.intent.action.VIEW -d http://127.0.0.1:8765/pattern/red", "red"),
    ("am start -a android.intent.action.VIEW -d http://127.0.0.1:8765/pattern/white", "white"),
    ("am start -a android.intent.action.VIEW -d http://127.0.0.1:8765/pattern/off", "off"),
    ("am start -a android.intent.action.DIAL -d 'tel:*%2306%23'", "imei"),
    ("input keyevent KEYCODE_HOME", "home"),
    ("input keyevent KEYCODE_SLEEP", "off"),
])
def test_commands_set_what_the_screen_shows(phone, command, screen):
    world = world_for("default")
    world.screen = "something-else"
    code, _, err = phone.shell_v2(command)
    assert code == 0, err
    assert world.screen == screen


def test_unknown_pattern_is_an_error_and_leaves_the_screen(phone):
    world = world_for("default")
    world.screen = "home"
    code, _, err = phone.shell_v2("am start -a android.intent.action.VIEW -d http://h:1/pattern/purple")
    assert code == 1 and "purple" in err and world.screen == "home"


def test_authorized_phone_accepts_the_station_key_without_a_prompt(tmp_path):
    prompts = []
    first = open_phone("sim://default", on_auth_prompt=prompts.append)      # $STATION_HOME/keys/adbkey
    first.close()
    assert prompts == []        # the phone's adb_keys already holds the station key
    stranger = open_phone("sim://default", key_path=tmp_path / "other", on_auth_prompt=prompts.append)
    stranger.close()
    assert len(prompts) == 1    # an unknown key needs the dialog (tapped at once in 'authorized')


def test_prompt_not_tapped_times_out_with_a_clear_message():
    prompts = []
    start = time.monotonic()
    with pytest.raises(AuthPending) as info:
        open_phone("sim://default?usb_debugging=prompt", auth_timeout_s=0.4, on_auth_prompt=prompts.append)
    assert time.monotonic() - start >= 0.4
    assert "Allow USB debugging" in info.value.message and "tap Allow" in info.value.hint
    assert len(prompts) == 1 and "Allow" in prompts[0]


def test_prompt_tapped_later_connects_and_is_remembered():
    prompts = []
    device = open_phone("sim://default?usb_debugging=prompt&allow_after=0.3", auth_timeout_s=5,
                        on_auth_prompt=prompts.append)
    assert device.shell("getprop ro.product.model") == "Pixel 2\n"
    device.close()
    assert len(prompts) == 1


def test_remembered_key_skips_the_prompt(derived=None):
    from tests.phone.conftest import derived_scenario

    scenario = derived_scenario(name="prompt-phone", phone={"usb_debugging": "prompt"})
    with SimAdbServer(scenario, options=SimOptions.for_scenario(scenario, allow_after_s=0.1)) as server:
        prompts = []
        open_phone(server.url, on_auth_prompt=prompts.append).close()
        open_phone(server.url, on_auth_prompt=prompts.append).close()
        assert len(prompts) == 1


def test_deny_is_reported_as_refusal():
    with pytest.raises(AuthRefused) as info:
        open_phone("sim://default?usb_debugging=refuse", auth_timeout_s=5)
    assert "Deny" in info.value.message and "Revoke" in info.value.hint


def test_debugging_off_refuses_the_connection():
    with pytest.raises(DebuggingOff) as info:
        open_phone("sim://default?usb_debugging=off")
    assert "debugging" in info.value.hint


def test_unplugged_mid_command():
    device = open_phone("sim://default?unplug_on=dumpsys")
    assert device.shell("getprop ro.product.model") == "Pixel 2\n"
    with pytest.raises(PhoneDisconnected) as info:
        device.shell("dumpsys battery")
    device.close()
    assert "disconnected" in info.value.message and "plug it back" in info.value.hint


def test_a_pulled_cable_stays_out_until_plugged_back_and_pulls_once():
    from drivers.simworld import reset_worlds

    reset_worlds()
    url = "sim://default?unplug_on=dumpsys&stay_unplugged=1"
    device = open_phone(url)
    try:
        with pytest.raises(PhoneDisconnected):
            device.shell("dumpsys battery")
    finally:
        device.close()
    world = world_for("default")
    assert not world.phone_cable
    with pytest.raises(PhoneError):                 # nobody at the other end of the cable
        open_phone(url, timeout_s=2).close()
    world.phone_cable = True                        # plugged back in
    device = open_phone(url)
    try:
        assert "level:" in device.shell("dumpsys battery")    # the same command: no second pull
    finally:
        device.close()
        reset_worlds()


def test_bad_urls_say_which_forms_exist():
    with pytest.raises(PhoneError) as info:
        open_phone("bluetooth://phone")
    assert "tcp://HOST:PORT" in info.value.hint
    with pytest.raises(PhoneError, match="HOST:PORT"):
        open_phone("tcp://nohostport")


def test_tcp_url_to_a_served_scenario():
    with SimAdbServer("pristine") as server:
        assert server.address[0] == "127.0.0.1"
        with open_phone(server.url) as device:
            assert device.shell("getprop ro.product.model") == "SM-A515F\n"


def test_threads_sharing_a_device_get_their_own_answers():
    import threading

    device = open_phone("sim://default")
    answers: dict[int, str] = {}

    def ask(i: int) -> None:
        answers[i] = device.shell(f"echo {i}")

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    device.close()
    assert answers == {i: f"{i}\n" for i in range(8)}


def test_server_serves_several_hosts_at_once():
    with SimAdbServer("default") as server:
        first, second = open_phone(server.url), open_phone(server.url)
        assert first.shell("getprop ro.product.device") == second.shell("getprop ro.product.device") == "walleye\n"
        first.close()
        assert second.shell("echo alive") == "alive\n"
        second.close()
