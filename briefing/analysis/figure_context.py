"""A few words saying what a sum of money is for, and over what period.

"€500bn infrastructure fund", "tax bill", "spending on defence", "increase in
child benefit", "sterling exchange rate": the phrase is taken from the
figure's own sentence so a policy reader can scan a list of figures without
the article. The reading is a light, rule-based parse of the words around the
figure: the noun phrase it modifies, the noun it is tied to ("bill of $27bn"),
the verb that moves it ("spend ... on", "raise ... by") or the subject whose
level it gives ("shares rose to 548p"). This module only reads the sentence
around a known figure; it must not find figures itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from briefing.analysis.currencies import CODE_PATTERN

__all__ = ["describe", "find_period"]


def _word_set(words: str) -> frozenset[str]:
    """A set of lower-case words written as one string, so long lists stay readable."""
    return frozenset(words.split())


_TOKEN = re.compile(r"[A-Za-z][\w'’.&/-]*[\w]|[A-Za-z]|[$€£¥₹]?\d[\d,.]*\w*|[^\s\w]")

_DETERMINERS = _word_set(
    "a an the this that these those its their his her our my your some any each every another"
)
_POSSESSIVES = _word_set("its their his her our my your")
# Words that never belong inside a noun phrase naming what money is for.
_STOP = _DETERMINERS | _word_set(
    """and or but nor so yet if than then as because while when where which who whom whose
    there here it it's he she they them we you i me us is was were are be been being am has
    have had having do does did will would could should may might must can shall not no
    said says say saying told tells added adding according also just only even still up down
    out off into onto from to by with without at in on of for over under about around after
    before since until during per most less least much many few several such very too
    both all last next year years month months week weeks day days today yesterday tomorrow
    ago now monday tuesday wednesday thursday friday saturday sunday january february march
    april june july august september october november december mr mrs ms dr sir lord
    whether how what why against versus via like unlike within across through toward towards
    alone already almost nearly roughly approximately about some"""
)
# Words before a figure that only qualify the number ("up to", "an extra", "between").
_QUALIFIERS = _word_set(
    """about around approximately approx roughly some nearly almost over under more less than
    just up to close a an the least at estimated extra further another additional whopping
    record mere only between combined total further expected projected planned average
    typical initial"""
)
_EXTRA = _word_set("extra additional further new")
_PURPOSE_PREPOSITIONS = _word_set("for on to towards toward into in")
_TIME_WORDS = _word_set(
    """year years month months week weeks day days decade decades quarter quarters today
    period term time morning afternoon evening session trading trade"""
)
# Nouns that name an amount without saying what it is for: they need the words around them.
_GENERIC = _word_set("cost costs sum amount total figure price value money cash bill")
_MONEY_NOUNS = _word_set(
    """profit profits revenue revenues sales turnover earnings income loss losses debt debts
    deficit surplus borrowing borrowings spending budget budgets fund funds funding investment
    investments aid grant grants loan loans subsidy subsidies bailout package stimulus price
    prices cost costs fee fees fine fines tax taxes bill bills savings cuts dividend dividends
    payout payment payments settlement compensation deposit bid bids offer deal deals contract
    contracts valuation stake capital salary salaries wage wages pay bonus bonuses pension
    pensions reserves assets liabilities target threshold allowance benefit benefits rebate
    rebates levy tariff tariffs premium premiums claim claims damages penalty bond bonds takeover
    acquisition merger purchase order orders expenditure outlay allocation commitment pledge
    donation donations contribution contributions injection rescue fare fares rent rents award
    prize jackpot financing spend shares shortfall overspend windfall handout scheme plan plans
    programme program fundraising overrun estimate capex writedown write-down charge charges
    sum support transfers transfer mortgage mortgages repayments repayment duty duties exports
    imports insurance award awards request
    demand value rise cut increase hike boost"""
)
_CURRENCY_NAMES = _word_set(
    """dollar dollars euro euros pound pounds sterling yen krone kroner krona kronor crown
    crowns franc francs rupee rupees yuan renminbi won peso pesos rand lira real rouble ruble
    shekel zloty forint koruna ringgit rupiah baht dong dinar dirham riyal naira shilling
    kwacha cedi bitcoin loonie aussie greenback currency"""
)
_COMMODITIES = _word_set(
    """oil crude brent wti gas gold silver copper wheat steel coal aluminium aluminum nickel
    zinc iron coffee cocoa sugar lithium uranium platinum palladium corn soybeans rice petrol
    diesel electricity power cotton"""
)
_COMMODITY_NAMES = {"crude": "oil", "brent": "oil", "wti": "oil", "petrol": "petrol"}
_SHARE_WORDS = _word_set("shares share stock stocks")

# Verbs whose object is an amount of money, by what the amount then is.
_VERB_NOUNS = {
    "spend": "spending",
    "invest": "investment",
    "allocate": "funding",
    "earmark": "funding",
    "give": "funding",
    "provide": "funding",
    "grant": "funding",
    "inject": "funding",
    "offer": "offer",
    "pledge": "pledge",
    "promise": "pledge",
    "commit": "commitment",
    "receive": "funding",
    "get": "funding",
    "save": "savings",
    "cost": "cost",
    "earn": "earnings",
    "pay": "payment",
    "borrow": "borrowing",
    "lend": "lending",
    "raise": "funds raised",
    "need": "funding needed",
    "require": "funding needed",
    "add": "added",
    "fine": "fine",
    "charge": "charge",
    "bid": "bid",
    "sell": "sale",
    "buy": "purchase",
    "win": "award",
    "lose": "loss",
    "owe": "debt",
    "aside": "funding",
    "request": "request",
    "apply": "application",
    "call": "request",
    "demand": "demand",
    "value": "valuation",
    "acquire": "acquisition",
    "fetch": "price",
    "put": "funding",
    "seek": "request",
    "ask": "request",
    "export": "exports",
    "import": "imports",
    "generate": "revenue",
    "collect": "revenue",
    "award": "award",
    "donate": "donation",
    "contribute": "contribution",
    "transfer": "transfer",
    "withdraw": "withdrawal",
    "approve": "approved",
    "unveil": "funding",
    "announce": "funding",
    "return": "returned",
    "overspend": "overspend",
}
_VERB_FORMS = {
    "spent": "spend",
    "spending": "spend",
    "gave": "give",
    "given": "give",
    "giving": "give",
    "paid": "pay",
    "sold": "sell",
    "bought": "buy",
    "won": "win",
    "lost": "lose",
    "got": "get",
    "received": "receive",
    "set": "aside",
    "lent": "lend",
    "sought": "seek",
    "cutting": "cut",
    "raising": "raise",
    "overspent": "overspend",
}
_UP_VERBS = _word_set(
    """raise raises raised raising increase increases increased increasing lift lifts lifted
    lifting boost boosts boosted boosting ramp ramps ramped ramping rise rises rose risen
    rising grow grows grew grown growing jump jumps jumped climb climbs climbed up expand
    expands expanded top topped gain gains gained"""
)
_DOWN_VERBS = _word_set(
    """cut cuts cutting reduce reduces reduced reducing lower lowers lowered lowering slash
    slashes slashed trim trims trimmed fall falls fell fallen falling drop drops dropped
    decline declines declined shrink shrinks shrank slip slips slipped dip dips dipped down
    lose loses lost sink sank sinks ease eases eased"""
)
# Verbs that give a level: "shares rose to 548p", "deficit stood at", "budget is".
_LEVEL_VERBS = (
    _UP_VERBS
    | _DOWN_VERBS
    | _word_set(
        """is was are were be been stood stands stand remain remains remained reach reaches
        reached hit hits totalled totals totaled average averages averaged traded trades
        trading closed close closes ended ends opened opens finished steady unchanged
        settled settles takes took take takes put puts valued worth amounted amounts came
        comes reaching becomes became start starts started begin begins"""
    )
)
_AUXILIARIES = _word_set(
    """will would be been is was are were being has have had could should may might must to
    also can shall plans plan planned wants want wanted expects expected aims intends
    agreed promised decided hopes already now still just then directly instead"""
)
_LINKERS = _word_set("of worth totalling totaling valued costing at amounting")
_ARTICLES = _word_set("a an the")
_MARKET_VERBS = _word_set(
    """rose fell gained lost climbed jumped slipped dropped dipped closed traded ended opened
    finished slid surged soared tumbled plunged rallied edged firmed eased weakened
    strengthened rises falls gains loses climbs jumps slips drops dips closes trades ends"""
)
_AMOUNT_WORDS = _word_set("average total maximum minimum sum")
_CHANGES = _word_set("rise cut increase hike boost")
_ADJECTIVE_QUALIFIERS = _word_set(
    "average typical combined total estimated expected projected planned initial record whopping"
)
# Words that may sit inside a short purpose phrase ("to help municipalities with power bills").
_INSIDE = _word_set("and of with in for on")
# Words a phrase should not end on.
_LOOSE_ENDS = _word_set("the a an of and with in for to on at by from between into than or")
# Prepositions that attach one noun to another inside a noun phrase.
_ATTACHING = _word_set("of in on for from per")
_REPORTING = _word_set(
    """estimates estimated says said believes thinks expects reckons calculates forecasts
    predicts reports projects"""
)
_PRONOUNS = _word_set("i you he she it we they which who that")
_BETWEEN_SUBJECT_AND_VERB = _word_set(
    """to has have had will would could should may might must can shall is was are were be
    been being also now still already then just not"""
)
_COPULAS = _word_set("is was are were be been being remains remained")
_AUX_ONLY = _word_set("to has have had will would could should may might must can shall")
_REQUESTS = _word_set("apply ask request seek call demand need require")
_CAN_BE_EXTRA = _word_set("funding spending investment")
_PAST = {
    "pay": "paid",
    "buy": "bought",
    "sell": "sold",
    "ask": "requested",
    "seek": "requested",
    "request": "requested",
    "apply": "requested",
    "call": "requested",
    "demand": "demanded",
    "need": "needed",
    "require": "needed",
    "promise": "promised",
    "pledge": "pledged",
    "spend": "spent",
    "raise": "raised",
    "offer": "offered",
    "bid": "bid",
    "save": "saved",
    "win": "won",
}
_IRREGULAR = _word_set(
    """drew took made gave went came saw got rose fell grew won lost sold bought paid spent left
    kept held brought met ran put let hit led sent built stood told thought found became began
    shrank sank swung takes take stands remains remained reaches reached totalled totals
    totaled averaged amounted amounts comes becomes settled settles opened closed ended
    finished traded stays stayed starts started begins"""
)
_ADVERB_OK = _word_set("family supply only early monthly weekly daily yearly quarterly italy")

_UNIT = re.compile(
    r"\s*-?(?P<unit>(?:a|an|per|each)[\s-](?:share|barrel|tonne|ton|pint|litre|liter|gallon"
    r"|ounce|head|person|household|unit|kilo|kilogram|kg|pound|megawatt[\s-]hour|kilowatt[\s-]hour"
    r"|megawatt|mwh|kwh|bottle|pack|ticket|seat|night|hour|passenger|vehicle|car|employee"
    r"|worker|pupil|student|child|patient|visit|prescription|item|minute|call|text|trip"
    r"|flight|dose|meal|copy|subscriber|customer|family|adult|property|home|house|bushel"
    r"|therm|square\s+(?:metre|meter|foot|feet)|acre|hectare|month|week|day|year)\b"
    r"|per\s+(?!year\b|annum\b|month\b|week\b|day\b|quarter\b|decade\b|cent\b)[a-z]+"
    r"(?:\s+hour\b)?|each\b)",
    re.IGNORECASE,
)
_TIME_UNITS = ("month", "week", "day", "year")
_PERIOD = re.compile(
    r"(?:\b(?:a|per|each|every|an)[\s-](?:year|annum|month|week|day|quarter|decade)\b"
    r"|\bper\s+annum\b|\bannually\b|\bp\.a\.|\byearly\b|\bmonthly\b|\bweekly\b"
    r"|\b(?:over|across|during|within|for)\s+(?:the\s+)?(?:next\s+|past\s+|last\s+|coming\s+"
    r"|following\s+|first\s+)?(?:[\w-]+\s+)?(?:years|months|decades|weeks|year|decade)\b)"
    r"(?!\s+(?:earlier|ago|before|previously|later)\b|\s+on\b(?!\s+\w))",
    re.IGNORECASE,
)
_DEADLINE = re.compile(
    r"\b(?:by|until|till|through)\s+(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(?:decade|century"
    r"|parliament|year|\d{4})|(?:19|20)\d\d(?:-\d{2,4})?)\b",
    re.IGNORECASE,
)
_ANNUAL_BEFORE = re.compile(r"\b(?:annual|yearly|annualised|annualized)\s+(?:\S+\s+){0,2}$", re.I)
_MONTHLY_BEFORE = re.compile(r"\b(?:monthly|weekly)\s+(?:\S+\s+){0,2}$", re.I)
# Time words that can sit between a figure and the words that say what it is for.
_LEADING_TIME = re.compile(
    r"^[\s,]*(?:(?:a|an|per|each|every)[\s-](?:year|annum|month|week|day|quarter|decade)\b"
    r"|per\s+annum\b|annually\b|yearly\b|monthly\b|weekly\b|each\b|more\b|extra\b|apiece\b"
    r"|on\s+average\b|alone\b|in\s+total\b|in\s+all\b|a\s+piece\b"
    r"|(?:over|across|during|within|for)\s+(?:the\s+)?(?:next\s+|past\s+|last\s+|coming\s+"
    r"|following\s+|first\s+)?(?:[\w-]+\s+)?(?:years?|months?|decades?|weeks?)\b"
    r"|(?:by|in|from|until|before|after|since)\s+(?:the\s+end\s+of\s+(?:the\s+)?\w+"
    r"|(?:19|20)\d\d(?:-\d{2,4})?)\b"
    r"|(?:in\s+)?(?:the\s+)?(?:this|next|last|coming)\s+(?:\w+\s+)?(?:year|month|week"
    r"|spring|summer|autumn|winter|quarter)\b|(?:in\s+)?the\s+(?:19|20)\d\d(?:-\d{2,4})?\s+"
    r"(?:fiscal|financial|tax)\s+year\b|(?:in|on)\s+(?:monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday)\b)",
    re.IGNORECASE,
)
_DURATION_WORDS = ("over", "across", "for", "during", "within")
_CURRENCY_CODE = re.compile(CODE_PATTERN)
_WINDOW = 240
_MONEY_START = re.compile(r"[$€£¥]|[A-Z]{1,3}\$|\d")
_MOST_WORDS = 7


# --- period ------------------------------------------------------------------------------


def find_period(
    text: str, start: int, end: int, limit: int, head_end: int | None = None
) -> str | None:
    """The time a figure covers ("a year", "over ten years", "by 2030"), if the words say so."""
    window = _after_parenthesis(text, head_end if head_end is not None else end, end, limit)[:80]
    window = re.split(r"[,;:]|\s[-–—]\s", window, maxsplit=1)[0]
    unit = _UNIT.match(window)
    if unit and not unit.group("unit").lower().endswith(_TIME_UNITS):
        window = window[unit.end() :]
    parts: list[str] = []
    match = _PERIOD.search(window)
    if match and not _MONEY_START.search(window[: match.start()]):
        parts.append(" ".join(match.group().replace("-", " ").split()).lower())
        window = window[match.end() :]
        duration = _PERIOD.match(window.lstrip())
        if duration and duration.group().lower().startswith(_DURATION_WORDS):
            # "a year over the next five years": the rate and how long it lasts
            parts.append(" ".join(duration.group().split()).lower())
            window = window.lstrip()[duration.end() :]
    elif _ANNUAL_BEFORE.search(text[max(0, start - 30) : start]):
        parts.append("a year")
    elif _MONTHLY_BEFORE.search(text[max(0, start - 30) : start]):
        word = _MONTHLY_BEFORE.search(text[max(0, start - 30) : start])
        parts.append("a month" if word and word.group().lower().startswith("month") else "a week")
    deadline = _DEADLINE.search(window[:40])
    if deadline and not re.search(r"[$€£¥]", window[: deadline.start()]):
        parts.append(" ".join(deadline.group().split()).lower())
    if len(parts) > 1 and not parts[0].startswith(("a ", "an ", "per ", "each ", "every ")):
        parts = parts[:1]  # "over five years by 2030" says the same thing twice
    parts = parts[:2]
    return " ".join(parts) or None


def _after_parenthesis(text: str, start: int, end: int, limit: int) -> str:
    """Text after the head figure with any conversion parenthesis taken out."""
    between = text[start:end]
    if "(" in between:
        return re.sub(r"\([^()]*\)?", " ", between) + text[end:limit]
    return text[end:limit]


# --- words -------------------------------------------------------------------------------


def _words(fragment: str) -> list[str]:
    return _TOKEN.findall(fragment)


def _is_word(token: str) -> bool:
    """A word of the sentence; currency codes ("NOK") belong to amounts, not phrases."""
    return token[:1].isalpha() and not _CURRENCY_CODE.fullmatch(token)


def _is_verb_like(token: str) -> bool:
    low = token.lower()
    if low in _MONEY_NOUNS or token[:1].isupper():
        return False
    if low in _UP_VERBS or low in _DOWN_VERBS or low in _AUXILIARIES or low in _IRREGULAR:
        return True
    if low in _VERB_NOUNS or low in _VERB_FORMS or _lemma(low):
        return True
    return len(low) > 4 and low.endswith("ed") and not low.endswith("eed")


def _is_adverb(token: str) -> bool:
    low = token.lower()
    return len(low) > 4 and low.endswith("ly") and low not in _ADVERB_OK


def _nominal(token: str) -> bool:
    """Could be part of a noun phrase: a content word that is not a verb or adverb."""
    low = token.lower()
    return (
        _is_word(token)
        and low not in _STOP
        and not _is_verb_like(token)
        and not (_is_adverb(token) and not token[:1].isupper())
    )


def _lemma(token: str) -> str:
    """The plain form of a money verb ("spends", "spent" -> "spend"), or ""."""
    low = token.lower()
    if low in _VERB_FORMS:
        return _VERB_FORMS[low] if _VERB_FORMS[low] in _VERB_NOUNS else ""
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e")):
        if low.endswith(suffix) and low[: -len(suffix)] + repl in _VERB_NOUNS:
            return low[: -len(suffix)] + repl
    if low.endswith("ing") and (low[:-3] in _VERB_NOUNS or low[:-3] + "e" in _VERB_NOUNS):
        return low[:-3] if low[:-3] in _VERB_NOUNS else low[:-3] + "e"
    return low if low in _VERB_NOUNS else ""


def _noun_phrase_after(tokens: Sequence[str], most: int = 5) -> list[str]:
    """Nouns at the start of `tokens`, "and" allowed between them: "air and missile defences"."""
    phrase: list[str] = []
    for i, token in enumerate(tokens):
        low = token.lower()
        if low == "and" and phrase and i + 1 < len(tokens) and _nominal(tokens[i + 1]):
            phrase.append(token)
            continue
        if low in _POSSESSIVES or (low in _ARTICLES and not phrase):
            continue
        attributive = (
            low.endswith("ed")
            and low not in _AUXILIARIES
            and i + 1 < len(tokens)
            and _nominal(tokens[i + 1])
            and not tokens[i + 1].lower().endswith("ed")
        )
        if not (_nominal(token) or attributive) or len(phrase) == most:
            break
        if (
            low.endswith("ing")
            and low not in _MONEY_NOUNS
            and phrase
            and not (i + 1 < len(tokens) and _nominal(tokens[i + 1]))
        ):
            break  # "drivers entering the city": a participle; "floating wind farm" is not
        phrase.append(token)  # "armed forces", "combined shortfall"
    while phrase and phrase[-1].lower() == "and":
        phrase.pop()
    return phrase


def _purpose_after(tokens: Sequence[str], most: int = 4) -> list[str]:
    """A short phrase after a preposition or "to": "for new schools", "to buy missiles"."""
    if len(tokens) < 2 or tokens[0].lower() not in _PURPOSE_PREPOSITIONS | {"of"}:
        return []
    preposition = tokens[0]
    rest = list(tokens[1:])
    if preposition.lower() == "to" and _infinitive(rest[0]):
        # an infinitive: "to help municipalities with power bills"
        phrase = [preposition]
        for i, token in enumerate(rest):
            low = token.lower()
            if not _is_word(token):
                break
            if len(phrase) > most + 2:
                inside = [k for k in range(3, len(phrase)) if phrase[k].lower() in _INSIDE]
                phrase = phrase[: inside[0]] if inside else phrase  # end where a phrase ends
                break
            if low in _POSSESSIVES or low in _ARTICLES:
                continue
            if low in _STOP and low not in _INSIDE and i:
                break
            if low in _INSIDE and _is_time_ahead(rest[i:]):
                break
            phrase.append(token)
        return _trim_tail(phrase) if len(phrase) > 2 else []
    if _is_time_ahead(rest):
        return []
    noun = _noun_phrase_after(rest, most=8)
    if not noun or noun[0][:1].isdigit() or _is_time(noun, rest[_after_phrase(rest, noun) :]):
        return []
    if len(noun) > most:
        noun = noun[-most:]  # "its first large floating offshore wind farm" -> the head words
    phrase = [preposition, *noun]
    rest = rest[_after_phrase(rest, noun) :]
    if rest and rest[0].lower() in {"to", "of"} and len(noun) < most:
        phrase += _purpose_after(rest, most=most - len(noun))  # "a scheme to train apprentices"
    return phrase


def _possessive(token: str) -> bool:
    """ "its", "their", "the country's", "Norway's", "investors'"."""
    low = token.lower()
    return low in _POSSESSIVES or low.endswith(("'s", "’s", "s'", "s’"))


def _infinitive(token: str) -> bool:
    """ "to fight", "to help" rather than "to schools", "to Kenya", "to education"."""
    low = token.lower()
    if not _is_word(token) or token[:1].isupper() or low in _STOP:
        return False
    plural = low.endswith("s") and not low.endswith(("ss", "us", "is"))
    return not _nominal(token) or not (plural or low.endswith(_NOUN_ENDINGS))


_NOUN_ENDINGS = ("tion", "ment", "ity", "ence", "ance", "ure", "ism", "ness", "ship")


def _trim_tail(phrase: list[str]) -> list[str]:
    while phrase and phrase[-1].lower() in _LOOSE_ENDS:
        phrase.pop()
    return phrase


def _is_time(noun: Sequence[str], following: Sequence[str]) -> bool:
    """ "the six months to December", "final three months": a time, not a purpose."""
    lows = {t.lower() for t in noun}
    follows = following[0].lower() if following else ""
    return bool(lows & _TIME_WORDS or follows in _TIME_WORDS)


_GOODS = _word_set("goods products services items produce")


def _is_time_ahead(tokens: Sequence[str]) -> bool:
    return bool(_LEADING_TIME.match(" ".join(tokens[:6])))


def _noun_phrase_before(tokens: Sequence[str], position: int, most: int = 6) -> list[str]:
    """The noun phrase ending just before `position`, with "of/in/on/from" attachments."""
    phrase: list[str] = []
    i = position
    while i > 0 and len(phrase) < most:
        token = tokens[i - 1]
        low = token.lower()
        if low.endswith(("'s", "’s")) and low[:-2] in _TIME_WORDS | _STOP:
            break  # "this year's withdrawal": the time is not part of the thing
        if i > 1 and _lemma(token) and tokens[i - 2].lower() in _AUXILIARIES | _PRONOUNS:
            break  # "would cost lenders": a verb, even when the word can be a noun
        if _nominal(token) or (low == "and" and phrase and i > 1 and _nominal(tokens[i - 2])):
            phrase.insert(0, token)
            i -= 1
            continue
        if low in _ARTICLES | _POSSESSIVES and phrase and i > 1:
            if tokens[i - 2].lower() in _ATTACHING:
                i -= 1  # "repayments on a typical loan": carry on past the article
                continue
            break
        attaching = low in _ATTACHING or (low == "to" and tokens[i - 2].lower() in _MONEY_NOUNS)
        if attaching and phrase and i > 1 and _attaches(tokens[i - 2]):
            phrase.insert(0, token)
            i -= 1
            continue
        break
    while phrase and phrase[0].lower() in _ATTACHING | {"and"}:
        phrase.pop(0)
    return phrase


def _attaches(token: str) -> bool:
    """A noun that can take "of/on/in" after it; "sitting on" is a verb, "spending on" a noun."""
    low = token.lower()
    return _nominal(token) and (not low.endswith("ing") or low in _MONEY_NOUNS)


def _start_of_phrase(tokens: Sequence[str], position: int) -> int:
    """Where the noun phrase ending at `position` starts, articles included."""
    phrase = _noun_phrase_before(tokens, position)
    if not phrase:
        return position
    i = position
    remaining = len(phrase)
    while i > 0 and remaining:
        if tokens[i - 1].lower() not in _ARTICLES | _POSSESSIVES:
            remaining -= 1
        i -= 1
    while i > 0 and tokens[i - 1].lower() in _ARTICLES | _POSSESSIVES:
        i -= 1
    return i


def _subject_before(tokens: Sequence[str], verb_at: int) -> list[str]:
    """The subject of the verb at `verb_at`, past auxiliaries and ", which ...," clauses."""
    i = verb_at
    while i and (tokens[i - 1].lower() in _BETWEEN_SUBJECT_AND_VERB or _is_adverb(tokens[i - 1])):
        i -= 1
    i = _skip_relative(tokens, i)
    subject = _noun_phrase_before(tokens, i)
    if not subject and i > 1 and tokens[i - 1] == ",":
        # "Shares in Acme, the only listed club, dropped": back past the apposition
        for back in range(i - 2, max(0, i - 12), -1):
            if tokens[back] == ",":
                subject = _noun_phrase_before(tokens, back)
                break
    if subject and subject[-1].lower() in _REPORTING and len(subject) > 1:
        # "a measure the finance ministry estimates would cost": the measure costs
        start = _start_of_phrase(tokens, i)
        earlier = _noun_phrase_before(tokens, start)
        return earlier or subject[:-1]
    if not subject and i and tokens[i - 1].lower() in {"which", "that"}:
        j = i - 1
        if j and tokens[j - 1] == ",":
            j -= 1
        return _noun_phrase_before(tokens, j)
    return subject


# --- readings ----------------------------------------------------------------------------


def _skip_qualifiers(tokens: Sequence[str]) -> tuple[int, bool]:
    """Where the words before a figure stop qualifying the number, and whether "extra" was one."""
    position = len(tokens)
    extra = False
    while position:
        low = tokens[position - 1].lower()
        if low == "to" and (position < 2 or tokens[position - 2].lower() not in {"up", "close"}):
            break  # "up to £5bn" qualifies; "cut to £5bn" does not
        if low == "at" and (position == len(tokens) or tokens[position].lower() != "least"):
            break
        if low == "of" and position > 1 and tokens[position - 2].lower() in _AMOUNT_WORDS:
            position -= 2  # "an average of £4.80", "a total of £5bn"
            continue
        if low in _ADJECTIVE_QUALIFIERS and (
            position < 2 or tokens[position - 2].lower() not in _QUALIFIERS | _EXTRA
        ):
            break  # "an average £29" qualifies; "rents average £2,100" is a verb
        if low in _QUALIFIERS or low in _EXTRA or _is_adverb(low):
            extra = extra or low in _EXTRA
            position -= 1
            continue
        break
    return position, extra


def _skip_back(tokens: Sequence[str], position: int) -> int:
    """Back over adverbs, auxiliaries and small changes ("4%", "half a cent") to a verb."""
    while position:
        token = tokens[position - 1]
        low = token.lower()
        if low in _TIME_WORDS:
            # "rose 4p in morning trading to 548p": back over the time phrase
            back = next(
                (
                    b
                    for b in range(position - 2, max(-1, position - 5), -1)
                    if tokens[b].lower() in {"in", "on", "during", "after", "before"}
                ),
                None,
            )
            if back is not None:
                position = back
                continue
        if low in _LEVEL_VERBS and low not in _AUX_ONLY:
            break
        if low in _AUXILIARIES or _is_adverb(token) or low in {"a", "half", "cent", "steady"}:
            position -= 1
            continue
        if token[:1].isdigit() or token in {"%", "$", "€", "£"} or low in _SMALL_CHANGE:
            position -= 1
            continue
        break
    return position


_SMALL_CHANGE = _word_set("per percent or by almost nearly about around roughly some just")


def _change_reading(before: Sequence[str], position: int, after: Sequence[str]) -> list[str]:
    """ "raise defence spending by £2bn", "child benefit rises by NOK 300"."""
    if position == 0 or before[position - 1].lower() != "by":
        return []
    end = position - 1
    verb_at = _skip_back(before, end)
    low = before[verb_at - 1].lower() if verb_at else ""
    if low in _UP_VERBS or low in _DOWN_VERBS:
        # "defence spending rises by": the subject changes
        subject = _subject_before(before, verb_at - 1)
        if subject:
            return [_change_word(low, rising="rise", falling="fall"), "in", *subject]
        return []
    thing = _noun_phrase_before(before, end)
    if thing and thing[-1].lower() in _UP_VERBS | _DOWN_VERBS:
        return [_change_word(thing[-1].lower()), "in", *thing[:-1]] if thing[:-1] else []
    # "lower monthly repayments for 600,000 households on tracker mortgages by £29"
    for i in range(end - 1, max(-1, end - 14), -1):
        token = before[i]
        low = token.lower()
        if token in {",", ";", ":"} or low in {"but", "while", "which", "that"}:
            break
        if low in _UP_VERBS or low in _DOWN_VERBS:
            span = before[i + 1 : end]
            thing = _noun_phrase_after(span)
            if not thing:
                break
            purpose = _purpose_after(span[_after_phrase(span, thing) :], most=3)
            if purpose and purpose[0].lower() not in {"to", "for"}:
                purpose = []
            return [_change_word(low), "in", *thing, *purpose]
    return []


def _after_phrase(tokens: Sequence[str], phrase: Sequence[str]) -> int:
    """The index in `tokens` just after `phrase` (read from its start, articles skipped)."""
    i = 0
    matched = 0
    while i < len(tokens) and matched < len(phrase):
        if tokens[i] == phrase[matched]:
            matched += 1
        i += 1
    return i


def _change_word(verb: str, rising: str = "increase", falling: str = "cut") -> str:
    """ "raise" -> "increase", "reduce" -> "cut"; "rose", "fell" -> `rising`, `falling`."""
    if verb in _MADE_UP:
        return "increase"
    if verb in _MADE_DOWN:
        return "cut"
    return rising if verb in _UP_VERBS else falling


# Changes someone makes (a cut, an increase) rather than ones that happen (a rise, a fall).
_MADE_UP = _word_set(
    """raise raises raised raising increase increases increased increasing lift lifts lifted
    lifting boost boosts boosted boosting ramp ramps ramped ramping expand expands expanded"""
)
_MADE_DOWN = _word_set(
    """cut cuts cutting reduce reduces reduced reducing lower lowers lowered lowering slash
    slashes slashed trim trims trimmed"""
)


def _level_reading(before: Sequence[str], position: int) -> list[str]:
    """ "shares rose to 548p", "the deficit stood at", "budget is about £192bn"."""
    at = position
    if at and before[at - 1].lower() in {"to", "at", "from"}:
        at -= 1
    if at < position:
        # a transitive verb: "reduce its sales of government bonds to £70bn"
        thing = _noun_phrase_before(before, at)
        start = _start_of_phrase(before, at)
        verb = before[start - 1].lower() if start else ""
        if thing and verb and verb not in _COPULAS and not thing[0][:1].isupper():
            if _lemma(verb) == "value":
                return ["valuation", "of", *thing]  # "the deal values the company at $12bn"
            if verb in _LEVEL_VERBS or verb.endswith(("ed", "ing")):
                return _name_level(thing)
    verb_at = _skip_back(before, at)
    if not verb_at:
        return []
    verb = before[verb_at - 1].lower()
    if verb not in _LEVEL_VERBS:
        return []
    subject = _subject_before(before, verb_at - 1)
    market = verb in _MARKET_VERBS
    return _name_level(subject, market) if subject else []


def _skip_relative(tokens: Sequence[str], position: int) -> int:
    """Back over ", which makes missiles," between a subject and its verb."""
    if position and tokens[position - 1] == ",":
        for i in range(position - 2, max(-1, position - 14), -1):
            if (
                tokens[i] == ","
                and i + 1 < len(tokens)
                and tokens[i + 1].lower()
                in {
                    "which",
                    "who",
                    "whose",
                }
            ):
                return i
    return position


def _name_level(thing: list[str], market: bool = False) -> list[str]:
    """A level of a currency, a commodity or a company's shares says what kind of price it is."""
    lows = [t.lower() for t in thing]
    head = lows[-1]
    if head in _CURRENCY_NAMES:
        return [*(t.lower() if t.lower() in _CURRENCY_NAMES else t for t in thing), "exchange rate"]
    if head in _COMMODITIES:
        return [_COMMODITY_NAMES.get(head, head), "price"]
    shares = [i for i, low in enumerate(lows) if low in _SHARE_WORDS]
    if shares and shares[-1] + 1 < len(lows) and lows[shares[-1] + 1] in {"in", "of"}:
        return [*thing[shares[-1] + 2 :], "share price"]  # "shares in Tesco"
    if head in _SHARE_WORDS:
        owner = [t for t in thing[:-1] if t[:1].isupper()]
        return [*owner, "share price"]
    if market and all(t[:1].isupper() for t in thing) and head not in _MONEY_NOUNS:
        return [*thing, "share price"]  # "Vektor Systems gained 4% to €212.40"
    return thing


