"""Command line of Cap Jeunes 62 (help in French: `python -m bot --help`).

- `orient`: reads one JSON profile on stdin, writes the orientation as JSON on stdout;
- `db upgrade`: migrates the application database (`DATABASE_URL`) to the newest revision;
  `db rechiffre`: re-encrypts it with the first key of `CJ62_FERNET_KEY` (key rotation);
- `purge [--dry-run] [--keep-days N] [--keep-events N]`: applies the retention rules (`bot.privacy`),
  then trims the old sessions of long conversations (`bot.storage.purge`), prints the counts;
- `personne export --phone … | --reference …`: one person's sheets as JSON on stdout;
- `personne efface --phone … | --reference …`: erases them (no question asked), prints the counts;
- `users create|list|disable|enable|password|reset-totp`: back-office accounts (`bot.backoffice`);
- `backoffice [--host …] [--port …]`: runs the back office (default 127.0.0.1:8080, `BACKOFFICE_PORT`).

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
    from bot.storage.purge import trim_conversations

    _require_head()
    now = _now()
    counts = purge(now, args.fiches_mois, args.conversations_mois, dry_run=args.dry_run)
    counts.update(trim_conversations(now, args.keep_days, args.keep_events, dry_run=args.dry_run))
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


def _read_password(args: argparse.Namespace) -> str | None:
    """The new password: one line of stdin with --password-stdin, else asked twice on the terminal."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ValueError("pas de terminal pour saisir le mot de passe : utilisez --password-stdin")
    import getpass

    first = getpass.getpass("Mot de passe (12 caractères au moins) : ")
    if getpass.getpass("Mot de passe, une seconde fois : ") != first:
        raise ValueError("les deux mots de passe diffèrent")
    return first


def _users(args: argparse.Namespace) -> int:
    from bot.backoffice.accounts import AccountError, AccountRepository, check_password
    from bot.storage import migrate

    migrate()  # the one step after install: the tables may not exist yet
    repository = AccountRepository()
    try:
        if args.action == "list":
            for account in repository.all():
                where = "tous" if account.is_admin else ",".join(account.territories)
                second = ("\ttotp actif" if account.totp_enabled else "\ttotp à activer") if account.is_admin else ""
                state = "actif" if account.active else "désactivé"
                print(f"{account.id}\t{account.email}\t{account.role.value}\t{where}\t{state}{second}")
            return 0
        if args.action == "create":
            password = _read_password(args)
            check_password(password or "")
            account = repository.create(args.email, args.role, password or "", territories=args.territoire or (),
                                        display_name=args.nom)
            where = "tous les territoires" if account.is_admin else ", ".join(account.territories)
            print(f"compte créé : {account.email} ({account.role.value} ; {where})")
            if account.is_admin:
                print("à la première connexion, le back-office demandera d'activer le second facteur (TOTP)")
            return 0
        account = repository.by_email(args.email)
        if account is None:
            return _fail("aucun compte pour cette adresse")
        if args.action in ("disable", "enable"):
            repository.set_disabled(account.id, args.action == "disable")
            print(f"compte {'désactivé' if args.action == 'disable' else 'réactivé'} : {account.email}")
        elif args.action == "password":
            repository.set_password(account.id, _read_password(args) or "")
            print(f"mot de passe changé : {account.email}")
        else:
            repository.reset_totp(account.id)
            print(f"second facteur réinitialisé : {account.email} (nouvelle activation à la prochaine connexion)")
        return 0
    except (AccountError, ValueError) as error:
        return _fail(str(error))


def _backoffice(args: argparse.Namespace) -> int:
    import logging

    from bot.backoffice.app import serve
    from bot.backoffice.config import ConfigError, Settings, host_from_env, port_from_env
    from bot.handoff.delivery import DeliveryConfigError

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        port = args.port if args.port is not None else port_from_env()
        settings = Settings.from_env()
    except (ConfigError, DeliveryConfigError) as error:
        return _fail(str(error))
    if not 0 < port < 65536:
        return _fail("--port attend un numéro de port (1 à 65535)")
    serve(args.host or host_from_env(), port, settings)
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
    purge.add_argument("--keep-days", type=int, default=None, metavar="N",
                       help="allège les longues conversations : seuls leurs événements de plus de N jours "
                            "sont retirés, session par session, jamais la dernière (défaut : 30)")
    purge.add_argument("--keep-events", type=int, default=None, metavar="N",
                       help="garde au moins les N derniers événements de chaque conversation (défaut : 200)")

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

    users = commands.add_parser("users", help="comptes du back-office",
                                description="Comptes du back-office (conseillers et administrateurs).")
    user_actions = users.add_subparsers(dest="action", required=True, title="actions", metavar="ACTION")
    create = user_actions.add_parser("create", help="crée un compte (mot de passe demandé deux fois)",
                                     description="Crée un compte. Le mot de passe (12 caractères au moins) est "
                                                 "demandé deux fois sur le terminal, ou lu sur l'entrée standard "
                                                 "avec --password-stdin.")
    create.add_argument("--email", required=True, metavar="ADRESSE", help="adresse e-mail de connexion")
    create.add_argument("--role", required=True, choices=("conseiller", "admin"), help="conseiller ou admin")
    create.add_argument("--territoire", action="append", metavar="TERRITOIRE",
                        help="territoire servi (à répéter : --territoire calaisis --territoire audomarois)")
    create.add_argument("--nom", metavar="NOM", help="nom affiché (par défaut : le début de l'adresse)")
    create.add_argument("--password-stdin", action="store_true", help="lit le mot de passe sur l'entrée standard")
    user_actions.add_parser("list", help="liste les comptes", description="Liste les comptes.")
    for action, help_text in (("disable", "désactive un compte (ses sessions sont fermées)"),
                              ("enable", "réactive un compte"),
                              ("password", "change le mot de passe d'un compte"),
                              ("reset-totp", "réinitialise le second facteur d'un compte administrateur")):
        sub = user_actions.add_parser(action, help=help_text, description=help_text[0].upper() + help_text[1:] + ".")
        sub.add_argument("--email", required=True, metavar="ADRESSE", help="adresse e-mail du compte")
        if action == "password":
            sub.add_argument("--password-stdin", action="store_true", help="lit le mot de passe sur l'entrée standard")

    backoffice = commands.add_parser("backoffice", help="lance le back-office (port 8080 par défaut)",
                                     description="Lance le back-office (BACKOFFICE_HOST, BACKOFFICE_PORT, "
                                                 "BACKOFFICE_URL ; voir le README).")
    backoffice.add_argument("--port", type=int, default=None, metavar="PORT",
                            help="port (défaut : BACKOFFICE_PORT ou 8080)")
    backoffice.add_argument("--host", default=None, metavar="HÔTE",
                            help="interface (défaut : BACKOFFICE_HOST ou 127.0.0.1)")
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
        from bot.storage.purge import DEFAULT_KEEP_DAYS, DEFAULT_KEEP_EVENTS

        for name, default in (("keep_days", DEFAULT_KEEP_DAYS), ("keep_events", DEFAULT_KEEP_EVENTS)):
            value = getattr(args, name)
            if value is not None and value < 0:
                return _fail(f"--{name.replace('_', '-')} attend un nombre positif ou nul")
            setattr(args, name, default if value is None else value)
    if args.command == "backoffice":
        return _backoffice(args)
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "db": _db, "purge": _purge, "personne": _person, "users": _users,
    }
    return _run_data_command(commands[args.command], args)


if __name__ == "__main__":
    sys.exit(main())
