"""Sums of money in an article: every amount with its own currency marker.

Each mention ("£5.5bn", "300 billion kroner", "four pence") becomes a
`Figure` in units of its ISO currency. A conversion printed beside a figure
("€500bn ($547bn; £420bn)", "1.5bn euros, that's over £1bn") is folded into
that figure's `equivalents` instead of becoming a figure of its own.
Percentages, bare numbers and amounts without a number ("billions of
dollars") are not money. This module reads text only: it must not look
anything up or convert currencies itself.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

from briefing.analysis.currencies import (
    ADJECTIVE_PATTERN,
    CODE_PATTERN,
    SYMBOL_PATTERN,
    WORD_PATTERN,
    CurrencyHints,
    code_for_symbol,
    code_for_word,
    plausible_conversion,
    subunit_of_word,
)
from briefing.analysis.document import Document, Sentence
from briefing.analysis.figure_context import describe, find_period
from briefing.analysis.numbers import (
    DIGITS_PATTERN,
    SCALES_PATTERN,
    WORDS_PATTERN,
    parse_digits,
    parse_number,
    parse_scales,
)
from briefing.models import Equivalent, Figure

__all__ = ["Mention", "extract_figures", "find_mentions"]


def _word_set(words: str) -> frozenset[str]:
    """A set of lower-case words written as one string, so long lists stay readable."""
    return frozenset(words.split())


_NUMBER = rf"(?:{DIGITS_PATTERN}|{WORDS_PATTERN})"
_RANGE_SEPARATOR = r"(?:\s?[-–—]\s?|\s+(?:to|and|or)\s+)"

# "$5bn", "US$ 1.2 million", "€-3m", "USD 5m", "Rs.500 crore".
_PREFIXED = re.compile(
    rf"(?P<mark>{SYMBOL_PATTERN}|(?<![A-Za-z]){CODE_PATTERN}(?=\s?[-−]?\d))"
    rf"\s?(?P<neg>[-−])?(?P<num>{DIGITS_PATTERN})(?P<scale>{SCALES_PATTERN})?"
)
# The markerless upper end of a range that shares the first end's marker: "£5-6bn".
_RANGE_TAIL = re.compile(
    rf"(?P<sep>{_RANGE_SEPARATOR})(?P<num>{DIGITS_PATTERN})(?P<scale>{SCALES_PATTERN})?"
    r"(?![\d%]|\s?(?:per\s?cent|percent|pc)\b)"
)
_STERLING = re.compile(r"\s+sterling\b")
_OWN_WORD_AFTER = re.compile(rf"[\s-]?(?:{ADJECTIVE_PATTERN}\s)?(?:{WORD_PATTERN})\b")
# "300 billion kroner", "5-6bn euros", "four pence", "70 euro cents", "2bn Swiss francs".
_SUFFIXED = re.compile(
    rf"(?<![\w.,$€£¥₹])(?P<neg>[-−])?(?P<num>{_NUMBER})(?P<scale>{SCALES_PATTERN})?"
    rf"(?:(?P<sep>{_RANGE_SEPARATOR})(?P<num2>{_NUMBER})(?P<scale2>{SCALES_PATTERN})?)?"
    rf"[\s-]?(?:(?P<adj>{ADJECTIVE_PATTERN})\s)?"
    rf"(?P<word>{WORD_PATTERN}(?![\w])|{CODE_PATTERN}(?![\w])|€)"
)
# Pence and cents stuck to the number: "548p", "4p a pint", "50c". Not "4p.m.".
_SUBUNIT = re.compile(
    rf"(?<![\w.,$€£¥])(?P<neg>[-−])?(?P<num>{DIGITS_PATTERN})"
    rf"(?:(?P<sep>[-–])(?P<num2>{DIGITS_PATTERN}))?(?P<word>p|c|¢)(?![\w]|\.\w)"
)

_BETWEEN = re.compile(r"\bbetween\s+(?:\S+\s+){0,2}$", re.IGNORECASE)
_SINGULAR_NOT_MONEY = re.compile(
    r"\s*-?(?:zone|area|region|bloc|countries|members?|nations|economies|index|sign"
    r"|symbol|project|currency|exchange|launch|store|shop)\b",
    re.IGNORECASE,
)
# "pounds" is a weight only with a sign of it: "50 pounds of flour", "weighed 200 pounds".
_WEIGHT = re.compile(
    r"\s+(?:of\s+(?:\w+\s+)?(?:meat|beef|pork|chicken|fish|flour|sugar|rice|potatoes|butter"
    r"|cheese|coffee|tea|grain|wheat|corn|cocaine|heroin|cannabis|drugs|explosives?|gold|silver"
    r"|steel|metal|plastic|waste|rubbish|food|fruit|weight|muscle|fat|luggage|cargo|ice)"
    r"|heavier|lighter|overweight|in\s+weight|lbs?)\b",
    re.IGNORECASE,
)
_WEIGH_BEFORE = re.compile(r"\bweigh\w*\s+(?:\S+\s+){0,2}$", re.IGNORECASE)
# "in 2004 dollars" is a price level, not an amount.
_YEAR_BEFORE = re.compile(r"\b(?:in|constant|real)\s+$", re.IGNORECASE)
_VIDEO = re.compile(r"\b(?:video|resolution|hd|screen|display|camera|stream\w*|pixels?)\b", re.I)
_RESOLUTIONS = {144.0, 240.0, 360.0, 480.0, 576.0, 720.0, 1080.0, 1440.0, 2160.0, 4320.0}
_NEEDS_PLACE = {
    "won": re.compile(r"korea", re.IGNORECASE),
    "rand": re.compile(r"south africa|johannesburg|pretoria", re.IGNORECASE),
    "crown": re.compile(
        r"swed|norw|danish|denmark|czech|slovak|iceland|oslo|stockholm|copenhagen|prague", re.I
    ),
}


@dataclass(frozen=True)
class Mention:
    """One amount as written: where it is, what it says, and its value."""

    start: int
    end: int
    text: str
    amount: float
    currency: str
    scaled: bool = True


def _negative_before(text: str, start: int) -> bool:
    """A minus sign right before a marker ("-$5m"), not a hyphen joining words."""
    if start < 1 or text[start - 1] not in "-−":
        return False
    return start < 2 or text[start - 2].isspace() or text[start - 2] in "(["


def _sign_allowed(text: str, sign: int) -> bool:
    """A sign at `sign` is a minus when nothing but space or a bracket is before it."""
    return sign == 0 or text[sign - 1].isspace() or text[sign - 1] in "(["


def _value(number: str, scale: str | None) -> float | None:
    value = parse_number(number)
    if value is None:
        return None
    value *= parse_scales(scale)
    if not math.isfinite(value):
        return None
    # A decimal times a scale can miss by a hair in binary ("4.1bn" gives 4099999999.9999995);
    # fifteen significant digits are all a double holds of a decimal, so the sum is as written.
    return float(f"{value:.15g}")


class _Source:
    """The document with its sentence starts indexed once, so lookups stay cheap."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.text = document.text
        self.hints = CurrencyHints(document.text)
        self._starts = [sentence.start for sentence in document.sentences]

    def sentence_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._starts, offset) - 1)

    def sentence(self, offset: int) -> Sentence | None:
        if not self._starts:
            return None
        return self.document.sentences[self.sentence_index(offset)]

    def sentence_text(self, offset: int) -> str:
        sentence = self.sentence(offset)
        return sentence.text if sentence else self.text


