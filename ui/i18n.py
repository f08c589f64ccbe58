"""Languages: zh-CN (default) and English, through Qt's own translation machinery.

The widgets are written in English and wrap every user-visible string in `self.tr(...)` or
`QCoreApplication.translate(...)`, exactly as for Qt Linguist. Instead of a compiled `.qm` file we
install a `QTranslator` subclass backed by a small in-code table (`ui/i18n_zh.py`): no build step,
no binary artefact to keep in sync, the table is reviewed as an ordinary diff, and a test checks
that every string the widgets pass to `tr` has an entry. Switching language at run time installs
or removes the translator; Qt then sends `LanguageChange` and each widget re-applies its texts.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

from ui.i18n_zh import ZH_CN

LANGUAGES = {"zh_CN": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"


class TableTranslator(QTranslator):
    """A QTranslator that answers from a dict of English source text -> translation."""

    def __init__(self, table: dict[str, str], language: str, parent=None) -> None:
        super().__init__(parent)
        self._table = table
        self._language = language

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: D401 - Qt API
        # None (a null QString) tells Qt "not translated here", so it falls back to the source.
        return self._table.get(source_text)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt API
        return not self._table

    def language(self) -> str:
        return self._language


_installed: TableTranslator | None = None


def install_language(language: str) -> str:
    """Make `language` ('zh_CN' or 'en') the app's language; returns the one installed."""
    global _installed
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    if _installed is not None:
        QCoreApplication.removeTranslator(_installed)
        _installed = None
    if language == "zh_CN":
        _installed = TableTranslator(ZH_CN, language, QCoreApplication.instance())
        QCoreApplication.installTranslator(_installed)
    return language


def current_language() -> str:
    return _installed.language() if _installed is not None else "en"
