"""Importing indicator outcomes from Kolada (officials)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from followup import kolada, koladafiles
from followup.indicator_forms import KoladaUploadForm
from goals import permissions


@permissions.officials_only
def kolada_upload(request: HttpRequest) -> HttpResponse:
    """Import indicator outcomes from a saved Kolada response.

    The report is the answer to the upload, so it is shown rather than
    redirected to; sending the same file again changes nothing more.
    """
    posted = request.method == "POST"
    form = KoladaUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        municipality=settings.KOLADA_MUNICIPALITY_ID,
        max_bytes=kolada.MAX_BYTES,
    )
    imported, status = None, 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                imported = koladafiles.pages_import(
                    pages=form.cleaned_data["pages"],
                    user=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except kolada.KoladaError as error:
                form.add_error("file", error.messages)
            else:
                status = 200
    return render(
        request,
        "followup/kolada_upload.html",
        {
            "form": form,
            "report": imported.values if imported else None,
            "lists": imported,
            "municipality": settings.KOLADA_MUNICIPALITY_ID,
        },
        status=status,
    )
