"""IMEI verification: Luhn/IMEISV forms, TAC → model, blocklist providers, the cross-check verdict,
and reading IMEIs from a photo of the *#06# screen."""

from station.imei.blocklist import BlocklistHit, BlocklistProvider, CsvBlocklist
from station.imei.luhn import (InvalidChecksum, InvalidFormat, InvalidImei, InvalidLength, add_check_digit,
                               calc_check_digit, compact, imei_type, is_valid, is_valid_imei, mask, split,
                               to_imei, validate)
from station.imei.tac import TacEntry, lookup, model_matches
from station.imei.verdict import cross_check

__all__ = ["BlocklistHit", "BlocklistProvider", "CsvBlocklist", "InvalidChecksum", "InvalidFormat", "InvalidImei",
           "InvalidLength", "add_check_digit", "calc_check_digit", "compact", "imei_type", "is_valid",
           "is_valid_imei", "mask", "split", "to_imei", "validate", "TacEntry", "lookup", "model_matches",
           "cross_check"]
