"""Parameterised reports on the monitoring survey of the programme Modellprojekte Smart Cities."""

from . import charts, metrics, narrative
from .errors import MpscReportError
from .factsheet import Factsheet, open_factsheet
from .params import FactsheetParams, WaveParams, load_params
from .report import Report, open_report

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