def _verb_reading(
    before: Sequence[str], position: int, after: Sequence[str], extra: bool
) -> list[str]:
    """ "spend £5bn on defence", "save households £1bn in interest", "set aside ... to help"."""
    # the verb may be a few words back, past an indirect object: "give the NHS £2bn"
    recipient: list[str] = []
    if position and before[position - 1].lower() in {"to", "at", "from"}:
        return []  # "raised the threshold to 100,000 rupees" gives a level
    verb_at = _skip_back(before, position)
    if verb_at > 1 and before[verb_at - 1].lower() == "for" and _lemma(before[verb_at - 2]):
        verb_at -= 1  # "apply for up to €18bn"
    if verb_at and before[verb_at - 1].lower() == "for":
        deal = _deal_reading(before, verb_at - 1)
        if deal:
            return deal
    lemma = _lemma(before[verb_at - 1]) if verb_at else ""
    if lemma in {"buy", "fetch"}:
        subject = _subject_before(before, verb_at - 1)
        if subject and subject[-1].lower() in _CURRENCY_NAMES:
            return _name_level(subject)  # "the dollar bought 150 yen"
    if not lemma and verb_at:
        start = _start_of_phrase(before, verb_at)
        if start < verb_at and start:
            lemma = _lemma(before[start - 1])
            if lemma:
                recipient = _noun_phrase_before(before, verb_at)
                verb_at = start
    if not lemma:
        return []
    noun = _VERB_NOUNS[lemma]
    head = [f"extra {noun}" if extra and noun in _CAN_BE_EXTRA else noun]
    purpose = _purpose_after(after)
    money_in = _money_in(after)
    if lemma in _REQUESTS:
        subject = _subject_before(before, verb_at - 1)
        return [*head, "by", *subject] if subject else ["amount", _PAST.get(lemma, "requested")]
    if lemma in {"receive", "get"}:
        subject = _subject_before(before, verb_at - 1)
        if subject:
            joined = [*head, "for", *subject]
            return _fit(joined, purpose)
    if recipient:
        joined = [*head, "to" if lemma == "cost" else "for", *recipient]
        return _fit(joined, money_in or purpose)
    if after and after[0].lower() == "from" and lemma in {"raise", "collect", "generate", "earn"}:
        source = _noun_phrase_after(after[1:])
        if source:
            return [noun, "from", *source]  # "raise £8bn a year from the windfall tax"
    if money_in and lemma == "add":
        return ["extra", *money_in[1:]]  # "add 500 million yen a year in sales"
    if money_in and lemma in {"save", "cost", "lose", "earn"}:
        return [noun, *money_in]
    if money_in:
        return money_in[1:]
    subject = _subject_before(before, verb_at - 1)
    if lemma == "cost" and subject:
        return ["cost", "of", *subject]  # "the tunnel will cost £5bn to build"
    if purpose:
        if lemma in {"pay", "buy", "sell", "bid", "offer"} and purpose[0].lower() == "for":
            return [_PAST.get(lemma, noun), *purpose]
        if lemma == "add":
            return ["added", *purpose]
        return [*head, *purpose]
    if lemma == "save":
        nearest = _nearest_money_noun(before)
        return ["savings", "on", *nearest] if nearest else head
    if lemma in {"add", "approve", "unveil", "announce", "get", "save"}:
        return []
    return head