def _prefixed(source: _Source) -> list[Mention]:
    text = source.text
    found: list[Mention] = []
    for match in _PREFIXED.finditer(text):
        start, end = match.start(), match.end()
        scale = match.group("scale")
        tail = _RANGE_TAIL.match(text, end)
        if tail and _shared_range(text, start, tail):
            end = tail.end()
            scale = scale or tail.group("scale")
        sterling = _STERLING.match(text, end)
        if sterling and match.group("mark") == "£":
            end = sterling.end()
        value = _value(match.group("num"), scale)
        if value is None:
            continue
        negative = match.group("neg") is not None
        if _negative_before(text, start):
            negative = True
            start -= 1
        near = source.sentence_text(start)
        currency = code_for_symbol(match.group("mark"), source.hints, near)
        found.append(
            Mention(
                start, end, text[start:end], -value if negative else value, currency, bool(scale)
            )
        )
    return found


def _shared_range(text: str, start: int, tail: re.Match[str]) -> bool:
    """Whether a markerless number after a figure is the other end of its range."""
    separator = tail.group("sep").strip()
    if separator == "and" and not _BETWEEN.search(text, 0, start):
        return False
    # "$5 or 10 euros": the second number has a marker of its own.
    return not _OWN_WORD_AFTER.match(text, tail.end())


