"""Indicators over a chosen period, for my territories (admins: all, or one), as tables and an SVG chart."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from bot.backoffice.app import db, render, services
from bot.backoffice.auth import current_account
from bot.backoffice.charts import Series, bar_chart
from bot.backoffice.filters import territory_name
from bot.backoffice.indicators import MAX_PERIOD_DAYS, compute, default_period
from bot.clock import PARIS


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


async def indicators(request: web.Request) -> web.Response:
    from bot.knowledge import TERRITORY_IDS

    found = services(request)
    account = current_account(request)
    today = found.settings.clock().astimezone(PARIS).date()
    default_start, default_end = default_period(today)
    start = _date(request.query.get("debut")) or default_start
    end = _date(request.query.get("fin")) or default_end
    error = None
    if start > end:
        error = "La date de début est après la date de fin : période par défaut affichée."
        start, end = default_start, default_end
    elif (end - start).days > MAX_PERIOD_DAYS:
        error = "Période trop longue (3 ans au plus) : période par défaut affichée."
        start, end = default_start, default_end
    mine = TERRITORY_IDS if account.is_admin else account.territories
    chosen = request.query.get("territoire") or ""
    territories = (chosen,) if chosen in mine else tuple(mine)
    result = await db(compute, found.sheets.sessions, territories, start, end)
    chart = bar_chart(
        [territory_name(t) for t in territories],
        [Series("Fiches créées", [result.by_territory[t].created for t in territories]),
         Series("Fiches transmises", [result.by_territory[t].transmitted for t in territories]),
         Series("Fiches validées", [result.by_territory[t].validated for t in territories]),
         Series("Demandes de contact", [result.by_territory[t].requests for t in territories])],
        label="Graphique des fiches et demandes par territoire ; les mêmes chiffres sont dans le tableau qui suit.",
    )
    return render(request, "indicators.html", {
        "r": result, "chart": chart, "start": start, "end": end, "error": error, "mine": mine,
        "chosen": chosen if chosen in mine else "",
    })


def setup(app: web.Application) -> None:
    app.router.add_get("/indicateurs", indicators)
