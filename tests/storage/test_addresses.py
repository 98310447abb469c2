"""The canonical form of an address: one spelling per address, stable, never a crash."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.addresses import canonical_email, normalise_email


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        (" Ann@Example.COM ", "ann@example.com"),
        (unicodedata.normalize("NFD", "René@x.io"), "rené@x.io"),
        ("user@XN--BCHER-KVA.de", "user@bücher.de"),
        ("user@BÜCHER.de", "user@bücher.de"),
        ("user@\uff42ücher\u3002de", "user@bücher.de"),  # UTS 46: fullwidth b, ideographic dot
        ("Straße@faß.de", "straße@faß.de"),  # lower(), not casefold(): ß is not ss
        ("user@xn--fa-hia.de", "user@faß.de"),
        ("STRASSE@fass.de", "strasse@fass.de"),
    ],
)
def test_spellings(spelling: str, canonical: str) -> None:
    assert canonical_email(spelling) == canonical


@pytest.mark.parametrize("address", ["a@xn--zz.de", "a@a\u200db.de", "a@\u0661.com", "a@b..ü"])
def test_invalid_idna_raises_value_error_and_lookups_still_work(address: str) -> None:
    with pytest.raises(ValueError, match="IDNA"):
        canonical_email(address)
    assert normalise_email(address.upper()) == unicodedata.normalize("NFC", address.lower())


@given(st.text(max_size=40), st.text(max_size=30))
def test_canonical_form_is_stable(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    once = normalise_email(address)
    assert normalise_email(once) == once
