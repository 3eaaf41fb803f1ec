"""Quotations and speakers: one test per construction news copy uses.

Every article here is written for these tests; none is taken from a real story.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.analysis.names import find_people
from briefing.analysis.quote_spans import find_quoted_spans
from briefing.analysis.quotes import extract_quotes
from briefing.analysis.text import make_document
from briefing.models import Quote


def quotes_of(body: str) -> list[Quote]:
    return extract_quotes(make_document(None, body))


def only(body: str) -> Quote:
    found = quotes_of(body)
    assert len(found) == 1, found
    return found[0]


# -- where the attribution sits --------------------------------------------


def test_said_after_the_name_at_the_end_of_the_quote() -> None:
    quote = only(
        'Sales fell in March. "We saw fewer shoppers on the high street," Helen Marsh said.'
    )
    assert quote.text == "We saw fewer shoppers on the high street"
    assert quote.speaker == "Helen Marsh"


def test_said_before_the_name_gives_name_and_role() -> None:
    quote = only('"The order book has never been fuller," said Orbis chairman Tomas Berg.')
    assert quote.speaker == "Tomas Berg"
    assert quote.role == "Orbis chairman"


def test_according_to_after_the_quote() -> None:
    quote = only(
        '"The recovery will take at least two years," according to Priya Nair, '
        "an economist at Westbank."
    )
    assert quote.speaker == "Priya Nair"
    assert quote.role == "an economist at Westbank"


def test_according_to_before_the_quote() -> None:
    quote = only(
        'According to union official Dan Frost, "nobody was consulted about the closures".'
    )
    assert quote.speaker == "Dan Frost"


def test_told_the_broadcaster_after_the_quote() -> None:
    quote = only(
        'Ferries were cancelled. "The storm caught everyone by surprise," Olaf Lind '
        "told the BBC's World Service."
    )
    assert quote.speaker == "Olaf Lind"


def test_told_the_broadcaster_before_a_colon() -> None:
    quote = only('Olaf Lind told the BBC: "The storm caught everyone by surprise."')
    assert quote.speaker == "Olaf Lind"
    assert quote.text == "The storm caught everyone by surprise."


def test_colon_introduction_with_a_surname_seen_before() -> None:
    body = (
        "Defence chief Ilse Varga arrived in Riga on Monday.\n\n"
        'Speaking at the airport, Varga stated: "Our borders will be defended in full."'
    )
    quote = only(body)
    assert quote.speaker == "Ilse Varga"
    assert quote.role == "Defence chief"


def test_colon_introduction_without_a_speech_verb() -> None:
    quote = only('Mayor Rosa Lindqvist expressed alarm: "The river has never been this high."')
    assert quote.speaker == "Rosa Lindqvist"


def test_fragment_in_reported_speech_goes_to_the_subject() -> None:
    quote = only('Trade envoy Karl Weiss said the talks had been "the hardest of my career".')
    assert quote.text == "the hardest of my career"
    assert quote.speaker == "Karl Weiss"


def test_quote_with_no_attribution_continues_the_last_speaker() -> None:
    body = (
        '"We were ready for the cold," said rail boss Amir Haddad. '
        '"The snow was another matter entirely."'
    )
    found = quotes_of(body)
    assert [q.text for q in found] == [
        "We were ready for the cold",
        "The snow was another matter entirely.",
    ]
    assert {q.speaker for q in found} == {"Amir Haddad"}


# -- joining and separating ------------------------------------------------


def test_quote_split_by_its_attribution_is_joined() -> None:
    quote = only(
        '"A skilled and healthy workforce," insisted Mr Okafor, '
        '"is the best investment any country can make."'
    )
    assert quote.text == (
        "A skilled and healthy workforce is the best investment any country can make."
    )
    assert quote.speaker == "Mr Okafor"


def test_closed_quote_then_new_sentence_quote_stay_two() -> None:
    body = (
        'Treasury minister Ana Ruiz spoke first. "The deficit is falling," she said. '
        '"Next year it will fall further."'
    )
    found = quotes_of(body)
    assert [q.text for q in found] == ["The deficit is falling", "Next year it will fall further."]
    assert [q.speaker for q in found] == ["Ana Ruiz", "Ana Ruiz"]


def test_quote_over_a_real_paragraph_break_is_joined() -> None:
    body = (
        'Port director Lena Sauer said: "Cargo volumes doubled this year. We hired 200 people.\n\n'
        '"Next year we expect to hire as many again."'
    )
    quote = only(body)
    assert quote.text == (
        "Cargo volumes doubled this year. We hired 200 people. "
        "Next year we expect to hire as many again."
    )
    assert quote.speaker == "Lena Sauer"


def test_quote_over_a_collapsed_paragraph_break_is_joined() -> None:
    body = (
        'Port director Lena Sauer said: "Cargo volumes doubled this year. '
        '"Next year we expect to hire as many again." The port is the largest in the region.'
    )
    quote = only(body)
    assert quote.text == (
        "Cargo volumes doubled this year. Next year we expect to hire as many again."
    )


def test_trailing_comma_before_the_attribution_is_dropped() -> None:
    quote = only('"Prices will keep rising for months," warned analyst Jo Park.')
    assert quote.text == "Prices will keep rising for months"


def test_sentence_index_points_at_the_quote() -> None:
    body = (
        "Markets were calm.\n\nInvestors waited for the bank.\n\n"
        '"Nothing will change this week," said trader Ben Cole.'
    )
    document = make_document(None, body)
    quote = extract_quotes(document)[0]
    assert document.sentences[quote.sentence].text.startswith('"Nothing will change')


# -- who is speaking -------------------------------------------------------


def test_he_added_resolves_to_the_last_speaker() -> None:
    body = (
        'Regional premier Otto Brandt expressed doubt: "The money will not be enough for us."\n\n'
        'He added, "We will ask for more in the spring."'
    )
    found = quotes_of(body)
    assert [q.speaker for q in found] == ["Otto Brandt", "Otto Brandt"]
    assert found[1].role == "Regional premier"


def test_she_skips_a_man_mentioned_in_between() -> None:
    body = (
        "Finance minister Clara Holt met Mr Dunn, the bank governor, on Friday. "
        '"We agreed on the broad outline of the plan," she said.'
    )
    assert only(body).speaker == "Clara Holt"


def test_surname_and_title_resolve_to_the_full_name() -> None:
    body = (
        "Chancellor Gordon Brown opened the conference. "
        '"Growth is stronger than in any other large economy," Mr Brown said.'
    )
    quote = only(body)
    assert quote.speaker == "Gordon Brown"
    assert quote.role == "Chancellor"


def test_bare_surname_resolves_to_the_full_name() -> None:
    body = (
        "During the summit with Dutch Prime Minister Mark Rutte, the two leaders spoke. "
        'However, Rutte countered, stating: "We cannot take our security for granted."'
    )
    quote = only(body)
    assert quote.speaker == "Mark Rutte"
    assert quote.role == "Dutch Prime Minister"


def test_dotted_title_and_appositive_role() -> None:
    body = (
        "Dr. Mei Lee, a virologist at the city hospital, urged caution. "
        '"We are not out of the woods yet," Dr. Lee said.'
    )
    quote = only(body)
    assert quote.speaker == "Mei Lee"
    assert quote.role == "a virologist at the city hospital"


def test_peer_keeps_the_title_as_the_name() -> None:
    quote = only('"The results speak for themselves," said energy group chief Lord Hartley.')
    assert quote.speaker == "Lord Hartley"


def test_role_before_a_comma_and_the_name() -> None:
    quote = only(
        '"Rates will stay on hold until summer," said the bank\'s chief economist, Jane Roe.'
    )
    assert quote.speaker == "Jane Roe"
    assert quote.role == "the bank's chief economist"


def test_name_then_appositive_then_verb() -> None:
    quote = only(
        '"Demand is returning faster than we hoped," Sam Otieno, head of sales at Kivu Tea, '
        "said on Monday."
    )
    assert quote.speaker == "Sam Otieno"
    assert quote.role == "head of sales at Kivu Tea"


def test_definite_description_resolves_to_the_named_holder() -> None:
    body = (
        "Chancellor Maria Lopez presented the budget on Wednesday. "
        '"This is a budget for working families," the chancellor said.'
    )
    assert only(body).speaker == "Maria Lopez"


def test_organisation_gets_no_speaker_but_a_role() -> None:
    quote = only('The company said in a statement: "We remain committed to all of our staff."')
    assert quote.speaker is None
    assert quote.role == "The company"


def test_unnamed_person_gets_no_speaker_but_a_description() -> None:
    quote = only('"Nobody saw this coming at all," said one London-based broker.')
    assert quote.speaker is None
    assert quote.role == "one London-based broker"


def test_spokesman_of_a_named_person_is_not_that_person() -> None:
    quote = only('Mr Kane\'s spokesman said: "The minister has every confidence in the plan."')
    assert quote.speaker is None
    assert quote.role == "Mr Kane's spokesman"


def test_two_speakers_in_turn() -> None:
    body = (
        "Economist Mary Stone and trader John Pike disagreed. "
        '"Prices will fall sharply this year," said Ms Stone. '
        '"No, they will rise again," Mr Pike replied.'
    )
    assert [q.speaker for q in quotes_of(body)] == ["Mary Stone", "John Pike"]


# -- what is not a quote ---------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        'The firm called the offer "derisory".',
        'Ministers promised a "golden rule" on borrowing.',
        "She called it 'a full-scale disaster for the country' on Monday.",
        'Critics attacked the "vote now, pay later" Budget on Tuesday.',
        'He defended the "Social Security trust fund" in his speech.',
        "There are no quotation marks in this article at all.",
    ],
)
def test_not_quotes(body: str) -> None:
    assert quotes_of(body) == []


def test_four_word_fragment_counts() -> None:
    assert only('The boss said growth was "winning support every day".').text == (
        "winning support every day"
    )


# -- the helpers underneath ------------------------------------------------


def test_missing_space_before_an_opening_mark_still_opens() -> None:
    text = 'He said:"We will not give up on this plan," and left.'
    spans = find_quoted_spans(text)
    assert [span.text(text) for span in spans] == ["We will not give up on this plan"]


def test_people_index_maps_surnames_to_the_first_full_name() -> None:
    text = "Home secretary Jane Smith spoke. Later Ms Smith left. Smith returned on Friday."
    people = find_people(text)
    names = {m.person.name for m in people.mentions if m.person is not None}
    assert names == {"Jane Smith"}


def test_fragment_goes_to_the_subject_of_its_sentence() -> None:
    body = (
        '"This will hurt every small firm," shadow minister Ruth Kerr told MPs. '
        'She branded the plan "a stealth tax by another name".'
    )
    found = quotes_of(body)
    assert [q.speaker for q in found] == ["Ruth Kerr", "Ruth Kerr"]


def test_adverbial_opening_is_not_the_speakers_description() -> None:
    quote = only('In a statement, Brightmart said: "We are disappointed by this decision."')
    assert quote.speaker is None
    assert quote.role == "Brightmart"


def test_relative_clause_marks_an_unfamiliar_name_as_a_person() -> None:
    body = (
        '"The worst is over," said Lucy Fox at Numis. '
        "But Konrad Meyer, who follows the sector for a Frankfurt bank, disagreed. "
        '"I see no sign of a recovery in demand yet," he said.'
    )
    assert [q.speaker for q in quotes_of(body)] == ["Lucy Fox", "Konrad Meyer"]


def test_knight_named_by_given_name() -> None:
    body = (
        "Sir Alan Marsh, the retailer's founder, spoke on Friday. "
        '"Customers are coming back to us in large numbers," Sir Alan said.'
    )
    quote = only(body)
    assert quote.speaker == "Sir Alan Marsh"
    assert quote.role == "the retailer's founder"


def test_peer_with_territorial_title() -> None:
    quote = only('Lord Hale of Oakford told peers: "This bill is a serious mistake for us all."')
    assert quote.speaker == "Lord Hale of Oakford"


def test_name_with_a_particle() -> None:
    body = '"This is debt dressed up as defence," said Dutch lawmaker Pieter van Dam.'
    quote = only(body)
    assert quote.speaker == "Pieter van Dam"
    assert quote.role == "Dutch lawmaker"


@given(
    st.lists(
        st.sampled_from(
            [
                '"',
                "'",
                ",",
                ".",
                " ",
                "\n\n",
                "said",
                "he",
                "Mr Brown",
                "Jane Roe",
                ":",
                "the",
                "we will win",
                "according to",
                "\u201c",
                "\u201d",
                "told the BBC",
            ]
        ),
        max_size=40,
    )
)
@settings(max_examples=200, deadline=None)
def test_any_text_gives_quotes_made_of_its_own_words(pieces: list[str]) -> None:
    document = make_document(None, " ".join(pieces))
    for quote in extract_quotes(document):
        assert 0 <= quote.sentence < len(document.sentences)
        for word in quote.text.split():
            assert word.strip(",") in document.text


def test_capitalised_quote_after_that_is_still_a_quote() -> None:
    quote = only('The mayor said that "We will not give in to these demands" and left.')
    assert quote.text == "We will not give in to these demands"


def test_description_resolves_to_the_person_in_focus_without_a_title() -> None:
    body = (
        "Mr Hollis rejected the claims on Sunday. "
        '"The minister is not telling the truth to voters," the opposition leader said.'
    )
    quote = only(body)
    assert quote.speaker == "Mr Hollis"
    assert quote.role == "the opposition leader"


def test_description_with_no_one_in_focus_has_no_speaker() -> None:
    quote = only('"We will publish the full figures next week," the minister told MPs.')
    assert quote.speaker is None
    assert quote.role == "the minister"


def test_letters_after_a_name_and_a_party_before_the_title() -> None:
    quote = only('Green Party energy spokesman Tom Ashby MP said: "The sums simply do not add up."')
    assert quote.speaker == "Tom Ashby"
    assert quote.role == "Green Party energy spokesman"


def test_title_that_is_also_a_surname() -> None:
    body = (
        'Central bank governor Mervyn Bishop said: "Inflation is close to target for now." '
        '"Rates are about right for now," Mr Bishop added.'
    )
    found = quotes_of(body)
    assert [q.speaker for q in found] == ["Mervyn Bishop", "Mervyn Bishop"]
    assert found[0].role == "Central bank governor"


def test_title_with_of_inside() -> None:
    quote = only('Bank of Ruritania governor Ana Vidal said: "Inflation is close to target now."')
    assert quote.speaker == "Ana Vidal"
    assert quote.role == "Bank of Ruritania governor"


def test_a_later_he_confirms_an_unfamiliar_name() -> None:
    body = (
        'Treasury chief Hal Orme said: "We will be below the limit next year." '
        'Later Ivo Stanek agreed. "The pact needs flexibility, not abolition," he said.'
    )
    assert [q.speaker for q in quotes_of(body)] == ["Hal Orme", "Ivo Stanek"]


def test_a_later_it_marks_a_company_not_a_person() -> None:
    body = (
        '"There is a whiff of a sweetener in there," said Ada Wren, an analyst at Numis. '
        "Rhine Exchange said it would raise its dividend. "
        'Rhine Exchange is "trying to buy off its own shareholders", she said.'
    )
    assert [q.speaker for q in quotes_of(body)] == ["Ada Wren", "Ada Wren"]


def test_country_name_is_not_a_speech_verb() -> None:
    quote = only('"We will not lift the tariffs this year," the United States said.')
    assert quote.speaker is None
    assert quote.role == "the United States"


def test_adding_continues_the_speaker_of_the_fragment_before() -> None:
    body = (
        'Oil boss Jeroen van der Berg said the firm had "no plans to sell its stake", '
        'adding: "We are committed to this market for the long term."'
    )
    found = quotes_of(body)
    assert [q.speaker for q in found] == ["Jeroen van der Berg", "Jeroen van der Berg"]
    assert found[0].role == "Oil boss"


def test_unresolved_pronoun_does_not_borrow_the_object() -> None:
    body = (
        'He said the firm had "no plans to sell its stake", '
        'adding: "We are committed to this market for the long term."'
    )
    assert [(q.speaker, q.role) for q in quotes_of(body)] == [(None, None), (None, None)]