_DEALS = {"buy": "purchase of", "acquire": "acquisition of", "sell": "sale of", "bid": "bid for"}


def _deal_reading(before: Sequence[str], for_at: int) -> list[str]:
    """ "buy Widget Inc for $4.2bn" -> "purchase of Widget Inc"; "sold the striker to Madrid"."""
    for i in range(for_at - 1, max(-1, for_at - 9), -1):
        token = before[i]
        if token in {",", ";", ":"}:
            return []
        lemma = _lemma(token)
        if lemma in _DEALS or lemma in {"pay", "offer"}:
            thing = _noun_phrase_after(before[i + 1 : for_at], most=4)
            if lemma in _DEALS:
                return [_DEALS[lemma], *thing] if thing else []
            return [_VERB_NOUNS[lemma], "for", *thing] if thing else []
    return []


def _fit(phrase: list[str], extra_words: list[str]) -> list[str]:
    """`phrase` with as much of `extra_words` after it as fits in a short label."""
    room = _MOST_WORDS - len(phrase)
    if len(extra_words) <= room:
        return [*phrase, *extra_words]
    # cut where a phrase ends ("... qualifications | of doctors"), not inside a noun
    for end in range(room, 1, -1):
        if extra_words[end].lower() in _LOOSE_ENDS:
            return [*phrase, *_trim_tail(list(extra_words[:end]))]
    return phrase


