"""Pure parsers from real-format samples (tables) and Hypothesis (never crash; render→parse round trips)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from drivers.phone import sim_shell
from station.phone import battery as bat
from station.phone import parcel, props
from station.phone.tradein import parse_tradein_status

DATA = Path(__file__).with_name("data")
NEXUS5 = DATA / "dumpsys-battery-nexus5-hammerhead.txt"


def test_real_nexus5_dumpsys_with_crlf():
    raw = NEXUS5.read_bytes()
    assert b"\r\n" in raw                                  # the real sample's line endings
    fields = bat.parse_dumpsys_battery(raw.decode())
    assert fields["level"] == "45" and fields["technology"] == "Li-ion"
    assert not any("\r" in k or "\r" in v for k, v in fields.items())
    facts = bat.facts_from_dumpsys(fields)
    assert (facts.level, facts.status, facts.health, facts.voltage_mv, facts.temperature_dc) == \
        (45, "full", "good", 4189, 180)
    graded = bat.grade(facts)
    assert graded.grade is None and graded.flags == ["no_capacity_data"]


def test_newer_dumpsys_fields_and_unknown_ones():
    text = ("Current Battery Service state:\n  AC powered: false\n  Charge counter: 2468000\n  status: 2\n"
            "  health: 3\n  level: 80\n  scale: 100\n  Charging state: 1\n  Some future field: x\n")
    facts = bat.facts_from_dumpsys(bat.parse_dumpsys_battery(text))
    assert facts.charge_counter_uah == 2468000 and facts.status == "charging" and facts.health == "overheat"


def test_uevent_units():
    text = ("POWER_SUPPLY_NAME=battery\nPOWER_SUPPLY_STATUS=Not charging\nPOWER_SUPPLY_VOLTAGE_NOW=3912000\n"
            "POWER_SUPPLY_CHARGE_FULL=2349000\nPOWER_SUPPLY_CHARGE_FULL_DESIGN=2700000\nPOWER_SUPPLY_CYCLE_COUNT=402\n")
    facts = bat.facts_from_uevent(bat.parse_uevent(text))
    assert facts.voltage_mv == 3912 and facts.status == "not_charging" and facts.cycle_count == 402
    assert bat.grade(facts).health_permille == 870


def test_getprop_parses_and_ignores_noise():
    text = "[ro.product.model]: [Pixel 2]\r\n[empty]: []\nnoise line\n[multi]: [a\nb]\n[ro.x]: [1]\n"
    parsed = props.parse_getprop(text)
    assert parsed == {"ro.product.model": "Pixel 2", "empty": "", "multi": "a\nb", "ro.x": "1"}


@pytest.mark.parametrize("given_props, locked, vbs", [
    ({"ro.boot.flash.locked": "1", "ro.boot.verifiedbootstate": "green"}, True, "green"),
    ({"ro.boot.flash.locked": "0", "ro.boot.verifiedbootstate": "orange"}, False, "orange"),
    ({"ro.boot.vbmeta.device_state": "unlocked"}, False, None),
    ({"ro.boot.verifiedbootstate": "purple"}, None, None),
])
def test_bootloader_and_verified_boot(given_props, locked, vbs):
    assert props.bootloader_locked(given_props) is locked
    assert props.verified_boot_state(given_props) == vbs


@pytest.mark.parametrize("given_props, su, expected", [
    ({}, "", []),
    ({}, "/system/xbin/su\n", ["su binary at /system/xbin/su"]),
    ({"ro.debuggable": "1", "ro.build.tags": "test-keys"}, "", ["ro.debuggable=1", "build signed with test-keys"]),
])
def test_root_indicators(given_props, su, expected):
    assert props.root_indicators(given_props, su) == expected


def test_df_and_marketed_size():
    df = ("Filesystem       1K-blocks     Used Available Use% Mounted on\n"
          "/dev/block/dm-8  55000000 18333333 36666667  33% /data\n")
    assert props.parse_df_total_bytes(df) == 55000000 * 1024
    assert props.marketed_storage_gb(55000000 * 1024) == 64
    assert props.parse_df_total_bytes("garbage") is None


@pytest.mark.parametrize("text, size", [
    ("Physical size: 1080x2400\n", {"width": 1080, "height": 2400}),
    ("Physical size: 2400x1080\r\nOverride size: 720x1600\r\n", {"width": 1080, "height": 2400}),
    ("wm: not found", None),
])
def test_wm_size(text, size):
    assert props.parse_wm_size(text) == size


@pytest.mark.parametrize("config, slots", [("ssss", (0,)), ("dsds", (0, 1)), ("dsda", (0, 1)), (None, (0, 1))])
def test_sim_slots_from_multisim_config(config, slots):
    from station.phone.facts import sim_slots

    assert sim_slots({} if config is None else {"persist.radio.multisim.config": config}) == slots


def test_accounts_and_frp():
    text = "Accounts: 2\n    Account {name=a@gmail.com, type=com.google}\n    Account {name=x, type=com.whatsapp}\n"
    assert props.parse_account_types(text) == ["com.google", "com.whatsapp"]
    assert props.frp_armed(props.parse_account_types(text))
    assert not props.frp_armed([])


# A real-format `service call iphonesubinfo 1` reply (written out by hand from the Parcel layout).
PARCEL_IMEI = """Result: Parcel(
  0x00000000: 00000000 0000000f 00350033 00350037 '........3.5.7.5.'
  0x00000010: 00370033 00380030 00310030 00330032 '3.7.0.8.0.1.2.3.'
  0x00000020: 00350034 00000038                   '4.5.8...        ')
