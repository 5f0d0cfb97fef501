"""Gzip for what the browser downloads: scripts once (cached compressed), JSON when it is large.

Dash's own option needs flask-compress; this is the few lines the dashboard needs.
The plotly.js bundle is 2.9 MB as served and 0.9 MB gzipped: compression is what keeps a
first load under its 3 MB budget.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict

from flask import Flask, Request, Response, request

MIN_BYTES = 1024
TYPES = (
    "application/javascript",
    "text/javascript",
    "text/css",
    "application/json",
    "application/geo+json",
    "text/html",
)
STATIC = ("/_dash-component-suites/", "/api/v1/geojson/", "/assets/")  # /assets/ URLs carry ?m=<mtime>
_CACHE_ENTRIES = 64


class _Cache:
    """Compressed bodies of immutable responses (fingerprinted scripts, versioned GeoJSON)."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, body: bytes) -> bytes:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit
        packed = gzip.compress(body, compresslevel=6)
        with self._lock:
            self._items[key] = packed
            while len(self._items) > _CACHE_ENTRIES:
                self._items.popitem(last=False)
        return packed


def accepts_gzip(req: Request) -> bool:
    """Whether the client said it takes gzip."""
    return "gzip" in req.headers.get("Accept-Encoding", "").lower()


def install(server: Flask) -> None:
    """Compress eligible responses of this Flask server."""
    cache = _Cache()

    @server.after_request
    def _gzip(response: Response) -> Response:
        static = request.path.startswith(STATIC)
        if (
            response.status_code != 200
            or (response.direct_passthrough and not static)  # files stream as they are, but ours are small
            or "Content-Encoding" in response.headers
            or not accepts_gzip(request)
            or response.mimetype not in TYPES
        ):
            return response
        response.direct_passthrough = False
        body = response.get_data()
        if len(body) < MIN_BYTES:
            return response
        packed = cache.get(request.full_path, body) if static else gzip.compress(body, compresslevel=5)
        response.set_data(packed)
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Content-Length"] = str(len(packed))
        response.vary.add("Accept-Encoding")
        return response