def _suffixed(source: _Source) -> list[Mention]:
    text = source.text
    found: list[Mention] = []
    for match in _SUFFIXED.finditer(text):
        word = match.group("word")
        start = match.start()
        number, scale = match.group("num"), match.group("scale")
        if match.group("num2") is not None:
            separator = match.group("sep").strip()
            if separator == "and" and not _BETWEEN.search(text, 0, start):
                start = match.start("num2")
                number, scale = match.group("num2"), match.group("scale2")
            else:
                scale = scale or match.group("scale2")
        if _not_money(text, match, number, scale, source.hints):
            continue
        value = _value(number, scale)
        if value is None:
            continue
        if subunit_of_word(word):
            value /= 100
        near = source.sentence_text(start)
        currency = code_for_word(word, match.group("adj"), source.hints, near)
        if word.lower() in {"cent", "cents"} and not match.group("adj"):
            currency = _cents_currency(source, start) or currency
        if currency is None:
            continue
        if match.group("neg") and start == match.start():
            if _sign_allowed(text, start):
                value = -value
            else:
                start += 1
        found.append(
            Mention(start, match.end(), text[start : match.end()], value, currency, bool(scale))
        )
    return found


def _not_money(
    text: str, match: re.Match[str], number: str, scale: str | None, hints: CurrencyHints
) -> bool:
    """Shapes that look like money but are not: years, weights, "euro zone", "50 Cent"."""
    word = match.group("word")
    lower = word.lower()
    after = text[match.end() : match.end() + 30]
    before = text[max(0, match.start() - 30) : match.start()]
    if word == "Cent":
        return True
    if lower in {"euro", "dollar", "pound", "franc"} and _SINGULAR_NOT_MONEY.match(after):
        return True
    if (
        lower in {"pound", "pounds"}
        and not scale
        and (_WEIGHT.match(after) or _WEIGH_BEFORE.search(before))
    ):
        return True
    if not scale and re.fullmatch(r"(?:1[89]|20)\d\d", number) and _YEAR_BEFORE.search(before):
        return True
    needs = _NEEDS_PLACE.get(lower.removesuffix("s") if lower == "crowns" else lower)
    return (
        needs is not None and not match.group("adj") and not scale and not needs.search(hints.text)
    )


_CENT_CURRENCIES = re.compile(r"€|\beuros?\b|(?<![A-Za-z])A\$|\$|\bdollars?\b")


def _cents_currency(source: _Source, offset: int) -> str | None:
    """Plain "cents" belong to the nearest cent-based currency named in the same sentence."""
    sentence = source.sentence(offset)
    if sentence is None:
        return None
    local = offset - sentence.start
    best: tuple[int, str] | None = None
    for marker in _CENT_CURRENCIES.finditer(sentence.text):
        if marker.start() == local:
            continue
        token = marker.group()
        code = "EUR" if token.startswith(("€", "euro")) else "AUD" if token == "A$" else "USD"
        distance = abs(marker.start() - local)
        if best is None or distance < best[0]:
            best = (distance, code)
    return best[1] if best else None


def _subunits(source: _Source) -> list[Mention]:
    text = source.text
    found: list[Mention] = []
    for match in _SUBUNIT.finditer(text):
        value = parse_digits(match.group("num"))
        if value is None:
            continue
        word = match.group("word")
        if (
            word == "p"
            and value in _RESOLUTIONS
            and _VIDEO.search(source.sentence_text(match.start()))
        ):
            continue
        # A bare "c" is also a paragraph letter ("clause 5c"): cents only beside dollars or euros.
        currency = "GBP" if word == "p" else _cents_currency(source, match.start())
        if word == "¢":
            currency = currency or "USD"
        if currency is None:
            continue
        start = match.start()
        if match.group("neg"):
            if _sign_allowed(text, start):
                value = -value
            else:
                start += 1
        found.append(Mention(start, match.end(), text[start : match.end()], value / 100, currency))
    return found


def find_mentions(document: Document) -> list[Mention]:
    """Every amount of money in the text, in order, without overlaps."""
    return _find_mentions(_Source(document))


