"""The methodology page /metod/ (on the public site and on every organisation's host): the counting rules, the
factor table of a version with every figure's source and method, and the versions. Open to anyone: it describes
figures an organisation publishes."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .limits import MAX_CO2E_PER_ITEM


@require_GET
def methodology(request):
    versions = selectors.published_versions()
    version = versions[0] if versions else None
    asked = request.GET.get("version")
    if asked:
        try:
            version = next(v for v in versions if v.number == int(asked))
        except (ValueError, StopIteration):
            raise Http404 from None
    return render(request, "impact/methodology.html", {
        "version": version,
        "versions": versions,
        "factors": selectors.factor_table(version=version) if version else [],
        "sources": selectors.sources(version=version) if version else [],
        "bound": MAX_CO2E_PER_ITEM,
    })
