"""bot.crypto: Fernet with rotation from CJ62_FERNET_KEY, clear French errors, blind indexes."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.crypto import ENV_VAR, NAME, PHONE, SENDER, Cipher, CryptoError, cipher, generate_key

KEY = generate_key()
OLD_KEY = generate_key()


def test_missing_key_is_a_clear_french_error() -> None:
    with pytest.raises(CryptoError, match="CJ62_FERNET_KEY n'est pas définie"):
        cipher({})
    with pytest.raises(CryptoError, match="n'est pas définie"):
        cipher({ENV_VAR: "   "})


@pytest.mark.parametrize("value", [
    "pas-une-cle-secrete",
    base64.urlsafe_b64encode(b"trop court").decode(),
    f"{KEY},",
    f"{KEY},,{OLD_KEY}",
    "é" * 44,
])
def test_malformed_keys_are_refused_without_printing_them(value: str) -> None:
    with pytest.raises(CryptoError) as raised:
        cipher({ENV_VAR: value})
    message = str(raised.value)
    assert ENV_VAR in message
    for part in value.split(","):
        if part:
            assert part not in message


def test_encrypts_and_decrypts_unicode_with_a_fresh_token_each_time() -> None:
    crypto = cipher({ENV_VAR: KEY})
    first, second = crypto.encrypt("Œdipe D’Arcy-Lefèvre"), crypto.encrypt("Œdipe D’Arcy-Lefèvre")
    assert first != second and "Œdipe" not in first and "Arcy" not in first
    assert crypto.decrypt(first) == "Œdipe D’Arcy-Lefèvre"
    assert crypto.decrypt_json(crypto.encrypt_json({"nom": "Lefèvre", "n": [1, 2]})) == {"nom": "Lefèvre", "n": [1, 2]}


def test_a_token_from_another_key_is_a_french_error() -> None:
    token = Cipher.from_value(OLD_KEY).encrypt("secret")
    with pytest.raises(CryptoError, match="illisible"):
        Cipher.from_value(KEY).decrypt(token)


def test_rotation_first_key_encrypts_every_key_decrypts_and_searches() -> None:
    old = Cipher.from_value(OLD_KEY)
    rotated = Cipher.from_value(f" {KEY} , {OLD_KEY} ")
    old_token = old.encrypt("06 12 34 56 78")
    assert rotated.decrypt(old_token) == "06 12 34 56 78"
    assert old.blind_index(PHONE, "0612345678") in rotated.blind_indexes(PHONE, "06 12 34 56 78")
    assert rotated.blind_index(PHONE, "0612345678") == Cipher.from_value(KEY).blind_index(PHONE, "0612345678")
    new_token = rotated.rotate(old_token)
    assert Cipher.from_value(KEY).decrypt(new_token) == "06 12 34 56 78"


def test_blind_indexes_normalise_names_and_phones_and_separate_kinds() -> None:
    crypto = Cipher.from_value(KEY)
    same_name = {crypto.blind_index(NAME, n) for n in ("D’Arcy-Lefèvre", "DARCY LEFEVRE", "d'arcy-lefevre", " Darcy Lefèvre ")}
    assert len(same_name) == 1
    same_phone = {crypto.blind_index(PHONE, p) for p in ("06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678", "06.12.34.56.78")}
    assert len(same_phone) == 1
    assert crypto.blind_index(NAME, "Martin") != crypto.blind_index(SENDER, "martin")
    assert crypto.blind_index(NAME, "Martin") != Cipher.from_value(OLD_KEY).blind_index(NAME, "Martin")
    assert crypto.blind_index(NAME, " - ") is None and crypto.blind_indexes(PHONE, "") == ()
    index = crypto.blind_index(NAME, "Martin")
    assert len(index) == 64 and "martin" not in index


def test_cipher_reads_the_environment_at_each_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, KEY)
    token = cipher().encrypt("x")
    monkeypatch.setenv(ENV_VAR, OLD_KEY)
    with pytest.raises(CryptoError):
        cipher().decrypt(token)


@given(st.text(max_size=300))
def test_any_text_round_trips(text: str) -> None:
    crypto = Cipher.from_value(KEY)
    assert crypto.decrypt(crypto.encrypt(text)) == text


@given(st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll")), min_size=1, max_size=40))
def test_the_name_index_ignores_case(name: str) -> None:
    crypto = Cipher.from_value(KEY)
    assert crypto.blind_index(NAME, name.upper()) == crypto.blind_index(NAME, name.lower()) or name.upper().lower() != name.lower()
