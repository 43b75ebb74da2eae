"""Contact requests in bot.privacy: erased with their sender or person, purged 12 months after closing."""

from __future__ import annotations

import datetime as dt

from bot.privacy import RETENTION_RULES, Stores, erase_person, erase_sender, purge

NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.timezone.utc)


def stores_of(database_url: str, tmp_path) -> Stores:  # noqa: ANN001
    return Stores(app_url=database_url, tracker_url=f"sqlite:///{tmp_path / 'absent-tracker.db'}")


def test_the_rule_is_registered_for_twelve_months() -> None:
    rule = RETENTION_RULES["demandes_de_contact"]
    assert rule.months == 12 and "clôture" in rule.label and "ouvertes" in rule.label


def test_erasing_a_sender_takes_their_requests_and_messages(repository, new_request, database_url, tmp_path) -> None:  # noqa: ANN001
    mine = [new_request(sender="web-A"), new_request(sender="web-A", territory="ternois")]
    repository.add_message(mine[0].reference, "compte-1", "Bonjour")
    other = new_request(sender="web-B")
    counts = erase_sender("web-A", stores=stores_of(database_url, tmp_path))
    assert counts["demandes_de_contact"] == 2 and counts["messages_de_conseillers"] == 1
    assert all(repository.get(r.reference) is None for r in mine) and repository.get(other.reference) is not None
    assert repository.pending_messages("web-A") == []


def test_erasing_a_person_by_phone_takes_the_requests_where_it_was_left(repository, new_request, database_url,  # noqa: ANN001
                                                                        tmp_path) -> None:
    left_phone = new_request(sender="web-A", phone="06 12 34 56 78")
    same_conversation = new_request(sender="web-A")
    stranger = new_request(sender="web-B", phone="07 00 00 00 00")
    counts = erase_person(phone="+33 6 12 34 56 78", stores=stores_of(database_url, tmp_path))
    assert counts["demandes_de_contact"] == 2
    assert repository.get(left_phone.reference) is None and repository.get(same_conversation.reference) is None
    assert repository.get(stranger.reference) is not None


def test_requests_are_purged_twelve_months_after_closing_or_their_last_activity(repository, new_request, database_url,  # noqa: ANN001
                                                                 tmp_path) -> None:
    old = NOW - dt.timedelta(days=400)
    closed_long_ago = new_request(now=old)
    repository.add_message(closed_long_ago.reference, "compte-1", "Bonjour", now=old)
    repository.close(closed_long_ago.reference, "compte-1", now=old)
    closed_recently = new_request(now=old)
    repository.close(closed_recently.reference, "compte-1", now=NOW - dt.timedelta(days=30))
    still_open = new_request(now=old)  # open, but an adviser wrote a month ago
    repository.add_message(still_open.reference, "compte-1", "On se rappelle ?", now=NOW - dt.timedelta(days=30))
    abandoned = new_request(now=old)  # open, nothing for 400 days (issue 16: kept for ever before)
    stores = stores_of(database_url, tmp_path)
    dry = purge(NOW, dry_run=True, stores=stores)
    assert (dry["demandes_de_contact"], dry["messages_de_conseillers"]) == (2, 1)
    assert repository.get(closed_long_ago.reference) is not None
    done = purge(NOW, stores=stores)
    assert (done["demandes_de_contact"], done["messages_de_conseillers"]) == (2, 1)
    assert repository.get(closed_long_ago.reference) is None and repository.get(abandoned.reference) is None
    assert repository.get(closed_recently.reference) is not None and repository.get(still_open.reference) is not None
    shorter = purge(NOW, months={"demandes_de_contact": 0}, stores=stores)
    assert shorter["demandes_de_contact"] == 2
