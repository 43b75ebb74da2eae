"""CJ62_ENV is read one way by every part, and fails closed (bot/settings.py, issue 16)."""

from __future__ import annotations

import pytest

from bot.backoffice.config import ConfigError, Settings
from bot.handoff.delivery import DeliveryConfigError, RasaClient
from bot.settings import is_production
from rasa_ext.action_server import ActionServerConfigError, token_from_env
from rasa_ext.channels.sessions import SessionConfigError, SessionSigner


@pytest.mark.parametrize("value", ["production", "Production", " PRODUCTION\n", "prod", "staging"])
def test_anything_but_a_development_value_is_production(value: str) -> None:
    assert is_production({"CJ62_ENV": value})


@pytest.mark.parametrize("value", [None, "", "dev", "DEV", "development", "développement", "test", " local "])
def test_development_needs_an_explicit_development_value_or_none(value: str | None) -> None:
    assert not is_production({} if value is None else {"CJ62_ENV": value})


def test_every_part_asks_for_its_production_secrets_whatever_the_case() -> None:
    environ = {"CJ62_ENV": "Production"}
    with pytest.raises(ConfigError):
        Settings.from_env(environ)
    with pytest.raises(DeliveryConfigError):
        RasaClient.from_env(environ)
    with pytest.raises(ActionServerConfigError):
        token_from_env(environ)
    with pytest.raises(SessionConfigError):
        SessionSigner.from_environ(environ)
