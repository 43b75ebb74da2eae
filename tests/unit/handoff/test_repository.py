"""bot.handoff.repository against SQLite and PostgreSQL: references, the workflow and its history,
messages and their delivery state, what the chat reads (pending messages, the active request),
and nothing personal in clear in the database or the logs."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import sqlalchemy as sa

from bot import storage
from bot.handoff.models import (
    ContactRequestError,
    ContactRequestNotFound,
    DeliveryState,
    EventKind,
    PreferredContact,
    RequestKind,
    RequestStatus,
    TranscriptLine,
    can_deliver,
    kind_for_schemes,
)
from bot.handoff.repository import ContactRequestRepository

NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.timezone.utc)
LATER = NOW + dt.timedelta(minutes=42)
PLANTED = ("Œdipe", "D’Arcy", "06 12 34 56 78", "0612345678", "web-secret-sender", "oedipe@exemple.fr", "mardi matin")


def test_a_request_is_saved_and_read_back_decrypted(repository: ContactRequestRepository, new_request) -> None:  # noqa: ANN001
    created = new_request(sender="web-secret-sender", preferred_contact="telephone", phone="06 12 34 56 78",
                          email="oedipe@exemple.fr", contact_when="mardi matin", sheet_reference="PR-2026-000001")
    assert created.reference.startswith("DC-2026-") and len(created.reference) == len("DC-2026-000001")
    assert created.status == RequestStatus.NOUVELLE and created.kind == RequestKind.INSERTION
    again = repository.get(created.reference)
    assert again == created
    assert again.sender_id == "web-secret-sender" and again.phone == "06 12 34 56 78"
    assert again.preferred_contact == PreferredContact.TELEPHONE and again.contact_when == "mardi matin"
    assert again.summary.age == 19 and again.summary.situations == ("ase_sorti",)
    assert again.transcript[0] == TranscriptLine("jeune", "Bonjour, je m'appelle Œdipe D’Arcy")
    assert [e.kind for e in again.events] == [EventKind.CREATION]
    assert repository.get("DC-2026-999999") is None


def test_references_follow_the_sequence_and_the_year_in_paris(new_request) -> None:  # noqa: ANN001
    first = new_request()
    new_year_in_paris = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.timezone.utc)
    second = new_request(now=new_year_in_paris)
    number = int(first.reference[8:])
    assert second.reference == f"DC-2027-{number + 1:06d}"


def test_nothing_personal_is_stored_in_clear(repository: ContactRequestRepository, new_request, database_url: str) -> None:  # noqa: ANN001
    created = new_request(sender="web-secret-sender", phone="06 12 34 56 78", email="oedipe@exemple.fr",
                          contact_when="mardi matin")
    repository.add_message(created.reference, "compte-1", "Bonjour Œdipe, je vous appelle mardi matin", now=LATER)
    repository.transfer(created.reference, "audomarois", "compte-1", "Œdipe habite en fait à Saint-Omer", now=LATER)
    dump = []
    with storage.engine(database_url).connect() as connection:
        for table in storage.models_metadata().sorted_tables:
            for row in connection.execute(sa.select(table)):
                dump.append(" ".join(str(v) for v in row))
    text = "\n".join(dump)
    for planted in PLANTED + ("Saint-Omer",):
        assert planted not in text


def test_search_by_territories_status_and_kind(repository: ContactRequestRepository, new_request) -> None:  # noqa: ANN001
    a = new_request(territory="calaisis")
    b = new_request(territory="audomarois", kind="logement", now=LATER)
    c = new_request(territory="arrageois")
    assert [r.reference for r in repository.search(["calaisis", "audomarois"])] == [b.reference, a.reference]
    assert [r.reference for r in repository.search(None, kind="logement")] == [b.reference]
    assert [r.reference for r in repository.search(["arrageois"], status="nouvelle")] == [c.reference]
    assert repository.search(["arrageois"], status="en_cours") == []
    assert repository.count_by_status(["calaisis", "audomarois"])[RequestStatus.NOUVELLE] == 2


def test_take_reply_deliver_and_close(repository: ContactRequestRepository, new_request) -> None:  # noqa: ANN001
    created = new_request(sender="web-1")
    assert repository.active_request_for("web-1") is None
    assert repository.open_request_for("web-1").reference == created.reference
    taken = repository.take(created.reference, "compte-7", now=LATER)
    assert taken.status == RequestStatus.EN_COURS and taken.assigned_to == "compte-7"
    assert repository.active_request_for("web-1").reference == created.reference
    assert repository.active_request_for("web-2") is None

    first = repository.add_message(created.reference, "compte-7", "  Bonjour !  ", author_label="Hervé", now=LATER)
    assert first.text == "Bonjour !" and first.delivery_state == DeliveryState.EN_ATTENTE
    second = repository.add_message(created.reference, "compte-7", "Êtes-vous là ?", now=LATER + dt.timedelta(minutes=1))
    assert [m.id for m in repository.pending_messages("web-1")] == [first.id, second.id]
    repository.mark_delivery(first.id, DeliveryState.DELIVRE, now=LATER)
    failed = repository.mark_delivery(second.id, "non_delivre", "canal sans envoi différé")
    assert failed.delivery_reason == "canal sans envoi différé"
    assert [m.id for m in repository.pending_messages("web-1")] == [second.id]
    assert repository.pending_messages("web-2") == []
    assert repository.get(created.reference).first_reply_at == LATER

    closed = repository.close(created.reference, "compte-7", now=LATER + dt.timedelta(hours=1))
    assert closed.status == RequestStatus.CLOSE and closed.closed_at == LATER + dt.timedelta(hours=1)
    assert repository.active_request_for("web-1") is None
    with pytest.raises(ContactRequestError, match="close"):
        repository.add_message(created.reference, "compte-7", "encore")
    reopened = repository.take(created.reference, "compte-8")
    assert reopened.status == RequestStatus.EN_COURS and reopened.closed_at is None and reopened.assigned_to == "compte-8"
    assert [e.kind for e in reopened.events] == [EventKind.CREATION, EventKind.PRISE_EN_CHARGE, EventKind.CLOTURE,
                                                 EventKind.PRISE_EN_CHARGE]
    with pytest.raises(ContactRequestNotFound):
        repository.mark_delivery(999_999, "delivre")


def test_a_first_message_takes_a_new_request(repository: ContactRequestRepository, new_request) -> None:  # noqa: ANN001
    created = new_request()
    repository.add_message(created.reference, "compte-3", "Bonjour", now=LATER)
    again = repository.get(created.reference)
    assert again.status == RequestStatus.EN_COURS and again.assigned_to == "compte-3" and again.first_reply_at == LATER


def test_transfer_moves_the_request_and_keeps_its_reason(repository: ContactRequestRepository, new_request) -> None:  # noqa: ANN001
    created = new_request(territory="calaisis")
    repository.take(created.reference, "compte-1")
    moved = repository.transfer(created.reference, "audomarois", "compte-1", "habite Saint-Omer", now=LATER)
    assert moved.territory == "audomarois" and moved.assigned_to is None and moved.status == RequestStatus.EN_COURS
    event = moved.events[-1]
    assert (event.kind, event.from_territory, event.to_territory, event.reason) == (
        EventKind.TRANSFERT, "calaisis", "audomarois", "habite Saint-Omer")
    for territory, reason, message in (("audomarois", "x", "déjà"), ("atlantide", "x", "inconnu"), ("ternois", "  ", "vide")):
        with pytest.raises(ContactRequestError, match=message):
            repository.transfer(created.reference, territory, "compte-1", reason)


def test_contact_preference_given_after_the_request(repository: ContactRequestRepository, new_request) -> None:  # noqa: ANN001
    created = new_request(channel="rest")
    assert not created.can_reply_here and created.preferred_contact is None
    changed = repository.set_contact_preference(created.reference, "email", email="oedipe@exemple.fr",
                                                contact_when="le soir")
    assert changed.preferred_contact == PreferredContact.EMAIL and changed.email == "oedipe@exemple.fr"
    with pytest.raises(ContactRequestError):
        repository.set_contact_preference(created.reference, "pigeon")


def test_bad_input_is_refused_in_french(repository: ContactRequestRepository, new_request) -> None:  # noqa: ANN001
    for changes in ({"sender": ""}, {"channel": "fax"}, {"kind": "loisirs"}, {"territory": "nord"},
                    {"transcript": [{"author": "hacker", "text": "x"}]}):
        with pytest.raises(ContactRequestError):
            new_request(**changes)
    created = new_request()
    for text in ("", "   ", "x" * 4001):
        with pytest.raises(ContactRequestError):
            repository.add_message(created.reference, "compte-1", text)
    for actor in ("", " compte-1", "x" * 65):
        with pytest.raises(ContactRequestError):
            repository.take(created.reference, actor)


def test_transcript_keeps_the_last_ten_lines(new_request) -> None:  # noqa: ANN001
    lines = [f"message {i}" for i in range(15)] + [TranscriptLine("assistant", "Je transmets."), "  "]
    created = new_request(transcript=lines)
    assert [line.text for line in created.transcript] == [f"message {i}" for i in range(6, 15)] + ["Je transmets."]


def test_delete_erases_one_request_with_its_messages(repository: ContactRequestRepository, new_request) -> None:  # noqa: ANN001
    created = new_request()
    repository.add_message(created.reference, "compte-1", "Bonjour")
    assert repository.delete(created.reference) == 1
    assert repository.get(created.reference) is None and repository.pending_messages("web-1") == []
    assert repository.delete(created.reference) == 0


def test_logs_carry_references_only(repository: ContactRequestRepository, new_request, caplog) -> None:  # noqa: ANN001
    caplog.set_level(logging.DEBUG)
    created = new_request(sender="web-secret-sender", phone="06 12 34 56 78", contact_when="mardi matin")
    repository.add_message(created.reference, "compte-1", "Bonjour Œdipe")
    repository.transfer(created.reference, "audomarois", "compte-1", "D’Arcy a déménagé")
    assert created.reference in caplog.text
    for planted in PLANTED:
        assert planted not in caplog.text


def test_channels_and_kinds() -> None:
    assert can_deliver("socketio") and not can_deliver("rest") and not can_deliver("facebook")
    assert not can_deliver("inconnu")
    assert kind_for_schemes(["cllaj", "solutions_logement"]) == RequestKind.LOGEMENT
    assert kind_for_schemes(["cllaj", "faj_co"]) == RequestKind.INSERTION
    assert kind_for_schemes([]) == RequestKind.INSERTION
