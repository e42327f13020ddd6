"""When a 1:1 series meets (docs/meetings.md): the days of its recurrence and the
moments they stand for in the series' own time zone. Pure date arithmetic — no
queries; ``services.meetings_ensure`` turns it into meetings."""

import calendar
import datetime
import zoneinfo
from collections.abc import Iterator

from cadence.meetings.models import OneOnOne

AHEAD = 8  # meetings of a recurring series kept scheduled ahead
Cadence = OneOnOne.Cadence


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _add_months(day: datetime.date, months: int, anchor: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(anchor, last))


def occurrence_days(series: OneOnOne) -> Iterator[datetime.date]:
    """The series' meeting days from its first one on (none for ad hoc)."""
    if series.cadence == Cadence.AD_HOC:
        return
    k = 0
    while True:
        if series.cadence == Cadence.MONTHLY:
            yield _add_months(series.first_on, k, series.first_on.day)
        else:
            step = 7 if series.cadence == Cadence.WEEKLY else 14
            yield series.first_on + datetime.timedelta(days=step * k)
        k += 1


def at(series: OneOnOne, day: datetime.date) -> datetime.datetime:
    """``day`` at the series' time in its zone, as an aware datetime."""
    local = datetime.datetime.combine(day, series.starts_at, tzinfo=zone_of(series.time_zone))
    return local.astimezone(datetime.UTC)


def upcoming_times(
    series: OneOnOne, now: datetime.datetime, count: int = AHEAD
) -> list[datetime.datetime]:
    out: list[datetime.datetime] = []
    for day in occurrence_days(series):
        when = at(series, day)
        if when >= now:
            out.append(when)
            if len(out) >= count:
                break
    return out
