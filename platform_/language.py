"""Swedish unless the person chose English.

Pages are in Swedish by default whatever the browser's language, because Delbar is a Swedish public service;
the language switch in the header stores a choice in a cookie. The API (paths under /api/) follows
Accept-Language instead, so that programs can ask for English.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

SUPPORTED = {code for code, _ in settings.LANGUAGES}


def language_for(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in SUPPORTED:
        return chosen
    if request.path.startswith("/api/"):
        return translation.get_language_from_request(request)
    return settings.LANGUAGE_CODE


class LanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
