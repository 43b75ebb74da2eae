"""Command line of Cap Jeunes 62 (help in French: `python -m bot --help`).

- `orient`: reads one JSON profile on stdin, writes the orientation as JSON on stdout;
- `db upgrade`: migrates the application database (`DATABASE_URL`) to the newest revision;
  `db rechiffre`: re-encrypts it with the first key of `CJ62_FERNET_KEY` (key rotation);
- `purge [--dry-run]`: applies the retention rules (`bot.privacy`), prints the counts;
- `personne export --phone … | --reference …`: one person's sheets as JSON on stdout;
- `personne efface --phone … | --reference …`: erases them (no question asked), prints the counts.

Errors exit with 2 and one French line on stderr ("erreur : …"), never a URL, key or value.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Mapping

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


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "utilisation : ")


# argparse's English messages that a user of these commands may meet, in French.
_ARGPARSE_FRENCH: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.*)", r"argument(s) obligatoire(s) manquant(s) : \1"),
    (r"one of the arguments (.*) is required", r"un de ces arguments est obligatoire : \1"),
    (r"argument (.*): not allowed with argument (.*)", r"\1 et \2 ne vont pas ensemble"),
    (r"unrecognized arguments: (.*)", r"argument(s) inconnu(s) : \1"),
    (r"argument (.*): invalid choice: (.*) \(choose from (.*)\)", r"\2 n'est pas un choix possible (\3)"),
    (r"argument (.*): invalid int value: (.*)", r"\1 attend un nombre entier"),
    (r"argument (.*): expected one argument", r"\1 attend une valeur"),
)


class _Parser(argparse.ArgumentParser):
    """argparse with French help and one French error line (exit 2)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("add_help", False)
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")

    def error(self, message: str) -> None:  # type: ignore[override]
        for pattern, french in _ARGPARSE_FRENCH:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, french, message)
                break
        sys.stderr.write(f"erreur : {message} (aide : {self.prog} --help)\n")
        sys.exit(2)


def _fail(message: str) -> int:
    print(f"erreur : {message}", file=sys.stderr)
    return 2


def _print_counts(counts: Mapping[str, int]) -> None:
    for key, value in counts.items():
        print(f"{key} : {value}")


def _now() -> dt.datetime:
    """`BOT_TODAY` at midnight in Europe/Paris when set (tests, demos), else the current time."""
    import os

    from bot.clock import PARIS, today

    if os.environ.get("BOT_TODAY"):
        return dt.datetime.combine(today(), dt.time(), tzinfo=PARIS)
    return dt.datetime.now(PARIS)


def _require_head() -> None:
    """Refuse to work on a database that is not migrated (the tables would be missing)."""
    from bot.storage import StorageError, engine
    from bot.storage.migrator import current_revision, head_revision

    with engine().connect() as connection:
        if current_revision(connection) != head_revision():
            raise StorageError("la base de l'application n'est pas à jour : lancez « python -m bot db upgrade ».")


def _db(args: argparse.Namespace) -> int:
    from bot.storage import describe_url, engine, migrate

    if args.action == "upgrade":
        revision = migrate()
        print(f"base de l'application à jour (révision {revision}, {describe_url(engine().url)})")
        return 0
    from bot.prescription.repository import SheetRepository

    _require_head()
    print(f"fiches rechiffrées : {SheetRepository().reencrypt_all()}")
    return 0


def _purge(args: argparse.Namespace) -> int:
    from bot.privacy import purge

    _require_head()
    counts = purge(_now(), args.fiches_mois, args.conversations_mois, dry_run=args.dry_run)
    if args.dry_run:
        print("simulation : rien n'a été supprimé")
    _print_counts(counts)
    return 0


def _person(args: argparse.Namespace) -> int:
    from bot.privacy import erase_person, export_person

    _require_head()
    if args.phone is not None:
        from bot.prescription.validation import FieldError, parse_phone

        try:
            parse_phone(args.phone)
        except FieldError as error:
            return _fail(str(error))
    if args.action == "export":
        document = export_person(phone=args.phone, reference=args.reference)
        json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    _print_counts(erase_person(phone=args.phone, reference=args.reference))
    return 0


