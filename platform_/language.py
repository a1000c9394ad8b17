"""Swedish unless the person chose English.

Pages are in Swedish by default whatever the browser's language, because Delbar is a Swedish public service;
the language switch in the header stores a choice in a cookie. The API (paths under /api/) follows
Accept-Language instead, so that programs can ask for English.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

SUPPORTED = {code for code, _ in settings.LANGUAGES}


def _from_accept_language(header: str) -> str | None:
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def language_for(request) -> str:
    if request.path.startswith("/api/"):
        # A program says what it wants in each request; that wins over a cookie left by the web pages.
        asked = _from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        if asked:
            return asked
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in SUPPORTED:
        return chosen
    return settings.LANGUAGE_CODE


class LanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
