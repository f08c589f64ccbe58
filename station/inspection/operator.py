"""Operator prompts: what the workflow asks the person at the rig, and who answers.

The workflow calls `operator.ask(prompt)` from its worker thread and blocks until the operator
has done what was asked (returns ``"done"``) or wants to stop (``"cancel"``). Three operators:

* `SimulatedOperator` — for the demo and tests: acts on the simulated world (turns the phone
  over with `world.set_pose`, brings up *#06#, closes the lid) like a person would.
* `ConsoleOperator` — `station inspect` on a terminal: prints the request, waits for Enter.
* `InteractiveOperator` — for GUIs and web front ends: `ask` waits until the front end calls
  `answer(prompt_id, value)` from its own thread; `pending` tells it what is being asked.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

DONE = "done"
CANCEL = "cancel"

# Prompt id -> (zh-CN, en) text; `{face}`-style fields are filled from the prompt's data.
MESSAGES: dict[str, tuple[str, str]] = {
    "place_phone": ("请把手机放入检测台并合上盖子", "Place the phone in the tray and close the lid"),
    "close_lid": ("请合上检测台盖子", "Close the rig's lid"),
    "connect_usb": ("请用数据线连接手机", "Plug the phone's USB cable in"),
    "accept_usb_debugging": ("请在手机上点“允许 USB 调试”", "Accept USB debugging on the phone"),
    "show_face": ("请把手机{face_zh}朝上放好", "Lay the phone with its {face} facing up"),
    "show_imei_screen": ("请在手机拨号盘输入 *#06# 显示 IMEI", "Show *#06# (the IMEI screen) on the phone"),
    "reconnect_rig": ("检测台连接中断，请检查数据线", "The rig dropped out: check its cable"),
    "reconnect_phone": ("手机连接中断，请重新插好数据线", "The phone dropped out: plug its cable back in"),
}
FACE_ZH = {"front": "屏幕面", "back": "背面", "left": "左侧边", "right": "右侧边",
           "top": "顶部边", "bottom": "底部边"}


@dataclass(frozen=True)
class Prompt:
    """One request to the operator. `blocking=False` is a notice: the device itself waits."""

    id: str
    data: dict[str, Any] = field(default_factory=dict)
    blocking: bool = True
    timeout_s: float = 300.0

    def text(self, lang: str = "zh") -> str:
        zh, en = MESSAGES.get(self.id, (self.id, self.id))
        fields = dict(self.data)
        fields.setdefault("face", "")
        fields["face_zh"] = FACE_ZH.get(str(fields["face"]), str(fields["face"]))
        template = en if lang == "en" else zh
        try:
            return template.format(**fields)
        except (KeyError, IndexError):
            return template

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "data": dict(self.data), "blocking": self.blocking,
                "message_zh": self.text("zh"), "message_en": self.text("en")}


class Operator(Protocol):
    def ask(self, prompt: Prompt) -> str:
        """Block until the operator did what `prompt` asks (DONE) or wants to stop (CANCEL)."""


class SimulatedOperator:
    """Does what a person at a simulated rig would do, on the shared simulated world."""

    def __init__(self, world, delay_s: float = 0.0) -> None:
        self.world = world
        self.delay_s = delay_s
        self.asked: list[Prompt] = []

    def ask(self, prompt: Prompt) -> str:
        self.asked.append(prompt)
        if self.delay_s:
            time.sleep(self.delay_s)
        world = self.world
        with world.lock:
            if prompt.id == "place_phone":
                world.phone_present = True
                world.lid_closed = True
            elif prompt.id == "close_lid":
                world.lid_closed = True
            elif prompt.id == "show_face":
                world.set_pose(prompt.data["face"])
            elif prompt.id == "show_imei_screen":
                world.screen = "imei"
            elif prompt.id == "reconnect_phone" and hasattr(world, "phone_cable"):
                world.phone_cable = True
            elif prompt.id == "accept_usb_debugging" and hasattr(world, "usb_debugging_accepted"):
                world.usb_debugging_accepted = True
        return DONE


class ConsoleOperator:
    """Asks on the terminal (stderr) and waits for Enter; `q` + Enter cancels."""

    def __init__(self, stream: TextIO | None = None, stdin: TextIO | None = None, lang: str = "zh") -> None:
        self.stream = stream or sys.stderr
        self.stdin = stdin or sys.stdin
        self.lang = lang

    def ask(self, prompt: Prompt) -> str:
        text = prompt.text(self.lang)
        if not prompt.blocking:
            print(f"  >> {text}", file=self.stream, flush=True)
            return DONE
        print(f"  >> {text} — Enter when done, q to cancel: ", end="", file=self.stream, flush=True)
        line = self.stdin.readline()
        return CANCEL if line.strip().lower().startswith("q") or line == "" else DONE


class InteractiveOperator:
    """For front ends on other threads: `ask` blocks until `answer()` or its timeout."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._pending: Prompt | None = None
        self._answer: str | None = None

    @property
    def pending(self) -> Prompt | None:
        with self._cond:
            return self._pending

    def ask(self, prompt: Prompt) -> str:
        if not prompt.blocking:
            return DONE
        with self._cond:
            self._pending, self._answer = prompt, None
            answered = self._cond.wait_for(lambda: self._answer is not None, timeout=prompt.timeout_s)
            answer = self._answer if answered else CANCEL
            self._pending = None
            return answer

    def answer(self, prompt_id: str, value: str = DONE) -> bool:
        """Answer the pending prompt if it is `prompt_id`; returns whether it was."""
        with self._cond:
            if self._pending is None or self._pending.id != prompt_id:
                return False
            self._answer = value
            self._cond.notify_all()
            return True
