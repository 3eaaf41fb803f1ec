"""A few words saying what a sum of money is for, and over what period.

"€500bn infrastructure fund", "a tax bill of $27bn", "spend £5bn on
defence": the phrase is taken from the figure's own sentence so a policy
reader can scan a list of figures without the article. This module only
reads the sentence around a known figure; it must not find figures itself.
"""

from __future__ import annotations

import re

from briefing.analysis.currencies import CODE_PATTERN

__all__ = ["describe", "find_period"]


def _word_set(words: str) -> frozenset[str]:
    """A set of lower-case words written as one string, so long lists stay readable."""
    return frozenset(words.split())


_TOKEN = re.compile(r"[A-Za-z][\w'’.-]*[\w]|[A-Za-z]|\d[\d,.]*\w*|[^\s\w]")

# Words that end a descriptive phrase: function words, auxiliaries, reporting verbs and
# time words ("$5bn last year" says nothing about what the money is for).
_STOP = _word_set(
    """a an the and or but nor so yet if than then as because while when where which who whom
    whose that this these those there here it its it's he she they them their his her we our
    you your i me my is was were are be been being am has have had having do does did will
    would could should may might must can shall not no yes said says say saying told tells
    added according also just only even still up down out off into onto from to by with
    without at in on of for over under about around after before since until during per each
    every some any all both more most less least much many few several such very too
    last next year years month months week weeks day days today yesterday tomorrow ago
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december mr mrs ms dr sir lord
    rose fell grew jumped dropped climbed slipped rising falling increased decreased reached
    hit totalled totaling totalling valued worth compared against versus earlier later ie"""
)
# Words before a figure that only qualify the number ("up to", "nearly").
_QUALIFIERS = _word_set(
    """about around approximately approx roughly some nearly almost over under more less than
    just up to close a an the least at estimated extra further another additional whopping
    record mere only"""
)
# Words that tie a figure to the noun before it: "profits of £5m", "a deal worth $2bn".
_LINKERS = _word_set(
    """of worth at totalling totaling valued costing to by from for was were is are be been
    reached hit topped"""
)
_MONEY_NOUNS = _word_set(
    """profit profits revenue revenues sales turnover earnings income loss losses debt debts
    deficit surplus borrowing borrowings spending budget budgets fund funds funding investment
    investments aid grant grants loan loans subsidy subsidies bailout package stimulus price
    prices cost costs fee fees fine fines tax taxes bill bills savings cuts dividend dividends
    payout payment payments settlement compensation deposit bid bids offer deal deals contract
    contracts valuation stake capital salary salaries wage wages pay bonus bonuses pension
    pensions reserves assets liabilities target threshold allowance benefit benefits rebate levy
    tariff premium premiums claim claims damages penalty bond bonds takeover acquisition merger
    purchase order orders expenditure outlay allocation commitment pledge donation donations
    contribution contributions injection rescue fare fares rent rents award prize jackpot
    financing spend shares shortfall overspend windfall handout scheme plan programme program
    fundraising overrun estimate capex writedown write-down charge charges sum"""
)
_PRONOUNS = _word_set("which who that it he she they we i you to will would can could")
_STRONG_LINKERS = _word_set("of worth totalling totaling valued costing")
_PREPOSITIONS = _word_set("for on to towards toward into in against")
_UNIT = re.compile(
    r"\s*-?(?P<unit>(?:a|an|per|each)[\s-](?:share|barrel|tonne|ton|pint|litre|liter|gallon|ounce"
    r"|head|person|household|unit|kilo|kilogram|kg|pound|megawatt|mwh|kwh|bottle|pack|ticket"
    r"|seat|night|hour|passenger|vehicle|car|employee|worker|pupil|student|child|patient"
    r"|visit|prescription|item|minute|call|text|trip|flight|dose|meal|copy|subscriber"
    r"|customer|family|adult|property|home|house)"
    r"|per\s+(?!year|annum|month|week|day|quarter|decade|cent)[a-z]+)\b",
    re.IGNORECASE,
)
_PERIOD = re.compile(
    r"(?:\b(?:a|per|each|every|an)[\s-](?:year|annum|month|week|day|quarter|decade)\b"
    r"|\bper\s+annum\b|\bannually\b|\bp\.a\.|\byearly\b|\bmonthly\b|\bweekly\b"
    r"|\b(?:over|across|during|within|for)\s+(?:the\s+)?(?:next\s+|past\s+|last\s+|coming\s+"
    r"|following\s+|first\s+)?(?:[\w-]+\s+)?(?:years|months|decades|weeks|year|decade)\b)"
    r"(?!\s+(?:earlier|ago|before|previously|later|on)\b)",
    re.IGNORECASE,
)
_ANNUAL_BEFORE = re.compile(r"\b(?:annual|yearly|annualised|annualized)\s+(?:\S+\s+){0,2}$", re.I)
_CURRENCY_CODE = re.compile(CODE_PATTERN)
_WINDOW = 240
_MONEY_START = re.compile(r"[$€£¥₹]|[A-Z]{1,3}\$|\d")


