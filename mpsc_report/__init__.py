"""Parameterised reports on the monitoring survey of the programme Modellprojekte Smart Cities.

The public API for notebooks. Attributes load on first use (PEP 562), so ``import mpsc_report`` and the command
line stay light: nothing here imports pandas or matplotlib until a notebook asks for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import MpscReportError

if TYPE_CHECKING:
    from .analysis import charts, metrics, narrative
    from .data.params import FactsheetParams, WaveParams, load_params
    from .documents.factsheet import Factsheet, open_factsheet
    from .documents.report import Report, open_report

#: Public name -> (module, attribute or None for the module itself).
_LAZY: dict[str, tuple[str, str | None]] = {
    "Factsheet": (".documents.factsheet", "Factsheet"),
    "FactsheetParams": (".data.params", "FactsheetParams"),
    "Report": (".documents.report", "Report"),
    "WaveParams": (".data.params", "WaveParams"),
    "charts": (".analysis.charts", None),
    "load_params": (".data.params", "load_params"),
    "metrics": (".analysis.metrics", None),
    "narrative": (".analysis.narrative", None),
    "open_factsheet": (".documents.factsheet", "open_factsheet"),
    "open_report": (".documents.report", "open_report"),
}

__all__ = [
    "Factsheet",
    "FactsheetParams",
    "MpscReportError",
    "Report",
    "WaveParams",
    "charts",
    "load_params",
    "metrics",
    "narrative",
    "open_factsheet",
    "open_report",
]


def __getattr__(name: str) -> Any:
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    module = importlib.import_module(module_name, __name__)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
