"""tests/e2e's log fold and table comparison, loaded by path: the name `tests` means another
package when the whole suite is collected (several folders have a `tests` package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

E2E = Path(__file__).resolve().parents[2] / "e2e"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"faultlab_e2e_{name}", E2E / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


ledger = _load("ledger")
replay_check = _load("replay_check")
agreement = _load("agreement")
fold, read_log = ledger.fold, ledger.read_log
RUNTIME_TABLES, table_rows = replay_check.RUNTIME_TABLES, replay_check.table_rows
invoices_disagree = agreement.invoices_disagree
