"""How amounts and figures read in the spending-figures pane."""

from __future__ import annotations

from briefing.models import Equivalent, Figure, Quote
from briefing.tui.formatting import compact_amount, figure_text, quote_text


def test_amounts_are_normalised_to_a_code_and_a_short_scale() -> None:
    assert compact_amount(19e9, "NOK") == "NOK 19bn"
    assert compact_amount(1.9e12, "USD") == "USD 1.9tn"
    assert compact_amount(2.5e6, "EUR") == "EUR 2.5m"
    assert compact_amount(640_000, "AUD") == "AUD 640,000"
    assert compact_amount(5.48, "GBP") == "GBP 5.48"
    assert compact_amount(0.664, "USD") == "USD 0.664"


def test_a_figure_row_keeps_its_conversions_together_and_says_what_it_is_for() -> None:
    figure = Figure(
        "€500 billion",
        5e11,
        "EUR",
        3,
        "infrastructure fund",
        None,
        (Equivalent("$547bn", 5.47e11, "USD"), Equivalent("£420bn", 4.2e11, "GBP")),
    )
    text = figure_text(figure).plain
    assert text.splitlines() == ["€500 billion ($547bn; £420bn)  EUR 500bn", "infrastructure fund"]


def test_figure_text_is_never_markup() -> None:
    figure = Figure("[red]$5[/red]", 5, "USD", 0, "[@click=app.quit]x[/]")
    text = figure_text(figure)
    assert "[red]$5[/red]" in text.plain and "[@click=app.quit]x[/]" in text.plain


def test_a_quote_from_an_organisation_names_it_as_the_source_in_the_pane() -> None:
    union = quote_text(Quote("extra beds are just furniture", None, "The nurses' union", 4))
    assert union.plain.splitlines()[-1] == "\u2014 The nurses' union"
    named = quote_text(Quote("we asked for more", "Martin Hughes", "head of the network", 1))
    assert named.plain.splitlines()[-1] == "\u2014 Martin Hughes, head of the network"
    nobody = quote_text(Quote("no one knows who said this", None, None, 2))
    assert nobody.plain.splitlines()[-1] == "\u2014 unattributed"