def _find_mentions(source: _Source) -> list[Mention]:
    candidates = _prefixed(source) + _suffixed(source) + _subunits(source)
    candidates.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for mention in candidates:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return _inherit_range_scales(source.text, kept)


_OWN_MARKER_RANGE = re.compile(r"\s?[-–]\s?|\s+(?:to|and)\s+")


def _inherit_range_scales(text: str, mentions: list[Mention]) -> list[Mention]:
    """In "from $5 to $6bn" the first end is $5bn: the scale is written once."""
    result = list(mentions)
    for i in range(len(result) - 1):
        low, high = result[i], result[i + 1]
        if low.scaled or not high.scaled or low.currency != high.currency:
            continue
        if not _OWN_MARKER_RANGE.fullmatch(text[low.end : high.start]):
            continue
        factor = _scale_of(high)
        if factor > 1 and abs(low.amount) * factor <= abs(high.amount) * 1.0001:
            result[i] = Mention(
                low.start, low.end, low.text, low.amount * factor, low.currency, True
            )
    return result


_SCALE_AFTER_DIGIT = re.compile(rf"\d(?P<scale>{SCALES_PATTERN})")


def _scale_of(mention: Mention) -> float:
    match = _SCALE_AFTER_DIGIT.search(mention.text)
    return parse_scales(match.group("scale")) if match else 1.0


# Words allowed in a parenthesis that only converts: "(about $5bn at current rates)".
_CONVERSION_WORDS = _word_set(
    """about around approximately approx roughly some nearly almost over under more less than
    just up to c circa or and equivalent equal ie i.e at current exchange rates rate a an per
    year annum month week day share each barrel the of worth then today today's prices
    respectively us"""
)
_CONNECTOR = re.compile(
    r"\s*(?P<punct>,|\s[-–—]|/|;)?\s*"
    r"(?P<link>(?:or|that's|that\s+is|which\s+is|i\.e\.|equivalent\s+to|the\s+equivalent\s+of"
    r"|equal\s+to|worth)\s+)?"
    r"(?P<qual>(?:(?:about|around|approximately|approx\.|roughly|some|over|nearly|almost|just"
    r"|more\s+than|less\s+than|under|close\s+to|c\.)\s+)*)",
    re.IGNORECASE,
)
# Text between a figure and the first amount of a parenthesis: a few words, then "(" and
# perhaps a qualifier ("about", "roughly"); the rest of the parenthesis is checked later.
_PAREN_LEAD = re.compile(r"[^()\n;:]{0,80}?\(\s*(?:[A-Za-z.']+\s+){0,3}\Z")


def _connected(gap: str) -> bool:
    """Whether the words between two amounts present the second as a conversion."""
    match = _CONNECTOR.fullmatch(gap)
    if not match:
        return False
    if match.group("link"):
        return True
    punct = (match.group("punct") or "").strip()
    return punct == "/" or (bool(punct) and bool(match.group("qual")))


def _parenthesis(
    text: str, head: Mention, mentions: list[Mention], j: int, after: int
) -> tuple[list[Mention], int] | None:
    """The conversions in a parenthesis opened shortly after the head, and where it closes."""
    following = mentions[j]
    gap = text[after : following.start]
    if not _PAREN_LEAD.fullmatch(gap):
        return None
    lead = gap[: gap.rindex("(")]
    if len(lead.split()) > 10 or re.search(r"[.!?]\s", lead):
        return None
    opened = after + gap.rindex("(")
    closed = text.find(")", following.start)
    if closed < 0 or "(" in text[opened + 1 : closed] or "\n" in text[opened:closed]:
        return None
    inside: list[Mention] = []
    k = j
    while k < len(mentions) and mentions[k].end <= closed:
        inside.append(mentions[k])
        k += 1
    rest = text[opened + 1 : closed]
    for mention in reversed(inside):
        rest = rest[: mention.start - opened - 1] + " " + rest[mention.end - opened - 1 :]
    words = [w.strip(".").lower() for w in re.split(r"[\s;:,/=~]+", rest) if w.strip(".")]
    if any(w not in _CONVERSION_WORDS for w in words):
        return None
    if any(m.currency == head.currency for m in inside):
        return None
    if not all(
        plausible_conversion(head.amount, head.currency, m.amount, m.currency) for m in inside
    ):
        return None
    return inside, closed + 1


