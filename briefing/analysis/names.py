"""The people an article names, where it mentions them, and what it calls them.

Without a trained tagger, people are found by the shape of news copy: a run of
capitalised words after an honorific ("Mr Brown", "Lord Browne"), after a
title ("Dutch Prime Minister Mark Rutte", "analyst Jane Roe"), before an
appositive ("Jane Roe, the bank's chief economist"), or two or three
capitalised words that look like a given name and a surname. A surname seen
alone later ("Rutte", "Mr Brown") resolves to the full name given first.

This module only finds and resolves mentions; deciding who said a quotation
is `quotes.py`'s job.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from briefing.analysis.speech_verbs import SPEECH_VERB

__all__ = ["Mention", "People", "Person", "find_people", "is_role_phrase"]


def _wordset(words: str) -> frozenset[str]:
    """A word list written as one string, for readability."""
    return frozenset(words.split())


_HONORIFICS = _wordset(
    "mr mrs ms miss mx dr prof professor sir lord lady dame baroness baron rev reverend"
)
# Honorifics that are part of the name as the press gives it ("Lord Browne").
_KEPT_HONORIFICS = _wordset("sir lord lady dame baroness baron")
_PEERS = _wordset("lord lady baroness baron")
# A peer's territorial designation is part of the name: "Lord Smith of Finsbury".
_PEERAGE = re.compile(r" of (?:[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)(?![\w'])")
_MALE_HONORIFICS = _wordset("mr sir lord baron")
_FEMALE_HONORIFICS = _wordset("mrs ms miss lady dame baroness")

# Words naming an office or job; a name right after them is a person.
_ROLE_WORDS = _wordset(
    """president vice-president president-elect chancellor minister premier secretary
    secretary-general under-secretary undersecretary governor senator congressman congresswoman
    mayor king queen prince princess pope general gen colonel captain judge justice
    commissioner ambassador chairman chairwoman chairperson chair director executive officer
    spokesman spokeswoman spokesperson leader head chief economist analyst strategist deputy
    manager boss editor correspondent reporter adviser advisor lawyer attorney banker trader
    broker founder co-founder owner partner professor researcher scientist expert official
    representative rep sen gov ceo cfo coo cto md mp mep candidate campaigner coordinator
    co-head chief-executive investor consultant commentator historian author president's
    sheikh emir sultan archbishop bishop cardinal inspector detective sergeant superintendent
    constable coach striker midfielder defender goalkeeper captain actor actress singer
    spokesperson negotiator envoy diplomat activist organiser organizer teacher doctor
    surgeon nurse student chief-of-staff commander admiral marshal lieutenant major treasurer
    lawmaker legislator politician member councillor councilor alderman minister-president
    governor-general comptroller auditor administrator superintendent principal dean rector
    provost vicar pastor rabbi imam priest bishop pundit columnist presenter anchor host
    producer director-general registrar clerk ombudsman regulator watchdog auditor-general
    chief-economist economist-in-chief secretary-of-state shadow whip speaker premier-elect
    spokesmen counterpart colleague rival predecessor successor deputy aide adviser
    assistant secretary-treasurer"""
)

# Words that make a capitalised run an organisation, place, event or thing.
_ORG_WORDS = _wordset(
    """bank group party council ministry department inc ltd plc corp corporation company co
    university college school association union fund foundation institute institution house
    street office government commission committee agency exchange airlines airways airline
    news times post radio tv television court services service federation organisation
    organization reserve treasury nations states kingdom republic club league motors energy
    oil gas holdings capital partners securities investments international global systems
    technologies network media press journal magazine report programme program today world
    review board authority trust society alliance coalition forum centre center hospital
    church army navy force forces police parliament congress senate assembly cabinet road
    river sea ocean island islands city county state province region airport station square
    park cup games olympics summit conference facility plan act bill index stadium museum
    gallery festival award awards prize market markets stock stocks bourse motors industries
    petroleum pharmaceuticals telecom airport railway railways rail mail herald guardian
    telegraph observer tribune gazette channel online digital labs studios pictures records
    fc united city rovers athletic wanderers"""
)

# Capitalised words that are never a given name: calendar words, places, peoples.
_NOT_NAMES = _wordset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december christmas easter
    europe european africa african asia asian america american americas australia australian
    britain british england english scotland scottish wales welsh ireland irish france french
    germany german italy italian spain spanish russia russian china chinese japan japanese
    india indian canada canadian brazil brazilian mexico mexican poland polish ukraine
    ukrainian sweden swedish norway norwegian denmark danish finland finnish netherlands dutch
    belgium belgian switzerland swiss austria austrian greece greek turkey turkish israel
    israeli iran iranian iraq iraqi egypt egyptian korea korean vietnam pakistan kenya nigeria
    western eastern northern southern north south east west new old great upper lower central
    bavarian catalan baltic nordic arab muslim christian jewish catholic protestant democrat
    democratic republican conservative labour liberal tory tories green socialist communist
    nato eu un us uk usa imf opec the god internet web"""
)

