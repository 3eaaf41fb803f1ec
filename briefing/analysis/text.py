"""Cleaning article text and splitting it into sentences and words, offline.

sumy's own English tokenizer needs NLTK data that cannot be downloaded here,
so this module is the tokenizer: `OfflineTokenizer` has the interface sumy
expects (`language`, `to_sentences`, `to_words`).
"""

from __future__ import annotations

import re
import unicodedata

from briefing.analysis.document import Document, Sentence

__all__ = ["OfflineTokenizer", "clean_text", "make_document", "split_sentences", "words"]

# Quotation marks and dashes are normalised so later stages see one form.
_QUOTE_MAP = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\ufeff": "",
    }
)

# Lines a page adds around an article: they are never part of the story.
_BOILERPLATE = re.compile(
    r"""^\W*(
        (looking\s+for\s+more\b.*\bsubscribe\b.*)
      | (subscribe\b.*\b(newsletter|updates|here|now|today)\b.*)
      | (sign\s+up\b.*\b(newsletter|email|updates|alerts)\b.*)
      | (.*\b(our|daily|free|weekly)\s+newsletters?\b.*\b(sign\s+up|subscribe|here|inbox)\b.*)
      | (share\s+(this|on)\b.*)
      | ((follow|like)\s+us\s+on\b.*)
      | (click\s+here\b.*)
      | (read\s+more\s*:.*)
      | (related\s*:\s*.*)
      | (advertisement)
      | (\(?(photo|image|picture)\s*(credit)?\s*:.*)
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(body: str) -> str:
    """Return the body as plain paragraphs separated by one blank line.

    Consecutive duplicated lines (a photo caption the page repeats) are kept
    once, newsletter/share lines are dropped, quotation marks and whitespace
    are normalised. A line is a paragraph unless the source wrapped it.
    """
    text = unicodedata.normalize("NFC", body).translate(_QUOTE_MAP)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs: list[str] = []
    previous = None
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if not line:
            continue
        key = line.casefold().rstrip(".")
        if key == previous:
            continue
        previous = key
        if _BOILERPLATE.match(line):
            continue
        paragraphs.append(line)
    return "\n\n".join(paragraphs)


# Words whose trailing full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep rev hon pres
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    inc ltd co corp bros plc llc dept univ assn ave blvd rd est approx vs etc al no nos vol fig
    e.g i.e a.m p.m u.s u.k u.n e.u u.s.a d.c""".split()
)

_BOUNDARY = re.compile(r"""[.!?]+['")\]]*(?=\s+|$)""")


def _ends_sentence(text: str, end: int) -> bool:
    """Decide whether the punctuation run ending at `end` closes a sentence."""
    match = re.search(r"(\S+)$", text[:end])
    token = match.group(1) if match else ""
    bare = token.rstrip("'\")]").rstrip(".!?").lstrip("('\"[").lower()
    if token.rstrip("'\")]").endswith(("!", "?")):
        pass
    elif bare in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)+[a-z]", bare):
        # "U.S." ends a sentence only when a capitalised word would not follow anyway;
        # a lower-case next word or a number means the sentence goes on.
        following = text[end:].lstrip()[:1]
        if bare in {"u.s", "u.k", "u.n", "e.u", "d.c", "u.s.a", "etc"} and following.isupper():
            return _next_word(text, end) in {"the", "a", "an", "it", "he", "she", "they", "but", "we"}
        return False
    elif re.fullmatch(r"[a-z]", bare):
        return False  # an initial: "George W. Bush"
    following = text[end:].lstrip()
    if not following:
        return True
    first = following[0]
    return first.isupper() or first.isdigit() or first in "\"'(["


def _next_word(text: str, end: int) -> str:
    match = re.match(r"\s*[\"'(]*([A-Za-z]+)", text[end:])
    return match.group(1).lower() if match else ""


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """Split one paragraph into sentences, returned as (start, end) offsets."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.end()
        if _ends_sentence(paragraph, end):
            spans.append((start, end))
            start = end
            while start < len(paragraph) and paragraph[start].isspace():
                start += 1
    if start < len(paragraph) and paragraph[start:].strip():
        spans.append((start, len(paragraph.rstrip())))
    return spans


def make_document(title: str | None, body: str) -> Document:
    """Clean `body` and split it into sentences that keep their offsets."""
    text = clean_text(body)
    sentences: list[Sentence] = []
    offset = 0
    for index, paragraph in enumerate(text.split("\n\n") if text else []):
        for start, end in split_sentences(paragraph):
            sentences.append(Sentence(paragraph[start:end], offset + start, offset + end, index))
        offset += len(paragraph) + 2
    return Document(title=title, text=text, sentences=tuple(sentences))


_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['-](?=[^\W\d_]))*")


def words(text: str) -> list[str]:
    """Alphabetic words of `text`, keeping inner apostrophes and hyphens."""
    return _WORD.findall(text)


class OfflineTokenizer:
    """The tokenizer interface sumy's parsers call, without NLTK data."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(paragraph[a:b] for a, b in split_sentences(" ".join(paragraph.split())))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(words(sentence))