def _money_in(after: Sequence[str]) -> list[str]:
    """ "in state support", "in interest payments": "in" and a money noun after the figure."""
    if not after or after[0].lower() != "in":
        return []
    phrase = _noun_phrase_after(after[1:])
    if not phrase or not any(t.lower() in _MONEY_NOUNS for t in phrase):
        return []
    purpose = _purpose_after(after[1 + _after_phrase(after[1:], phrase) :])
    if purpose and purpose[0].lower() not in {"for", "on"}:
        purpose = []
    return ["in", *phrase, *purpose]


def _linked_reading(before: Sequence[str], position: int, after: Sequence[str]) -> list[str]:
    """ "a tax bill of $27bn", "contracts worth €21bn", "a dry dock at a cost of €350m"."""
    at = position
    linker = ""
    while at and before[at - 1].lower() in _LINKERS | _ARTICLES:
        if before[at - 1].lower() in _LINKERS:
            linker = before[at - 1].lower()  # the first of "valued at" is the one that counts
        at -= 1
    if not linker:
        return []
    thing = _noun_phrase_before(before, at)
    if not thing and at > 1 and before[at - 1] == ",":
        thing = _noun_phrase_before(before, at - 1)  # "a new stadium, costing $2bn,"
        at -= 1
    if thing and linker == "costing":
        return ["cost", "of", *thing]
    if not thing:
        if at and before[at - 1].lower() in _COPULAS and linker in {"worth", "valued"}:
            # "The fund, which invests abroad, was worth NOK 20,100bn": the fund's value
            subject = _subject_before(before, at - 1)
            noun = "value" if linker == "worth" else "valuation"
            return [noun, "of", *subject] if subject else []
        return []
    head = thing[-1].lower()
    if linker == "at" and head not in _MONEY_NOUNS | _GENERIC:
        return []
    if len(thing) == 1 and head in {"total", "sum", "amount", "figure"}:
        return []  # "a total of £5bn" says nothing by itself
    start = _start_of_phrase(before, at)
    if head in _GENERIC and start and before[start - 1].lower() == "at":
        # "build a new dry dock at a cost of €350m": the cost of the thing before "at"
        owner = _noun_phrase_before(before, start - 1)
        if owner:
            return [thing[-1], "of", *owner]
    verb = before[at - 2] if at > 1 else ""
    if thing[-1].lower() in _GOODS and _is_verb_like(verb) and verb.lower() not in _AUXILIARIES:
        thing = [verb, *thing]  # "exported goods worth £210m"
    purpose = _purpose_after(after)
    if purpose and purpose[0].lower() != "of":
        return _fit(thing, purpose)
    return thing


