"""Phone facts read over ADB: pure parsers (getprop, dumpsys battery, sysfs uevent, iphonesubinfo
parcels, trade-in JSON) and `read_facts(device)` that runs the commands and combines them."""

from station.phone.facts import PhoneFacts, read_facts

__all__ = ["PhoneFacts", "read_facts"]
