"""Progress lines on stdout while a phase runs: done/total, events/s and ETA."""

from __future__ import annotations

import sys
import time


def say(text: str) -> None:
    print(text, flush=True)


class Meter:
    """Prints at most every `every_s` seconds; `done()` prints the final line and returns the
    rate (units per second) over the measured time."""

    def __init__(self, label: str, total: int, every_s: float = 2.0) -> None:
        self.label = label
        self.total = total
        self.every_s = every_s
        self.began = time.perf_counter()
        self._last = self.began

    def update(self, done: int) -> None:
        now = time.perf_counter()
        if now - self._last < self.every_s:
            return
        self._last = now
        elapsed = now - self.began
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - done) / rate if rate > 0 else float("nan")
        sys.stdout.write(f"  {self.label}: {done:,}/{self.total:,}  {rate:,.0f}/s  "
                         f"ETA {eta:,.0f} s\n")
        sys.stdout.flush()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.began

    def done(self, count: int) -> float:
        elapsed = self.elapsed
        rate = count / elapsed if elapsed > 0 else 0.0
        say(f"  {self.label}: {count:,} in {elapsed:,.1f} s = {rate:,.0f}/s")
        return rate
