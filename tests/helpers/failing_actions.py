"""An action package for the action server's tests: one action that fails with personal data in
its error (which must reach neither the answer nor the log)."""

from __future__ import annotations

from rasa_sdk import Action


class ActionThatFails(Action):
    def name(self) -> str:
        return "action_that_fails"

    async def run(self, dispatcher, tracker, domain):  # noqa: ANN001, ANN201
        raise ValueError("Œdipe Zyxwoquet, 06 98 76 54 32")


class ActionThatWorks(Action):
    def name(self) -> str:
        return "action_that_works"

    async def run(self, dispatcher, tracker, domain):  # noqa: ANN001, ANN201
        dispatcher.utter_message(text="ok")
        return []
