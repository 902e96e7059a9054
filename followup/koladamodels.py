"""What Kolada tells about its key figures, kept beside the municipality's own
outcomes: the KPI list (titles, definitions), the areas figures are given for
(municipalities, municipality groups, organisational units) and the figures
themselves for the comparison set, per gender.

The municipality's own total is still an `IndicatorOutcome` (entered, imported
or both); `KpiValue` holds everything else Kolada gives for a KPI and year:
the municipality's women and men, the comparison areas, similar municipalities
and units. Values are keyed by KPI rather than by indicator, so a KPI used by
several indicators or plan years is stored once.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

KOLADA_PAGE = "https://www.kolada.se/verktyg/fri-sokning/?kpis={kpi}&municipals={municipality}"
# Kolada writes a KPI's unit last in its title: "…, andel (%)".
_UNIT_IN_TITLE = re.compile(r"\(([^()]{1,40})\)\s*$")


class Gender(models.TextChoices):
    TOTAL = "T", _("total")
    WOMEN = "K", _("women")
    MEN = "M", _("men")


class AreaKind(models.TextChoices):
    MUNICIPALITY = "K", _("municipality")
    REGION = "L", _("region")
    GROUP = "G", _("municipality group")
    UNIT = "OU", _("organisational unit")


class KoladaKpiQuerySet(models.QuerySet["KoladaKpi"]):
    def matching(self, words: str) -> KoladaKpiQuerySet:
        """The KPIs whose id, title, description or area holds every word (any case)."""
        found = self
        for word in words.lower().split():
            found = found.filter(search_text__contains=word)
        return found.order_by("title", "id")


class KoladaKpi(models.Model):
    """One of Kolada's key figures, as its `kpi` list describes it."""

    id = models.CharField(_("KPI id"), max_length=20, primary_key=True)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    is_divided_by_gender = models.BooleanField(_("divided by gender"), default=False)
    has_ou_data = models.BooleanField(_("has unit data"), default=False)
    operating_area = models.CharField(_("operating area"), max_length=300, blank=True)
    municipality_type = models.CharField(_("municipality type"), max_length=10, blank=True)
    # Lower case id, title, description and area, searched by `matching`: SQLite's
    # LIKE ignores case only for ASCII, and Swedish has å, ä and ö.
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = KoladaKpiQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("Kolada KPI")
        verbose_name_plural = _("Kolada KPIs")

    def __str__(self) -> str:
        return f"{self.id} {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.search_text = self.searchable()
        super().save(*args, **kwargs)

    def searchable(self) -> str:
        return " ".join([self.id, self.title, self.description, self.operating_area]).lower()

    def kolada_url(self, municipality: str = "") -> str:
        return kolada_url(self.id, municipality)

    @staticmethod
    def unit_of(title: str) -> str:
        """The unit Kolada writes last in a title, "(%)" → "%"; empty if there is none."""
        found = _UNIT_IN_TITLE.search(title)
        return found.group(1).strip() if found else ""


def kolada_url(kpi: str, municipality: str = "") -> str:
    """The KPI's page in Kolada's own search, for the municipality."""
    return KOLADA_PAGE.format(kpi=kpi, municipality=municipality)


class KoladaAreaQuerySet(models.QuerySet["KoladaArea"]):
    def units_of(self, municipality: str) -> KoladaAreaQuerySet:
        """The municipality's organisational units (schools, homes), by name."""
        return self.filter(kind=AreaKind.UNIT, municipality=municipality).order_by("title", "id")


class KoladaArea(models.Model):
    """What Kolada gives figures for: a municipality (0000 is the whole country), a
    municipality group, or an organisational unit such as a school."""

    id = models.CharField(_("Kolada id"), max_length=30, primary_key=True)
    title = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=2, choices=AreaKind.choices)
    # A unit's municipality; empty for the rest.
    municipality = models.CharField(_("municipality"), max_length=4, blank=True)

    objects = KoladaAreaQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("Kolada area")
        verbose_name_plural = _("Kolada areas")

    def __str__(self) -> str:
        return f"{self.id} {self.title}"


class KpiValue(models.Model):
    """A KPI's value for one area, year and gender, as Kolada gave it."""

    # Not foreign keys: values may come before the KPI list or the area list.
    kpi = models.CharField(_("KPI id"), max_length=20)
    area = models.CharField(_("area"), max_length=30)
    year = models.PositiveSmallIntegerField(_("year"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3, null=True)
    updated_at = models.DateTimeField(_("imported"))

    class Meta:
        ordering = ["kpi", "year", "area", "gender"]
        verbose_name = _("Kolada value")
        verbose_name_plural = _("Kolada values")
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "year", "area", "gender"], name="one_kolada_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.area} {self.year} {self.gender}: {self.value}"
