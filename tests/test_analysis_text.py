"""Cleaning, sentence splitting and the offline tokenizer."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.analysis.text import (
    OfflineTokenizer,
    clean_text,
    make_document,
    split_sentences,
    strip_dateline,
    words,
)


def _sentences(paragraph: str) -> list[str]:
    return [paragraph[a:b] for a, b in split_sentences(paragraph)]


# --- cleaning ---------------------------------------------------------------------------


def test_repeated_caption_line_is_kept_once() -> None:
    body = (
        "The council approved the budget on Monday.\n\n"
        "Councillors vote in the town hall\n"
        "Councillors vote in the town hall\n\n"
        "The vote was close."
    )
    cleaned = clean_text(body)
    assert cleaned.count("Councillors vote in the town hall") == 1


def test_caption_copying_a_sentence_elsewhere_is_dropped() -> None:
    body = (
        "Ministers met farmers in Leeds on Tuesday to discuss subsidies.\n\n"
        "Ministers met farmers in Leeds\n\n"
        "The talks will resume next month."
    )
    assert clean_text(body).split("\n\n") == [
        "Ministers met farmers in Leeds on Tuesday to discuss subsidies.",
        "The talks will resume next month.",
    ]


def test_heading_that_copies_nothing_is_kept() -> None:
    body = "The plan was published.\n\nWhat happens next\n\nA consultation follows."
    assert "What happens next" in clean_text(body)


@pytest.mark.parametrize(
    "line",
    [
        "Looking for more from The Gazette? Subscribe to our daily newsletters here.",
        "Sign up to our free newsletter for the latest updates",
        "Subscribe now for unlimited access today",
        "Share this article",
        "Follow us on Twitter",
        "Click here to read the full report",
        "Read more: Council tax to rise again",
        "Advertisement",
        "Scroll down for video",
    ],
)
def test_page_boilerplate_lines_are_dropped(line: str) -> None:
    body = f"The bridge reopened on Friday.\n\n{line}\n\nTraffic returned to normal."
    cleaned = clean_text(body)
    assert line.split()[0] not in cleaned.split("\n\n")[1]
    assert cleaned.split("\n\n") == [
        "The bridge reopened on Friday.",
        "Traffic returned to normal.",
    ]


def test_a_news_sentence_about_newsletters_is_kept() -> None:
    line = "Readers of the paper's newsletter complained that the council ignored them."
    assert clean_text(line) == line


def test_boilerplate_glued_before_a_sentence_is_removed() -> None:
    assert clean_text("Scroll down for video The mayor resigned.") == "The mayor resigned."


def test_quotes_and_spaces_are_normalised() -> None:
    body = "\u201cWe will act,\u201d she said.\u00a0It\u2019s   late.\u200b"
    assert clean_text(body) == '"We will act," she said. It\'s late.'


def test_paragraphs_are_separated_by_one_blank_line() -> None:
    body = "  First paragraph.  \r\n\r\n\r\n\tSecond paragraph.\nThird paragraph.\n"
    assert clean_text(body) == "First paragraph.\n\nSecond paragraph.\n\nThird paragraph."


def test_hard_wrapped_paragraphs_are_joined() -> None:
    body = (
        "The committee published its findings on Thursday, saying that the\n"
        "scheme had cost far more than planned and delivered far less than\n"
        "ministers had promised when it was launched three years ago.\n"
        "\n"
        "The department said it would respond in due course and that the\n"
        "report did not reflect the progress made over the past twelve months.\n"
    )
    paragraphs = clean_text(body).split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("The committee") and paragraphs[0].endswith("three years ago.")


def test_short_lines_of_a_plain_article_stay_separate_paragraphs() -> None:
    body = "Rates held.\nThe vote was 6-3.\nMarkets rose.\nThe pound fell."
    assert clean_text(body).split("\n\n") == [
        "Rates held.",
        "The vote was 6-3.",
        "Markets rose.",
        "The pound fell.",
    ]


def test_several_announcements_before_a_sentence_all_go() -> None:
    assert clean_text("Advertisement Scroll down for video The mayor resigned.") == (
        "The mayor resigned."
    )


@pytest.mark.parametrize(
    "header",
    [
        "By . Daily Mail Reporter . PUBLISHED: . 14:11 EST, 25 October 2013 . | . "
        "UPDATED: . 15:36 EST, 25 October 2013 .",
        "By . Jane Doe . and John Roe . PUBLISHED: 09:02 GMT, 3 March 2014",
        "Last updated at 5:03 PM on 10th January 2012 .",
        "PUBLISHED: . 14:11 EST, 25 October 2013 .\n\n| .\n\n"
        "UPDATED: . 15:36 EST, 25 October 2013 .",
        "By .\n\nDaily Mail Reporter .\n\nPUBLISHED: .\n\n14:11 EST, 25 October 2013 .",
    ],
)
def test_byline_and_publication_stamps_before_the_story_go(header: str) -> None:
    for joiner in (" ", "\n\n"):
        body = f"{header}{joiner}The mayor resigned on Monday.\n\nA vote follows."
        assert clean_text(body) == "The mayor resigned on Monday.\n\nA vote follows."


@pytest.mark.parametrize(
    "line", ["By Jane Doe", "By . Daily Mail Reporter .", "BY JANE DOE AND JOHN ROE, CNN"]
)
def test_a_byline_on_its_own_line_is_dropped(line: str) -> None:
    body = f"The mayor resigned on Monday.\n\n{line}\n\nA vote follows."
    assert clean_text(body) == "The mayor resigned on Monday.\n\nA vote follows."


@pytest.mark.parametrize(
    "line",
    [
        "By Tuesday the deal was done.",
        "By 14:11 EST, 25 October 2013 the vote had closed.",
        "Published in 2013, the book sold well.",
        "Updated figures on 5 May 2013 showed a rise.",
    ],
)
def test_sentences_that_open_like_a_byline_or_stamp_are_kept(line: str) -> None:
    assert clean_text(f"{line}\n\nA vote follows.") == f"{line}\n\nA vote follows."


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("LONDON, Nov 5 (Meridian News) - The bank cut rates.", "The bank cut rates."),
        ("WASHINGTON (AP) \u2014 The Senate voted.", "The Senate voted."),
        ("(Reuters) - Oil rose.", "Oil rose."),
        ("(CNN) A whale swam 14,000 miles.", "A whale swam 14,000 miles."),
        ("Rome (CNN) Italy is coping.", "Italy is coping."),
        ("(cnn) the general won.", "The general won."),
        ("LONDON -- The pound fell.", "The pound fell."),
        ("NEW YORK, March 3 - Stocks rose.", "Stocks rose."),
    ],
)
def test_a_leading_dateline_is_trimmed(sentence: str, expected: str) -> None:
    assert strip_dateline(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Apple (AAPL) shares rose.",
        "Apple Inc (AAPL) - shares rose.",
        "The UN (United Nations) - said.",
        "US President Barack Obama (D) - who spoke - agreed.",
        "NATO - the alliance - met.",
        "He said: it was fine.",
        "(CNN)",
        "The bank cut rates.",
    ],
)
def test_a_sentence_without_a_dateline_is_unchanged(sentence: str) -> None:
    assert strip_dateline(sentence) == sentence


_RAW_LINES = st.lists(
    st.sampled_from(
        [
            "The mayor resigned on Monday.",
            "The mayor resigned",
            "Subscribe to our newsletter here",
            "Advertisement",
            "Scroll down for video The council met.",
            "\u201cWe will act,\u201d she said.",
            "Share this article",
            "By Jane Doe",
            "PUBLISHED: 14:11 EST, 25 October 2013 . The vote closed.",
            "",
            "   ",
            "Officials said the scheme would cost \u00a35bn over ten years",
            "Officials said the scheme would cost \u00a35bn over ten years and more.",
            "a short line that is wrapped here and",
            "continues on the next line of the text",
        ]
    ),
    max_size=12,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(_RAW_LINES)
def test_cleaning_twice_changes_nothing(body: str) -> None:
    once = clean_text(body)
    assert clean_text(once) == once
    assert "\n\n\n" not in once and once == once.strip()


def test_escape_sequences_and_control_characters_are_removed_whole() -> None:
    body = "Markets \x1b[31mfell\x1b[0m\x07 \x9b6nsharply\u202e.\x00"
    assert clean_text(body) == "Markets fell sharply."


def test_unicode_line_separators_break_lines() -> None:
    assert clean_text("First line.\u2028Second line.\x85Third.") == (
        "First line.\n\nSecond line.\n\nThird."
    )


# --- sentence splitting -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "Mr. Patel met Dr. Lee and Mrs. Grant. They agreed.",
            ["Mr. Patel met Dr. Lee and Mrs. Grant.", "They agreed."],
        ),
        (
            "The U.S. economy grew. Europe lagged.",
            ["The U.S. economy grew.", "Europe lagged."],
        ),
        (
            "Talks are due on Jan. 12 in Geneva. Both sides will attend.",
            ["Talks are due on Jan. 12 in Geneva.", "Both sides will attend."],
        ),
        (
            "The order was signed by John F. Kennedy. It stood for years.",
            ["The order was signed by John F. Kennedy.", "It stood for years."],
        ),
        (
            "The fund is worth $1.5bn. It grew 2.5% last year.",
            ["The fund is worth $1.5bn.", "It grew 2.5% last year."],
        ),
        (
            'She said: "The work is finished. " Then she left the room.',
            ['She said: "The work is finished. "', "Then she left the room."],
        ),
        (
            '"Enough!" he shouted. The room fell silent.',
            ['"Enough!" he shouted.', "The room fell silent."],
        ),
        (
            "Will it pass? Nobody knows.",
            ["Will it pass?", "Nobody knows."],
        ),
        (
            "Staff left at 5 p.m. on Friday. Doors were locked.",
            ["Staff left at 5 p.m. on Friday.", "Doors were locked."],
        ),
        (
            "The office is at No. 4 High St. in the centre. It opens daily.",
            ["The office is at No. 4 High St. in the centre.", "It opens daily."],
        ),
        (
            "Sales fell in 2023. 40 jobs were cut.",
            ["Sales fell in 2023.", "40 jobs were cut."],
        ),
        (
            "Prices rose sharply (by a third.) Buyers waited.",
            ["Prices rose sharply (by a third.)", "Buyers waited."],
        ),
        ("A line with no final stop", ["A line with no final stop"]),
        ("", []),
    ],
)
def test_split_sentences(paragraph: str, expected: list[str]) -> None:
    assert _sentences(paragraph) == expected


def test_closing_quote_of_a_quotation_opened_sentences_earlier_stays_with_it() -> None:
    paragraph = 'He said: "We will win. We always do. " Then he left.'
    assert _sentences(paragraph) == ['He said: "We will win.', 'We always do. "', "Then he left."]


def test_stray_quote_at_the_end_of_a_paragraph_joins_the_last_sentence() -> None:
    assert _sentences("It will be shown at the festival. '") == [
        "It will be shown at the festival. '"
    ]


def test_bare_punctuation_never_becomes_a_sentence() -> None:
    assert _sentences(". 'We want answers. There are none.") == [
        ". 'We want answers.",
        "There are none.",
    ]
    assert _sentences("The fund closed. '.") == ["The fund closed. '."]


def test_opening_quote_after_a_full_stop_starts_the_next_sentence() -> None:
    paragraph = 'The plan was ready. "We start tomorrow," she said.'
    assert _sentences(paragraph) == ["The plan was ready.", '"We start tomorrow," she said.']


_TEXT_PIECES = st.sampled_from(
    [
        "Mr.",
        "Dr.",
        "U.S.",
        "Jan.",
        "e.g.",
        "No.",
        "W.",
        "Inc.",
        "$1.5bn",
        "2.5%",
        "said",
        "the",
        "The",
        "report",
        "Minister",
        '"',
        "'",
        "(",
        ")",
        ".",
        "!",
        "?",
        "...",
        ",",
        "quoted.",
        '"Yes."',
        "it",
        "fell",
        "He",
        "5",
        "p.m.",
        "\u00e9t\u00e9",
        " ",
        "  ",
    ]
)
_PARAGRAPHS = st.lists(_TEXT_PIECES, max_size=40).map(" ".join)


def _non_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


@settings(max_examples=300, deadline=None)
@given(_PARAGRAPHS)
def test_splitting_never_loses_text(paragraph: str) -> None:
    spans = split_sentences(paragraph)
    assert _non_space("".join(paragraph[a:b] for a, b in spans)) == _non_space(paragraph)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end <= start
    for start, end in spans:
        piece = paragraph[start:end]
        assert piece and piece == piece.strip()


@settings(max_examples=200, deadline=None)
@given(st.lists(_PARAGRAPHS, min_size=1, max_size=5).map("\n\n".join))
def test_document_sentences_point_into_the_cleaned_text(body: str) -> None:
    document = make_document(None, body)
    for index, sentence in enumerate(document.sentences):
        assert sentence.text == document.text[sentence.start : sentence.end]
        assert document.sentence_at(sentence.start) == index
        assert document.paragraphs[sentence.paragraph].find(sentence.text) >= 0
    assert _non_space("".join(s.text for s in document.sentences)) == _non_space(document.text)


def test_sentence_at_maps_offsets_to_the_sentence_holding_them() -> None:
    document = make_document("T", "One sentence here. Another one.\n\nA new paragraph.")
    second = document.sentences[1]
    assert document.sentence_at(second.start + 3) == 1
    assert document.sentence_at(document.sentences[2].start) == 2
    assert [s.paragraph for s in document.sentences] == [0, 0, 1]


# --- words and the sumy tokenizer ------------------------------------------------------


def test_words_keep_inner_apostrophes_and_hyphens() -> None:
    assert words("The mayor's well-known plan cost \u00a35m in 2024 - 'quietly'.") == [
        "The",
        "mayor's",
        "well-known",
        "plan",
        "cost",
        "m",
        "in",
        "quietly",
    ]


def test_offline_tokenizer_works_inside_sumy() -> None:
    from sumy.parsers.plaintext import PlaintextParser

    parser = PlaintextParser.from_string(
        "Mr. Brown spoke first. Ms. Green replied.\n\nThe vote followed.", OfflineTokenizer()
    )
    assert [str(s) for s in parser.document.sentences] == [
        "Mr. Brown spoke first.",
        "Ms. Green replied.",
        "The vote followed.",
    ]
    assert OfflineTokenizer().to_words("Ms. Green replied.") == ("Ms", "Green", "replied")
