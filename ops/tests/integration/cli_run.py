"""The `ledgerline` command as an operator runs it (its own event loop, the services' settings
from the environment), in a thread of the test process: a process per call re-imports all
four services, which costs minutes on a busy CI machine. One test still runs the installed
command as a process."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

import pytest

from ledgerline_ops import cli
from ledgerline_ops.in_process import environment


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


async def ledgerline(capsys: pytest.CaptureFixture[str], env: Mapping[str, str], *args: str) -> Ran:
    def run() -> int:
        try:
            with environment(env):
                cli.main(list(args))
        except SystemExit as exit_:
            return int(exit_.code or 0)
        return 0

    capsys.readouterr()
    code = await asyncio.to_thread(run)
    out, err = capsys.readouterr()
    return Ran(code, out, err)
