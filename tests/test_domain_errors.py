"""One base for every app's refusals (platform_.errors.DomainError): the API answers any of them the same way,
without knowing the app that raised it."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.errors import AccountError
from catalog.errors import CatalogError, PhotoRejected
from platform_.api_errors import exception_handler
from platform_.errors import DomainError


def test_every_apps_errors_are_domain_errors():
    assert issubclass(AccountError, DomainError)
    assert issubclass(CatalogError, DomainError)
    assert issubclass(PhotoRejected, DomainError)


def test_the_api_answers_any_domain_error_with_its_code_status_fields_and_translated_message():
    # given: a refusal of an app the API knows nothing about, with a lazy message and fields
    class LaterAppError(DomainError):
        http_status = 422

    refusal = LaterAppError("later_code", _("Give a reason."), fields={"reason": ["x"]})
    # when
    with translation.override("sv"):
        response = exception_handler(refusal, {})
    # then
    assert response.status_code == 422
    assert response.data == {
        "error": {"code": "later_code", "message": "Ange en anledning.", "fields": {"reason": ["x"]}}
    }


def test_an_error_without_fields_has_no_fields_key_and_the_status_it_was_given():
    # when
    response = exception_handler(AccountError("already_member", "a@b.example finns redan.", 409), {})
    # then
    assert response.status_code == 409
    assert response.data == {"error": {"code": "already_member", "message": "a@b.example finns redan."}}
