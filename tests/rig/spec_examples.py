"""Read the worked examples out of firmware_specs/rig-controller.md (```rig fenced blocks)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SPEC = Path(__file__).resolve().parents[2] / "firmware_specs" / "rig-controller.md"
_BLOCK = re.compile(r"^```rig\n(.*?)^```", re.M | re.S)


@dataclass(frozen=True)
class Step:
    kind: str       # ">" host sends, "<" rig sends, "=" world change
    text: str


@dataclass(frozen=True)
class Example:
    index: int
    heading: str
    steps: tuple[Step, ...]

    @property
    def id(self) -> str:
        return f"{self.index:02d}-{re.sub(r'[^a-z0-9]+', '-', self.heading.lower()).strip('-')[:40]}"


def load_examples(path: Path = SPEC) -> list[Example]:
    text = path.read_text(encoding="utf-8")
    examples = []
    for index, match in enumerate(_BLOCK.finditer(text)):
        headings = re.findall(r"^#+ (.+)$", text[: match.start()], re.M)
        steps = []
        for line in match.group(1).splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            kind, _, rest = line.partition(" ")
            if kind not in (">", "<", "="):
                raise ValueError(f"spec example line must start with >, < or =: {line!r}")
            steps.append(Step(kind, rest))
        examples.append(Example(index, headings[-1] if headings else "", tuple(steps)))
    return examples


def world_change(text: str) -> tuple[str, object]:
    """'world lid_closed=false' -> ('lid_closed', False)."""
    target, _, assignment = text.partition(" ")
    if target != "world":
        raise ValueError(f"unknown directive {text!r}")
    key, _, value = assignment.partition("=")
    parsed = {"true": True, "false": False}.get(value, value)
    return key, parsed


def markdown_table_rows(heading_prefix: str, path: Path = SPEC) -> list[list[str]]:
    """Rows (cells) of the first table after the heading that starts with ``heading_prefix``."""
    text = path.read_text(encoding="utf-8")
    start = re.search(rf"^#+ {re.escape(heading_prefix)}.*$", text, re.M)
    if start is None:
        raise ValueError(f"no heading {heading_prefix!r} in the spec")
    rows = []
    for line in text[start.end():].splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not set("".join(cells)) <= set("-: "):
                rows.append(cells)
        elif rows:
            break
    return rows[1:]   # without the header
