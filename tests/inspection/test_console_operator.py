"""The terminal operator (`station inspect` without --auto): what it prints and how it answers."""

from __future__ import annotations

import io

import pytest

from station.inspection.operator import CANCEL, DONE, ConsoleOperator, Prompt


@pytest.mark.parametrize("typed, answer", [
    ("\n", DONE),             # Enter: done
    ("ok\n", DONE),           # anything but q counts as done
    ("q\n", CANCEL),
    ("  Quit\n", CANCEL),
    ("", CANCEL),             # end of input (stdin closed): stop rather than pretend it was done
])
def test_blocking_prompt_waits_for_a_line(typed, answer):
    out = io.StringIO()
    operator = ConsoleOperator(stream=out, stdin=io.StringIO(typed), lang="en")
    assert operator.ask(Prompt("show_face", {"face": "back"})) == answer
    assert "Lay the phone with its back facing up" in out.getvalue()
    assert "q to cancel" in out.getvalue()


def test_a_notice_is_printed_and_reads_nothing():
    stdin = io.StringIO("q\n")
    out = io.StringIO()
    operator = ConsoleOperator(stream=out, stdin=stdin)          # zh-CN by default
    assert operator.ask(Prompt("accept_usb_debugging", blocking=False)) == DONE
    assert "允许 USB 调试" in out.getvalue()
    assert stdin.read() == "q\n"                                  # the line is left for the next prompt
