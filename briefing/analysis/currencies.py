"""Currency markers in news copy and the ISO 4217 codes they stand for.

Symbols ("A$", "£"), codes ("USD") and words ("kroner", "Swiss francs") are
mapped to a code here, using words elsewhere in the article only where the
marker alone cannot decide (kroner is Swedish, Norwegian or Danish). This
module must not find amounts; `briefing.analysis.money` does that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "ADJECTIVE_PATTERN",
    "CODE_PATTERN",
    "CurrencyHints",
    "SYMBOL_PATTERN",
    "WORD_PATTERN",
    "code_for_symbol",
    "code_for_word",
    "plausible_conversion",
    "subunit_of_word",
]


def _word_list(words: str) -> list[str]:
    """Codes written as one string, so the long list stays readable."""
    return words.split()


# ISO codes that appear in copy as markers ("USD 5m", "300bn SEK").
_CODES = _word_list(
    "USD EUR GBP JPY CNY RMB INR RUB CHF SEK NOK DKK ISK AUD CAD NZD HKD SGD TWD ZAR BRL MXN ARS "
    "CLP COP PHP KRW TRY PLN HUF CZK ILS AED SAR QAR KWD EGP NGN KES GHS MYR THB IDR PKR UAH RON "
    "VND BDT LKR"
)
CODE_PATTERN = r"(?:" + "|".join(_CODES) + r")"

_SYMBOLS = {
    "US$": "USD",
    "U.S.$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "AUD$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "CAN$": "CAD",
    "Can$": "CAD",
    "AUS$": "AUD",
    "Aus$": "AUD",
    "CDN$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "SG$": "SGD",
    "NT$": "TWD",
    "R$": "BRL",
    "Mex$": "MXN",
    "Z$": "ZWD",
    "J$": "JMD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₽": "RUB",
    "₩": "KRW",
    "₺": "TRY",
    "₪": "ILS",
    "₦": "NGN",
    "₱": "PHP",
    "฿": "THB",
    "₴": "UAH",
    "₫": "VND",
    "R": "ZAR",
    "RM": "MYR",
    "SFr": "CHF",
    "Sfr": "CHF",
    "SwFr": "CHF",
    "DM": "DEM",
    "FFr": "FRF",
    "Rs": "INR",
    "Rs.": "INR",
    "Re": "INR",
    "Re.": "INR",
    "Rp": "IDR",
    "Rp.": "IDR",
    "Skr": "SEK",
    "SKr": "SEK",
    "Nkr": "NOK",
    "NKr": "NOK",
    "Dkr": "DKK",
    "DKr": "DKK",
    "kr": "kroner",
    "Kr": "kroner",
    "kr.": "kroner",
}
# Longest first, so "US$" wins over "$" and "Rs." over "Rs".
SYMBOL_PATTERN = (
    r"(?:US\s?\$|U\.S\.\s?\$|AUD?\$|AU\$|AUS\$|Aus\$|CA\$|CAN\$|Can\$|CDN\$|NZ\$|HK\$|SG\$"
    r"|NT\$|Mex\$|(?<![A-Za-z])Re\.?(?=\s?1\b)"
    r"|(?<![A-Za-z])[ACSRZJ]\$|\$|€|£|¥|₹|₽|₩|₺|₪|₦|₱|฿|₴|₫"
    r"|(?<![A-Za-z])(?:RM|SFr|Sfr|SwFr|DM|FFr)(?=\s?\d)"
    # A bare "R" is the rand only with a magnitude ("R2bn", "R1.5 billion"); "R2" alone is a
    # road, a route or a grade.
    r"|(?<![A-Za-z])R(?=\d+(?:[.,]\d+)?\s?(?:bn|billion|m|mn|million|tn|trillion)\b)"
    r"|(?<![A-Za-z])(?:Rs|Rp|[Kk]r|[SND][Kk]r)\.?)"
)

# What a currency word can be preceded by to say whose currency it is.
_ADJECTIVES = {
    "us": "US",
    "u.s.": "US",
    "american": "US",
    "australian": "AU",
    "canadian": "CA",
    "new zealand": "NZ",
    "hong kong": "HK",
    "singapore": "SG",
    "singaporean": "SG",
    "taiwan": "TW",
    "taiwanese": "TW",
    "new taiwan": "TW",
    "zimbabwe": "ZW",
    "zimbabwean": "ZW",
    "jamaican": "JM",
    "namibian": "NA",
    "swiss": "CH",
    "french": "FR",
    "belgian": "BE",
    "cfa": "CFA",
    "swedish": "SE",
    "norwegian": "NO",
    "danish": "DK",
    "icelandic": "IS",
    "indian": "IN",
    "pakistani": "PK",
    "sri lankan": "LK",
    "nepalese": "NP",
    "mexican": "MX",
    "argentine": "AR",
    "argentinian": "AR",
    "chilean": "CL",
    "colombian": "CO",
    "philippine": "PH",
    "brazilian": "BR",
    "south african": "ZA",
    "turkish": "TR",
    "israeli": "IL",
    "polish": "PL",
    "hungarian": "HU",
    "czech": "CZ",
    "slovak": "SK",
    "russian": "RU",
    "chinese": "CN",
    "japanese": "JP",
    "saudi": "SA",
    "qatari": "QA",
    "iranian": "IR",
    "omani": "OM",
    "iraqi": "IQ",
    "kuwaiti": "KW",
    "jordanian": "JO",
    "egyptian": "EG",
    "lebanese": "LB",
    "syrian": "SY",
    "sudanese": "SD",
    "kenyan": "KE",
    "ugandan": "UG",
    "tanzanian": "TZ",
    "nigerian": "NG",
    "ghanaian": "GH",
    "malaysian": "MY",
    "thai": "TH",
    "indonesian": "ID",
    "ukrainian": "UA",
    "romanian": "RO",
    "korean": "KR",
    "south korean": "KR",
    "emirati": "AE",
    "uae": "AE",
    "bahraini": "BH",
    "libyan": "LY",
    "tunisian": "TN",
    "algerian": "DZ",
    "serbian": "RS",
    "zambian": "ZM",
    "euro": "EU",
}


def _adjective_pattern(adjective: str) -> str:
    if adjective in {"us", "u.s.", "uae", "cfa"}:
        return re.escape(adjective.upper())
    return r"\s".join(f"[{w[0].upper()}{w[0]}]{re.escape(w[1:])}" for w in adjective.split())


ADJECTIVE_PATTERN = (
    "(?:"
    + "|".join(_adjective_pattern(a) for a in sorted(_ADJECTIVES, key=len, reverse=True))
    + ")"
)

_WORD_FORMS = {
    "dollars": "dollar",
    "dollar": "dollar",
    "euros": "euro",
    "euro": "euro",
    "pounds": "pound",
    "pound": "pound",
    "sterling": "sterling",
    "pence": "penny",
    "penny": "penny",
    "cents": "cent",
    "cent": "cent",
    "eurocents": "eurocent",
    "yen": "yen",
    "yuan": "yuan",
    "renminbi": "yuan",
    "rupees": "rupee",
    "rupee": "rupee",
    "roubles": "rouble",
    "rouble": "rouble",
    "rubles": "rouble",
    "ruble": "rouble",
    "francs": "franc",
    "franc": "franc",
    "kroner": "krone",
    "crowns": "krone",
    "crown": "krone",
    "krone": "krone",
    "kronor": "krona",
    "krona": "krona",
    "kronur": "krona",
    "rand": "rand",
    "pesos": "peso",
    "peso": "peso",
    "reais": "real",
    "lira": "lira",
    "lire": "lira",
    "shekels": "shekel",
    "shekel": "shekel",
    "zlotys": "zloty",
    "zloty": "zloty",
    "forints": "forint",
    "forint": "forint",
    "ringgit": "ringgit",
    "baht": "baht",
    "rupiah": "rupiah",
    "naira": "naira",
    "dirhams": "dirham",
    "dirham": "dirham",
    "riyals": "riyal",
    "riyal": "riyal",
    "rials": "rial",
    "rial": "rial",
    "dinars": "dinar",
    "dinar": "dinar",
    "hryvnias": "hryvnia",
    "hryvnia": "hryvnia",
    "hryvnas": "hryvnia",
    "lei": "leu",
    "koruna": "koruna",
    "korunas": "koruna",
    "won": "won",
    "shillings": "shilling",
    "cedis": "cedi",
    "kwacha": "kwacha",
    "deutschmarks": "mark",
    "deutschmark": "mark",
    "d-marks": "mark",
}
WORD_PATTERN = (
    r"(?:(?i:euro[\s-]?cents)|(?i:"
    + "|".join(sorted((w for w in _WORD_FORMS if w != "won"), key=len, reverse=True))
    + r")|won)"
)

# The default code for each word, then the codes it takes after an adjective.
_WORD_DEFAULTS = {
    "dollar": "USD",
    "euro": "EUR",
    "eurocent": "EUR",
    "pound": "GBP",
    "sterling": "GBP",
    "penny": "GBP",
    "cent": "USD",
    "yen": "JPY",
    "yuan": "CNY",
    "rupee": "INR",
    "rouble": "RUB",
    "franc": "CHF",
    "krone": "NOK",
    "krona": "SEK",
    "rand": "ZAR",
    "peso": "MXN",
    "real": "BRL",
    "lira": "TRY",
    "shekel": "ILS",
    "zloty": "PLN",
    "forint": "HUF",
    "ringgit": "MYR",
    "baht": "THB",
    "rupiah": "IDR",
    "naira": "NGN",
    "dirham": "AED",
    "riyal": "SAR",
    "rial": "IRR",
    "dinar": "KWD",
    "hryvnia": "UAH",
    "leu": "RON",
    "koruna": "CZK",
    "won": "KRW",
    "shilling": "KES",
    "cedi": "GHS",
    "kwacha": "ZMW",
    "mark": "DEM",
}
_BY_COUNTRY = {
    "dollar": {
        "US": "USD",
        "AU": "AUD",
        "CA": "CAD",
        "NZ": "NZD",
        "HK": "HKD",
        "SG": "SGD",
        "TW": "TWD",
        "ZW": "ZWD",
        "JM": "JMD",
        "NA": "NAD",
    },
    "cent": {"US": "USD", "AU": "AUD", "CA": "CAD", "NZ": "NZD", "EU": "EUR", "HK": "HKD"},
    "franc": {"CH": "CHF", "FR": "FRF", "BE": "BEF", "CFA": "XOF"},
    "krone": {"SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK", "CZ": "CZK", "SK": "SKK"},
    "krona": {"SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK"},
    "rupee": {"IN": "INR", "PK": "PKR", "LK": "LKR", "NP": "NPR"},
    "peso": {"MX": "MXN", "AR": "ARS", "CL": "CLP", "CO": "COP", "PH": "PHP"},
    "pound": {"EG": "EGP", "LB": "LBP", "SY": "SYP", "SD": "SDG"},
    "dinar": {
        "IQ": "IQD",
        "KW": "KWD",
        "JO": "JOD",
        "BH": "BHD",
        "LY": "LYD",
        "TN": "TND",
        "DZ": "DZD",
        "RS": "RSD",
    },
    "riyal": {"SA": "SAR", "QA": "QAR", "OM": "OMR"},
    "rial": {"IR": "IRR", "OM": "OMR"},
    "shilling": {"KE": "KES", "UG": "UGX", "TZ": "TZS"},
    "yuan": {"CN": "CNY"},
    "yen": {"JP": "JPY"},
    "won": {"KR": "KRW"},
}
# Place words that settle an ambiguous marker when no adjective does.
_PLACE_WORDS = {
    "krone": {
        "SE": r"swed|stockholm|riksbank|gothenburg",
        "NO": r"norw|oslo|norges|bergen|equinor|statoil",
        "DK": r"danish|denmark|copenhagen|danmarks",
        "IS": r"iceland|reykjavik",
        "CZ": r"czech|prague",
    },
    "peso": {
        "MX": r"mexic",
        "AR": r"argentin|buenos aires",
        "CL": r"chile",
        "CO": r"colombia|bogota",
        "PH": r"philippin|manila",
    },
    "rupee": {
        "PK": r"pakistan|karachi|islamabad|lahore",
        "LK": r"sri lanka|colombo",
        "NP": r"nepal|kathmandu",
    },
    "dinar": {
        "IQ": r"iraq|baghdad",
        "KW": r"kuwait",
        "JO": r"jordan",
        "BH": r"bahrain",
        "LY": r"libya",
        "TN": r"tunisia",
        "DZ": r"algeria",
        "RS": r"serbia|belgrade",
    },
    "yuan": {"CN": r"yuan|renminbi|china|chinese|beijing|shanghai", "JP": r"\byen\b|japan|tokyo"},
}
_PLACE_PATTERNS = {
    word: {country: re.compile(pattern, re.IGNORECASE) for country, pattern in places.items()}
    for word, places in _PLACE_WORDS.items()
}
_PLACE_PATTERNS["krona"] = _PLACE_PATTERNS["krone"]


def _country(adjective: str | None) -> str | None:
    if not adjective:
        return None
    return _ADJECTIVES.get(" ".join(adjective.lower().split()))


@dataclass
class CurrencyHints:
    """Place words in an article, counted once, for markers that need them."""

    text: str
    _whole: dict[str, str | None] = field(default_factory=dict)

    def country_for(self, word: str, near: str) -> str | None:
        """The country an ambiguous `word` most likely belongs to: the sentence first."""
        patterns = _PLACE_PATTERNS.get(word)
        if not patterns:
            return None
        found = _most_named(patterns, near)
        if found is None:
            if word not in self._whole:
                self._whole[word] = _most_named(patterns, self.text)
            found = self._whole[word]
        return found


def _most_named(patterns: dict[str, re.Pattern[str]], text: str) -> str | None:
    counts = {country: len(pattern.findall(text)) for country, pattern in patterns.items()}
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] else None


def code_for_word(word: str, adjective: str | None, hints: CurrencyHints, near: str) -> str | None:
    """The ISO code for a currency word such as "kroner" or "Swiss francs"."""
    base = _WORD_FORMS.get(word.lower())
    if base is None:
        if re.fullmatch(r"euro[\s-]?cents", word, re.IGNORECASE):
            return "EUR"
        if re.fullmatch(CODE_PATTERN, word):
            return "CNY" if word == "RMB" else word
        if word == "€":
            return "EUR"
        return None
    country = _country(adjective)
    if country is None and base in {"krone", "krona", "peso", "rupee", "dinar"}:
        country = hints.country_for(base, near)
    if country is not None:
        table = _BY_COUNTRY.get(base, {})
        if country in table:
            return table[country]
    if base == "krona" and country is None:
        return "SEK"
    return _WORD_DEFAULTS.get(base)


def subunit_of_word(word: str) -> bool:
    """True for words naming a hundredth of a currency: pence, cents, euro cents."""
    base = _WORD_FORMS.get(word.lower())
    return base in {"penny", "cent", "eurocent"} or bool(
        re.fullmatch(r"euro[\s-]?cents", word, re.IGNORECASE)
    )


# Rough US dollars per unit, only to tell a conversion ("€5bn ($6bn)") from another amount
# that happens to sit in brackets: real rates stay well within the tolerance used.
_ROUGH_USD = {
    "USD": 1.0,
    "EUR": 1.15,
    "GBP": 1.4,
    "JPY": 0.008,
    "CNY": 0.14,
    "INR": 0.016,
    "RUB": 0.02,
    "CHF": 1.0,
    "SEK": 0.11,
    "NOK": 0.11,
    "DKK": 0.15,
    "AUD": 0.72,
    "CAD": 0.77,
    "NZD": 0.65,
    "HKD": 0.128,
    "SGD": 0.7,
    "ZAR": 0.08,
    "MXN": 0.06,
    "KRW": 0.0008,
    "PLN": 0.27,
    "CZK": 0.045,
    "HUF": 0.003,
    "ILS": 0.27,
    "AED": 0.27,
    "SAR": 0.27,
    "TWD": 0.032,
}


def plausible_conversion(amount: float, currency: str, other: float, other_currency: str) -> bool:
    """Whether `other` could be `amount` converted; True when either rate is unknown."""
    rate, other_rate = _ROUGH_USD.get(currency), _ROUGH_USD.get(other_currency)
    if rate is None or other_rate is None or amount == 0 or other == 0:
        return True
    ratio = (abs(amount) * rate) / (abs(other) * other_rate)
    return 0.2 <= ratio <= 5.0


def code_for_symbol(symbol: str, hints: CurrencyHints, near: str) -> str:
    """The ISO code for a symbol or code written before (or after) a number."""
    compact = re.sub(r"\s+", "", symbol)
    if re.fullmatch(CODE_PATTERN, compact):
        return "CNY" if compact == "RMB" else compact
    code = _SYMBOLS.get(compact, "USD")
    if code == "kroner":
        country = hints.country_for("krone", near)
        return {"SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK"}.get(country or "", "SEK")
    if code == "JPY":
        # "¥" is also the yuan sign; Chinese copy without any yen says so.
        country = hints.country_for("yuan", near)
        return "CNY" if country == "CN" else "JPY"
    if code == "INR" and compact.startswith("Rs"):
        country = hints.country_for("rupee", near)
        return {"PK": "PKR", "LK": "LKR", "NP": "NPR"}.get(country or "", "INR")
    return code
