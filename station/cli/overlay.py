"""`station overlay [--host 127.0.0.1] [--port 8765]`: serve the overlay and the public report
pages on their own (e.g. for the verification URL on a shop's server). Binds 127.0.0.1 unless told.
"""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("overlay", help="serve the stream overlay and the public report verification pages")
    p.add_argument("--host", default="127.0.0.1",
                   help="bind address (default: %(default)s; use 0.0.0.0 only on purpose)")
    p.add_argument("--port", type=int, default=8765, help="port (default: %(default)s)")
    p.set_defaults(func=run)


def run(args) -> int:
    from station.errors import BadInput
    from station.overlay.server import port_is_free, serve_forever

    if not port_is_free(args.host, args.port):
        raise BadInput(f"cannot listen on {args.host}:{args.port} (in use or not a local address)",
                       "pick another --port, or stop the program using it")
    print(f"overlay: http://{args.host}:{args.port}/overlay   verification: http://{args.host}:{args.port}/r/REPORT_ID",
          file=sys.stderr, flush=True)
    serve_forever(args.host, args.port)
    return 0
