"""The overlay flags `station demo` and `station inspect` share (both serve it through run_session)."""

from __future__ import annotations


def add_overlay_flags(parser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="overlay bind address (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8765,
                        help="overlay port; a free one if taken (default: %(default)s)")
    parser.add_argument("--no-overlay", action="store_true", help="do not serve the overlay")
    parser.add_argument("--hold", type=float, default=0.0, metavar="SECONDS",
                        help="keep serving the overlay this long after the inspection (default: 0)")
