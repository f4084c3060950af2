"""Customer ids are replaced by HMAC-SHA256 (checked against RFC 4231's published vectors)."""

from __future__ import annotations

import pytest

from bezetting.services.pseudonym import pseudonymise

# RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
RFC4231_CASE2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


def test_matches_rfc_4231_test_case_2() -> None:
    assert pseudonymise("what do ya want for nothing?", key=b"Jefe") == RFC4231_CASE2


def test_surrounding_white_space_does_not_change_the_pseudonym() -> None:
    assert pseudonymise("  what do ya want for nothing?\t", key=b"Jefe") == RFC4231_CASE2


def test_another_key_gives_another_pseudonym() -> None:
    assert pseudonymise("0612345678", key=b"key-one") != pseudonymise("0612345678", key=b"key-two")


def test_an_empty_key_is_refused() -> None:
    with pytest.raises(ValueError, match="PSEUDONYM_KEY"):
        pseudonymise("0612345678", key=b"")
