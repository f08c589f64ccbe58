"""Find every user-visible string the widgets pass to Qt's translation calls (ast, no imports)."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"


def translatable_strings() -> dict[str, str]:
    """source text -> 'file:line' for `translate(ctx, "text")`, `tr(ctx, "text")`, `self.tr("text")`."""
    found: dict[str, str] = {}
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in ("translate", "tr"):
                continue
            args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if not args:
                continue
            text = args[1] if len(args) >= 2 else args[0]
            found.setdefault(text, f"{path.name}:{node.lineno}")
    return found


if __name__ == "__main__":
    for text in translatable_strings():
        print(repr(text))
