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


async def test_an_erasure_over_rest_forgets_the_answers_kept_for_retries(monkeypatch) -> None:
    """Issue 16: the REST de-duplication kept answers 48 h, and erasure did not delete them."""
    from rasa_ext.channels.dedup import _key
    from rasa_ext.channels.messages import Inbound
    from rasa_ext.channels.rest import RestInput

    monkeypatch.setattr(erasure, "erase_sender", lambda sender: {"events": 3})
    channel = RestInput()

    async def earlier_turn() -> list[dict]:
        return [{"recipient_id": "s1", "text": "Récapitulatif de ta fiche : …"}]

    await channel.message_ids.once("s1", "m-1", earlier_turn)
    await channel.message_ids.once("s2", "m-1", earlier_turn)

    async def on_new_message(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "Tes données sont effacées."})
        await message.output_channel.send_response(message.sender_id, {"custom": {erasure.ERASE_KEY: True}})

    answers = await channel.turn(Inbound("supprime mes données"), "s1", None, on_new_message, agent=None)
    assert [a["text"] for a in answers] == ["Tes données sont effacées."]
    items = channel.message_ids.store.items
    assert _key(channel.message_ids.prefix, "s1", "m-1") not in items
    assert _key(channel.message_ids.prefix, "s2", "m-1") in items
