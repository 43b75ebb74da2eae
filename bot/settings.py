"""Which environment we run in, read one way by every part (issue 16).

`CJ62_ENV` was parsed in five places, differently: "Production" (capitalised) made the widget
strict but left the REST channel open. Here it is read case-insensitively, spaces trimmed, and it
fails closed: only an explicit development value ("dev", "development", "développement", "test",
"local") or no value relaxes the production rules; any other value ("Production", "prod",
"staging"…) is production.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping

ENV_VAR = "CJ62_ENV"
DEVELOPMENT_VALUES = frozenset({"", "dev", "development", "developpement", "test", "local"})


def _folded(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_production(environ: Mapping[str, str] | None = None) -> bool:
    """Whether `CJ62_ENV` (of `environ`, default the process's) asks for the production rules."""
    env = os.environ if environ is None else environ
    return _folded(env.get(ENV_VAR) or "") not in DEVELOPMENT_VALUES
