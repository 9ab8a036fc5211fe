"""Words a finance user reads instead of the APIs' codes."""

from __future__ import annotations

import re

DUNNING_LEVELS = {
    "friendly_reminder": "Friendly reminder",
    "reminder": "Reminder",
    "final_notice": "Final notice",
    "agency": "Collection agency",
}


def bucket_label(bucket: str) -> str:
    """`current` → Current, `1-30` → 1–30 days, `over_90` → Over 90 days."""
    if bucket == "current":
        return "Current"
    if match := re.fullmatch(r"over_(\d+)", bucket):
        return f"Over {match[1]} days"
    if match := re.fullmatch(r"(\d+)-(\d+)", bucket):
        return f"{match[1]}–{match[2]} days"
    return humanize(bucket)


def humanize(code: str | None) -> str:
    """`quality_complaint` → Quality complaint; None → empty."""
    if not code:
        return ""
    if code in DUNNING_LEVELS:
        return DUNNING_LEVELS[code]
    text = code.replace("_", " ").replace("-", " ")
    return text[:1].upper() + text[1:]
