"""Making the phone show the screen test patterns without a companion app.

The station serves a tiny page per pattern (`pattern_page(name)`: full-screen colour, no UI,
requests fullscreen on first touch) and opens it on the phone over ADB with the browser's VIEW
intent (`show_pattern(shell, base_url, name)`). The workflow mounts `pattern_routes()` on its
Starlette app. Where a phone cannot (no browser, locked), the operator is prompted instead —
the grader recognises each pattern from the frame itself, so order and origin do not matter.
"""

from __future__ import annotations

import re
from typing import Callable

# CSS colours of the patterns (gray is 50 % emission: sRGB 128 is close enough for grading,
# which measures levels relative to white in the frames themselves).
PATTERN_CSS = {"white": "#ffffff", "black": "#000000", "red": "#ff0000", "green": "#00ff00",
               "blue": "#0000ff", "gray": "#808080", "off": "#000000"}
SCREEN_SLEEP = "input keyevent KEYCODE_SLEEP"
SCREEN_WAKE = "input keyevent KEYCODE_WAKEUP"
_BASE_URL = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+(/[A-Za-z0-9._\-/]*)?$")


def pattern_page(name: str) -> str:
    """The HTML of one full-screen pattern page."""
    if name not in PATTERN_CSS:
        raise ValueError(f"unknown pattern {name!r}; patterns are {', '.join(PATTERN_CSS)}")
    colour = PATTERN_CSS[name]
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{name}</title>
<meta name="viewport" content="width=device-width,initial-scale=1,maximum-scale=1,user-scalable=no">
<meta name="theme-color" content="{colour}">
<style>html,body{{margin:0;height:100%;background:{colour};cursor:none;overflow:hidden}}</style>
</head><body>
<script>
document.addEventListener("click", () => document.documentElement.requestFullscreen?.());
</script>
</body></html>
"""


def show_pattern(shell: Callable[[str], str], base_url: str, name: str, wake: bool = True) -> str:
    """Make the phone show pattern `name`: `off` sleeps the screen, others open the page.

    `shell` runs one adb shell command (e.g. `dev.shell`); `base_url` is how the phone reaches
    the station, e.g. ``http://192.168.1.20:8765``. With `wake`, the screen is woken first (after
    an `off` shot the browser would otherwise open on a dark screen). Returns the command run.
    """
    if name not in PATTERN_CSS:
        raise ValueError(f"unknown pattern {name!r}; patterns are {', '.join(PATTERN_CSS)}")
    if name == "off":
        shell(SCREEN_SLEEP)
        return SCREEN_SLEEP
    if not _BASE_URL.match(base_url):
        raise ValueError(f"base URL {base_url!r} is not a plain http(s)://host:port URL")
    cmd = f"am start -a android.intent.action.VIEW -d {base_url.rstrip('/')}/pattern/{name}"
    if wake:
        shell(SCREEN_WAKE)
    shell(cmd)
    return cmd


def pattern_routes():
    """Starlette routes serving GET /pattern/{name} (imported lazily: starlette only when serving)."""
    from starlette.responses import HTMLResponse, PlainTextResponse
    from starlette.routing import Route

    async def page(request):
        name = request.path_params["name"]
        if name not in PATTERN_CSS:
            return PlainTextResponse(f"unknown pattern {name}", status_code=404)
        return HTMLResponse(pattern_page(name), headers={"Cache-Control": "no-store"})

    return [Route("/pattern/{name}", page)]
