"""The interface language: Chinese (zh-hans) unless the user picked another.

Django's `LocaleMiddleware` follows the browser's Accept-Language, so an official on an en-US browser got
English mixed with Chinese. Here the browser is never asked: a logged-in user's pick is kept on the user
(`User.language`), a pick made on the login page in the language cookie; everything else is the zone's
`LANGUAGE_CODE`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def language_of(request: HttpRequest) -> str:
    """The language to answer `request` in: the user's pick, else the cookie's (login page), else the zone's."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in LANGUAGES:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return cookie if cookie in LANGUAGES else settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Activates `language_of(request)` for the request (after the authentication middleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_of(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
