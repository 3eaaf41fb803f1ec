"""Reading the numbers written in news copy: "1,250.5", "4.5bn", "twenty-five", "a million".

Only the arithmetic of numerals and scale words lives here; deciding whether a
number is a sum of money is the caller's job (see `briefing.analysis.money`).
This module must not guess currencies or look at the sentence around a number.
"""

from __future__ import annotations

import math
import re

__all__ = [
    "DIGITS_PATTERN",
    "SCALES_PATTERN",
    "WORDS_PATTERN",
    "parse_digits",
    "parse_number",
    "parse_scales",
    "parse_words",
]

# "1,250,000.5" (grouped), "1.5" / "1,8923" (a comma before anything but three digits is a
# decimal point: European copy and typos for rates), ".5".
DIGITS_PATTERN = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,]\d)|\d+(?:[.,]\d+)?|\.\d+)(?![\d])"

_SCALE_WORDS = {
    "hundred": 1e2,
    "thousand": 1e3,
    "lakh": 1e5,
    "lakhs": 1e5,
    "million": 1e6,
    "crore": 1e7,
    "crores": 1e7,
    "billion": 1e9,
    "trillion": 1e12,
}
_SCALE_ABBREVIATIONS = {
    "k": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "bln": 1e9,
    "tn": 1e12,
    "trn": 1e12,
}

# One scale: a word ("billion", with or without a space), an abbreviation after an
# optional space ("5 bn"), or a single letter stuck to the number ("5m", "30k").
_ONE_SCALE = (
    r"(?:\s?(?i:thousand|million|billion|trillion|crores?|lakhs?)\b"
    r"|\s?(?i:bn|mn|tn|trn|mln|bln)\b"
    r"|[kKmMbB]\b)"
)
# Two scales in a row happen: "5 thousand million" (old British billion), and typos
# such as "$4.5bn trillion".
SCALES_PATTERN = rf"(?:{_ONE_SCALE}(?:\s(?i:thousand|million|billion|trillion|bn|tn|crores?))?)"

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_UNIT_ALT = "|".join(sorted(_UNITS, key=len, reverse=True))
_BIG_ALT = "hundred|thousand|million|billion|trillion"
_MORE = rf"(?:[\s-]+(?:and[\s-]+)?(?:{_UNIT_ALT}|{_BIG_ALT})\b)"

# A cardinal written in words. It must start with a real number ("four", "a
# million", "half a billion"): "hundred million pounds" on its own is what is left
# of "several hundred million pounds", which names no amount.
WORDS_PATTERN = (
    rf"(?i:\b(?:(?:{_UNIT_ALT})\b{_MORE}*"
    rf"|(?<!\bof\s)an?\s+(?:{_BIG_ALT})\b{_MORE}*"
    rf"|half\s+an?\s+(?:{_BIG_ALT})\b"
    rf"|(?:an?\s+|one\s+|three\s+)?quarters?\s+of\s+an?\s+(?:{_BIG_ALT})\b))"
)

_SPLIT_WORDS = re.compile(r"[\s-]+")


def parse_digits(text: str) -> float | None:
    """The value of a numeral such as "1,250.5", "1,8923" (a decimal comma) or ".5"."""
    text = text.strip()
    if not text:
        return None
    if "," in text:
        groups = text.split(".")[0].split(",")
        if all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3:
            text = text.replace(",", "")
        elif text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        else:
            return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_words(text: str) -> float | None:
    """The value of a cardinal in words: "four", "twenty-five", "a million", "half a billion"."""
    tokens = [t for t in _SPLIT_WORDS.split(text.lower().strip()) if t and t != "and"]
    if not tokens:
        return None
    if tokens[0] == "half" and len(tokens) == 3 and tokens[1] in {"a", "an"}:
        scale = _SCALE_WORDS.get(tokens[2])
        return scale / 2 if scale else None
    if len(tokens) >= 3 and tokens[-3] == "of":
        # "a quarter of a million", "three quarters of a billion"
        shares = {"quarter": 0.25, "quarters": 0.25}
        count = {"a": 1, "an": 1, "one": 1, "three": 3}
        head = tokens[:-3]
        scale = _SCALE_WORDS.get(tokens[-1])
        if not scale or tokens[-2] not in {"a", "an"} or not head or head[-1] not in shares:
            return None
        times = count.get(head[0], 0) if len(head) == 2 else 1 if len(head) == 1 else 0
        return times * shares[head[-1]] * scale if times else None
    total = 0.0
    current = 0.0
    seen = False
    for token in tokens:
        if token in {"a", "an"}:
            current = 1.0
        elif token in _UNITS:
            current += _UNITS[token]
            seen = True
        elif token == "hundred":
            current = (current or 1.0) * 100
        elif token in _SCALE_WORDS:
            total += (current or 1.0) * _SCALE_WORDS[token]
            current = 0.0
        else:
            return None
        seen = True
    return total + current if seen else None


def parse_scales(text: str | None) -> float:
    """The multiplier named by one or two scale words; 1 when there is none.

    "thousand million" multiplies out to a billion and Indian "lakh crore" to a
    trillion; any other pair (a typo such as "bn trillion") takes the larger
    scale, which is what the writer meant.
    """
    if not text:
        return 1.0
    values: list[float] = []
    for token in text.split():
        key = token.lower()
        value = _SCALE_WORDS.get(key) or _SCALE_ABBREVIATIONS.get(key)
        if value is None:
            continue
        values.append(value)
    if not values:
        return 1.0
    if len(values) == 2 and values[0] in (1e2, 1e3, 1e5) and values[0] < values[1]:
        return values[0] * values[1]
    return max(values)


def parse_number(text: str) -> float | None:
    """The value of a numeral in digits or in words."""
    text = text.strip()
    if text[:1].isdigit() or text[:1] == ".":
        return parse_digits(text)
    return parse_words(text)
