"""Money figures: what counts as money, what it is worth, and how conversions group."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.analysis.money import extract_figures
from briefing.analysis.numbers import parse_digits, parse_scales, parse_words
from briefing.analysis.text import make_document
from briefing.models import Figure
from briefing.sources.seeds import load_seed

SHARED_SEEDS = Path(__file__).parents[1].parent / "shared" / "seeds"


def figures(text: str) -> list[Figure]:
    return extract_figures(make_document(None, text))


def pairs(text: str) -> list[tuple[float, str]]:
    return [(f.amount, f.currency) for f in figures(text)]


def one(text: str) -> Figure:
    found = figures(text)
    assert len(found) == 1, found
    return found[0]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9)


# --- symbols, codes and words -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("The council will borrow £12m to mend its roads.", 12e6, "GBP"),
        ("The carmaker set aside $2.5bn for recalls.", 2.5e9, "USD"),
        ("Exporters earned US$840 million in March.", 840e6, "USD"),
        ("The miner booked A$1.1bn in impairments.", 1.1e9, "AUD"),
        ("Ottawa approved C$400m for ferries.", 400e6, "CAD"),
        ("The tower was sold for HK$9.8bn.", 9.8e9, "HKD"),
        ("Brussels fined the group €2.4 billion.", 2.4e9, "EUR"),
        ("The lender raised ¥300bn from investors.", 300e9, "JPY"),
        ("The state budgeted Rs 450 crore for new clinics.", 4.5e9, "INR"),
        ("The bond raised USD 750m from pension funds.", 750e6, "USD"),
        ("The utility will invest 40bn SEK in its grid.", 40e9, "SEK"),
        ("A ticket costs 75 euros in the high season.", 75.0, "EUR"),
        ("The loan was worth 2bn Swiss francs.", 2e9, "CHF"),
        ("Beijing set aside 120bn yuan for railways.", 120e9, "CNY"),
        ("Tokyo approved a 1.5 trillion yen stimulus.", 1.5e12, "JPY"),
        ("The state spent 900m rupees on irrigation.", 900e6, "INR"),
        ("Moscow collected 35bn roubles in duties.", 35e9, "RUB"),
        ("The charity raised 10 million dollars last spring.", 10e6, "USD"),
        ("Farmers were paid 7,500 Australian dollars each.", 7500.0, "AUD"),
        ("Reserves reached 2bn US dollars.", 2e9, "USD"),
        ("The club's wage bill is 90m pounds.", 90e6, "GBP"),
        ("Stamps rose to 60 pence this week.", 0.6, "GBP"),
        ("A litre of milk costs 45p in some shops.", 0.45, "GBP"),
        ("The stock closed at 310p on Friday.", 3.1, "GBP"),
        ("The quarterly dividend is 12.5 cents.", 0.125, "USD"),
        ("Coffee costs 90 euro cents at the bar.", 0.9, "EUR"),
        ("The start-up was sold for $300k.", 300e3, "USD"),
        ("The fund holds $5 bn in bonds.", 5e9, "USD"),
        ("Sales reached €40mn in the quarter.", 40e6, "EUR"),
        ("The hospital will cost £1.2 Billion to build.", 1.2e9, "GBP"),
        ("The merger created a $2.4tn bank.", 2.4e12, "USD"),
        ("The refinery cost RM4.2bn to build.", 4.2e9, "MYR"),
        ("The insurer set aside SFr 900m.", 900e6, "CHF"),
        ("Gum costs 50¢ in the vending machine.", 0.5, "USD"),
        ("The exporter booked 8.3bn yuan in sales.", 8.3e9, "CNY"),
        ("The loan was 3bn Czech crowns.", 3e9, "CZK"),
        ("Pretoria set aside R2bn for substations.", 2e9, "ZAR"),
        ("The airline needs R1.5 billion by March.", 1.5e9, "ZAR"),
        ("Delhi budgeted ₹2 lakh crore for highways.", 2e12, "INR"),
    ],
)
def test_marker_and_scale_give_amount_and_iso_code(text: str, amount: float, currency: str):
    figure = one(text)
    assert figure.currency == currency
    assert close(figure.amount, amount)


def test_figure_text_is_the_amount_as_written():
    assert one("The council will borrow £12m to mend its roads.").text == "£12m"
    assert one("The utility will invest 40bn SEK in its grid.").text == "40bn SEK"


def test_exchange_rates_are_money():
    found = pairs("The pound rose to $1.8923 while the dollar bought 104.6 yen.")
    assert found == [(1.8923, "USD"), (104.6, "JPY")]


def test_a_comma_before_four_digits_is_a_decimal_point_in_a_rate():
    assert close(one("Sterling ended the day at $1,8923.").amount, 1.8923)


def test_thousands_separators_are_read():
    assert close(one("The fine was £1,250,000.").amount, 1_250_000)


def test_number_words_count_for_small_and_large_amounts():
    assert pairs("A stamp now costs four pence more.") == [(0.04, "GBP")]
    assert pairs("He was paid twenty-five dollars a day.") == [(25.0, "USD")]
    assert pairs("The prize is a million pounds.") == [(1e6, "GBP")]
    assert pairs("The region will get two billion euros.") == [(2e9, "EUR")]
    assert pairs("Half a million dollars went missing.") == [(5e5, "USD")]
    assert pairs("It cost a quarter of a million pounds.") == [(2.5e5, "GBP")]


def test_typo_with_two_scales_takes_the_larger_one():
    assert close(one("Debts have reached $4.5bn trillion, the report said.").amount, 4.5e12)


def test_thousand_million_is_a_billion():
    assert close(one("The scheme cost £3 thousand million.").amount, 3e9)


# --- what is not money --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Prices rose by 5% in 2004.",
        "Inflation was 2.5 per cent in March.",
        "The yen hit a low of 105.17 on Tuesday.",
        "Six or seven million people will vote.",
        "The deal is worth billions of dollars.",
        "It will cost several hundred million pounds.",
        "Not a cent and a half was left.",
        "The meeting starts at 4pm and ends at 6p.m. sharp.",
        "The parcel weighed 50 pounds in all.",
        "Growth in the 2005 euro zone slowed.",
        "The figures are in 2004 dollars.",
        "The 12-nation euro area grew slowly.",
        "He scored 50 goals in 1999.",
        "The camera records 1080p video.",
        "It costs a dollar more.",
        "Take the R2 north for 40 miles.",
        "The R5 grade pays well in the civil service.",
    ],
)
def test_numbers_without_a_money_marker_are_not_figures(text: str):
    assert figures(text) == []


# --- ranges, qualifiers and negatives ------------------------------------------------------


def test_range_sharing_one_marker_is_one_figure_with_the_lower_bound():
    figure = one("The new line will cost £5-6bn.")
    assert close(figure.amount, 5e9)
    assert figure.currency == "GBP"
    assert figure.text == "£5-6bn"


def test_range_with_words_sharing_one_suffix_marker_is_one_figure():
    assert pairs("Rooms cost between 250 and 600 euros a night.") == [(250.0, "EUR")]
    assert pairs("The repairs will need 2 to 3bn euros.") == [(2e9, "EUR")]


def test_range_where_each_end_has_a_marker_is_two_figures():
    assert pairs("Rooms cost between 250 euros and 600 euros.") == [(250.0, "EUR"), (600.0, "EUR")]
    assert pairs("Fees will go from £6 to £10.") == [(6.0, "GBP"), (10.0, "GBP")]


def test_range_first_end_borrows_the_scale_written_once():
    assert pairs("Estimates run from $5 to $6bn.") == [(5e9, "USD"), (6e9, "USD")]


def test_qualifiers_are_dropped_from_amount_and_text():
    figure = one("Ministers will spend up to £3bn on flood defences.")
    assert figure.text == "£3bn"
    assert close(figure.amount, 3e9)
    assert close(one("The firm is worth about $40m.").amount, 40e6)


def test_negative_amounts_keep_their_sign():
    assert pairs("Net cash flow was -$5m in the quarter.") == [(-5e6, "USD")]
    assert pairs("The balance stood at −£1.2bn.") == [(-1.2e9, "GBP")]


def test_hyphen_joining_two_figures_is_not_a_minus_sign():
    assert pairs("A £5m-£7m refit is planned.") == [(5e6, "GBP"), (7e6, "GBP")]


def test_repeated_amounts_are_repeated_figures():
    text = "The £2bn plan was agreed. Critics said the £2bn plan was too small."
    assert pairs(text) == [(2e9, "GBP"), (2e9, "GBP")]


# --- conversions --------------------------------------------------------------------------


def test_parenthesised_conversion_is_an_equivalent():
    figure = one("Oslo will spend 80 billion kroner ($7.5 billion) on new frigates in Norway.")
    assert figure.currency == "NOK"
    assert [(e.text, e.amount, e.currency) for e in figure.equivalents] == [
        ("$7.5 billion", 7.5e9, "USD")
    ]


def test_two_conversions_separated_by_semicolon_or_colon():
    for separator in (";", ":"):
        figure = one(f"Profits were 40m euros ($52m{separator} £28m) in the year.")
        assert [e.currency for e in figure.equivalents] == ["USD", "GBP"]


def test_conversion_after_the_words_the_figure_describes():
    figure = one("Berlin set up a €200 billion energy fund ($218bn; £168bn) last autumn.")
    assert figure.currency == "EUR"
    assert [e.currency for e in figure.equivalents] == ["USD", "GBP"]
    assert figure.context == "energy fund"


def test_conversion_after_a_period_is_still_grouped():
    figure = one("At least $8 billion per annum (£4.4bn) is needed for clean water.")
    assert [e.currency for e in figure.equivalents] == ["GBP"]
    assert figure.period == "per annum"


@pytest.mark.parametrize(
    "text",
    [
        "The overrun is 2bn euros, that's over £1.3bn, the auditors say.",
        "The overrun is 2bn euros, or about £1.3bn.",
        "The overrun is 2bn euros, roughly £1.3bn, the auditors say.",
        "The overrun is 2bn euros or £1.3bn.",
        "The overrun is 2bn euros/£1.3bn.",
    ],
)
def test_conversion_after_a_linking_phrase_is_an_equivalent(text: str):
    figure = one(text)
    assert figure.currency == "EUR"
    assert [(e.amount, e.currency) for e in figure.equivalents] == [(1.3e9, "GBP")]


def test_qualifier_inside_the_parenthesis_is_allowed():
    figure = one("Warsaw may borrow up to €20bn (about £17bn) from the fund.")
    assert [(e.amount, e.currency) for e in figure.equivalents] == [(17e9, "GBP")]


def test_conversion_between_dashes():
    figure = one("The fund holds €300bn – about $330bn – in bonds.")
    assert [(e.amount, e.currency) for e in figure.equivalents] == [(330e9, "USD")]


def test_amount_that_cannot_be_a_conversion_stays_a_figure():
    found = figures("Profit was €2m (£90m for the whole group).")
    assert [(f.amount, f.currency, len(f.equivalents)) for f in found] == [
        (2e6, "EUR", 0),
        (90e6, "GBP", 0),
    ]


def test_suffix_marked_conversion_inside_parenthesis():
    figure = one("The bid of £2bn ($3.7bn; 2.9bn euros) was rejected.")
    assert [(e.amount, e.currency) for e in figure.equivalents] == [(3.7e9, "USD"), (2.9e9, "EUR")]


def test_conversion_of_small_units():
    figure = one("The payout rises to 40 euro cents (£0.27; $0.52) a share.")
    assert close(figure.amount, 0.4)
    assert [(e.amount, e.currency) for e in figure.equivalents] == [(0.27, "GBP"), (0.52, "USD")]


def test_same_currency_in_brackets_is_not_a_conversion():
    assert pairs("Profit was £5m (£3m a year earlier).") == [(5e6, "GBP"), (3e6, "GBP")]
    assert pairs("The bill could be $5bn or $6bn.") == [(5e9, "USD"), (6e9, "USD")]


def test_figures_in_a_list_are_not_conversions_of_each_other():
    found = figures("Sales were €5m in France, $6m in the US and £2m in the UK.")
    assert [(f.currency, len(f.equivalents)) for f in found] == [("EUR", 0), ("USD", 0), ("GBP", 0)]


def test_each_figure_keeps_its_own_conversion():
    found = figures("Profit rose from 10m euros ($13m) to 12m euros ($15.6m).")
    assert [(f.amount, [e.amount for e in f.equivalents]) for f in found] == [
        (10e6, [13e6]),
        (12e6, [15.6e6]),
    ]


# --- currencies that need the article -----------------------------------------------------


def test_kroner_follows_the_country_named_in_the_article():
    assert one("Sweden will spend 10bn kroner on roads.").currency == "SEK"
    assert one("The Norwegian fund paid 10bn kroner for the stake.").currency == "NOK"
    assert one("Copenhagen will spend 10bn kroner on harbours.").currency == "DKK"
    assert one("Stockholm set aside 10bn kronor.").currency == "SEK"


def test_crowns_are_the_local_krone():
    assert one("Norway will give farmers 2 billion crowns.").currency == "NOK"
    assert one("Prague set aside 5bn crowns for flood repairs in the Czech Republic.").currency == (
        "CZK"
    )
    assert figures("The champion has won 3 crowns this season.") == []


def test_pounds_are_money_unless_something_says_weight():
    assert pairs("The NHS will get 2.4 billion pounds of emergency funding.") == [(2.4e9, "GBP")]
    assert figures("Police seized 40 pounds of cocaine.") == []


def test_sentence_hint_wins_over_the_rest_of_the_article():
    text = "Norway sold bonds.\n\nIn Sweden the bill is 2bn kroner."
    assert one(text).currency == "SEK"


def test_bare_dollar_is_usd_even_in_an_australian_story():
    assert one("Canberra said the Australian plan costs $9bn.").currency == "USD"


def test_cents_follow_the_currency_of_their_sentence():
    assert pairs("Shares fell 5 cents to €2.10.") == [(0.05, "EUR"), (2.1, "EUR")]


# --- sentence, context and period ---------------------------------------------------------


def test_sentence_index_points_at_the_figure():
    found = figures("Ministers met on Monday. They agreed a £4bn rescue for the railways.")
    assert found[0].sentence == 1


def test_context_names_what_the_money_is_for():
    assert one("The city approved a $40m bus depot on Tuesday.").context == "bus depot"
    assert one("Yukos faces a tax bill of $27bn.").context == "tax bill"
    assert "defence" in one("Ministers want to raise defence spending by £2bn.").context


def test_unit_qualifiers_stay_in_the_context():
    figure = one("Crude traded at $60 a barrel on Monday.")
    assert "a barrel" in figure.context
    assert figure.period is None
    assert "per share" in one("The board paid 20p per share.").context


@pytest.mark.parametrize(
    ("text", "context"),
    [
        # the noun phrase the figure heads, or the one it is "of"
        ("Lisbon unveiled a €2bn metro extension on Friday.", "metro extension"),
        (
            "The state set out $9bn (€8.3bn) of new spending on rural clinics.",
            "new spending on rural clinics",
        ),
        ("The US imposed tariffs on $300bn of Chinese goods.", "tariffs on Chinese goods"),
        (
            "The lender approved a $500m loan to Ghana to repair its ports.",
            "loan to Ghana to repair ports",
        ),
        # an owned thing the figure sizes: what it is drawn on "to" do belongs to the verb
        (
            "The plan leans on the country's $1.9 trillion wealth fund to pay for rearmament.",
            "wealth fund",
        ),
        ("Oslo will draw on its $1.9tn oil fund to cover the gap.", "oil fund"),
        ("The city opened its £40m bus depot to serve the east.", "bus depot"),
        # a noun tied to the figure
        ("The airline was handed a fine of £2m by the regulator.", "fine"),
        ("The watchdog puts the shortfall in pension funds at £9bn.", "shortfall in pension funds"),
        ("Nurses were offered a pay rise worth £1,500 a year.", "pay rise"),
        ("A new bridge, costing $2bn, opens in 2029.", "cost of new bridge"),
        ("The quarry will be reopened at a cost of €35m.", "cost"),
        # the verb that moves the money
        (
            "Portugal will spend an extra €1bn on its railways next year.",
            "extra spending on railways",
        ),
        (
            "The firm will invest $3bn in battery plants over ten years.",
            "investment in battery plants",
        ),
        (
            "The council gave local schools £4m to repair roofs.",
            "funding for local schools to repair roofs",
        ),
        ("The insurer was ordered to pay $3bn in damages.", "damages"),
        ("Oakfield Foods will buy Delta Dairies for $4.2bn in cash.", "purchase of Delta Dairies"),
        ("The couple paid A$910,000 for a house in Hobart.", "paid for house"),
        ("The new tunnel will cost £1.2bn to build.", "cost of new tunnel"),
        # a change "by" a sum
        ("Ministers want to raise defence spending by £2bn.", "increase in defence spending"),
        ("The county plans to cut its road budget by £12m next year.", "cut in road budget"),
        ("Tuition fees rise by £250 a year from September.", "rise in tuition fees"),
        # a level: prices, shares and exchange rates
        ("Shares in Brightwell closed at 548p on Monday.", "Brightwell share price"),
        ("Traders said the shares closed at 548p on Monday.", "share price"),
        ("Brightwell shares closed at 548p, said Brightwell.", "Brightwell share price"),
        ("The dollar rose to 150.2 yen in Tokyo.", "dollar exchange rate"),
        ("The euro slipped to $1.05 on Tuesday.", "euro exchange rate"),
        ("Brent crude rose to $84 a barrel after the strike.", "oil price (a barrel)"),
        ("Gold hit a record $2,400 an ounce.", "gold price (an ounce)"),
        ("The regional budget is about £19bn this year.", "regional budget"),
        ("The deal values the brewer at $12bn.", "valuation of brewer"),
        # a figure whose own words say where it goes
        (
            "Of the total, £90m will go to hospitals, £65m to ambulance crews "
            "and £40m to care homes.",
            None,
        ),
        ("The charity raised £3m for cancer research.", "funds raised for cancer research"),
        ("The plan costs £5bn a year for ten years.", "cost of plan"),
        ("They put last year's withdrawal from the fund at about $50bn.", "withdrawal from fund"),
        ("The euro was steady at $1.08 in late trade.", "euro exchange rate"),
        ("Australia's trade surplus narrowed to A$5.6bn in March.", "Australia's trade surplus"),
        (
            "Investors poured $20bn into solar start-ups last quarter.",
            "poured into solar start-ups",
        ),
        (
            "The minimum price per unit of alcohol rises to 65p.",
            "minimum price per unit of alcohol",
        ),
        ("The group made profits of $3bn for the final three months.", "profits"),
        ("Aid to Yemen totalled $1.2bn last year, the agency said.", "aid to Yemen"),
        ("Shares in Orla, the only listed brewer, dropped 23% to 2.05 euros.", "Orla share price"),
        ("The airport was valued at $8bn in the sale.", "valuation of airport"),
        ("A pint of cider costs an average of £4.80.", "cost of pint of cider"),
        ("The dividend of 4.5 cents per share was kept.", "dividend (per share)"),
    ],
)
def test_context_names_the_thing_the_money_is_for(text: str, context: str | None):
    found = figures(text)
    if context is None:
        assert [f.context for f in found] == [
            "for hospitals",
            "for ambulance crews",
            "for care homes",
        ]
    else:
        assert len(found) == 1, found
        assert found[0].context == context


def test_context_is_a_short_phrase_and_never_a_fragment_of_function_words():
    found = figures(
        "The ministry estimates the dam would cost between NOK 40bn and NOK 50bn to build, "
        "depending on the price of steel."
    )
    assert [f.context for f in found] == ["cost of dam", "cost of dam"]
    for figure in figures(
        "Sterling fell half a cent to $1.3120 after the announcement. "
        "Average rents in Leeds reached £1,100 a month in May. "
        "The government set aside NOK 3.5bn a year for four years to help towns with power bills."
    ):
        words = figure.context.split()
        assert 1 <= len(words) <= 7
        assert words[0].lower() not in {"a", "an", "the", "of", "to", "in", "and", "cent"}


def test_both_ends_of_a_range_share_their_context_and_period():
    low, high = figures("The cut would cost lenders between £1.5bn and £2bn a year in lost income.")
    assert low.context == high.context == "cost to lenders"
    assert low.period == high.period == "a year"


def test_an_earlier_level_takes_the_context_of_the_figure_it_is_compared_with():
    now, before = figures(
        "Berlin expects to spend €95bn a year on defence, up from €62bn this year."
    )
    assert now.context == "spending on defence"
    assert before.context == now.context
    assert now.period == "a year"


def test_a_change_and_the_level_it_reaches_are_told_apart():
    change, level = figures("Welfare spending rises by NOK 9bn to NOK 120bn.")
    assert change.context == "rise in welfare spending"
    assert level.context == "welfare spending"


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("The plan costs $5bn a year by 2030.", "a year by 2030"),
        ("Spending will reach £40bn by 2030, officials said.", "by 2030"),
        ("The state will spend €95bn a year on defence from 2028.", "a year"),
        ("Rents average £2,100 a month in the capital.", "a month"),
        ("The annual subsidy of £300m helps bus routes.", "a year"),
        (
            "The state will spend €2bn a year over the next five years.",
            "a year over the next five years",
        ),
        ("Ottawa will set aside C$750m a year for three years.", "a year for three years"),
    ],
)
def test_period_includes_rates_and_deadlines(text: str, period: str | None):
    assert one(text).period == period


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("Rail fares will rise by £5 a week.", "a week"),
        ("The scheme costs £20m-a-year to run.", "a year"),
        ("The firm will invest $3bn over ten years.", "over ten years"),
        ("He earns £90,000 annually.", "annually"),
        ("Profit was £3m a year ago.", None),
    ],
)
def test_period_is_read_from_the_words_after_the_figure(text: str, period: str | None):
    assert one(text).period == period


# --- the shared seed article -------------------------------------------------------------


@pytest.mark.shared
def test_shared_seed_groups_each_conversion_with_its_figure():
    paths = sorted(SHARED_SEEDS.glob("*.txt")) if SHARED_SEEDS.is_dir() else []
    if not paths:
        pytest.skip("the shared seed articles are not beside this checkout")
    found: list[Figure] = []
    for path in paths:
        article = load_seed(path)
        found += extract_figures(make_document(article.title, article.body))
    shapes = {(f.currency, tuple(e.currency for e in f.equivalents)) for f in found}
    assert ("SEK", ("USD",)) in shapes
    assert ("EUR", ("USD", "GBP")) in shapes
    conversions = {e.text for f in found for e in f.equivalents}
    assert not any(f.text in conversions for f in found)


# --- numbers ------------------------------------------------------------------------------


def test_number_helpers():
    assert parse_digits("1,250.5") == 1250.5
    assert parse_digits("1,8923") == 1.8923
    assert parse_digits("1,2,3") is None
    assert parse_words("two hundred and fifty") == 250
    assert parse_words("a million") == 1e6
    assert parse_words("banana") is None
    assert parse_words("three quarters of a billion") == 7.5e8
    assert parse_words("most of a million") is None
    assert parse_scales(" billion") == 1e9
    assert parse_scales("bn trillion") == 1e12
    assert parse_scales(None) == 1.0


# --- robustness ---------------------------------------------------------------------------

_MONEYISH = st.lists(
    st.sampled_from(
        list("0123456789.,-−$€£¥()%;: /pcmkbn ")
        + [
            "bn",
            "m",
            " euros",
            " kroner",
            " yen",
            " cents",
            " pence",
            " a year",
            "US$",
            "A$",
            "Rs",
            " or ",
            " about ",
            " billion",
            "four",
            " million",
            "half a",
            "\n\n",
            ". ",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), _MONEYISH))
def test_never_raises_and_amounts_are_finite(text: str):
    document = make_document(None, text)
    for figure in extract_figures(document):
        assert math.isfinite(figure.amount)
        if figure.amount < 0:
            # The minus stands before the number ("-$5m", "$-5m", "$-.10": cents).
            assert re.match(r"[-−]|\D{1,4}\s?[-−]\.?\d", figure.text), figure
        assert len(figure.currency) == 3 and figure.currency.isupper()
        assert 0 <= figure.sentence < max(1, len(document.sentences))
        for equivalent in figure.equivalents:
            assert math.isfinite(equivalent.amount)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Hospital trusts will receive an extra NOK 4.1bn.", 4_100_000_000),
        ("The grant is $4.1m this year.", 4_100_000),
        ("Debt reached £4.1 trillion.", 4_100_000_000_000),
        ("It costs 4.1 billion euros.", 4_100_000_000),
    ],
)
def test_a_decimal_with_a_scale_is_worth_exactly_what_is_written(text: str, amount: int) -> None:
    """The digest's JSON and the pane print the amount: 4.1bn is 4100000000, not 4099999999.99."""
    assert one(text).amount == amount