"""
PARCEL_NULL = "Result: Parcel(00000000 ffffffff   '........')\n"
PARCEL_DENIED = """Result: Parcel(
  0x00000000: ffffffff 00000019 00650052 00750071 '........R.e.q.u.'
  0x00000010: 00720069 00730065 00520020 00410045 'i.r.e.s. .R.E.A.'
  0x00000020: 005f0044 00480050 004e004f 005f0045 'D._.P.H.O.N.E._.'
  0x00000030: 00540053 00540041 00000045          'S.T.A.T.E...    ')
"""


def test_parcel_with_imei():
    assert parcel.imei_from_parcel(PARCEL_IMEI) == "357537080123458"


def test_parcel_null_and_exception():
    assert parcel.imei_from_parcel(PARCEL_NULL) is None
    reply = parcel.parse_parcel_string(PARCEL_DENIED)
    assert reply.exception == -1 and reply.text == "Requires READ_PHONE_STATE"
    assert parcel.imei_from_parcel(PARCEL_DENIED) is None
    assert parcel.parse_parcel_string("service: Service iphonesubinfo does not exist") is None


@pytest.mark.parametrize("sdk, slot, first", [
    (23, 0, "service call iphonesubinfo 1 s16 com.android.shell"),
    (28, 1, "service call iphonesubinfo 3 i32 1 s16 com.android.shell"),
    (29, 0, "service call iphonesubinfo 1 s16 com.android.shell"),
    (30, 0, "service call iphonesubinfo 4 i32 0 s16 com.android.shell"),
    (33, 1, "service call iphonesubinfo 4 i32 1 s16 com.android.shell"),
])
def test_transaction_codes_per_android_version_with_fallbacks(sdk, slot, first):
    commands = parcel.commands_for(sdk, slot)
    assert commands[0] == first
    assert set(parcel.ALL_SLOT_COMMANDS[slot]) <= set(commands)      # every other version's code as fallback
    assert len(commands) == len(set(commands))


def test_old_dumpsys_iphonesubinfo():
    assert parcel.parse_dumpsys_iphonesubinfo("Phone Subscriber Info:\n  Device ID = 357537080123458\n") == \
        "357537080123458"


def test_tradein_status_documented_pixel7_sample():
    status = parse_tradein_status((DATA / "tradeinmode-getstatus-pixel7.json").read_text())
    assert status.imeis == ["353644930127905", "353644930127913"]
    assert (status.brand, status.model, status.device, status.serial) == ("google", "Pixel 7", "panther",
                                                                          "26061FDH2000AP")
    assert (status.battery_cycle_count, status.battery_health_percent) == (16, 100)
    assert status.storage_bytes == 128_000_000_000 and status.storage_lifetime_remaining_percent == 99
    assert status.frp_locked is False and status.launch_level == 33


def test_tradein_sim_output_parses_like_the_documented_sample():
    from tests.phone.conftest import derived_scenario

    scenario = derived_scenario(phone={"sdk": 36, "frp_locked": True})
    status = parse_tradein_status(sim_shell.render_tradein(scenario))
    sample = json.loads((DATA / "tradeinmode-getstatus-pixel7.json").read_text())
    rendered = json.loads(sim_shell.render_tradein(scenario))
    assert set(rendered) == set(sample) and set(rendered["battery"]) == set(sample["battery"])
    assert status.frp_locked is True and status.imeis == scenario.imeis


def test_tradein_status():
    doc = {"imeis": ["357537080123458"], "serial": "X", "battery": {"cycle_count": 12, "health": 97,
           "part_status": "ORIGINAL"}, "storage": {"capacity_bytes": 128000000000}, "screen_part_status": "REPLACED"}
    status = parse_tradein_status("noise before\n" + json.dumps(doc))
    assert status.imeis == ["357537080123458"] and status.battery_cycle_count == 12
    assert status.battery_health_percent == 97 and status.screen_part_status == "REPLACED"
    assert status.storage_bytes == 128000000000
    assert parse_tradein_status("/system/bin/sh: tradeinmode: inaccessible or not found") is None
    assert parse_tradein_status("[1, 2]") is None
    assert parse_tradein_status('{"battery": {"cycle_count": -1, "health": true}}').battery_cycle_count is None


# ---- Hypothesis: no parser crashes on arbitrary text; rendered values come back exactly ----------

@given(st.text(max_size=400))
@settings(max_examples=200, deadline=None)
def test_text_parsers_never_crash(text):
    props.parse_getprop(text)
    props.parse_df_total_bytes(text)
    props.parse_account_types(text)
    bat.facts_from_dumpsys(bat.parse_dumpsys_battery(text))
    bat.facts_from_uevent(bat.parse_uevent(text))
    parcel.parse_parcel_string(text)
    parcel.imei_from_parcel(text)
    parcel.parse_dumpsys_iphonesubinfo(text)
    parse_tradein_status(text)
    props.parse_wm_size(text)


@given(st.binary(max_size=300))
@settings(max_examples=200, deadline=None)
def test_shell_v2_stream_parser_never_crashes(data):
    from drivers.phone.client import parse_shell_v2
    from drivers.phone.errors import ProtocolError

    try:
        code, out, err = parse_shell_v2(data)
        assert 0 <= code <= 255
    except ProtocolError:
        pass


@given(st.binary(max_size=200), st.binary(max_size=200), st.integers(0, 255))
@settings(max_examples=100, deadline=None)
def test_shell_v2_stream_round_trips(out, err, code):
    from drivers.phone.client import parse_shell_v2
    from drivers.phone.sim_adbd import _v2_packet

    stream = _v2_packet(1, out) + _v2_packet(2, err) + _v2_packet(3, bytes([code]))
    assert parse_shell_v2(stream) == (code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


@given(st.lists(st.integers(0, 2**32 - 1), max_size=20))
@settings(max_examples=200, deadline=None)
def test_parcel_parser_survives_any_words(words):
    dump = sim_shell.render_parcel(struct.pack(f"<{len(words)}I", *words))
    assert parcel.parcel_bytes(dump) == struct.pack(f"<{len(words)}I", *words)
    parcel.parse_parcel_string(dump)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
@settings(max_examples=200, deadline=None)
def test_parcel_strings_round_trip(text):
    reply = parcel.parse_parcel_string(sim_shell.render_parcel(sim_shell.parcel_string(text)))
    assert reply.exception == 0 and reply.text == text


keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz._0123456789", min_size=1, max_size=30)
values = st.text(alphabet=st.characters(blacklist_characters="]\n\r", blacklist_categories=("Cs",)), max_size=30)


@given(st.dictionaries(keys, values, max_size=15))
@settings(max_examples=150, deadline=None)
def test_getprop_round_trips(given_props):
    assert props.parse_getprop(sim_shell.render_getprop(given_props)) == given_props


battery_values = st.fixed_dictionaries({
    "level": st.integers(0, 100), "status": st.sampled_from(sorted(sim_shell.STATUS_CODES)),
    "health": st.sampled_from(sorted(sim_shell.HEALTH_CODES)), "voltage_mv": st.integers(2500, 4500),
    "temperature_dc": st.integers(-200, 700), "charge_counter_uah": st.integers(0, 10**7),
    "cycle_count": st.integers(0, 3000), "charge_full_uah": st.integers(1, 10**7),
    "charge_full_design_uah": st.integers(1, 10**7), "technology": st.just("Li-ion")})


@given(battery_values, st.sampled_from([23, 30, 34]), st.booleans())
@settings(max_examples=100, deadline=None)
def test_battery_render_parse_round_trip(values, sdk, crlf):
    from tests.phone.conftest import derived_scenario

    scenario = derived_scenario(battery=values, phone={"sdk": sdk})
    dumpsys = sim_shell.render_dumpsys_battery(scenario)
    uevent = sim_shell.render_uevent(scenario)
    if crlf:
        dumpsys, uevent = dumpsys.replace("\n", "\r\n"), uevent.replace("\n", "\r\n")
    d = bat.facts_from_dumpsys(bat.parse_dumpsys_battery(dumpsys))
    u = bat.facts_from_uevent(bat.parse_uevent(uevent))
    assert (d.level, d.status, d.health, d.voltage_mv, d.temperature_dc) == (
        values["level"], values["status"], values["health"], values["voltage_mv"], values["temperature_dc"])
    assert (u.charge_full_uah, u.charge_full_design_uah, u.cycle_count, u.voltage_mv) == (
        values["charge_full_uah"], values["charge_full_design_uah"], values["cycle_count"], values["voltage_mv"])
