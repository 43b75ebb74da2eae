"""The back office of Cap Jeunes 62 (aiohttp, server-rendered French pages, no JavaScript needed).

For SLAI advisers (`conseiller`, one or more territories) and admins: the inbox of contact
requests with live replies into the conversation, prescription sheets (validate, refuse, PDF,
CSV), indicators, and for admins accounts, inbox e-mail settings and the audit log. Public pages:
`/demo`, `/confidentialite`, `/mentions-legales`, `/accessibilite`.

- `app`: `create_app(settings)`, `serve(host, port)` (`python -m bot backoffice`);
- `config`: settings from the environment; `security`, `auth`, `csrf`, `sessions`, `throttle`:
  headers, login, server-side sessions, CSRF tokens, progressive login delay;
- `accounts`, `audit`, `models`: accounts (argon2id, TOTP), the audit log, their tables;
- `views/`: the pages; `indicators`, `charts`: the numbers and their SVG chart.

Nothing is read or connected at import time.
"""
