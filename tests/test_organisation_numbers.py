import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tenants.validators import normalise_organisation_number, validate_slug


def test_valid_number_is_normalised():
    assert normalise_organisation_number("2120001165") == "212000-1165"
    assert normalise_organisation_number("212000-1165") == "212000-1165"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("sv", "fel kontrollsiffra"), ("en", "wrong check digit")],
)
def test_wrong_check_digit_is_explained_in_the_users_language(language, expected):
    # given a number whose last digit is wrong
    with translation.override(language):
        # when / then
        with pytest.raises(ValidationError) as error:
            normalise_organisation_number("212000-1166")
        assert expected in " ".join(error.value.messages).lower()


def test_wrong_length_is_explained():
    with translation.override("sv"), pytest.raises(ValidationError) as error:
        normalise_organisation_number("12345")
    assert "10 siffror" in error.value.messages[0]


@pytest.mark.parametrize("slug", ["www", "konsol", "-ystad", "Ystad", "ys_tad", ""])
def test_bad_or_reserved_slugs_are_refused(slug):
    with pytest.raises(ValidationError):
        validate_slug(slug)
