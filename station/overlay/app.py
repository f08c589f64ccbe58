"""The overlay web app (Starlette): the OBS browser-source page, its live event stream, the QR
code, the defect thumbnail and the public verification page a viewer reaches from the QR.

Routes:
  /overlay                 1920×1080 transparent page (zh-CN; `?lang=en` for English)
  /overlay/events          server-sent events: a `snapshot` per change
  /overlay/state           the current snapshot as JSON
  /overlay/thumb.png       the worst defect, cropped from the evidence frames
  /qr/{report_id}.png      QR code of the public verification URL
  /r/{report_id}           public verification page (signature checked here; masked fields only)
  /pattern/...             the screen test patterns, when the screen grading package provides them
"""

from __future__ import annotations

import asyncio
import html
import json
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from station.overlay.hub import OverlayHub
from station.overlay.i18n import STRINGS, pick_lang
from station.overlay.public import PublicReportError, load_public_report, render_verification_page

PAGE = (Path(__file__).with_name("static") / "overlay.html").read_text(encoding="utf-8")
KEEPALIVE_S = 15.0


def _script_json(value: Any) -> str:
    # Inside <script>: a "</script>" in any string must not end the element.
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def create_app(hub: OverlayHub | None = None, *, public_base_url: str | None = None) -> Starlette:
    """The ASGI app. `public_base_url` is what the QR points to (default: this server)."""
    hub = hub or OverlayHub()

    async def overlay(request: Request) -> HTMLResponse:
        lang = pick_lang(request.query_params.get("lang"))
        page = (PAGE.replace("__STRINGS__", _script_json(STRINGS[lang]))
                .replace("__INITIAL__", _script_json(hub.snapshot))
                .replace("__HTMLLANG__", "en" if lang == "en" else "zh-CN")
                .replace("__LANG__", lang))
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})

    async def state(request: Request) -> JSONResponse:
        return JSONResponse(hub.snapshot)

    async def events(request: Request) -> StreamingResponse:
        queue = hub.listen()

        async def stream():
            try:
                yield f"event: snapshot\ndata: {json.dumps(hub.snapshot, ensure_ascii=False)}\n\n"
                while True:
                    try:
                        snap = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_S)
                    except asyncio.TimeoutError:
                        yield ": keep-alive\n\n"
                        continue
                    yield f"event: snapshot\ndata: {json.dumps(snap, ensure_ascii=False)}\n\n"
            finally:
                hub.unlisten(queue)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    async def thumb(request: Request) -> Response:
        from station.overlay.thumbnail import defect_thumbnail_png

        png = await asyncio.to_thread(defect_thumbnail_png, hub.framesets)
        if png is None:
            return Response(status_code=404)
        return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})

    async def qr(request: Request) -> Response:
        import io

        from station.report.qr import verify_qr     # encoded once per URL, as the report's copies

        report_id = request.path_params["report_id"]
        base = public_base_url or str(request.base_url).rstrip("/")
        out = io.BytesIO()
        verify_qr(f"{base}/r/{report_id}").save(out, kind="png", scale=5, border=2)
        return Response(out.getvalue(), media_type="image/png")

    async def public_report(request: Request) -> HTMLResponse:
        lang = pick_lang(request.query_params.get("lang"))
        report_id = request.path_params["report_id"]
        try:
            view, verified = await asyncio.to_thread(load_public_report, report_id)
        except PublicReportError as exc:
            text = STRINGS[lang]["not_found"]
            return HTMLResponse(f"<!DOCTYPE html><meta charset=utf-8><h1>{html.escape(text)}</h1>"
                                f"<p>{html.escape(exc.public_message)}</p>", status_code=exc.status)
        return HTMLResponse(render_verification_page(view, verified, lang),
                            status_code=200 if verified else 409)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    routes = [
        Route("/overlay", overlay), Route("/overlay/", overlay), Route("/overlay/state", state),
        Route("/overlay/events", events), Route("/overlay/thumb.png", thumb),
        Route("/qr/{report_id}.png", qr), Route("/r/{report_id}", public_report),
        Route("/healthz", health),
    ]
    routes.extend(_pattern_routes())
    app = Starlette(routes=routes)
    app.state.hub = hub
    return app


def _pattern_routes() -> list:
    """The screen test-pattern pages (`station.screen_patterns`), when that module is installed."""
    try:
        from station.screen_patterns import pattern_routes
    except ImportError:
        return []
    return list(pattern_routes())
