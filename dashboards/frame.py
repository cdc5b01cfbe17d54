"""A live image that tells the server when the browser has shown it (`player.FrameGate`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipyvuetify as v
import traitlets


class FrameWidget(v.VuetifyTemplate):
    """An ``<img>`` fed with PNG bytes (binary, no base64) that reports each ``load``.

    Attributes:
        png: The image's PNG bytes.
        frame: Number of the frame these bytes belong to (echoed back when shown).
        css_class: CSS classes of the ``<img>``.
        alt: Its alternative text.
        on_shown_frame: Called with the frame number once the browser has shown it (not synced).
    """

    template_file = (__file__, "frame.vue")
    png = traitlets.Bytes(b"").tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    css_class = traitlets.Unicode("").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    on_shown_frame = traitlets.Any(None, allow_none=True)

    def vue_shown(self, data: Any) -> None:
        """The browser's ``load`` event of frame `data`."""
        callback: Callable[[int], None] | None = self.on_shown_frame
        if callback is not None and isinstance(data, int | float):
            callback(int(data))
