"""The synthetic indicator panel of the demo, with the programme effect it was built with.

Participants are the municipalities registered in Kvalitetskommuneprogrammet (the demo's
made-up member lists), each from its first join date; the effect sizes and their onset are
those of ``trepart.analysis.demo_panel`` and are stored beside the panel (``SyntheticTruth``)
so that effect estimates can be checked against them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from trepart.analysis import demo_panel
from trepart.analysis.indicator_files import IndicatorRow, ParsedFile
from trepart.indicators.actions import do_import
from trepart.indicators.models import ImportBatch, IndicatorValue, SyntheticTruth
from trepart.registry.models import Participation

PROGRAMME = "kvalitetskommuneprogrammet"
SOURCE = "Trepart demo (synthetic)"


class DemoRefused(RuntimeError):
    """The demo panel would mix with real indicator values."""


@dataclass(frozen=True)
class PanelSummary:
    values: int
    participants: int
    truths: tuple[SyntheticTruth, ...]

    def describe(self) -> str:
        effects = ", ".join(f"{t.indicator_id} {t.effect:+g} {t.unit}" for t in self.truths)
        return (
            f"Synthetic indicator panel loaded: {self.values} values 2002–2024 for every "
            f"municipality; {self.participants} participants of {PROGRAMME} carry the true "
            f"effects {effects}."
        )


def participants() -> list[demo_panel.Participant]:
    """Each municipality of the programme once, from its first join date."""
    first: dict[str, demo_panel.Participant] = {}
    rows = Participation.objects.filter(cohort__programme__slug=PROGRAMME).order_by("joined")
    for row in rows:
        first.setdefault(
            row.municipality_code, demo_panel.Participant(row.municipality_code, row.joined)
        )
    return list(first.values())


@transaction.atomic
def load_demo_panel(seed: int = 2007) -> PanelSummary:
    """Replace the synthetic values (real imports are left alone) with a fresh demo panel."""
    if IndicatorValue.objects.filter(is_synthetic=False).exists():
        raise DemoRefused(
            "the indicator store holds real values; the synthetic demo panel is only "
            "loaded into a store without them"
        )
    members = participants()
    panel = demo_panel.generate(members, seed=seed)
    synthetic = IndicatorValue.objects.filter(is_synthetic=True)
    # One DELETE statement: the collector would load every row to null the self-references,
    # which only point at other synthetic rows here.
    synthetic._raw_delete(synthetic.db)
    ImportBatch.objects.filter(format="demo").delete()
    parsed = ParsedFile(
        file_name="demo",
        format="demo",
        rows=tuple(
            IndicatorRow(row.code, row.indicator_id, row.year, None, row.value, SOURCE)
            for row in panel.rows
        ),
    )
    batch = do_import(
        None, parsed, file_name="demo", fmt="demo", is_synthetic=True, note=panel.description
    )
    truths = tuple(
        SyntheticTruth.objects.create(
            batch=batch,
            programme=PROGRAMME,
            indicator_id=effect.indicator_id,
            effect=effect.effect,
            unit=effect.unit,
            onset=effect.onset,
        )
        for effect in panel.true_effects
    )
    return PanelSummary(len(panel.rows), len(members), truths)
