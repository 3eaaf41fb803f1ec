"""Quotations and who said them, for the key-quotes pane.

A quotation is a double-quoted span of at least four words that is not a
name or label (the "vote now, pay later" Budget). Its speaker comes from the
attribution around it, tried in this order: after the quotation
(`"...," said Jane Roe`, `"...," she added`), inside a split quotation,
before it (`Roe said: "..."`, `Roe told the BBC "..."`), and otherwise the
speaker of the quotation it continues. Pronouns, surnames and descriptions
("the chancellor") resolve to the full name the article gave first;
organisations and unnamed people get no speaker but keep their description
as the role.

Rule-based on purpose: no language model is available offline. This module
must not change the text it is given or guess a speaker from outside the
article.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from briefing.analysis.document import Document
from briefing.analysis.names import Mention, People, Person, find_people, is_role_phrase
from briefing.analysis.quote_spans import QuotedSpan, find_quoted_spans
from briefing.analysis.speech_verbs import SPEECH_VERB
from briefing.models import Quote

__all__ = ["MIN_QUOTE_WORDS", "extract_quotes"]


def _wordset(words: str) -> frozenset[str]:
    """A word list written as one string, for readability."""
    return frozenset(words.split())


MIN_QUOTE_WORDS = 4

# Longest subject phrase (in words) accepted between a quotation and its verb.
_MAX_SUBJECT_WORDS = 25

_LABEL_BEFORE = _wordset(
    "the a an its his her their our this these those so-called dubbed titled entitled"
)
_NOT_A_SUBJECT_START = _wordset(
    """and or but to in of for on at by with from as that which would will is was are were
    has have had be been being because if so than then while"""
)
_ADVERBS_ONLY = re.compile(
    r"\s*(?:(?:has|have|had|is|was|were|are|also|later|then|previously|earlier|further|again|"
    r"once|subsequently|reportedly|simply|recently|has\s+been|had\s+been|\w+ly),?\s+)*"
)
_APPOSITIVE_GAP = re.compile(
    r"\s*(?:,|\s[-\u2013\u2014])\s*[^\".!?;]{1,200}?(?:,|\s[-\u2013\u2014])?"
    r"(?:\s+(?:has|have|had|is|was|also|later|then|\w+ly))*\s*"
)
_OPENING_WORDS = re.compile(
    r"^(?:(?:however|but|and|meanwhile|yet|so|still|also|separately|earlier|later|now|"
    r"in addition|elsewhere|similarly|likewise)\b,?\s*)+",
    re.IGNORECASE,
)
_PREPOSITIONS = _wordset("at of for with by from to in on about against")
_ADVERBIAL_STARTS = _wordset(
    """in on at after before during for with from by under over since following speaking
    asked writing earlier later separately meanwhile however but and yet also"""
)
_ORGANISATION = re.compile(
    r"\b([A-Z][\w&'-]*(?:\s(?:[A-Z][\w&'-]*|of|de|&))*)"
    r"\s+(?:has|have|had|is|was|said|says|\w+ed)\b"
)
_ORGANISATION_LOOKBACK = 400
_NOT_ORGANISATIONS = _wordset("the a an he she it they we i his her its their this that there")
_SENTENCE_STOP = re.compile(r"[.!?](?=[\s\"']|$)|\"|\n\n")
_ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Gen|Rev|Gov|Sen|Rep)|\b[A-Z])$")
_WORDS = re.compile(r"\S*[^\W_]\S*")


@dataclass(frozen=True)
class _Speaker:
    """Who said a quotation: a named person, or only a description (`name` None)."""

    name: str | None
    role: str | None
    person: Person | None = None


def _word_count(text: str) -> int:
    return len(_WORDS.findall(text))


def _clause_end(text: str, start: int) -> int:
    """Where the sentence (or the stretch before the next quotation) that `start` is in ends."""
    for match in _SENTENCE_STOP.finditer(text, start):
        if match.group() == "." and _ABBREVIATION.search(
            text, max(0, match.start() - 5), match.start()
        ):
            continue
        return match.start() if match.group() in ('"', "\n\n") else match.end()
    return len(text)


def _is_label(text: str, span: QuotedSpan, words: str) -> bool:
    """A quoted name or label: `the "vote now, pay later" Budget`, `the "Big Society"`."""
    before = text[max(0, span.start - 30) : span.start].split()
    previous = before[-1].lower() if before else ""
    if previous not in _LABEL_BEFORE:
        return False
    if previous in ("so-called", "dubbed", "titled", "entitled"):
        return True
    # Mid-sentence, a capital letter marks a name: the "Social Security trust fund".
    first = words.split()[0]
    if first[0].isupper() and first != "I" and not first.startswith("I'"):
        return True
    follower = re.match(r" ([^\W\d_][\w'-]*)", text[span.end : span.end + 40])
    return follower is not None and follower.group(1)[0].isupper()


class _Attributor:
    """Finds the speaker of each quotation in document order."""

    def __init__(self, document: Document, people: People) -> None:
        self.document = document
        self.text = document.text
        self.people = people
        self.paragraph_starts = [0] + [m.end() for m in re.finditer(r"\n\n", self.text)]
        events = [
            (m.start, m.person)
            for m in people.mentions
            if m.person is not None and m.subject and not m.quoted and m.person.confirmed
        ]
        self.event_offsets = [offset for offset, _ in events]
        self.event_people: list[Person] = [person for _, person in events]
        self.previous: tuple[QuotedSpan, _Speaker] | None = None
        self.sentence_starts = [sentence.start for sentence in document.sentences]

    def sentence_of(self, offset: int) -> int:
        """`Document.sentence_at` without rebuilding its index for every quotation."""
        return max(0, bisect.bisect_right(self.sentence_starts, offset) - 1)

    # -- resolving mentions -------------------------------------------------

    def _paragraph(self, offset: int) -> int:
        return bisect.bisect_right(self.paragraph_starts, offset) - 1

    def _remember(self, offset: int, person: Person) -> None:
        index = bisect.bisect_right(self.event_offsets, offset)
        self.event_offsets.insert(index, offset)
        self.event_people.insert(index, person)

    def _salient(self, offset: int, gender: str | None, paragraphs: int = 99) -> Person | None:
        """The person most recently in focus before `offset` who fits the pronoun's gender."""
        index = bisect.bisect_left(self.event_offsets, offset) - 1
        floor = self._paragraph(offset) - paragraphs
        while index >= 0:
            person = self.event_people[index]
            if self._paragraph(self.event_offsets[index]) < floor:
                return None
            if gender is None or person.gender in (None, gender):
                return person
            index -= 1
        return None

    def _organisation(self, offset: int) -> str | None:
        """The last capitalised name acting as a subject before `offset`, for "it said"."""
        head = self.text[max(0, offset - _ORGANISATION_LOOKBACK) : offset]
        found = None
        for match in _ORGANISATION.finditer(head):
            name = match.group(1)
            if name.split()[0].lower() not in _ADVERBIAL_STARTS | _NOT_ORGANISATIONS:
                found = name
        return found

    def _from_mention(self, mention: Mention) -> _Speaker:
        if mention.person is not None:
            named = mention.person
            return _Speaker(named.name, mention.role or named.role, named)
        if mention.pronoun in ("he", "she"):
            person = self._salient(mention.start, "m" if mention.pronoun == "he" else "f")
            if person is not None:
                return _Speaker(person.name, person.role, person)
            return _Speaker(None, None)
        return _Speaker(None, self._organisation(mention.start))

    def _unnamed(self, start: int, end: int) -> _Speaker | None:
        """A speaker with no name: "a spokesman for the bank", "the chancellor", "the company"."""
        phrase = self.text[start:end].strip().strip(",:;.!?").strip()
        phrase = _OPENING_WORDS.sub("", phrase).strip()
        chunks = [c.strip() for c in re.split(r",|\s[-\u2013\u2014]\s", phrase) if c.strip()]
        # "In a statement, the firm said": skip the adverbial chunk, keep the subject.
        while len(chunks) > 1 and (
            chunks[0].split()[0].lower() in _ADVERBIAL_STARTS
            or chunks[0].split()[0].endswith("ing")
        ):
            chunks.pop(0)
        phrase = chunks[0] if chunks else ""
        phrase = re.sub(r"\s+(?:has|have|had|is|was|also|later|then)$", "", phrase)
        if not phrase or _word_count(phrase) > 12:
            return None
        if phrase.split()[0].lower() in _NOT_A_SUBJECT_START:
            return None
        if phrase.lower().startswith("the ") and is_role_phrase(phrase):
            person = self.people.by_role(phrase, start)
            if person is None:
                # "the Tory leader" for the person in focus whose title was never given.
                person = self._salient(start, None, paragraphs=1)
                if person is not None and person.role is not None:
                    person = None
            if person is not None:
                return _Speaker(person.name, person.role or phrase, person)
        return _Speaker(None, phrase)

    def _mentions(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.people.between(start, end) if not m.quoted and not m.possessive]

    def _subject(self, start: int, verb: int) -> _Speaker | None:
        """The speaker named in `text[start:verb]`, the words before a speech verb."""
        mentions = self._mentions(start, verb)
        if mentions:
            last = mentions[-1]
            gap = self.text[last.end : verb]
            if _ADVERBS_ONLY.fullmatch(gap) and not self._after_preposition(last):
                return self._from_mention(last)
            for mention in mentions:
                gap = self.text[mention.end : verb]
                if (
                    _APPOSITIVE_GAP.fullmatch(gap)
                    and not _ADVERBS_ONLY.fullmatch(gap.lstrip(" ,"))
                    and not self._after_preposition(mention)
                ):
                    return self._from_mention(mention)
            for mention in mentions:
                if mention.subject:
                    return self._from_mention(mention)
        return self._unnamed(start, verb)

    def _after_preposition(self, mention: Mention) -> bool:
        """`with Jane Roe`, `at Morgan Stanley`: an object, not who is speaking."""
        words = self.text[max(0, mention.head - 20) : mention.head].split()
        return bool(words) and words[-1].lower() in _PREPOSITIONS

    def _named_after(self, start: int, end: int) -> _Speaker | None:
        """`said Yukos spokesman Jane Roe`: the first person after an inverted verb."""
        mentions = self._mentions(start, end)
        if mentions and mentions[0].pronoun is None:
            return self._from_mention(mentions[0])
        if mentions and self.text[start : mentions[0].start].strip() == "":
            return self._from_mention(mentions[0])
        return self._unnamed(start, end)

    # -- the three places an attribution can be ------------------------------

    def _after(self, span: QuotedSpan) -> _Speaker | None:
        """`"...," he said.` / `"...," said Jane Roe.` / `"...", Roe, an analyst, told the BBC.`"""
        if not span.closed:
            return None
        text = self.text
        stop = _clause_end(text, span.end)
        segment = text[span.end : stop]
        stripped = segment.lstrip()
        if not stripped or stripped[0] in ".;:?!)":
            return None
        last_start, last_end = span.parts[-1]
        inner = text[last_start:last_end].rstrip()
        if inner.endswith(".") and stripped[0].isupper():
            return None
        comma = stripped.startswith(",") or inner.endswith((",", "?", "!"))
        verb = SPEECH_VERB.search(text, span.end, stop)
        if verb is None:
            return None
        lead = len(segment) - len(stripped) + (1 if stripped.startswith(",") else 0)
        subject_start = span.end + lead
        between = text[subject_start : verb.start()]
        if not between.strip():
            return self._named_after(verb.end(), stop)
        words = between.split()
        if len(words) > _MAX_SUBJECT_WORDS or words[0].lower() in _NOT_A_SUBJECT_START:
            return None
        if not comma and len(words) > 4:
            return None
        return self._subject(subject_start, verb.start())

    def _bridge(self, span: QuotedSpan) -> _Speaker | None:
        """`"A," insisted Mr Sener, "b."`: the attribution that splits the quotation."""
        for start, end in span.bridges:
            verb = SPEECH_VERB.search(self.text, start, end)
            if verb is None:
                continue
            if not self.text[start : verb.start()].strip(" ,"):
                return self._named_after(verb.end(), end)
            return self._subject(start, verb.start())
        return None

    def _clause_start(self, span: QuotedSpan) -> int:
        document = self.document
        start = 0
        if document.sentences:
            start = document.sentences[self.sentence_of(span.start)].start
        start = max(start, self.paragraph_starts[self._paragraph(span.start)])
        if self.previous is not None and self.previous[0].end <= span.start:
            start = max(start, self.previous[0].end)
        return start

    def _before(self, span: QuotedSpan) -> _Speaker | None:
        """`Roe said: "..."`, `he added, "..."`, `Roe said it was "..."`, `Roe warned: "..."`."""
        start = self._clause_start(span)
        clause = self.text[start : span.start]
        if not clause.strip():
            return None
        verbs = list(SPEECH_VERB.finditer(self.text, start, span.start))
        if verbs:
            verb = verbs[-1]
            if verb.group().lower().startswith("according"):
                return self._named_after(verb.end(), span.start)
            found = self._subject(start, verb.start())
            if found is not None:
                return found
            # `..., said Jane Roe: "..."`: the speaker comes after the verb.
            return self._named_after(verb.end(), span.start)
        if clause.rstrip().endswith(":"):
            # "Roe expressed concern: ..." names the speaker; "The message was clear: ..." does not.
            found = self._subject(start, start + len(clause.rstrip()) - 1)
            return found if found is not None and found.person is not None else None
        # A fragment inside someone's sentence: `He branded the plan "a tax on jobs"`.
        for mention in self._mentions(start, span.start):
            if mention.subject and not self._after_preposition(mention):
                named = self._from_mention(mention)
                return named if named.person is not None else None
        return None

    def _fallback(self, span: QuotedSpan) -> _Speaker:
        """No attribution: the quotation continues the last speaker, or the one in focus."""
        if self.previous is not None:
            previous_span, speaker = self.previous
            near = self._paragraph(span.start) - self._paragraph(previous_span.start) <= 1
            if near and speaker.name is not None:
                others = [
                    m
                    for m in self._mentions(previous_span.end, span.start)
                    if m.person is not None
                    and m.subject
                    and m.person is not speaker.person
                    and m.person.confirmed
                ]
                if not others:
                    return speaker
            elif near and speaker.name is None and speaker.role:
                return speaker
        person = self._salient(span.start, None, paragraphs=1)
        if person is not None:
            return _Speaker(person.name, person.role, person)
        return _Speaker(None, None)

    def attribute(self, span: QuotedSpan) -> _Speaker:
        speaker = self._after(span) or self._bridge(span) or self._before(span)
        if speaker is None or (speaker.name is None and speaker.role is None):
            speaker = self._fallback(span)
        if speaker.person is not None:
            self._remember(span.start, speaker.person)
        self.previous = (span, speaker)
        return speaker


def extract_quotes(document: Document) -> list[Quote]:
    """Every quotation in `document` with its speaker and role, in order."""
    text = document.text
    if '"' not in text:
        return []
    spans = find_quoted_spans(text)
    people = find_people(text, [part for span in spans for part in span.parts])
    attributor = _Attributor(document, people)
    quotes: list[Quote] = []
    for span in spans:
        speaker = attributor.attribute(span)
        words = span.text(text)
        if _word_count(words) < MIN_QUOTE_WORDS or _is_label(text, span, words):
            continue
        sentence = attributor.sentence_of(span.start)
        quotes.append(Quote(words, speaker.name, speaker.role, sentence))
    return quotes