def find_period(
    text: str, start: int, end: int, limit: int, head_end: int | None = None
) -> str | None:
    """The time a figure covers ("a year", "over ten years"), if the words say so."""
    window = _after_parenthesis(text, head_end if head_end is not None else end, end, limit)[:60]
    window = re.split(r"[,;:]", window, maxsplit=1)[0]
    match = _PERIOD.search(window)
    if match and not _MONEY_START.search(window[: match.start()]):
        return " ".join(match.group().replace("-", " ").split()).lower()
    if _ANNUAL_BEFORE.search(text[max(0, start - 30) : start]):
        return "a year"
    return None


def _words(fragment: str) -> list[str]:
    return _TOKEN.findall(fragment)


def _is_word(token: str) -> bool:
    """A word of the sentence; currency codes ("NOK") belong to amounts, not phrases."""
    return token[:1].isalpha() and not _CURRENCY_CODE.fullmatch(token)


def _phrase_after(tokens: list[str]) -> list[str]:
    """Nouns straight after the figure: "$5bn takeover bid" -> "takeover bid"."""
    phrase: list[str] = []
    for token in tokens:
        low = token.lower()
        if not _is_word(token) or low in _STOP or (low.endswith("ed") and len(low) > 4):
            break
        phrase.append(token)
        if len(phrase) == 4:
            break
    return phrase


def _prepositional(tokens: list[str]) -> list[str]:
    """ "for new schools", "on defence": the purpose a figure is spent on."""
    if not tokens or tokens[0].lower() not in _PREPOSITIONS:
        return []
    phrase = [tokens[0]]
    for token in tokens[1:]:
        low = token.lower()
        if not _is_word(token):
            break
        if low in _STOP and low not in {"the", "a", "an", "of", "and", "its", "their", "new"}:
            break
        phrase.append(token)
        if len(phrase) == 6:
            break
    while phrase and phrase[-1].lower() in {"the", "a", "an", "of", "and", "its", "their"}:
        phrase.pop()
    return phrase if len(phrase) > 1 else []


def _phrase_before(tokens: list[str]) -> tuple[list[str], str]:
    """The noun a figure is tied to ("tax bill of $27bn"), and whether a linker tied it."""
    position = len(tokens)
    while position and tokens[position - 1].lower() in _QUALIFIERS:
        position -= 1
    linked = ""
    while position and tokens[position - 1].lower() in _LINKERS:
        linked = linked or tokens[position - 1].lower()
        position -= 1
    phrase: list[str] = []
    while position and len(phrase) < 4:
        token = tokens[position - 1]
        low = token.lower()
        if not _is_word(token) or low in _STOP:
            break
        phrase.insert(0, token)
        position -= 1
    return phrase, linked


