"""The extractive summary: which sentences it picks and which it avoids."""

from __future__ import annotations

import pytest

from briefing.analysis.document import Document
from briefing.analysis.summary import SUMMARY_METHODS, summarise
from briefing.analysis.text import make_document
from briefing.models import Figure, Quote

STORY = [
    "The city council approved a new housing plan on Tuesday that will fund 2,000 homes.",
    "The housing plan sets aside land near the railway station for the new homes.",
    "Council leaders said the homes would be built over the next five years.",
    "Some residents opposed the plan at a public meeting last month.",
    "The meeting ran late into the evening and several speakers were heckled.",
    "Builders are expected to start work on the first homes in the spring.",
    "The weather on Tuesday was mild and dry across the region.",
    "A full list of the sites will be published by the council next week.",
]


def _document(paragraphs: list[str], title: str | None = None) -> Document:
    return make_document(title, "\n\n".join(paragraphs))


def test_summary_has_the_requested_number_of_sentences_in_article_order() -> None:
    document = _document(STORY)
    chosen = summarise(document, 3)
    assert len(chosen) == 3
    assert chosen == sorted(set(chosen))
    assert all(0 <= i < len(document.sentences) for i in chosen)


def test_short_article_is_returned_whole() -> None:
    document = _document(STORY[:2])
    assert summarise(document, 5) == [0, 1]


def test_empty_document_and_zero_count_give_nothing() -> None:
    assert summarise(make_document(None, ""), 3) == []
    assert summarise(_document(STORY), 0) == []


def test_lead_sentence_of_a_news_story_is_chosen() -> None:
    assert 0 in summarise(_document(STORY), 3)


def test_off_topic_sentence_is_not_chosen() -> None:
    document = _document(STORY)
    weather = next(i for i, s in enumerate(document.sentences) if "weather" in s.text)
    for count in (2, 3, 4):
        assert weather not in summarise(document, count)


def test_caption_fragment_is_avoided() -> None:
    paragraphs = [
        STORY[0],
        "Housing plan approved by the city council for new homes near the station",
        *STORY[1:],
    ]
    document = _document(paragraphs)
    assert 1 not in summarise(document, 3)


def test_question_and_bare_quotation_are_avoided() -> None:
    paragraphs = [
        STORY[0],
        "Will the housing plan really deliver the homes the council has promised?",
        '"We think the housing plan for these homes is a very good plan," one said.',
        *STORY[1:],
    ]
    document = _document(paragraphs)
    chosen = summarise(document, 3)
    assert 1 not in chosen and 2 not in chosen


def test_near_duplicate_sentence_is_not_picked_twice() -> None:
    paragraphs = [
        STORY[0],
        "On Tuesday the city council approved a new housing plan that will fund 2,000 homes.",
        *STORY[1:],
    ]
    chosen = summarise(_document(paragraphs), 3)
    assert not {0, 1} <= set(chosen)


def test_headline_words_pull_a_later_sentence_in() -> None:
    paragraphs = [
        "Officials gathered at the town hall on a busy morning of meetings.",
        "Staff handed out agendas and coffee before the first session began.",
        "Several items on the agenda were postponed until after the summer.",
        "Visitors were asked to sign in at the front desk of the building.",
        "The council voted to close the Elm Street library to save money.",
        "Other business included the renewal of two parking contracts.",
    ]
    with_title = _document(paragraphs, title="Council votes to close Elm Street library")
    without_title = _document(paragraphs)
    assert 4 in summarise(with_title, 2)
    assert 4 not in summarise(without_title, 2)


def test_sentence_found_to_be_a_quotation_is_demoted() -> None:
    document = _document(STORY)
    plain = summarise(document, 3)
    target = plain[-1]
    quote = Quote(document.sentences[target].text, "A speaker", None, target)
    assert target not in summarise(document, 3, quotes=[quote])


def test_figures_do_not_break_the_summary() -> None:
    document = _document(STORY)
    figure = Figure("2,000 homes", 2000.0, "GBP", sentence=0)
    assert 0 in summarise(document, 3, figures=[figure])


@pytest.mark.parametrize("method", SUMMARY_METHODS)
def test_every_method_returns_valid_indices(method: str) -> None:
    document = _document(STORY)
    chosen = summarise(document, 3, method=method)
    assert len(chosen) == 3 and chosen == sorted(set(chosen))


def test_lead_method_is_the_first_sentences() -> None:
    assert summarise(_document(STORY), 3, method="lead") == [0, 1, 2]


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown summary method"):
        summarise(_document(STORY), 3, method="magic")


def test_long_text_is_summarised_from_its_opening_sentences() -> None:
    from briefing.analysis.summary import MAX_CANDIDATES

    filler = [
        f"Section {n} of the report covers regional budget item number {n}." for n in range(200)
    ]
    document = _document([*STORY, *filler])
    chosen = summarise(document, 3)
    assert len(chosen) == 3 and all(i < MAX_CANDIDATES for i in chosen)


@pytest.mark.parametrize("method", SUMMARY_METHODS)
def test_text_without_words_still_gets_a_summary(method: str) -> None:
    document = make_document(None, "1 2. 3 4. 5 6. 7 8. 9 0.")
    assert summarise(document, 3, method=method) == [0, 1, 2]


def test_labelled_photo_caption_is_avoided() -> None:
    caption = "Vote: the city council approved the housing plan for 2,000 new homes on Tuesday."
    paragraphs = [STORY[0], caption, *STORY[1:]]
    document = _document(paragraphs)
    assert 1 not in summarise(document, 3)


def test_a_speaker_label_is_not_taken_for_a_caption() -> None:
    from briefing.analysis.summary import _is_caption

    assert _is_caption("Arrival: two men can be seen entering the building.")
    assert not _is_caption("Bruce added: the players are up for the challenge.")
    assert not _is_caption("The mayor said the plan was sound.")


def test_a_dateline_does_not_cost_the_lead_sentence_its_place() -> None:
    lead = "LONDON, Nov 5 (Meridian News) - " + STORY[0]
    document = _document([lead, *STORY[1:]])
    assert 0 in summarise(document, 3)
    assert summarise(document, 3) == summarise(_document(STORY), 3)