def _figure_as_subject(after: Sequence[str]) -> list[str]:
    """ "£900m will go to hospital trusts", "£650m to ambulance services", "be spent on"."""
    i = 0
    if after and after[0].lower() in {"that", "which"}:
        # "the £3bn that NHS leaders had asked for"
        asker = _noun_phrase_after(after[1:])
        j = 1 + _after_phrase(after[1:], asker)
        while j < len(after) and after[j].lower() in _AUXILIARIES:
            j += 1
        if asker and j < len(after) and _lemma(after[j]):
            lemma = _lemma(after[j])
            return [_PAST.get(lemma, _VERB_NOUNS[lemma]), "by", *asker]
        return []
    if len(after) > 1 and after[0].lower() in {"for", "to", "towards"} and _nominal(after[1]):
        purpose = _purpose_after(after)
        return ["for", *purpose[1:]] if purpose else []
    while i < len(after) and (after[i].lower() in _AUXILIARIES or _is_adverb(after[i])):
        i += 1
    if i < len(after) and after[i].lower() in {"go", "goes", "went", "flow", "flows"}:
        i += 1
        while i < len(after) and _is_adverb(after[i]):
            i += 1
        purpose = _purpose_after(after[i:])
        return ["for", *purpose[1:]] if purpose else []
    if i == 0:
        purpose = _purpose_after(after)
        if purpose and purpose[0].lower() in {"for", "to", "towards", "toward"}:
            return ["for", *purpose[1:]] if purpose[0].lower() != "to" else purpose
        return []
    if i < len(after) and _is_word(after[i]) and after[i].lower() not in _STOP:
        # "£400m being spent yearly on vaccines", "£6bn will be available for tax cuts"
        j = i + 1
        while j < len(after) and (_is_adverb(after[j]) or after[j].lower() in _TIME_ADVERBS):
            j += 1
        purpose = _purpose_after(after[j:])
        lemma = _lemma(after[i])
        word = _VERB_NOUNS[lemma] if lemma in {"spend", "invest"} else after[i]
        if purpose and purpose[0].lower() != "of":
            return [word, *purpose]
        if lemma and i and after[i - 1].lower() in _AUXILIARIES:
            return [_VERB_NOUNS[lemma]]  # "the £35bn saved by ..." -> "savings"
    return []


