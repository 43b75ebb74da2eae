"""rasa_ext.channels.sessions: signed session ids, their keys, and the allowed origins."""

from __future__ import annotations

import base64
import logging

import pytest

from rasa_ext.channels.sessions import (
    DEFAULT_ORIGINS,
    SessionConfigError,
    SessionSigner,
    allowed_origins,
    normalize_origin,
)

FERNET = base64.urlsafe_b64encode(b"f" * 32).decode()
OTHER_FERNET = base64.urlsafe_b64encode(b"g" * 32).decode()
SECRET = "un-secret-de-session-assez-long-pour-les-tests"
OTHER_SECRET = "un-autre-secret-de-session-assez-long-pour-tests"


def signer(**environ: str) -> SessionSigner:
    return SessionSigner.from_environ(environ)


def test_an_issued_session_is_128_random_bits_with_a_signature() -> None:
    session = signer(CJ62_FERNET_KEY=FERNET).issue()
    session_id, signature = session.token.split(".")
    assert session_id == session.session_id
    assert len(session_id) == 32 and set(session_id) <= set("0123456789abcdef")
    assert len(signature) == 43 and "=" not in signature


def test_issued_ids_do_not_repeat() -> None:
    sessions = signer(CJ62_FERNET_KEY=FERNET)
    assert len({sessions.issue().session_id for _ in range(1000)}) == 1000


def test_a_token_is_verified_by_any_process_with_the_same_key() -> None:
    token = signer(CJ62_FERNET_KEY=FERNET).issue().token
    resumed = signer(CJ62_FERNET_KEY=FERNET).verify(token)
    assert resumed is not None and resumed.token == token and resumed.session_id == token[:32]


def test_a_token_from_another_key_is_refused() -> None:
    token = signer(CJ62_FERNET_KEY=OTHER_FERNET).issue().token
    assert signer(CJ62_FERNET_KEY=FERNET).verify(token) is None
    assert signer(CJ62_SESSION_SECRET=SECRET).verify(token) is None


def test_the_session_secret_takes_precedence_over_the_fernet_key() -> None:
    token = signer(CJ62_SESSION_SECRET=SECRET).issue().token
    assert signer(CJ62_SESSION_SECRET=SECRET, CJ62_FERNET_KEY=FERNET).verify(token) is not None
    assert signer(CJ62_FERNET_KEY=FERNET).verify(token) is None


