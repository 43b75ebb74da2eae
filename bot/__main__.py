"""Command line: `python -m bot orient` (reads one JSON profile on stdin, writes JSON on stdout)."""

from __future__ import annotations

import argparse
import json
import sys

from bot.clock import ClockError


def _orient() -> int:
    from bot.clock import today
    from bot.communes import communes
    from bot.eligibility.engine import orient
    from bot.eligibility.profile import ProfileError, parse_profile_json
    from bot.eligibility.serialize import orientation_json
    from bot.knowledge import knowledge

    try:
        raw = sys.stdin.buffer.read().decode("utf-8")
    except UnicodeDecodeError:
        print("erreur : l'entrée doit être encodée en UTF-8", file=sys.stderr)
        return 2
    try:
        profile = parse_profile_json(raw, knowledge())
        reference = profile.as_of or today()
    except (ProfileError, ClockError) as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 2
    result = orient(profile, knowledge(), communes(), reference)
    json.dump(orientation_json(result), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Cap Jeunes 62")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("orient", help="oriente un profil JSON lu sur l'entrée standard")
    args = parser.parse_args(argv)
    if args.command == "orient":
        return _orient()
    return 2


if __name__ == "__main__":
    sys.exit(main())