_TIME_ADVERBS = _word_set("yearly annually monthly weekly daily each every year")


def _any_verb_purpose(before: Sequence[str], position: int, after: Sequence[str]) -> list[str]:
    """ "poured $20bn into start-ups" -> "poured into start-ups": a verb we do not know."""
    verb = before[position - 1] if position else ""
    purpose = _purpose_after(after)
    if purpose and _is_word(verb) and verb.lower() not in _STOP and not verb[:1].isupper():
        return [verb, *purpose]
    return []


def _nearest_money_noun(tokens: Sequence[str]) -> list[str]:
    """The closest money word before a figure with its modifiers: "defence budget"."""
    for position in range(len(tokens) - 1, -1, -1):
        token = tokens[position]
        low = token.lower()
        if low not in _MONEY_NOUNS or low in _CHANGES:
            continue
        previous = tokens[position - 1].lower() if position else ""
        if previous in {"which", "who", "that", "it", "he", "she", "they", "we", "to"}:
            continue  # "which claims ..." is a verb
        if position and token[:1].isupper():
            continue  # "Bill Gates" is a name
        phrase = _noun_phrase_before(tokens, position + 1, most=3)
        tail = _purpose_after(tokens[position + 1 :], most=3)
        return [*phrase, *tail] if tail and tail[0].lower() != "to" else phrase
    return []


