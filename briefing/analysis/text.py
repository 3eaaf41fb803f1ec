"""Cleaning article text and splitting it into sentences and words, offline.

sumy's own English tokenizer needs NLTK data that cannot be downloaded here,
so this module is the tokenizer: `OfflineTokenizer` has the interface sumy
expects (`language`, `to_sentences`, `to_words`). Nothing here scores or
chooses sentences; that is `summary`'s job.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator

from briefing.analysis.document import Document, Sentence
from briefing.safety import plain

__all__ = [
    "OfflineTokenizer",
    "clean_text",
    "make_document",
    "split_sentences",
    "strip_dateline",
    "words",
]

# Typographic quotation marks, odd spaces and hyphens become one plain form,
# so the quote and money finders need to know only one spelling.
_CHARACTER_MAP = str.maketrans(
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
        "\u2039": "'",
        "\u203a": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\u00ad": "",
        "\ufeff": "",
    }
)

_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")

# Whole lines a page adds around an article: they are never part of the story.
_BOILERPLATE = re.compile(
    r"""^\W*(
        (looking\s+for\s+more\b.*\b(subscribe|sign\s+up|newsletters?)\b.*)
      | ((subscribe|sign\s+up)\b.*\b(newsletters?|updates|here|now|today|emails?|alerts)\b.*)
      | (.*\b(our|daily|free|weekly|morning|evening)\s+newsletters?\b
            .*\b(sign\s+up|subscribe|here|inbox)\b.*)
      | (get\s+(the\s+)?(latest|best)\b.*\b(newsletter|inbox|email)\b.*)
      | (share\s+(this|on|via)\b.*)
      | ((follow|like)\s+us\s+on\b.*)
      | ((click|tap)\s+here\b.*)
      | ((read|see)\s+more\s*:.*)
      | (related\s*(articles?|stories|content)?\s*:.*)
      | (most\s+(read|popular|viewed))
      | (advertisement|sponsored(\s+content)?|copy\s+link|scroll\s+down\s+for\s+videos?)
      | ((image|media|video|photo)\s+(caption|source|copyright)\b.*)
      | (\(?(photo|image|picture|pictured)\s*(credit)?\s*:.*)
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)

# The same announcements glued to the front of a real sentence by the page.
_LEADING_BOILERPLATE = re.compile(
    r"^(?:(?:scroll\s+down\s+for\s+videos?|advertisement)\s*[.:-]?\s+)+(?=\S)", re.IGNORECASE
)

# When a page was published or updated: "PUBLISHED: 14:11 EST, 25 October 2013",
# "Last updated at 5:03 PM on 10th January 2012". Only with a full date and time.
_TIMESTAMP = r"""
    \d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[a-z]{2,4})?\s*,?\s+(?:on\s+)?
    \d{1,2}(?:st|nd|rd|th)?\s+[a-z]+\s*,?\s+\d{4}"""
_STAMP = rf"""(?:published|updated|last\s+updated|last\s+modified)(?:\s+at)?\s*:?\s*\.?\s*
    {_TIMESTAMP}\s*[.,]?\s*(?:\|\s*\.?\s*)?"""
# A byline before the stamps, in the "By . Jane Doe . and John Roe ." form some pages
# print: up to three names of at most six words, each closed by a full stop.
_BYLINE_BEFORE_STAMP = r"by\s*\.?\s*(?:[^\s.|:]+(?:\s+[^\s.|:]+){0,5}\s*\.\s*){1,3}"
# Page furniture at the top of a story: an optional byline, then one or more stamps.
# Removed wherever a paragraph opens with it, even when the first sentence is glued on.
_PAGE_HEADER = re.compile(rf"^(?:{_BYLINE_BEFORE_STAMP})?(?:{_STAMP})+", re.IGNORECASE | re.VERBOSE)
# A byline on a line of its own: "By Jane Doe", "By . Daily Mail Reporter .", "By Jane Doe
# and John Roe, Political Correspondent". Every word after "By" is capitalised.
_BYLINE_LINE = re.compile(
    r"""^[Bb][Yy]\s*\.?\s+(?:(?:[A-Z][\w'.-]*|and|for|in|the|of|&)[\s.,]*){1,8}$"""
)

# Lines longer than this are never boilerplate: real sentences can mention newsletters.
_BOILERPLATE_MAX_WORDS = 40
# A caption shorter than this is too generic to be called a copy of a sentence.
_CAPTION_MIN_WORDS = 4
# A caption's opening words found in more paragraphs than this are a stock phrase.
_CAPTION_MAX_HOLDERS = 20
# A paragraph this long printed twice is a copy; shorter ones ("Yes.") may recur honestly.
_REPEAT_MIN_WORDS = 6
_SENTENCE_END = (".", "!", "?", '"', "'", ":", ";", ")")


def _normalise_characters(body: str) -> str:
    """One spelling for quotes and spaces, one kind of line break, no terminal controls.

    Whole escape sequences go (not just their ESC byte), so "\x1b[1mDoe" reads "Doe".
    """
    text = unicodedata.normalize("NFC", body).translate(_CHARACTER_MAP)
    text = _LINE_BREAKS.sub("\n", text)
    return plain(text, limit=len(text) + 1)


def _blocks(text: str) -> list[list[str]]:
    """Runs of non-blank lines, whitespace collapsed, a line repeated at once kept once."""
    blocks: list[list[str]] = [[]]
    previous = None
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if not line:
            if blocks[-1]:
                blocks.append([])
            continue
        key = _key(line)
        if key and key == previous:
            continue  # a photo caption the page printed twice
        previous = key
        blocks[-1].append(line)
    return [block for block in blocks if block]


def _is_hard_wrapped(blocks: list[list[str]]) -> bool:
    """True when the source broke its paragraphs into lines of a fixed width.

    Then a single newline is only a line break and the blank line marks the
    paragraph; otherwise every line is its own paragraph. Wrapped lines are
    close to the width and mostly stop in mid-sentence.
    """
    inner = [line for block in blocks for line in block[:-1]]
    if not inner:
        return False
    width = max(len(line) for block in blocks for line in block)
    if not 40 <= width <= 100:
        return False
    full = sum(1 for line in inner if len(line) >= 0.6 * width)
    open_ended = sum(1 for line in inner if not line.endswith(_SENTENCE_END))
    return full >= 0.8 * len(inner) and open_ended >= 0.5 * len(inner)


def _raw_paragraphs(text: str) -> Iterator[str]:
    """Paragraphs of the source, each on one line with single spaces."""
    blocks = _blocks(text)
    if _is_hard_wrapped(blocks):
        yield from (" ".join(block) for block in blocks)
    else:
        yield from (line for block in blocks for line in block)


def _key(line: str) -> str:
    """A line reduced to its lower-case words, to compare copies of it."""
    return " ".join(re.findall(r"\w+", line.casefold()))


def _is_boilerplate(line: str) -> bool:
    if len(line.split()) > _BOILERPLATE_MAX_WORDS:
        return False
    return bool(_BOILERPLATE.match(line) or _BYLINE_LINE.match(line))


def _without_page_header(line: str) -> str:
    """The line without a leading "By ... PUBLISHED: ... UPDATED: ..." header."""
    line = _LEADING_BOILERPLATE.sub("", line)
    header = _PAGE_HEADER.match(line)
    if header:
        line = _LEADING_BOILERPLATE.sub("", line[header.end() :].lstrip(" .|"))
    return line


def _caption_copies(lines: list[str], keys: list[str]) -> set[int]:
    """Lines with no final punctuation whose words appear inside another paragraph.

    Pages repeat a sentence of the story under a photo; the copy has lost its
    full stop, and keeping it would put the same words twice in the summary.
    Other paragraphs are found through the caption's first words, so the
    check stays linear however long the text.
    """
    candidates = [
        i
        for i, (line, key) in enumerate(zip(lines, keys, strict=True))
        if not line.endswith(_SENTENCE_END) and key.count(" ") + 1 >= _CAPTION_MIN_WORDS
    ]
    if not candidates:
        return set()
    wanted = {" ".join(keys[i].split()[:_CAPTION_MIN_WORDS]) for i in candidates}
    holders: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        tokens = key.split()
        for n in range(len(tokens) - _CAPTION_MIN_WORDS + 1):
            gram = " ".join(tokens[n : n + _CAPTION_MIN_WORDS])
            if gram not in wanted:
                continue
            found = holders.setdefault(gram, [])
            if len(found) <= _CAPTION_MAX_HOLDERS and index not in found:
                found.append(index)
    copies = set()
    for i in candidates:
        padded = f" {keys[i]} "
        gram = " ".join(keys[i].split()[:_CAPTION_MIN_WORDS])
        if any(j != i and padded in f" {keys[j]} " for j in holders.get(gram, ())):
            copies.add(i)
    return copies


def clean_text(body: str) -> str:
    """Return the body as plain paragraphs separated by one blank line.

    Duplicated lines (a photo caption or the opening paragraph the page
    repeats) are kept once; captions that copy a sentence found elsewhere,
    newsletter/share lines, bylines and "published/updated" stamps are dropped;
    quotation marks, whitespace and terminal controls are normalised. A line is
    a paragraph unless the source hard-wrapped it.
    """
    kept: list[str] = []
    keys: list[str] = []
    seen: set[str] = set()
    # The header may run over several lines when the page put each part on its own.
    opening = _without_page_header(_normalise_characters(body).lstrip())
    for raw in _raw_paragraphs(opening):
        line = _without_page_header(raw)
        key = _key(line)
        if not key or key in seen or _is_boilerplate(line) or (keys and key == keys[-1]):
            continue
        if len(key.split()) >= _REPEAT_MIN_WORDS:
            seen.add(key)  # pages repeat the opening paragraph or a caption further down
        kept.append(line)
        keys.append(key)
    copies = _caption_copies(kept, keys)
    paragraphs: list[str] = []
    previous = None
    for index, line in enumerate(kept):
        if index in copies or keys[index] == previous:
            continue  # a line that only repeated what a dropped caption separated
        paragraphs.append(line)
        previous = keys[index]
    return "\n\n".join(paragraphs)


# Wire services and broadcasters whose name in brackets opens a story with no dash after it:
# "(CNN) A whale ...", "Rome (CNN) Italy is ...". With a dash, any short name will do.
_WIRE_NAMES = r"cnn|reuters|ap|afp|upi|pa|dpa|xinhua|bloomberg|efe|ansa|pti|ians|kyodo|yonhap|tass"
_DATELINE = re.compile(
    rf"""^(?:
        # "LONDON, Nov 5 (Meridian News) -", "WASHINGTON (CNN) --", "(Reuters) -"
        (?:[A-Z][A-Z.'-]+(?:[\s,]+[\w.'-]+){{0,4}}\s*)?
        \((?:[A-Z][\w&.'-]+(?:\s+[A-Z][\w&.'-]*){{0,3}})\)\s*(?:--|[-–—:])\s+
        (?=["'(]?[A-Z0-9])
      | # "(CNN) A whale", "Rome (CNN) Italy", "(cnn) the victory"
        (?:[A-Z][\w.'-]*(?:[\s,]+[A-Z][\w.'-]*){{0,3}}\s*)?\((?i:{_WIRE_NAMES})\)\s+
        (?=["'(]?\w)
      | # "LONDON -- The", "NEW YORK, March 3 - Stocks"
        [A-Z][A-Z.'-]{{2,}}(?:\s+[A-Z][A-Z.'-]+){{0,2}}(?:,\s*[\w.]+(?:\s+[\w.]+){{0,2}})?
        \s*(?:--|[-–—])\s+(?=["'(]?[A-Z0-9])
    )""",
    re.VERBOSE,
)


def strip_dateline(sentence: str) -> str:
    """The sentence without the dateline an agency story opens with.

    "LONDON, Nov 5 (Meridian News) - The Bank of England ..." reads "The Bank of
    England ...": a summary line says what happened, and the place and date are
    shown with the story anyway. Any other sentence comes back unchanged.
    """
    match = _DATELINE.match(sentence)
    if not match or match.end() >= len(sentence):
        return sentence
    rest = sentence[match.end() :]
    return rest[0].upper() + rest[1:] if rest[0].islower() else rest


def _word_set(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Titles that always precede a name: their full stop never ends a sentence.
_TITLES = _word_set(
    """mr mrs ms messrs dr prof gen lt col maj capt cmdr adm sgt cpl pte gov sen rep rev
    hon pres supt insp det cllr fr st mt ft"""
)
# Abbreviations that never end a sentence in news text.
_NEVER_FINAL = _word_set("e.g i.e cf vs viz approx ca")
# Abbreviations followed by a number ("No. 10", "Jan. 5", "Fig. 2").
_BEFORE_NUMBER = _word_set(
    """no nos vol vols fig figs pp p art sec ch para jan feb mar apr jun jul aug sep sept oct
    nov dec"""
)
# Abbreviations that may or may not end the sentence ("Apple Inc. said" / "Apple Inc. The").
_AMBIGUOUS = _word_set("inc ltd corp co plc llc bros jr sr etc al esq dept")
# Words that begin a new sentence after an ambiguous abbreviation.
_SENTENCE_STARTERS = _word_set(
    """the a an it its he his she her they their them we our i you this that these those there
    but and so yet however meanwhile then now after before when while as in on at by for from
    if although though since some many most one two three officials police"""
)

_CANDIDATE = re.compile(r"""[.!?]+['")\]]*(?=\s|$)""")
_STRAY_CLOSING_QUOTE = re.compile(r"""\s+(["'])[.,!?]*(?=\s|$)""")
_OPENING_SINGLE = re.compile(r"""(?:^|(?<=[\s(\[-]))'(?=\w)""")
_CLOSING_SINGLE = re.compile(r"""(?<=[\w.,!?])'(?=[\s.,;:!?)\]]|$)""")
_FOLLOWING = re.compile(r"\s*(\S)")
_NEXT_WORD = re.compile(r"""\s*[\"'(\[]*([^\W\d_][\w'-]*)""")


class _QuoteMarks:
    """Where a paragraph's quotation marks are, to tell at any offset whether one is open."""

    def __init__(self, paragraph: str) -> None:
        self._double = [i for i, ch in enumerate(paragraph) if ch == '"']
        self._opening = [m.start() for m in _OPENING_SINGLE.finditer(paragraph)]
        self._closing = [m.start() for m in _CLOSING_SINGLE.finditer(paragraph)]

    def open_at(self, end: int, quote: str) -> bool:
        if quote == '"':
            return bisect.bisect_left(self._double, end) % 2 == 1
        opened = bisect.bisect_left(self._opening, end)
        return opened > bisect.bisect_left(self._closing, end)


def _ends_sentence(text: str, start: int, end: int) -> bool:
    """Decide whether the punctuation `text[start:end]` closes a sentence."""
    following = _FOLLOWING.match(text, end)
    if following is None:
        return True
    first = following.group(1)
    if first.islower() or first in ",;:)]":
        return False  # '"Stop!" she said' and '5 p.m. on Friday' go on
    token_start = text.rfind(" ", 0, start) + 1
    word = text[token_start:start].lstrip("\"'([").lower()
    if "." not in text[start:end] or "!" in text[start:end] or "?" in text[start:end]:
        return True
    next_word = _NEXT_WORD.match(text, end)
    starts_sentence = next_word is not None and next_word.group(1).lower() in _SENTENCE_STARTERS
    if word in _TITLES or word in _NEVER_FINAL:
        return False
    if word in _BEFORE_NUMBER:
        return not first.isdigit()
    if word in _AMBIGUOUS or re.fullmatch(r"[a-z](?:\.[a-z])+", word):
        return starts_sentence  # "U.S. officials" goes on, "the U.S. The" ends
    if len(word) == 1 and word.isalpha():
        return starts_sentence  # an initial: "George W. Bush"
    return first.isupper() or first.isdigit() or first in "\"'(["


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """Split one paragraph into sentences, returned as (start, end) offsets.

    Spans never include surrounding whitespace, and together they cover every
    non-space character of the paragraph. A piece with no letters or digits
    (a stray quotation mark or full stop) joins its neighbour.
    """
    spans: list[tuple[int, int]] = []
    start = len(paragraph) - len(paragraph.lstrip())
    last = len(paragraph.rstrip())
    marks: _QuoteMarks | None = None
    for match in _CANDIDATE.finditer(paragraph):
        end = match.end()
        if end <= start or not _ends_sentence(paragraph, match.start(), end):
            continue
        stray = _STRAY_CLOSING_QUOTE.match(paragraph, end)
        if stray and stray.end() < last:
            marks = marks or _QuoteMarks(paragraph)
            if not marks.open_at(end, stray.group(1)):
                stray = None
        if stray:
            end = stray.end()  # 'was done. " Then' closes the quotation before "Then"
        spans.append((start, end))
        start = end
        while start < len(paragraph) and paragraph[start].isspace():
            start += 1
    rest = paragraph[start:].rstrip()
    if rest:
        spans.append((start, start + len(rest)))
    return _join_bare_punctuation(paragraph, spans)


def _join_bare_punctuation(paragraph: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    joined: list[tuple[int, int]] = []
    carry: int | None = None  # start of punctuation waiting for the next sentence
    for start, end in spans:
        if not any(ch.isalnum() for ch in paragraph[start:end]):
            if joined:
                joined[-1] = (joined[-1][0], end)
            elif carry is None:
                carry = start
            continue
        joined.append((start if carry is None else carry, end))
        carry = None
    if carry is not None:
        joined.append((carry, spans[-1][1]))
    return joined


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
        flat = " ".join(paragraph.split())
        return tuple(flat[a:b] for a, b in split_sentences(flat))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(words(sentence))
