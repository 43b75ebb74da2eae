"""`rasa run actions` registers every action the domain names, and only concrete ones."""

import yaml
from rasa_sdk.executor import ActionExecutor

from bot.paths import ROOT


def test_every_domain_action_is_registered_by_the_action_server() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")  # raises on an action without a name, as the server would
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    custom = {a for a in domain["actions"] if not a.startswith("utter_")}
    assert custom <= set(executor.actions), custom - set(executor.actions)
