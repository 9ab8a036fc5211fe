"""A progress bar on stderr for long replays: done/total, events per second, ETA."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from ledgerline_events.runtime import Progress

WIDTH = 30


def render(p: Progress) -> str:
    share = p.done / p.total if p.total else 1.0
    filled = int(WIDTH * share)
    eta = f"{p.eta_s:5.0f}s" if p.eta_s is not None else "    ?"
    return (f"[{'#' * filled}{'.' * (WIDTH - filled)}] {p.done}/{p.total} {share:6.1%} "
            f"{p.rate:8.0f} ev/s ETA {eta}")


class ProgressBar:
    """Redraws at most every `interval` seconds; `finish` ends the line."""

    def __init__(self, label: str, out: TextIO | None = None, interval: float = 0.2) -> None:
        self.label = label
        self.out = out or sys.stderr
        self.interval = interval
        self._last = 0.0
        self._shown = False

    def __call__(self, p: Progress) -> None:
        now = time.monotonic()
        if now - self._last < self.interval and p.done < p.total:
            return
        self._last = now
        self._shown = True
        self.out.write(f"\r{self.label} {render(p)}")
        self.out.flush()

    def finish(self) -> None:
        if self._shown:
            self.out.write("\n")
            self.out.flush()