def _data_errors() -> tuple[type[BaseException], ...]:
    import sqlalchemy.exc

    from bot.crypto import CryptoError
    from bot.prescription.models import SheetError
    from bot.storage import StorageError

    return CryptoError, SheetError, StorageError, sqlalchemy.exc.SQLAlchemyError


def _run_data_command(command: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command that touches the databases; known failures become one French line."""
    errors = _data_errors()
    try:
        return command(args)
    except errors as error:
        from bot.crypto import CryptoError
        from bot.prescription.models import SheetError
        from bot.storage import StorageError

        if isinstance(error, (CryptoError, SheetError, StorageError)):
            return _fail(str(error))
        # SQLAlchemy's messages may quote the URL or values: name the kind only.
        return _fail(f"la base de données a refusé l'opération ({type(error).__name__}) : "
                     "vérifiez DATABASE_URL, TRACKER_DB_URL et que la base est à jour.")


def _parser() -> _Parser:
    parser = _Parser(prog="python -m bot", description="Cap Jeunes 62")
    commands = parser.add_subparsers(dest="command", required=True, title="commandes", metavar="COMMANDE")
    commands.add_parser("orient", help="oriente un profil JSON lu sur l'entrée standard")

    db = commands.add_parser("db", help="base de données de l'application",
                             description="Base de données de l'application (DATABASE_URL).")
    db_actions = db.add_subparsers(dest="action", required=True, title="actions", metavar="ACTION")
    db_actions.add_parser("upgrade", help="applique les migrations jusqu'à la dernière",
                          description="Crée ou met à jour les tables de l'application (migrations Alembic).")
    db_actions.add_parser("rechiffre", help="rechiffre les fiches avec la première clé de CJ62_FERNET_KEY",
                          description="Après l'ajout d'une nouvelle clé en tête de CJ62_FERNET_KEY.")

    purge = commands.add_parser("purge", help="supprime ce qui a dépassé sa durée de conservation",
                                description="Applique les durées de conservation et affiche ce qui est supprimé.")
    purge.add_argument("--dry-run", action="store_true", help="compte sans rien supprimer")
    purge.add_argument("--fiches-mois", type=int, default=None, metavar="N",
                       help="conservation des fiches après leur dernier changement de statut (mois)")
    purge.add_argument("--conversations-mois", type=int, default=None, metavar="N",
                       help="conservation des conversations après leur dernier message (mois)")

    person = commands.add_parser("personne", help="droits d'une personne : copie ou effacement de ses données",
                                 description="Demandes reçues par courrier : retrouver une personne par téléphone "
                                             "ou par référence de fiche.")
    person_actions = person.add_subparsers(dest="action", required=True, title="actions", metavar="ACTION")
    for action, help_text in (("export", "écrit ses fiches en JSON sur la sortie standard"),
                              ("efface", "efface ses fiches et ses conversations, sans confirmation")):
        sub = person_actions.add_parser(action, help=help_text, description=help_text[0].upper() + help_text[1:] + ".")
        who = sub.add_mutually_exclusive_group(required=True)
        who.add_argument("--phone", "--telephone", dest="phone", metavar="NUMÉRO",
                         help="téléphone du ou de la jeune (06 12 34 56 78, +33…)")
        who.add_argument("--reference", metavar="PR-AAAA-NNNNNN", help="référence d'une de ses fiches")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "orient":
        return _orient()
    if args.command == "purge":
        from bot.prescription.notice import CONVERSATION_RETENTION_MONTHS, SHEET_RETENTION_MONTHS

        for name in ("fiches_mois", "conversations_mois"):
            value = getattr(args, name)
            if value is not None and value < 0:
                return _fail(f"--{name.replace('_', '-')} attend un nombre de mois positif ou nul")
        args.fiches_mois = SHEET_RETENTION_MONTHS if args.fiches_mois is None else args.fiches_mois
        if args.conversations_mois is None:
            args.conversations_mois = CONVERSATION_RETENTION_MONTHS
    commands: dict[str, Callable[[argparse.Namespace], int]] = {"db": _db, "purge": _purge, "personne": _person}
    return _run_data_command(commands[args.command], args)


if __name__ == "__main__":
    sys.exit(main())