def _group(text: str, mentions: list[Mention]) -> list[tuple[Mention, list[Mention], int]]:
    """Fold conversions into the figure they convert: (head, equivalents, end of the group)."""
    groups: list[tuple[Mention, list[Mention], int]] = []
    i = 0
    while i < len(mentions):
        head = mentions[i]
        equivalents: list[Mention] = []
        after = head.end
        j = i + 1
        while j < len(mentions):
            following = mentions[j]
            currencies = {head.currency} | {e.currency for e in equivalents}
            inside = _parenthesis(text, head, mentions, j, after) if not equivalents else None
            if inside is None and equivalents and text[after : following.start].strip() == "(":
                inside = _parenthesis(text, head, mentions, j, after)
            if inside is not None:
                equivalents.extend(inside[0])
                j += len(inside[0])
                after = inside[1]
                continue
            if (
                following.currency not in currencies
                and _connected(text[after : following.start])
                and plausible_conversion(
                    head.amount, head.currency, following.amount, following.currency
                )
            ):
                equivalents.append(following)
                after = following.end
                j += 1
                continue
            break
        groups.append((head, equivalents, after))
        i = j
    return groups


def extract_figures(document: Document) -> list[Figure]:
    """Every sum of money in `document`, conversions grouped with their figure."""
    source = _Source(document)
    text = source.text
    mentions = _find_mentions(source)
    starts = [m.start for m in mentions]
    groups = _group(text, mentions)
    figures: list[Figure] = []
    for index, (head, equivalents, end) in enumerate(groups):
        sentence_index = source.sentence_index(head.start)
        sentence = source.sentence(head.start)
        limit = sentence.end if sentence else len(text)
        following = bisect.bisect_left(starts, end)
        next_start = starts[following] if following < len(starts) else limit
        period = find_period(text, head.start, end, min(limit, next_start), head_end=head.end)
        first, last = _range_around(text, groups, index, limit)
        run_start = groups[first][0].start
        run_head, _, run_end = groups[last]
        previous = figures[-1] if figures and index and first == index else None
        if (
            previous
            and previous.sentence == sentence_index
            and _AFTER_FROM.search(text[max(0, head.start - 40) : head.start])
        ):
            context = previous.context  # "to £70bn from £100bn": the same thing, earlier
        else:
            context = describe(
                text,
                sentence.start if sentence else 0,
                run_start,
                run_end,
                limit,
                head_end=run_head.end,
            )
        if period is None and last != index:
            period = find_period(
                text, run_head.start, run_end, limit, head_end=run_head.end
            )  # "between £1.5bn and £2bn a year": the range shares its period
        figures.append(
            Figure(
                text=head.text,
                amount=head.amount,
                currency=head.currency,
                sentence=sentence_index,
                context=context,
                period=period,
                equivalents=tuple(Equivalent(e.text, e.amount, e.currency) for e in equivalents),
            )
        )
    return figures


# "between €150m and €200m", "from £5m to £7m": the two ends of one range.
_RANGE_GAP = re.compile(r"\s*(?:and|or|to|[-–—])\s*", re.IGNORECASE)
# "up from €62bn": an earlier level of the figure before it.
_AFTER_FROM = re.compile(
    r"\b(?:from|compared\s+with|against)\s+(?:about\s+|around\s+|nearly\s+|almost\s+)?$",
    re.IGNORECASE,
)


def _range_around(
    text: str, groups: list[tuple[Mention, list[Mention], int]], index: int, limit: int
) -> tuple[int, int]:
    """The first and last figure of the range `index` belongs to (itself alone if none)."""
    first = index
    while first > 0 and _RANGE_GAP.fullmatch(text[groups[first - 1][2] : groups[first][0].start]):
        first -= 1
    last = index
    if re.search(r"\bby\s*$", text[max(0, groups[first][0].start - 10) : groups[first][0].start]):
        return index, index  # "rises by NOK 19bn to NOK 176bn": a change, then a level
    while (
        last + 1 < len(groups)
        and groups[last + 1][0].start < limit
        and _RANGE_GAP.fullmatch(text[groups[last][2] : groups[last + 1][0].start])
    ):
        last += 1
    return first, last