def _subject(before: Sequence[str]) -> list[str]:
    """The first noun phrase of the clause: the last resort."""
    start = 0
    for i, token in enumerate(before):
        if token in {",", ";", ":", "—", "–"} or token.lower() in {"but", "while", "whereas"}:
            start = i + 1
    for i in range(start, len(before)):
        phrase = _noun_phrase_after(before[i:])
        if phrase and not all(t[:1].isupper() for t in phrase):
            return phrase
    return []


def _unit_price(unit: str, words: Sequence[str]) -> list[str]:
    """ "$80 a barrel" with oil in the sentence is the oil price."""
    for word in words:
        low = word.lower()
        if low in _COMMODITIES:
            return [_COMMODITY_NAMES.get(low, low), "price"]
    if unit.endswith("share"):
        return ["share", "price"]
    return []


def _tidy(parts: Sequence[str]) -> str:
    """Drop articles and pronouns and cap the length."""
    words = [p for p in parts if p.lower() not in _POSSESSIVES and p.lower() != "the"]
    while words and words[0].lower() in {"a", "an", "of", "and"}:
        words.pop(0)
    words = " ".join(words).split()
    if len(words) > _MOST_WORDS:
        ends = [e for e in range(2, _MOST_WORDS + 1) if words[e].lower() in _LOOSE_ENDS]
        words = words[: ends[-1] if ends else _MOST_WORDS]  # cut where a phrase ends
    return " ".join(_trim_tail(words)).strip(" ,;:-")


