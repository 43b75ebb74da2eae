"""`rasa run`, with the JWT secret of Rasa's HTTP API taken from the environment, not the command line.

Rasa 3.6 takes the secret only as `--jwt-secret=…`, which anyone on the machine reads in `ps` or
/proc/<pid>/cmdline (issue 16). `python -m rasa_ext.run [rasa run's other arguments]` reads
`RASA_JWT_SECRET` and hands Rasa the argument inside the process: /proc shows the command as it
was typed, without the secret. Used by scripts/run_prod.sh and the image's entrypoint.
"""

from __future__ import annotations

import os
import sys

ENV_VAR = "RASA_JWT_SECRET"


def rasa_arguments(arguments: list[str], environ: dict[str, str] | os._Environ[str]) -> list[str]:
    """Rasa's command line: `run`, the given arguments, and the secret from the environment if set."""
    if any(argument.startswith("--jwt-secret") for argument in arguments):
        raise SystemExit("rasa_ext.run : le secret JWT se passe par RASA_JWT_SECRET, jamais en argument.")
    secret = (environ.get(ENV_VAR) or "").strip()
    return ["rasa", "run", *arguments, *([f"--jwt-secret={secret}"] if secret else [])]


def main() -> None:
    sys.argv = rasa_arguments(sys.argv[1:], os.environ)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
