"""The canonical form of an email address: the one spelling stored, compared and erased.

Unicode gives one address several spellings: `rené` precomposed (NFC) or as `e` + U+0301
(NFD), `bücher.de` or its ASCII form `xn--bcher-kva.de`. Every address is stored in one form:

- trimmed, lower-cased with `str.lower()`, then NFC. Not `casefold()`: it turns `ß` into
  `ss` (and `ﬁ` into `fi`), merging `straße@` with `strasse@`, which mail servers may
  deliver to different people; IDNA2008 keeps `faß.de` and `fass.de` apart the same way.
- the domain as Unicode (U-labels, readable in lists and exports): a domain with
  non-ASCII characters or an `xn--` label is mapped and decoded by `idna` (UTS 46,
  non-transitional), so `BÜCHER.de`, `xn--bcher-kva.de` and `bücher.de` are one domain.
  An ASCII domain without `xn--` is already canonical once lower-cased (the fast path).
"""

from __future__ import annotations

import unicodedata

import idna

__all__ = ["canonical_email", "normalise_email"]


def canonical_email(value: str) -> str:
    """The canonical form of `value`; ValueError when its domain is not valid IDNA."""
    address = unicodedata.normalize("NFC", value.strip().lower())
    local, at, domain = address.rpartition("@")
    if not at or (domain.isascii() and "xn--" not in domain):
        return address
    try:
        unicode_domain: str = idna.decode(domain, uts46=True)
    except ValueError as error:  # idna.IDNAError and punycode errors are UnicodeErrors
        raise ValueError(f"the domain is not valid IDNA ({error})") from error
    return f"{local}@{unicode_domain}"


def normalise_email(value: str) -> str:
    """The canonical form, for lookups; an address whose domain is not valid IDNA (never
    imported, only possibly stored before canonical forms) is only trimmed, lower-cased, NFC."""
    try:
        return canonical_email(value)
    except ValueError:
        return unicodedata.normalize("NFC", value.strip().lower())
