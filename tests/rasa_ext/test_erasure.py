"""The erasure marker never reaches the user; the sender is erased only after the turn."""

from __future__ import annotations

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from rasa_ext.channels import erasure


async def test_the_marker_is_swallowed_and_erasure_runs_after_the_turn(monkeypatch) -> None:
    order: list[str] = []
    monkeypatch.setattr(erasure, "erase_sender", lambda sender: order.append(f"erase {sender}") or {"events": 3})
    collector = CollectingOutputChannel()

    async def on_new_message(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "C'est fait."})
        await message.output_channel.send_response(message.sender_id, {"custom": {erasure.ERASE_KEY: True}})
        order.append("turn saved")

    await erasure.process_then_erase(UserMessage("oui", collector, "s1"), on_new_message)
    assert collector.messages == [{"recipient_id": "s1", "text": "C'est fait."}]
    assert order == ["turn saved", "erase s1"]


async def test_no_marker_no_erasure(monkeypatch) -> None:
    monkeypatch.setattr(erasure, "erase_sender", lambda sender: (_ for _ in ()).throw(AssertionError("erased")))

    async def on_new_message(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "Bonjour"})

    await erasure.process_then_erase(UserMessage("salut", CollectingOutputChannel(), "s2"), on_new_message)