# Capitalised only because they open a sentence or clause.
_OPENERS = _wordset(
    """the a an but and or so however meanwhile in on at for with by from to of as after before
    during since while when if although though yet still also last next this that these those
    it its he she they we i you his her their our my your there here speaking according
    earlier later currently even despite under over among between about nonetheless
    nevertheless instead indeed then now today yesterday tomorrow some many most all both each
    every other another such what which who whom whose why how where not no only just more
    less much few several one two three four five six seven eight nine ten first second third
    former acting outgoing incoming new veteran interim"""
)

_PARTICLES = _wordset("de del della der den van von da di du la le bin ibn al el dos das ter ten")

# Common given names, for gender and as evidence that two capitalised words are a person.
_MALE_GIVEN = _wordset(
    """aaron adam adrian ahmed alan alastair albert alex alexander alexei alfred ali alistair
    andrew andy angus anthony antonio arnold arthur barack ben benjamin bernard bill bob boris
    brian bruce carl carlos charles chris christian christopher colin craig daniel danny david
    dennis derek dmitry donald douglas duncan ed eddie edward emmanuel eric ernest frank
    francis frederick gary gavin geoff geoffrey george gerald gerhard gordon graham greg
    gregory hans harold harry henry howard hugh ian igor ivan jack jacques james jamie jason
    jean jeff jeffrey jens jeremy jim jimmy joe johann john jon jonathan jorge jose joseph josh
    juan julian justin keir keith ken kenneth kevin klaus lars lee leo liam luis luke malcolm
    marco mark markus martin matt matthew max michael miguel mike mohammed muhammad nathan neil
    nicholas nick nigel noel norman olaf oliver owen pablo patrick paul pedro peter philip
    philippe pierre rafael ralph raymond richard rishi rob robert robin roger ronald rupert
    ryan sam samuel scott sean sebastian sergei shane simon stanley stefan stephen steve
    steven stuart ted terry thomas tim timothy tom tony trevor vladimir walter wayne william
    willie wolfgang xavier yuri karl kurt jurgen jörg jorg dieter helmut friedrich heinz horst
    gunter werner manfred uwe sven nils anders erik olav bjorn henrik jan piet willem joost
    luc marc alain francois jacques michel bernard gilles thierry laurent nicolas didier
    giovanni giuseppe luigi mario silvio romano enrico paolo massimo franco matteo gianni
    jose manuel javier alvaro rodrigo fernando luiz ricardo sergio vladislav mikhail anatoly
    viktor oleg boris yevgeny alexey nikolai andrei kofi nelson thabo jacob kwame ahmad hassan
    omar khalid tariq yusuf mahmoud ariel ehud benjamin shimon yitzhak hiroshi kenji takeshi
    junichiro shinzo naoto yukio li wang zhang hu wen jiang deng kim lee park ashok rahul
    manmohan sonia atal amitabh sunil anil mukesh ratan lakshmi narendra palaniappan"""
)
_FEMALE_GIVEN = _wordset(
    """abigail ada alice alison amanda amy andrea angela angelina ann anna anne annie barbara
    beatrice betty brenda carla carol caroline catherine charlotte chloe christina christine
    claire clare deborah diana diane donna dorothy elaine eleanor elizabeth ella ellen emily
    emma eva fiona frances gemma georgia grace hannah harriet heather helen helena hillary
    ingrid isabel isabella jacqueline jane janet jennifer jessica jill joan joanna josephine
    judith julia julie karen kate katherine kathleen kathryn katie kirsty laura lauren linda
    lisa liz louise lucy lynn margaret maria marie marine martha mary melanie michelle nancy
    natalie nicola nicole olivia pamela patricia penny priti rachel rebecca ruth sally samantha
    sandra sarah sharon shirley sophie stella susan suzanne theresa tracy ursula valerie
    victoria virginia wendy yvette yvonne zoe angela ursula christine segolene martine
    edith simone francoise nathalie sylvie monique brigitte annette gisela renate sabine
    ulrike petra birgit ingrid karin kristin astrid solveig sigrid marit margarethe beatrix
    maxima letizia sofia carmen lucia pilar elena giulia francesca chiara paola yulia
    svetlana olga natalia tatiana irina condoleezza madeleine hilary harriet tessa margaret
    estelle patricia ruth glenys cherie shirley nicola jacqui yvette ruth kay"""
)

