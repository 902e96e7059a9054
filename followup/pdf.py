"""Reports as accessible PDF, made with WeasyPrint from the print templates.

The document is tagged and of the PDF/UA-1 variant, so that a screen reader
reads it in order with its headings; its language comes from the `lang` of
the template's <html>, and its outline (bookmarks) from the headings. The
fonts are the system's (Liberation, in the Debian packages the README lists):
nothing is fetched while a PDF is made.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _no_fetch(url: str, *args, **kwargs):
    # Every style is inline and every font a system font: a report never
    # makes WeasyPrint open a URL, local or remote.
    raise ValueError(f"The PDF does not fetch {url}.")


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    from weasyprint import HTML

    # WeasyPrint logs every step of every document at INFO.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    # The fonts are embedded whole: cutting them down to the glyphs used
    # (fontTools) was a tenth of the time of a big committee's report, for a
    # file about 0.8 MB smaller.
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf(
        pdf_variant="pdf/ua-1", full_fonts=True
    )


def pdf_response(request: HttpRequest, template: str, context: dict, filename: str) -> HttpResponse:
    html = render_to_string(template, context, request)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
