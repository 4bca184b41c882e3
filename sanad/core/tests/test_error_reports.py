from __future__ import annotations

import sys

from django.test import RequestFactory
from django.views.debug import ExceptionReporter


def test_error_reports_carry_neither_posted_values_nor_local_variables() -> None:
    # Built at run time: the report quotes the failing source lines, which must not count as a leak.
    phone, address = "-".join(["3600", "1234"]), " ".join(["المحرق", "مجمع", "204"])
    request = RequestFactory().post("/people/new/", {"phones": phone, "note": "x"})
    try:
        raise ValueError(len(address))
    except ValueError:
        report = ExceptionReporter(request, *sys.exc_info())
        text = report.get_traceback_text()
        html = report.get_traceback_html()
    for output in (text, html):
        assert phone not in output and address not in output
    assert "phones" in text  # the names stay, to help whoever debugs