_PRONOUNS = _wordset("he she they it we")

# Words after which a name is an object, not the subject of what follows.
_TITLE_JOINERS = frozenset(["and", "&", "of", "for"])
_SUFFIXES = frozenset(["Jr", "Sr", "II", "III", "IV", "Junior", "Senior"])
# Titles that are also surnames.
_SURNAME_TITLES = _wordset("king major marshal bishop judge dean cardinal general host chancellor")

_OBJECT_MARKERS = _wordset(
    """with by to from for about against of at on in into than like between among over under
    toward towards via behind beside including alongside beyond upon onto without within
    replace replaced replacing backed backs support supported met meet meeting"""
)
_CLAUSE_STARTERS = _wordset(
    """and but while as that when after because if although though yet so then however
    meanwhile also now earlier later where whereas since before once"""
)
_VERBISH_AFTER = re.compile(
    r"\s+(?:has|had|have|is|was|were|are|will|would|could|should|can|may|might|must|also|"
    r"then|later|earlier|\w+ed|\w+s)\b"
)

_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


def _is_capitalised(word: str) -> bool:
    return word[0].isupper()


def _is_acronym(word: str) -> bool:
    letters = word.replace("-", "")
    return len(letters) > 1 and letters.isupper()


def _is_name_word(word: str) -> bool:
    """A word that can be part of a person's name: "Soeder", "Peter-Thilo", "O'Brien", "W"."""
    if not _starts_name(word) or _is_acronym(word):
        return False
    if not word[0].isupper():
        return True
    parts = word.split("-")
    return all(p and p[0].isupper() for p in parts)


def _starts_name(word: str) -> bool:
    """Capitalised, or a particle joined to a capitalised name: "al-Sabah", "bin-Laden"."""
    if word[0].isupper():
        return True
    head, _, rest = word.partition("-")
    return head in _PARTICLES and bool(rest) and rest[0].isupper()


def is_role_phrase(phrase: str) -> bool:
    """Whether `phrase` names a job or office ("the bank's chief economist")."""
    return any(w.lower().removesuffix("'s") in _ROLE_WORDS for w in _WORD.findall(phrase))


@dataclass
class Person:
    """Someone the article names: their name as first given, and what it calls them."""

    name: str
    surname: str
    gender: str | None = None
    role: str | None = None
    confirmed: bool = False


@dataclass(frozen=True)
class Mention:
    """A place in the text that refers to a person (or a pronoun that may)."""

    start: int
    end: int
    person: Person | None = None
    pronoun: str | None = None
    possessive: bool = False
    subject: bool = False
    quoted: bool = False
    role: str | None = None
    role_start: int = -1

    @property
    def head(self) -> int:
        """Where the whole noun phrase starts, title included."""
        return self.role_start if self.role_start >= 0 else self.start


@dataclass
class People:
    """Every mention of a person in one text, in order, and the people behind them."""

    text: str
    mentions: list[Mention] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)

    def between(self, start: int, end: int) -> list[Mention]:
        """Mentions that lie wholly inside [start, end)."""
        low = bisect.bisect_left(self._starts, start)
        found = []
        for mention in self.mentions[low:]:
            if mention.start >= end:
                break
            if mention.end <= end:
                found.append(mention)
        return found

    def by_role(self, phrase: str, before: int) -> Person | None:
        """The person last given a role sharing a job word with `phrase` ("the chancellor")."""
        wanted = {w.lower() for w in _WORD.findall(phrase)} & _ROLE_WORDS
        if not wanted:
            return None
        best: Person | None = None
        for mention in self.mentions:
            if mention.start >= before:
                break
            person = mention.person
            if person is None or not person.role:
                continue
            if wanted & {w.lower() for w in _WORD.findall(person.role)}:
                best = person
        return best


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    word: str
    possessive: bool = False


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _WORD.finditer(text):
        word = match.group()
        start, end = match.span()
        possessive = False
        if word.endswith("'s") or word.endswith("'S"):
            word = word[:-2]
            possessive = True
        elif end < len(text) and text[end] == "'" and word.endswith("s"):
            possessive = end + 1 >= len(text) or not text[end + 1].isalpha()
        tokens.append(_Token(start, start + len(word), word, possessive))
    return tokens


