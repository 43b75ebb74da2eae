"""`python -m bot users …` (no default account; weak passwords refused), the back office's
configuration from the environment, and the SVG chart."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.backoffice.charts import PALETTE, Series, bar_chart
from bot.backoffice.config import ConfigError, Settings, port_from_env

ROOT = Path(__file__).resolve().parents[3]


def bot(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}",
               TRACKER_DB_URL=f"sqlite:///{tmp_path / 'tracker.db'}")
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=120)


def test_users_create_list_disable_and_reset_totp(tmp_path: Path) -> None:
    assert bot(tmp_path, "users", "list").stdout == ""  # no default account
    done = bot(tmp_path, "users", "create", "--email", "Herve@Exemple.fr", "--role", "conseiller",
               "--territoire", "calaisis", "--territoire", "audomarois", "--nom", "Hervé Leplat", "--password-stdin",
               stdin="une phrase de passe solide\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "compte créé : herve@exemple.fr (conseiller ; audomarois, calaisis)\n"
    assert "une phrase" not in done.stdout + done.stderr
    admin = bot(tmp_path, "users", "create", "--email", "admin@exemple.fr", "--role", "admin", "--password-stdin",
                stdin="une autre phrase solide\n")
    assert admin.returncode == 0 and "second facteur" in admin.stdout
    listed = bot(tmp_path, "users", "list").stdout.splitlines()
    assert listed == ["2\tadmin@exemple.fr\tadmin\ttous\tactif\ttotp à activer",
                      "1\therve@exemple.fr\tconseiller\taudomarois,calaisis\tactif"]
    assert bot(tmp_path, "users", "disable", "--email", "herve@exemple.fr").returncode == 0
    assert "désactivé" in bot(tmp_path, "users", "list").stdout
    assert bot(tmp_path, "users", "enable", "--email", "herve@exemple.fr").returncode == 0
    assert bot(tmp_path, "users", "reset-totp", "--email", "admin@exemple.fr").returncode == 0
    changed = bot(tmp_path, "users", "password", "--email", "herve@exemple.fr", "--password-stdin",
                  stdin="encore une phrase solide\n")
    assert changed.returncode == 0, changed.stderr


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["--role", "conseiller", "--territoire", "calaisis"], "court\n", "trop court"),
    (["--role", "conseiller", "--territoire", "calaisis"], "aaaaaaaaaaaaaaaa\n", "trop simple"),
    (["--role", "conseiller"], "une phrase de passe solide\n", "au moins un territoire"),
    (["--role", "conseiller", "--territoire", "lille"], "une phrase de passe solide\n", "Territoire inconnu"),
])
def test_users_create_refuses_bad_input_in_french(tmp_path: Path, args: list[str], stdin: str, message: str) -> None:
    done = bot(tmp_path, "users", "create", "--email", "x@exemple.fr", *args, "--password-stdin", stdin=stdin)
    assert done.returncode == 2 and done.stdout == "" and message in done.stderr
    assert done.stderr.startswith("erreur : ")


def test_users_create_without_a_terminal_asks_for_password_stdin(tmp_path: Path) -> None:
    done = bot(tmp_path, "users", "create", "--email", "x@exemple.fr", "--role", "admin")
    assert done.returncode == 2 and "--password-stdin" in done.stderr
    twice = ["users", "create", "--email", "x@exemple.fr", "--role", "admin", "--password-stdin"]
    assert bot(tmp_path, *twice, stdin="une phrase de passe solide\n").returncode == 0
    again = bot(tmp_path, *twice, stdin="une phrase de passe solide\n")
    assert again.returncode == 2 and "existe déjà" in again.stderr
    assert bot(tmp_path, "users", "disable", "--email", "absent@exemple.fr").returncode == 2


def test_production_refuses_to_start_without_its_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    key = os.environ["CJ62_FERNET_KEY"]
    base = {"CJ62_ENV": "production", "CJ62_FERNET_KEY": key, "RASA_JWT_SECRET": "x" * 40,
            "BACKOFFICE_URL": "https://backoffice.exemple.fr"}
    settings = Settings.from_env(base)
    assert settings.production and settings.secure_cookies and settings.rasa.jwt_secret and not settings.rasa.token
    for missing in ("CJ62_FERNET_KEY", "RASA_JWT_SECRET", "BACKOFFICE_URL"):
        with pytest.raises(ConfigError, match=missing):
            Settings.from_env({k: v for k, v in base.items() if k != missing})
    with pytest.raises(ConfigError, match="https"):
        Settings.from_env({**base, "BACKOFFICE_URL": "http://backoffice.exemple.fr"})
    with pytest.raises(ConfigError, match="BOT_TODAY"):
        Settings.from_env({**base, "BOT_TODAY": "2026-11-29"})
    dev = Settings.from_env({"CJ62_FERNET_KEY": key, "RASA_AUTH_TOKEN": "jeton"})
    assert not dev.secure_cookies and dev.rasa.token == "jeton" and dev.public_url == "http://localhost:8080"
    with pytest.raises(ConfigError, match="CJ62_FERNET_KEY"):
        Settings.from_env({})
    assert port_from_env({}) == 8080 and port_from_env({"BACKOFFICE_PORT": "9090"}) == 9090
    with pytest.raises(ConfigError):
        port_from_env({"BACKOFFICE_PORT": "http"})


def test_the_backoffice_command_refuses_a_bad_configuration(tmp_path: Path) -> None:
    env_done = subprocess.run([sys.executable, "-m", "bot", "backoffice", "--port", "1"], capture_output=True,
                              text=True, timeout=60, env=dict(os.environ, CJ62_ENV="production"))
    assert env_done.returncode == 2 and "production" in env_done.stderr


def test_the_chart_is_an_escaped_svg_with_its_numbers() -> None:
    svg = bar_chart(["Calaisis", "<b>x</b>"], [Series("Fiches", [3, 0]), Series("Demandes & co", [1, 5])],
                    label="Graphique <test>")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="Graphique &lt;test&gt;"')
    assert "<b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg and "Demandes &amp; co" in svg
    assert ">3</text>" in svg and ">5</text>" in svg and svg.count("<rect") == 2 + 4
    assert PALETTE[0] in svg and PALETTE[1] in svg
    with pytest.raises(ValueError):
        bar_chart(["a"], [Series(str(i), [1]) for i in range(5)], label="trop")
