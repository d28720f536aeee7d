"""Parameterised reports on the monitoring survey of the programme Modellprojekte Smart Cities."""

from . import charts, metrics, narrative
from .errors import MpscReportError
from .params import WaveParams, load_params
from .report import Report, open_report

__all__ = ["MpscReportError", "Report", "WaveParams", "charts", "load_params", "metrics", "narrative", "open_report"]