def _name_follows(tokens: list[_Token], index: int) -> bool:
    """A capitalised word comes next, perhaps after more particles ("van der Veer")."""
    while index < len(tokens) and tokens[index].word in _PARTICLES:
        index += 1
    return index < len(tokens) and _is_capitalised(tokens[index].word)


def _runs(text: str, tokens: list[_Token]) -> list[list[_Token]]:
    """Groups of adjacent capitalised words (particles and initials allowed inside)."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for index, token in enumerate(tokens):
        word = token.word
        capital = _starts_name(word)
        particle = word in _PARTICLES and bool(current) and _name_follows(tokens, index + 1)
        if current:
            gap = text[current[-1].end : token.start]
            previous = current[-1].word
            dotted = gap == ". " and (len(previous) == 1 or previous.lower() in _HONORIFICS)
            adjacent = (gap == " " or dotted) and not current[-1].possessive
            if (capital or particle) and adjacent:
                current.append(token)
                continue
            runs.append(current)
            current = []
        if capital:
            current = [token]
    if current:
        runs.append(current)
    return runs


@dataclass
class _Candidate:
    name_tokens: list[_Token]
    honorific: str | None
    role_tokens: list[_Token]
    possessive: bool


def _split_run(run: list[_Token]) -> _Candidate | None:
    """Separate the title part of a run from the name part, or None when it names no one."""
    run = list(run)
    # "Vince Cable MP", "Martin Luther King Jr": letters and suffixes after a name.
    while len(run) > 1 and (_is_acronym(run[-1].word) or run[-1].word in _SUFFIXES):
        run.pop()
    words = [t.word.lower() for t in run]
    index = 0
    while index < len(run) and words[index] in _OPENERS:
        index += 1
    last = len(run) - 1
    if index <= last and words[last] in _ROLE_WORDS:
        # A run ending in a title names no one ("Prime Minister"), unless the title
        # is also a surname after a given name ("Mervyn King", "John Major").
        before = words[last - 1] if last > index else ""
        given_name = (
            _is_name_word(run[last - 1].word)
            and before not in _ROLE_WORDS
            and before not in _NOT_NAMES
        )
        if not (words[last] in _SURNAME_TITLES and before and given_name):
            return None
    honorific: str | None = None
    last_title = -1
    for position in range(index, last):
        if words[position] in _ROLE_WORDS or words[position] in _HONORIFICS:
            last_title = position
    if last_title >= 0 and words[last_title] in _HONORIFICS:
        honorific = words[last_title]
    # A possessive ends the run inside: "War on Want's John Hilary" names John Hilary.
    name_start = last_title + 1 if last_title >= 0 else index
    for position in range(name_start, len(run) - 1):
        if run[position].possessive:
            name_start = position + 1
    # Acronyms and place words before a name describe the person: "EADS Philippe Camus".
    while name_start < len(run) - 1 and (
        _is_acronym(run[name_start].word) or words[name_start] in _NOT_NAMES
    ):
        name_start += 1
    name_tokens = run[name_start:]
    if not name_tokens:
        return None
    if not all(_is_name_word(t.word) or t.word in _PARTICLES for t in name_tokens):
        # Trailing acronyms or lower-case words end the name: keep the clean prefix.
        clean: list[_Token] = []
        for token in name_tokens:
            if not (_is_name_word(token.word) or token.word in _PARTICLES):
                break
            clean.append(token)
        rest = name_tokens[len(clean) :]
        # "Vince Cable MP": letters after a name do not stop it being one.
        if not clean or not all(_is_acronym(t.word) for t in rest):
            return None
        name_tokens = clean

    if any(t.word.lower() in _ORG_WORDS for t in name_tokens):
        return None
    role_tokens = run[index:name_start] if name_start > index else []
    return _Candidate(name_tokens, honorific, role_tokens, name_tokens[-1].possessive)


def _role_before(
    text: str, tokens: list[_Token], first: int, titled: bool = False
) -> tuple[str | None, int]:
    """Lower-case job words right before a name: "chief executive Geoff Dixon"."""
    collected: list[_Token] = []
    index = first - 1
    end = tokens[first].start
    while index >= 0 and len(collected) < 8:
        token = tokens[index]
        gap = text[token.end : end]
        if gap.strip() not in ("", "'s", "'"):
            break
        word = token.word.lower()
        joins_title = _is_capitalised(tokens[index + 1].word) and index > 0
        if word in _TITLE_JOINERS and joins_title and _is_capitalised(tokens[index - 1].word):
            # "Business and Trade Secretary", "Bank of England governor": one title.
            collected.insert(0, token)
            end = token.start
            index -= 1
            continue
        if word in _OPENERS or word in _OBJECT_MARKERS or word in _CLAUSE_STARTERS:
            break
        if word.endswith("ed") or word in ("said", "says", "told", "is", "was", "has", "had"):
            break
        if _is_capitalised(token.word) and collected and not token.possessive:
            if word in _NOT_NAMES or _is_acronym(token.word) or word in _ROLE_WORDS:
                pass
            elif not titled and not any(t.word.lower() in _ROLE_WORDS for t in collected):
                break
        collected.insert(0, token)
        end = token.start
        index -= 1
    if not collected:
        return None, -1
    phrase = text[collected[0].start : tokens[first].start].strip()
    if phrase.endswith("'s"):
        # An owner ("Oxfam's Jane Roe") describes the person but may sit inside a
        # longer name ("War on Want's"), so the phrase does not move the head.
        return phrase, -1
    if titled or is_role_phrase(phrase):
        return phrase, collected[0].start
    return None, -1


_APPOSITIVE = re.compile(
    r",\s+((?:a|an|the|its|his|her|their|former|[a-z]|[A-Z][\w&-]*'s\s)[^,;:.\"()]{2,120}?)"
    r"(?=\s+(?:who|which|that|said|says|told|has|had|have|is|was|will|would|added|also)\b|[,;:.\"]|$)"
)


def _role_after(text: str, end: int) -> str | None:
    match = _APPOSITIVE.match(text, end)
    if match is None:
        return None
    phrase = match.group(1).strip()
    first = phrase.split()[0]
    if SPEECH_VERB.match(phrase) or (first.endswith("ed") and first not in ("red",)):
        return None
    return phrase if is_role_phrase(phrase) or " of " in phrase or " at " in phrase else None


_CHUNK_BREAKS = (",", ";", ":", "(", '"', "\n", ". ", "! ", "? ")
_ROLE_LOOKBACK = 160


def _role_before_comma(text: str, start: int) -> tuple[str | None, int]:
    """`Ontario's health minister, Daniel Moreau, said`: a job title set off by a comma."""
    base = max(0, start - _ROLE_LOOKBACK)
    head = text[base:start]
    if not head.endswith(", "):
        return None, -1
    body = head[:-2]
    chunk_start = 0
    for mark in _CHUNK_BREAKS:
        found = body.rfind(mark)
        if found >= 0:
            chunk_start = max(chunk_start, found + len(mark))
    chunk = body[chunk_start:]
    stripped = _LEADING_CONJUNCTION.sub("", chunk.lstrip())
    verb = SPEECH_VERB.match(stripped)
    if verb is not None:
        # The inverted form: `"...," said Poland's deputy defence minister, Piotr Nowicki`.
        stripped = stripped[verb.end() :].lstrip()
    if not stripped or len(stripped.split()) > 12 or SPEECH_VERB.search(stripped):
        return None, -1
    if not is_role_phrase(stripped) or stripped.split()[0].lower() in _OBJECT_MARKERS:
        return None, -1
    return stripped, base + len(body) - len(stripped)


_LEADING_CONJUNCTION = re.compile(r"^(?:(?:and|but|however|meanwhile|yet|so)\b,?\s*)+", re.I)


# Only people are followed by "who" or an age: "Karl Meyer, who ...", "Tom Grey, 45,".
_PERSON_AFTER = re.compile(r",\s+(?:who\b|whose\b|\d{1,3},)")


def _modifies_a_title(text: str, tokens: list[_Token], following: int) -> bool:
    """`Lib Dem treasury spokesman Vince Cable`: the run before the job words is not a person."""
    previous_end = tokens[following - 1].end
    for token in tokens[following : following + 3]:
        if text[previous_end : token.start] != " " or _is_capitalised(token.word):
            return False
        if (
            token.word in _OPENERS
            or token.word in _CLAUSE_STARTERS
            or token.word in _OBJECT_MARKERS
        ):
            return False
        if token.word in _ROLE_WORDS:
            return True
        previous_end = token.end
    return False


_PERSONAL = _wordset("he she his him her")
_IMPERSONAL = _wordset("it its")
_PRONOUN_WINDOW = 30
_SENTENCE_END = re.compile(r"[.!?][\"']?\s")


def _confirm_by_pronouns(text: str, mentions: list[Mention], tokens: list[_Token]) -> None:
    """Settle doubtful names by the next pronoun: "Herve Gaymard agreed ... he" is a person,
    "Deutsche Boerse said it" is not."""
    starts = [t.start for t in tokens]
    for mention in mentions:
        person = mention.person
        if person is None or person.confirmed or mention.quoted:
            continue
        first = bisect.bisect_left(starts, mention.end)
        for token in tokens[first : first + _PRONOUN_WINDOW]:
            word = token.word.lower()
            between = text[mention.end : token.start]
            if '"' in between and not _SENTENCE_END.search(between):
                # `Deutsche Boerse is "...", he said`: the pronoun is the quote's speaker.
                break
            if word in _PERSONAL:
                person.confirmed = True
                if person.gender is None:
                    person.gender = "f" if word in ("she", "her") else "m"
                break
            if word in _IMPERSONAL:
                break


def _gender_of(given: str, honorific: str | None) -> str | None:
    if honorific in _MALE_HONORIFICS:
        return "m"
    if honorific in _FEMALE_HONORIFICS:
        return "f"
    lowered = given.lower()
    if lowered in _MALE_GIVEN:
        return "m"
    if lowered in _FEMALE_GIVEN:
        return "f"
    return None


def _is_subject(text: str, head: int, end: int) -> bool:
    """Whether a mention stands where a clause's subject does (not after a preposition)."""
    before = text[max(0, head - 40) : head].rstrip()
    if not before or before.endswith(tuple('.!?,;:("-\u2013\u2014\n')):
        return True
    last = before.split()[-1].lower()
    if last in _OBJECT_MARKERS:
        return False
    if last in _CLAUSE_STARTERS:
        return True
    return _VERBISH_AFTER.match(text, end) is not None and last not in _OBJECT_MARKERS


