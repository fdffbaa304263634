"""Public holidays of a country (and province), through the `holidays` package, with the
dates a configuration adds or removes; Greece's movable Orthodox feasts (Clean Monday, Easter
Monday, Whit Monday) come from it too."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import holidays


def supported() -> dict[str, list[str]]:
    """Country code -> its province (subdivision) codes."""
    return {code: list(subdivs) for code, subdivs in holidays.list_supported_countries().items()}


def languages_of(country: str) -> tuple[str, ...]:
    """The languages the holiday names of `country` can be given in."""
    return tuple(holidays.country_holidays(country).supported_languages)


class HolidayCalendar:
    """Holidays by date, year by year as they are asked for."""

    def __init__(
        self,
        country: str,
        province: str | None = None,
        language: str | None = None,
        *,
        add: Iterable[tuple[date, str]] = (),
        remove: Iterable[date | str] = (),
    ) -> None:
        self.country, self.province, self.language = country, province, language
        self._add = tuple(add)
        self._remove_dates = {r for r in remove if isinstance(r, date)}
        self._remove_names = {r.casefold() for r in remove if isinstance(r, str)}
        self._years: dict[int, dict[date, str]] = {}
        self.removed_names_found: set[str] = set()

    def name(self, day: date) -> str | None:
        """The holiday on `day`, if it is one."""
        return self._year(day.year).get(day)

    def _year(self, year: int) -> dict[date, str]:
        found = self._years.get(year)
        if found is None:
            found = self._years[year] = self._build(year)
        return found

    def _build(self, year: int) -> dict[date, str]:
        shown = self._official(year, self.language)
        english = self._official(year, "en_US")
        days: dict[date, str] = {}
        for day, name in shown.items():
            if day in self._remove_dates or self._removed_by_name(english.get(day, ""), name):
                continue
            days[day] = name
        for day, name in self._add:
            if day.year == year:
                days[day] = name
        return days

    def _official(self, year: int, language: str | None) -> dict[date, str]:
        found = holidays.country_holidays(
            self.country, subdiv=self.province, years=year, language=language
        )
        return dict(found.items())

    def _removed_by_name(self, *names: str) -> bool:
        """Whether a holiday is removed by one of its names (in English or as shown)."""
        parts = {part.casefold() for name in names for part in name.split("; ") if part}
        removed = parts & self._remove_names
        self.removed_names_found |= removed
        return bool(removed)

    def english_names(self, year: int) -> list[str]:
        """Holiday names of `year` in English, to help with `remove_holidays` by name."""
        return sorted(set(self._official(year, "en_US").values()))