def test_the_fernet_derived_key_is_not_the_fernet_key_itself() -> None:
    """HKDF with our own label: a signature reveals nothing usable against the encryption key."""
    import hashlib
    import hmac

    session = signer(CJ62_FERNET_KEY=FERNET).issue()
    naive = hmac.new(b"f" * 32, session.session_id.encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64encode(naive).rstrip(b"=").decode() != session.token.split(".")[1]


@pytest.mark.parametrize("variable,old,new", [
    ("CJ62_SESSION_SECRET", SECRET, OTHER_SECRET),
    ("CJ62_FERNET_KEY", FERNET, OTHER_FERNET),
])
def test_a_rotation_keeps_the_tokens_of_the_old_key(variable: str, old: str, new: str) -> None:
    before = signer(**{variable: old}).issue().token
    rotated = signer(**{variable: f"{new}, {old}"})
    assert rotated.verify(before) is not None
    after = rotated.issue().token
    assert signer(**{variable: new}).verify(after) is not None  # the new key signs
    assert signer(**{variable: old}).verify(after) is None


@pytest.mark.parametrize("token", [
    None, 42, b"bytes", "", "abc", "0" * 32, "0" * 32 + ".", "0" * 32 + "." + "A" * 43,
    "0" * 31 + "." + "A" * 44, "x" * 10_000, "0" * 32 + "." + "A" * 43 + "\n",
])
def test_malformed_tokens_are_refused(token: object) -> None:
    assert signer(CJ62_FERNET_KEY=FERNET).verify(token) is None


def test_a_tampered_token_is_refused() -> None:
    sessions = signer(CJ62_FERNET_KEY=FERNET)
    token = sessions.issue().token
    for position in (0, 31, 33, len(token) - 2):
        character = token[position]
        replacement = "0" if character != "0" else "1"
        if position > 32:
            replacement = "A" if character != "A" else "B"
        assert sessions.verify(token[:position] + replacement + token[position + 1:]) is None


def test_production_refuses_to_start_without_a_key() -> None:
    with pytest.raises(SessionConfigError, match="En production"):
        signer(CJ62_ENV="production")
    assert signer(CJ62_ENV="production", CJ62_FERNET_KEY=FERNET).issue()
    assert signer(CJ62_ENV="production", CJ62_SESSION_SECRET=SECRET).issue()


def test_dev_without_a_key_uses_a_random_one_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    first, second = signer(), signer(CJ62_ENV="dev")
    assert first.verify(first.issue().token) is not None
    assert second.verify(first.issue().token) is None
    assert "random key" in caplog.text


def test_a_short_secret_is_refused_without_being_repeated() -> None:
    with pytest.raises(SessionConfigError, match="32 caractères") as error:
        signer(CJ62_SESSION_SECRET="trop-court")
    assert "trop-court" not in str(error.value)
    with pytest.raises(SessionConfigError):
        signer(CJ62_SESSION_SECRET=f"{SECRET},")


def test_a_malformed_fernet_key_is_refused_without_being_repeated() -> None:
    with pytest.raises(SessionConfigError, match="CJ62_FERNET_KEY") as error:
        signer(CJ62_FERNET_KEY="cle-secrete-invalide")
    assert "cle-secrete-invalide" not in str(error.value)


@pytest.mark.parametrize("value,expected", [
    ("http://localhost:8080", "http://localhost:8080"),
    ("http://localhost:8080/", "http://localhost:8080"),
    ("HTTPS://Www.PasDeCalais.fr", "https://www.pasdecalais.fr:443"),
    ("https://www.pasdecalais.fr:443", "https://www.pasdecalais.fr:443"),
    ("http://127.0.0.1", "http://127.0.0.1:80"),
    ("http://[::1]:8080", "http://[::1]:8080"),
    (" http://localhost:8080 ", "http://localhost:8080"),
])
def test_origins_are_compared_on_scheme_host_and_port(value: str, expected: str) -> None:
    assert normalize_origin(value) == expected


@pytest.mark.parametrize("value", [
    None, 42, "", "null", "localhost:8080", "ftp://example.org", "http://", "http://example.org/chemin",
    "http://example.org?x=1", "http://user:mdp@example.org", "http://example.org:99999", "http://example.org:abc",
    "*", "http://*.example.org", "file:///tmp",
])
def test_what_is_not_an_http_origin_is_refused(value: object) -> None:
    assert normalize_origin(value) is None


def test_allowed_origins_default_to_the_back_office_in_dev() -> None:
    assert allowed_origins({}) == {"http://localhost:8080"} == allowed_origins({"ALLOWED_ORIGINS": "  "})
    assert DEFAULT_ORIGINS == "http://localhost:8080"


def test_allowed_origins_are_a_comma_separated_list() -> None:
    origins = allowed_origins({"ALLOWED_ORIGINS": "https://www.pasdecalais.fr, http://localhost:8080/"})
    assert origins == {"https://www.pasdecalais.fr:443", "http://localhost:8080"}


@pytest.mark.parametrize("value", ["*", "https://a.fr,,https://b.fr", "https://a.fr/widget"])
def test_an_unusable_allowed_origin_stops_the_start(value: str) -> None:
    with pytest.raises(SessionConfigError, match="ALLOWED_ORIGINS"):
        allowed_origins({"ALLOWED_ORIGINS": value})


def test_the_channel_refuses_to_start_in_production_without_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa_ext.channels.socketio import SocketIOInput

    monkeypatch.setenv("CJ62_ENV", "production")
    monkeypatch.delenv("CJ62_FERNET_KEY", raising=False)
    monkeypatch.delenv("CJ62_SESSION_SECRET", raising=False)
    with pytest.raises(SessionConfigError):
        SocketIOInput.from_credentials({"session_persistence": True})