def _in_ranges(offset: int, ranges: Sequence[tuple[int, int]], starts: list[int]) -> bool:
    index = bisect.bisect_right(starts, offset) - 1
    return index >= 0 and ranges[index][0] <= offset < ranges[index][1]


def find_people(text: str, quoted: Sequence[tuple[int, int]] = ()) -> People:
    """Find and resolve every mention of a person in `text`.

    `quoted` lists the (start, end) ranges inside quotation marks: mentions
    there are kept but flagged, since a name inside a quotation is not who
    is speaking.
    """
    ranges = sorted(quoted)
    range_starts = [r[0] for r in ranges]
    tokens = _tokens(text)
    token_index = {id(t): i for i, t in enumerate(tokens)}
    people = People(text)
    by_surname: dict[str, Person] = {}
    by_name: dict[str, Person] = {}
    by_given: dict[str, Person] = {}
    # People first seen as "Mr Snow": renamed if the full name comes later.
    provisional: list[int] = []
    mentions: list[Mention] = []

    runs = _runs(text, tokens)
    # Surnames seen alone (with or without an honorific) confirm a full name as a person.
    lone_words: set[str] = set()
    for run in runs:
        if len(run) == 1 or run[0].word.lower() in _HONORIFICS:
            lone_words.add(run[-1].word)

    for run in runs:
        if len(run) == 1 and run[0].word not in by_surname:
            continue  # a lone capitalised word is a person only once their full name is known
        if _modifies_a_title(text, tokens, token_index[id(run[-1])] + 1):
            continue
        candidate = _split_run(run)
        if candidate is None:
            continue
        names = candidate.name_tokens
        first_index = token_index[id(names[0])]
        start, end = names[0].start, names[-1].end
        has_title = bool(candidate.role_tokens) or candidate.honorific is not None
        role: str | None = None
        role_start = -1
        head = start
        if candidate.role_tokens:
            head = candidate.role_tokens[0].start
            title = text[head : candidate.role_tokens[-1].end].strip()
            before_role, before_start = _role_before(
                text, tokens, token_index[id(candidate.role_tokens[0])], titled=True
            )
            if title.lower() in _HONORIFICS:
                role, role_start = before_role, before_start
                if role and role.endswith("'s"):
                    role = role[:-2]
            elif before_role:
                role, role_start = f"{before_role} {title}", before_start
            else:
                role, role_start = title, head
        else:
            role, role_start = _role_before(text, tokens, first_index)
            if role and role.endswith("'s"):
                role = role[:-2]
        if role is None:
            role, role_start = _role_before_comma(text, start)
        if role_start >= 0:
            head = role_start
        after = _role_after(text, end + (2 if candidate.possessive else 0))
        surname = names[-1].word
        given = names[0].word if len(names) > 1 else ""
        person: Person | None = None
        if len(names) == 1:
            person = by_surname.get(surname)
            if candidate.honorific in ("sir", "dame") and surname in by_given:
                # "Sir Terry" is Sir Terry Leahy: knights go by their given name.
                person = by_given[surname]
            titled = any(t.word.lower() in _ROLE_WORDS for t in candidate.role_tokens)
            if person is None and candidate.honorific is None and not titled:
                continue
            if person is None:
                if candidate.honorific in _KEPT_HONORIFICS:
                    shown = f"{candidate.role_tokens[-1].word} {surname}"
                elif candidate.honorific:
                    shown = f"{candidate.honorific.capitalize()} {surname}"
                    provisional.append(len(people.persons))
                else:
                    shown = surname
                    provisional.append(len(people.persons))
                peerage = _PEERAGE.match(text, end)
                if candidate.honorific in _PEERS and peerage is not None:
                    shown += peerage.group()
                person = Person(shown, surname, _gender_of("", candidate.honorific))
                by_surname[surname] = person
                people.persons.append(person)
            person.confirmed = True
        else:
            if names[0].word.lower() in _NOT_NAMES and not has_title:
                continue
            if len(names) > 4:
                continue
            full = text[start:end]
            if candidate.honorific in _KEPT_HONORIFICS:
                full = text[candidate.role_tokens[-1].start : end]
            person = by_name.get(full)
            if person is None:
                person = Person(full, surname, _gender_of(given, candidate.honorific))
                by_name[full] = person
                people.persons.append(person)
            by_surname[surname] = person
            by_given.setdefault(given, person)
            if (
                has_title
                or _PERSON_AFTER.match(text, end) is not None
                or after is not None
                or role is not None
                or given.lower() in _MALE_GIVEN
                or given.lower() in _FEMALE_GIVEN
                or surname in lone_words
            ):
                person.confirmed = True
        mention_role = role or after
        if mention_role and not person.role:
            person.role = mention_role
        if person.gender is None and candidate.honorific:
            person.gender = _gender_of("", candidate.honorific)
        mentions.append(
            Mention(
                start=start,
                end=end,
                person=person,
                possessive=candidate.possessive,
                subject=not candidate.possessive and _is_subject(text, head, end),
                quoted=_in_ranges(start, ranges, range_starts),
                role=mention_role,
                role_start=head,
            )
        )

    for token in tokens:
        pronoun = token.word.lower()
        if pronoun in _PRONOUNS and (token.word.islower() or token.word.istitle()):
            mentions.append(
                Mention(
                    start=token.start,
                    end=token.end,
                    pronoun=pronoun,
                    subject=_is_subject(text, token.start, token.end),
                    quoted=_in_ranges(token.start, ranges, range_starts),
                )
            )
    for index in provisional:
        early = people.persons[index]
        later = by_surname.get(early.surname)
        if later is not None and later is not early and " " in later.name:
            early.name = later.name
            early.role = early.role or later.role
            early.gender = early.gender or later.gender
    mentions.sort(key=lambda m: m.start)
    _confirm_by_pronouns(text, mentions, tokens)
    people.mentions = mentions
    people._starts = [m.start for m in mentions]
    return people
