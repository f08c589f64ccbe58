"""Languages: zh-CN by default through a QTranslator, English on request, every string covered."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication

from tests.ui.strings import translatable_strings
from ui.i18n import DEFAULT_LANGUAGE, current_language, install_language
from ui.i18n_zh import ZH_CN


def test_every_widget_string_has_a_zh_cn_translation():
    found = translatable_strings()
    assert len(found) > 80, "the extractor should see the widgets' strings"
    missing = {text: where for text, where in found.items() if text not in ZH_CN}
    assert not missing, missing


def test_translations_keep_their_placeholders():
    for source, target in ZH_CN.items():
        for n in range(4):
            assert (f"{{{n}}}" in source) == (f"{{{n}}}" in target), (source, target)


def test_zh_cn_is_the_default_and_english_switches_back(qapp):
    assert DEFAULT_LANGUAGE == "zh_CN"
    install_language("zh_CN")
    try:
        assert current_language() == "zh_CN"
        assert QCoreApplication.translate("MainWindow", "Inspect") == "检测"
        assert QCoreApplication.translate("x", "not in the table") == "not in the table"
        install_language("en")
        assert QCoreApplication.translate("MainWindow", "Inspect") == "Inspect"
    finally:
        install_language("en")


@pytest.mark.parametrize("unknown", ["fr", "", "zh"])
def test_unknown_language_falls_back_to_default(qapp, unknown):
    try:
        assert install_language(unknown) == DEFAULT_LANGUAGE
    finally:
        install_language("en")


def test_window_retranslates_live(window_factory):
    window = window_factory()
    assert window.tabs.tabText(0) == "Inspect"
    install_language("zh_CN")
    QCoreApplication.processEvents()
    assert window.tabs.tabText(0) == "检测"
    assert window.inspect.start_button.text() == "开始 (F5)"
    assert window.warranty.search_button.text() == "查询"
    install_language("en")
    QCoreApplication.processEvents()
    assert window.tabs.tabText(3) == "Settings"
