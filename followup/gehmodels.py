"""Sound financial management (god ekonomisk hushållning) per period: the
officials' evaluation and the balance requirement statement with its deficits."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from followup.models import Period
from goals.text import PlainTextField


class GehVerdict(models.TextChoices):
    REACHED = "reached", _("reached")
    PARTLY_REACHED = "partly_reached", _("partly reached")
    NOT_REACHED = "not_reached", _("not reached")


class GehEvaluation(models.Model):
    """Whether the goals for sound financial management were reached in a period:
    an official's verdict and its justification (lagen om kommunal bokföring och
    redovisning 11 kap.). The counts of goals reached beside it are computed
    (`followup.geh.geh_page`), never stored."""

    period = models.OneToOneField(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="geh_evaluation"
    )
    verdict = models.CharField(_("verdict"), max_length=20, choices=GehVerdict.choices)
    justification = PlainTextField(_("justification"), max_length=20000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("evaluated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation of sound financial management")
        verbose_name_plural = _("evaluations of sound financial management")
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict__in=GehVerdict.values), name="geh_verdict_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.get_verdict_display()}"


class BalanceStatement(models.Model):
    """The balance requirement statement (balanskravsutredning) of a period, in
    kronor; in an interim period, the forecast for the full year.

    Only the lines the law lists are stored; the results between them are
    computed by the properties below (kommunallagen 11 kap. 10–14 §). Every
    amount is added with its sign as entered, except those the statement
    always subtracts (`capital_gains`, `reserve_allocation`), which are
    entered as positive amounts.
    """

    period = models.OneToOneField(
        Period,
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="balance_statement",
    )
    result = models.BigIntegerField(_("result according to the income statement"))
    capital_gains = models.BigIntegerField(_("less all capital gains"), default=0)
    exception_gains = models.BigIntegerField(
        _("capital gains under the exception rules"), default=0
    )
    exception_losses = models.BigIntegerField(
        _("capital losses under the exception rules"), default=0
    )
    unrealised_securities = models.BigIntegerField(
        _("unrealised gains and losses in securities"), default=0
    )
    unrealised_reversal = models.BigIntegerField(
        _("reversal of unrealised gains and losses in securities"), default=0
    )
    reserve_allocation = models.BigIntegerField(
        _("allocation to the result equalisation reserve"), default=0
    )
    reserve_use = models.BigIntegerField(_("use of the result equalisation reserve"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("entered"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("balance requirement statement")
        verbose_name_plural = _("balance requirement statements")
        constraints = [
            models.CheckConstraint(
                condition=Q(capital_gains__gte=0)
                & Q(exception_gains__gte=0)
                & Q(exception_losses__gte=0)
                & Q(reserve_allocation__gte=0)
                & Q(reserve_use__gte=0),
                name="balance_amounts_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.balance_result}"

    @property
    def adjusted_result(self) -> int:
        """Årets resultat efter balanskravsjusteringar."""
        return (
            self.result
            - self.capital_gains
            + self.exception_gains
            + self.exception_losses
            + self.unrealised_securities
            + self.unrealised_reversal
        )

    @property
    def balance_result(self) -> int:
        """Årets balanskravsresultat."""
        return self.adjusted_result - self.reserve_allocation + self.reserve_use


class BalanceDeficit(models.Model):
    """A deficit against the balance requirement from an earlier year that is
    still to be restored, and the year it must be restored by."""

    statement = models.ForeignKey(
        BalanceStatement,
        verbose_name=_("balance requirement statement"),
        on_delete=models.CASCADE,
        related_name="deficits",
    )
    arose_in = models.PositiveSmallIntegerField(_("year the deficit arose"))
    amount = models.BigIntegerField(_("amount still to restore"))
    restore_by = models.PositiveSmallIntegerField(_("to be restored by"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["arose_in", "pk"]
        verbose_name = _("deficit to restore")
        verbose_name_plural = _("deficits to restore")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "arose_in"],
                name="one_deficit_per_year",
                violation_error_message=_("Each year's deficit can be listed only once."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="deficit_amount_positive",
                violation_error_message=_("A deficit to restore is more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(restore_by__gt=F("arose_in")),
                name="deficit_restored_later",
                violation_error_message=_("A deficit is restored in a later year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.arose_in}: {self.amount}"

    def clean(self) -> None:
        # Kommunallagen 11 kap. 12 §: within the three following years.
        if (
            self.arose_in
            and self.restore_by
            and not (self.arose_in < self.restore_by <= self.arose_in + 3)
        ):
            raise ValidationError(
                {
                    "restore_by": _(
                        "A deficit must be restored within the three years after the year it "
                        "arose: by %(latest)s at the latest."
                    )
                    % {"latest": self.arose_in + 3}
                }
            )
