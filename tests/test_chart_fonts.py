"""Chart labels come from data, so any script can reach a chart: every glyph is drawn by some installed font."""

from __future__ import annotations

import io
import logging
import warnings

import pandas as pd
import pytest

from mpsc_report.analysis.charts import bar_chart
from mpsc_report.analysis.charts.style import FALLBACK_FAMILIES, FONT_FAMILY

LABELS = ["Köln", "北京 市", "서울", "東京都", "Zürich ✓ → ≥"]


def test_the_chart_fonts_are_open_sans_then_the_installed_fallbacks():
    assert FONT_FAMILY[0] == "Open Sans"
    assert FONT_FAMILY[1:] == [f for f in FALLBACK_FAMILIES if f in FONT_FAMILY]
    assert "WenQuanYi Micro Hei" in FONT_FAMILY  # make.sh installs fonts-wqy-microhei


def test_labels_in_chinese_korean_japanese_and_symbols_draw_without_missing_glyphs():
    values = pd.Series([3, 5, 2, 4, 1], index=pd.Index(LABELS, name="project"), name="participation_total")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = bar_chart(values, source="Quelle: Test", language="de")
        fig.savefig(io.BytesIO(), format="svg")
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []


@pytest.mark.parametrize("family", FALLBACK_FAMILIES)
def test_each_fallback_family_is_known_by_name(family):
    from matplotlib import font_manager

    assert family in {f.name for f in font_manager.fontManager.ttflist}


def test_a_bold_label_in_a_fallback_font_logs_nothing(caplog):
    """WenQuanYi Micro Hei has one weight: a bold Chinese label is drawn in it without a log line in the notebook."""
    from matplotlib import font_manager

    font_manager.fontManager._findfont_cached.cache_clear()  # else an earlier test's lookup hides the log line
    values = pd.Series([3, 5], index=pd.Index(["北京 市", "Köln"], name="project"), name="participation_total")
    with caplog.at_level(logging.INFO, logger="matplotlib.font_manager"):
        fig = bar_chart(values, source="Quelle: Test", language="de", highlight="北京 市")
        fig.savefig(io.BytesIO(), format="svg")
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