def _nearest_money_noun(tokens: list[str]) -> list[str]:
    """The closest money word before a figure with its modifiers: "defence budget"."""
    for position in range(len(tokens) - 1, -1, -1):
        token = tokens[position]
        if token.lower() not in _MONEY_NOUNS:
            continue
        previous = tokens[position - 1].lower() if position else ""
        if previous in _PRONOUNS or (position and token[:1].isupper()):
            continue  # "which claims ..." is a verb; "Bill Gates" is a name
        first = position
        while (
            first > 0
            and position - first < 2
            and _is_word(tokens[first - 1])
            and tokens[first - 1].lower() not in _STOP
            and not _is_verb(tokens[first - 1])
        ):
            first -= 1
        phrase = tokens[first : position + 1]
        tail = tokens[position + 1 : position + 5]
        if tail and tail[0].lower() in {"of", "on", "for", "in"}:
            extra = _plain_words(tail[1:], 3)
            if extra:
                phrase += [tail[0], *extra]
        return phrase
    return []


def _plain_words(tokens: list[str], most: int) -> list[str]:
    phrase: list[str] = []
    for token in tokens:
        if not _is_word(token) or token.lower() in _STOP or len(phrase) == most:
            break
        phrase.append(token)
    return phrase


def _is_verb(token: str) -> bool:
    low = token.lower()
    return len(low) > 4 and low.endswith("ed") and low not in _MONEY_NOUNS


def _has_money_noun(tokens: list[str]) -> bool:
    return any(t.lower() in _MONEY_NOUNS for t in tokens)


def _after_parenthesis(text: str, start: int, end: int, limit: int) -> str:
    """Text after the head figure with any conversion parenthesis taken out."""
    between = text[start:end]
    if "(" in between:
        return re.sub(r"\([^()]*\)?", " ", between) + text[end:limit]
    return text[end:limit]


def describe(
    text: str, sentence_start: int, start: int, end: int, limit: int, head_end: int | None = None
) -> str:
    """A short phrase from the figure's sentence saying what the money is for."""
    # Only the words near the figure can describe it; long sentences are cut to a window.
    sentence_start = max(sentence_start, start - _WINDOW)
    limit = min(limit, end + _WINDOW)
    after_text = _after_parenthesis(text, head_end if head_end is not None else end, end, limit)
    unit_match = _UNIT.match(after_text)
    unit = ""
    if unit_match:
        unit = " ".join(unit_match.group("unit").replace("-", " ").split()).lower()
        after_text = after_text[unit_match.end() :]
    after_text = re.sub(r"^\s*-?(?:a|per|each)[\s-](?:year|annum|month|week|day)\b", "", after_text)
    before = _words(text[sentence_start:start])
    after = _words(after_text)
    noun_after = _phrase_after(after)
    purpose = _prepositional(after[len(noun_after) :])
    noun_before, linked = _phrase_before(before)
    nearest = _nearest_money_noun(before)
    passive = _passive_purpose(after)
    choices = [
        noun_after + purpose if noun_after else [],
        noun_before + purpose if noun_before and linked else [],
        nearest,
    ]
    parts = next((c for c in choices if _has_money_noun(c)), [])
    if not parts and noun_before and linked in _STRONG_LINKERS:
        parts = noun_before + purpose
    if not parts:
        verb = [t for t in before[-1:] if _is_word(t) and t.lower() not in _STOP | _QUALIFIERS]
        fallbacks = [
            choices[0],
            choices[1],
            passive,
            verb + purpose if purpose else [],
            noun_before,
        ]
        parts = next((c for c in fallbacks if c), [])
    phrase = " ".join(parts).strip(" ,;:-")
    if unit:
        phrase = f"{phrase} ({unit})" if phrase else unit
    return phrase


_AUXILIARIES = _word_set(
    "will would be been is was are were being has have had could should may might must to also"
)


def _passive_purpose(tokens: list[str]) -> list[str]:
    """ "will be spent on rural roads" after a figure -> "spent on rural roads"."""
    position = 0
    while position < len(tokens) and tokens[position].lower() in _AUXILIARIES:
        position += 1
    if position == 0 or position >= len(tokens) or not _is_word(tokens[position]):
        return []
    purpose = _prepositional(tokens[position + 1 :])
    return [tokens[position], *purpose] if purpose else []