def _common_first_word(tokens: list[str], text: str) -> None:
    """Lower-case a sentence's first word when it is an ordinary word ("Defence spending")."""
    start = 0
    while start < len(tokens) and not tokens[start][:1].isalpha():
        start += 1  # "- Increased spending on health": a list item's dash
    if start == len(tokens) or not tokens[start][:1].isupper() or tokens[start].isupper():
        return
    first = tokens[start]
    low = first.lower()
    if "'" in first or "’" in first:
        return
    ordinary = (
        low in _MONEY_NOUNS
        or low in _CURRENCY_NAMES
        or low in _COMMODITIES
        or low in _SHARE_WORDS
        or re.search(rf"\b{re.escape(low)}\b", text) is not None
    )
    following = tokens[start + 1] if start + 1 < len(tokens) else ""
    if (
        not ordinary
        and following[:1].islower()
        and _nominal(following)
        and following.lower() not in _SHARE_WORDS
    ) or (not ordinary and low.endswith(_PLURAL_ENDINGS)):
        # "Welfare spending rises": a capital only because the sentence starts there, unless
        # the article capitalises the word inside a sentence too ("said Tesco").
        ordinary = not any(
            text[max(0, match.start() - 8) : match.start()].rstrip()[-1:] not in _OPENERS
            for match in re.finditer(rf"\b{re.escape(first)}\b", text)
        )
    if ordinary:
        tokens[start] = low


# Common plural nouns that may open a sentence: "Municipalities receive ...".
_PLURAL_ENDINGS = ("ies", "ers", "ions", "ments", "ships", "ities")
_OPENERS = frozenset({"", ".", "!", "?", '"', "“", "'", "‘", "-", "–", "—", "•", "*", ":"})


def describe(
    text: str, sentence_start: int, start: int, end: int, limit: int, head_end: int | None = None
) -> str:
    """A short phrase from the figure's sentence saying what the money is for."""
    # Only the words near the figure can describe it; long sentences are cut to a window.
    whole_sentence = sentence_start >= start - _WINDOW
    sentence_start = max(sentence_start, start - _WINDOW)
    limit = min(limit, end + _WINDOW)
    after_text = _after_parenthesis(text, head_end if head_end is not None else end, end, limit)
    unit = ""
    unit_match = _UNIT.match(after_text)
    if unit_match and not unit_match.group("unit").lower().endswith(_TIME_UNITS):
        unit = " ".join(unit_match.group("unit").replace("-", " ").split()).lower()
        after_text = after_text[unit_match.end() :]
    adjacent = not unit
    while True:
        leading = _LEADING_TIME.match(after_text)
        if not leading or not leading.group().strip(" ,"):
            break
        after_text = after_text[leading.end() :]
        adjacent = False  # "£9,250 a year cover fees": what follows a period is not a compound
    before = _words(text[sentence_start:start])
    if whole_sentence:
        _common_first_word(before, text)
    after = _words(after_text)
    position, extra = _skip_qualifiers(before)
    parts = _reading(before, position, after, extra, adjacent)
    if unit:
        price = _unit_price(unit, [*before, *after])
        named = any(p.lower() in _MONEY_NOUNS - {"price", "prices"} for p in parts)
        if price and (not parts or (price[0] != "share" and not named)):
            parts = price
    phrase = _tidy(parts)
    if unit:
        phrase = f"{phrase} ({unit})" if phrase else unit
    return phrase


def _reading(
    before: Sequence[str], position: int, after: Sequence[str], extra: bool, adjacent: bool = True
) -> list[str]:
    """The best of the readings, most specific first."""
    if len(after) > 1 and after[0].lower() == "worth" and after[1].lower() == "of":
        after = after[1:]  # "£35bn worth of savings"
    if len(after) > 1 and after[0].lower() == "over" and after[1].lower() == "budget":
        return ["cost overrun"]
    if after and after[0].lower() == "of":
        # "A$12bn of extra spending on housing and energy rebates"
        phrase = _noun_phrase_after(after[1:])
        if phrase:
            purpose = _purpose_after(after[1 + _after_phrase(after[1:], phrase) :])
            if extra and phrase[0].lower() not in _EXTRA:
                phrase = ["extra", *phrase]
            if position > 1 and before[position - 1].lower() in {"on", "for"}:
                owner = _noun_phrase_before(before, position - 1, most=2)
                if owner and owner[-1].lower() in _MONEY_NOUNS:
                    return [*owner, before[position - 1], *phrase]  # "tariffs on ... goods"
            return _fit(phrase, purpose)
    compound = _noun_phrase_after(after) if adjacent else []
    if compound and not (len(compound) == 1 and compound[0][:1].isupper()):
        # "a €500bn infrastructure fund", "an €8.5bn order for four new frigates"
        purpose = _purpose_after(after[_after_phrase(after, compound) :])
        if (
            purpose
            and purpose[0].lower() == "to"
            and position
            and _possessive(before[position - 1])
        ):
            # "leans on the country's $1.9tn wealth fund to pay for rearmament": the figure
            # sizes something that already exists; what it is drawn on "to" do is the verb's.
            purpose = []
        if purpose and purpose[0].lower() == "in" and purpose[1][:1].isupper():
            purpose = []  # "a $40m bus depot in Leeds": the place is not the purpose
        return _fit(compound, purpose)
    linked = _linked_reading(before, position, after)
    if linked:
        return linked
    readings = (
        lambda: _change_reading(before, position, after),
        lambda: _verb_reading(before, position, after, extra),
        lambda: _money_in(after)[1:],
        lambda: _level_reading(before, position),
        lambda: _figure_as_subject(after),
        lambda: _nearest_money_noun(before),
        lambda: _any_verb_purpose(before, position, after),
        lambda: _subject(before),
    )
    for reading in readings:
        parts = reading()
        if parts:
            return parts
    return []
