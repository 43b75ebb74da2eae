"""Human handoff: contact requests, adviser messages, their delivery to the chat, notifications.

- `models`: statuses and kinds (French labels), tables, decrypted dataclasses;
- `repository.ContactRequestRepository`: create, find, take, reply, transfer, close (sync);
- `inboxes.InboxSettings`: the service e-mail of each territory's inboxes (admin setting);
- `delivery.RasaClient`: the one reverse flow of CONVENTIONS.md (back office → Rasa's HTTP API);
- `notify`: e-mail to the territory's service address, with no personal data.

Nothing is read or connected at import time.
"""
