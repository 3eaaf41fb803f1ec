"""Extractive summary: the few sentences of an article worth reading first.

Each sentence gets a score from a handful of general signals:
- where it sits: news states the key facts first, so a prior falls with position;
- how central it is: sumy's TextRank (offline tokenizer, Snowball stemmer,
  sumy's English stop words) and how densely it uses the words the article
  keeps returning to;
- how much it shares with the headline, and whether it opens a paragraph;
- its shape: fragments (captions, headings), labelled photo captions
  ("Arrival: two men are seen ..."), questions, quotations and very short or
  very long sentences make poor summary lines.
A dateline ("LONDON, Nov 5 (Agency) -") is not counted as part of a sentence.
Sentences are then picked one at a time, each discounted by its overlap with
those already picked, so the summary does not say the same thing twice.

This module only chooses sentence indices; it never rewrites text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from briefing.analysis.document import Document
from briefing.analysis.text import OfflineTokenizer, strip_dateline, words
from briefing.models import Figure, Quote

__all__ = [
    "MAX_CANDIDATES",
    "MAX_RANKED_CHARS",
    "MAX_RANKED_TOTAL",
    "SUMMARY_METHODS",
    "summarise",
]

# "briefing" is the blend described above; "lexrank" and "textrank" are sumy's rankings
# alone and "lead" the first sentences, for readers who want to compare on their own feeds.
SUMMARY_METHODS = ("briefing", "lexrank", "textrank", "lead")


@dataclass(frozen=True)
class _Weights:
    """How much each signal counts. Few, coarse values, checked on two kinds of news."""

    position_scale: float = 2.0  # the position prior halves after this many sentences
    centrality: float = 0.15  # sumy TextRank, best sentence = 1
    density: float = 0.5  # shared-word density, best sentence = 1
    density_smoothing: float = 3.0  # keeps a three-word sentence from looking dense
    title: float = 1.0  # share of the headline's words the sentence repeats
    paragraph_opening: float = 0.1  # a paragraph's first sentence carries its point
    figure: float = 0.05  # a sum of money is what policy readers look for
    redundancy: float = 0.5  # how much overlap with a chosen sentence discounts a candidate
    short_words: int = 8  # shorter sentences are rarely self-contained
    long_words: int = 30  # longer ones are often captions glued to the text
    quoted: float = 0.3  # a quotation needs its context; reported facts read better
    fragment: float = 0.8  # no final punctuation: a caption or a heading
    question: float = 0.5  # a question rarely states the news
    caption: float = 0.5  # "Label: what the photo shows" is a caption set into the text
    dangling: float = 0.25  # opens with a word pointing back at an earlier sentence


_WEIGHTS = _Weights()
# Only the opening of a text is ranked (so many sentences, so many characters), so a
# book-length or hostile text cannot stall the reader; sentences are compared by their start.
MAX_CANDIDATES = 80
MAX_RANKED_CHARS = 1000
MAX_RANKED_TOTAL = 20_000


@dataclass(frozen=True)
class _Candidate:
    index: int
    stems: frozenset[str]
    score: float


@cache
def _language_tools() -> tuple[Callable[[str], str], frozenset[str]]:
    """sumy's English stemmer (memoised: articles repeat words) and stop words."""
    from sumy.nlp.stemmers import Stemmer
    from sumy.utils import get_stop_words

    return lru_cache(maxsize=65536)(Stemmer("english")), frozenset(get_stop_words("english"))


def _content_stems(text: str) -> frozenset[str]:
    stem, stop_words = _language_tools()
    return frozenset(stem(w) for w in (x.lower() for x in words(text)) if w not in stop_words)


def _ranked_count(document: Document) -> int:
    """How many opening sentences to rank: at most MAX_CANDIDATES and MAX_RANKED_TOTAL chars."""
    total = 0
    for count, sentence in enumerate(document.sentences[:MAX_CANDIDATES]):
        total += min(len(sentence.text), MAX_RANKED_CHARS)
        if total > MAX_RANKED_TOTAL and count > 0:
            return count
    return min(len(document.sentences), MAX_CANDIDATES)


def _ranked_text(text: str) -> str:
    """The part of a sentence that is compared with others.

    sumy's similarity is quadratic in sentence length; past this many
    characters a "sentence" is a run-on caption or junk, and its opening
    words are all the ranking needs.
    """
    return text if len(text) <= MAX_RANKED_CHARS else text[:MAX_RANKED_CHARS]


def _sumy_document(document: Document) -> object:
    """Our sentences as a sumy document, so sumy does not split them again."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence

    tokenizer = OfflineTokenizer()
    grouped: dict[int, list[SumySentence]] = {}
    for sentence in document.sentences:
        text = _ranked_text(sentence.text)
        grouped.setdefault(sentence.paragraph, []).append(SumySentence(text, tokenizer))
    return ObjectDocumentModel([Paragraph(sentences) for sentences in grouped.values()])


@cache
def _counting_text_rank() -> type[Any]:
    """sumy's TextRank with its edge weights counted in one pass per sentence pair.

    sumy rates each pair with `list.count` per word and a `numpy.isclose` call,
    which dominates analysis time on long articles; the weights here are the
    same numbers (shared words over the sum of the log lengths), and sumy's own
    power method ranks the sentences.
    """
    import numpy
    from sumy.summarizers.text_rank import TextRankSummarizer

    class CountingTextRank(TextRankSummarizer):
        def _create_matrix(self, document: Any) -> Any:
            bags = [Counter(self._to_words_set(s)) for s in document.sentences]
            logs = [math.log(sum(bag.values())) if bag else 0.0 for bag in bags]
            count = len(bags)
            weights = numpy.zeros((count, count))
            for i, left in enumerate(bags):
                for j in range(i, count):
                    right = bags[j]
                    small, large = (left, right) if len(left) <= len(right) else (right, left)
                    shared = sum(n * large[w] for w, n in small.items() if w in large)
                    if not shared:
                        continue
                    norm = logs[i] + logs[j]
                    rating = float(shared) if abs(norm) < 1e-8 else shared / norm
                    weights[i, j] = weights[j, i] = rating
            weights /= weights.sum(axis=1)[:, numpy.newaxis] + self._ZERO_DIVISION_PREVENTION
            teleport = (1.0 - self.damping) / count
            return numpy.full((count, count), teleport) + self.damping * weights

    return CountingTextRank


def _CountingTextRank(stem: Any) -> Any:  # noqa: N802 - reads as the class it builds
    return _counting_text_rank()(stem)


def _centrality(document: Document, method: str = "textrank") -> list[float]:
    """sumy's rating of each sentence, scaled so the best is 1."""
    import numpy
    from sumy.summarizers.lex_rank import LexRankSummarizer

    stem, stop_words = _language_tools()
    sumy_document = _sumy_document(document)
    sentences = sumy_document.sentences  # type: ignore[attr-defined]
    if method == "lexrank":
        lexrank = LexRankSummarizer(stem)
        lexrank.stop_words = stop_words
        # LexRank's public call returns sentences in article order; its scores come from these.
        stemmed = [lexrank._to_words_set(s) for s in sentences]
        tf, idf = lexrank._compute_tf(stemmed), lexrank._compute_idf(stemmed)
        matrix = lexrank._create_matrix(stemmed, lexrank.threshold, tf, idf)
        with numpy.errstate(invalid="ignore", divide="ignore"):  # wordless text: all zero
            ratings = [float(r) for r in lexrank.power_method(matrix, lexrank.epsilon)]
    else:
        textrank = _CountingTextRank(stem)
        textrank.stop_words = stop_words
        rated = textrank.rate_sentences(sumy_document)
        ratings = [float(rated[s]) for s in sentences]
    return _scaled(ratings)


def _density(stems: Sequence[frozenset[str]], smoothing: float) -> list[float]:
    """How many other sentences share each sentence's words, per word; the best is 1.

    Words the article keeps coming back to mark its topic: a sentence dense
    with them states the story rather than a side detail.
    """
    spread = Counter(word for sentence in stems for word in sentence)
    return _scaled([sum(spread[w] - 1 for w in s) / (len(s) + smoothing) for s in stems])


def _scaled(ratings: list[float]) -> list[float]:
    finite = [r if math.isfinite(r) else 0.0 for r in ratings]  # LexRank on wordless text
    best = max(finite, default=0.0)
    return [r / best if best > 0 else 0.0 for r in finite]


_QUOTED = re.compile(r"""(?:^|(?<=[\s(\[]))(["'])(?=\S)(.+?)(?<=\S)\1(?=[\s.,;:!?)\]]|$)""")
_OPENS = re.compile(r"""(?:^|(?<=[\s(\[]))["'](?=\S)""")
# A lone closing single quote is too often a possessive ("Rodgers' future") to count.
_CLOSES = re.compile(r"""(?<=\S)"(?=[\s.,;:!?)\]]|$)""")


def _quoted_share(text: str) -> float:
    """Share of the sentence's characters inside quotation marks.

    A quotation may open in this sentence and close in a later one, or have
    opened in an earlier one; the unmatched mark tells which part is quoted.
    """
    inside = sum(len(m.group(0)) for m in _QUOTED.finditer(text))
    rest = _QUOTED.sub(lambda m: " " * len(m.group(0)), text)
    opening = _OPENS.search(rest)
    closing = _CLOSES.search(rest)
    if closing and (not opening or closing.start() < opening.start()):
        inside += closing.end()  # began in an earlier sentence
        rest = " " * closing.end() + rest[closing.end() :]
        opening = _OPENS.search(rest)
    if opening:
        inside += len(text) - opening.start()  # goes on into the next sentence
    return min(1.0, inside / max(len(text), 1))


# Opening words that only make sense after the sentence before ("It", "But", "Also").
_POINTING_BACK = re.compile(
    r"""[\s"'(]*(?:he|she|it|its|they|their|them|this|these|those|that|but|and|also|however|such)\b""",
    re.IGNORECASE,
)


# A photo caption set into the text opens with a short label and a colon ("Arrival: two
# members of the gang ..."). A label naming a speaker ("Bruce added: 'We ...'") opens a quote.
_CAPTION_LABEL = re.compile(r"""["']?([^\W\d_][\w'-]*(?:\s+[\w'-]+){0,3})\s*:\s+(?!["'])\S""")
_SPEECH_VERB = re.compile(
    r"""\b(?:said|says|added|adds|wrote|writes|told|tells|tweeted|posted|explained|continued
    |insisted|argued|warned|stated|asked|declared|replied|admitted|commented|claimed|went\s+on
    |concluded|revealed|announced|recalled|noted|joked)\b""",
    re.IGNORECASE | re.VERBOSE,
)


def _is_caption(text: str) -> bool:
    label = _CAPTION_LABEL.match(text)
    return label is not None and not _SPEECH_VERB.search(label.group(1))


def _shape_factor(text: str, quoted: float, weights: _Weights) -> float:
    """How well the sentence stands on its own, from 0 (not at all) to 1."""
    length = len(words(text))
    factor = 1.0
    if length < weights.short_words:
        factor *= length / weights.short_words
    elif length > weights.long_words:
        factor *= weights.long_words / length
    stripped = text.rstrip("\"')]")
    if not stripped.endswith((".", "!", "?")):
        factor *= 1 - weights.fragment
    elif stripped.endswith("?"):
        factor *= 1 - weights.question
    if _POINTING_BACK.match(text):
        factor *= 1 - weights.dangling
    if _is_caption(text):
        factor *= 1 - weights.caption
    return factor * (1 - weights.quoted * quoted)


def _candidates(
    document: Document, quotes: Sequence[Quote], figures: Sequence[Figure], weights: _Weights
) -> list[_Candidate]:
    shown = [strip_dateline(s.text) for s in document.sentences]
    texts = [_ranked_text(t) for t in shown]
    stems = [_content_stems(t) for t in texts]
    title = _content_stems(document.title or "")
    central = _centrality(document)
    dense = _density(stems, weights.density_smoothing)
    quoted = [_quoted_share(t) for t in texts]
    for quote in quotes:
        if 0 <= quote.sentence < len(texts):
            whole = document.sentences[quote.sentence].text
            share = min(1.0, len(quote.text) / max(len(whole), 1))
            quoted[quote.sentence] = max(quoted[quote.sentence], share)
    with_figures = {f.sentence for f in figures}
    candidates = []
    for index, sentence in enumerate(document.sentences):
        score = 1.0 / (1.0 + index / weights.position_scale)
        score += weights.centrality * central[index] + weights.density * dense[index]
        if title:
            score += weights.title * len(stems[index] & title) / len(title)
        if index == 0 or document.sentences[index - 1].paragraph != sentence.paragraph:
            score += weights.paragraph_opening
        if index in with_figures:
            score += weights.figure
        score *= _shape_factor(shown[index], quoted[index], weights)
        candidates.append(_Candidate(index, stems[index], score))
    return candidates


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def _pick(candidates: list[_Candidate], count: int, redundancy: float) -> list[int]:
    """Best sentences one at a time, each discounted by its overlap with those picked."""
    chosen: list[_Candidate] = []
    remaining = list(candidates)

    def value(candidate: _Candidate) -> float:
        overlap = max((_overlap(candidate.stems, c.stems) for c in chosen), default=0.0)
        return candidate.score * (1 - redundancy * overlap)

    while remaining and len(chosen) < count:
        best = max(remaining, key=value)
        chosen.append(best)
        remaining.remove(best)
    return sorted(c.index for c in chosen)


def summarise(
    document: Document,
    count: int,
    quotes: Sequence[Quote] = (),
    figures: Sequence[Figure] = (),
    method: str = "briefing",
) -> list[int]:
    """Indices of the `count` sentences that make the summary, in article order.

    `quotes` and `figures` are what the other stages found in `document`: a
    sentence that is mostly a quotation is a weaker summary line, one that
    states a sum of money a slightly stronger one. `method` is one of
    `SUMMARY_METHODS`; anything else raises ValueError.
    """
    if method not in SUMMARY_METHODS:
        raise ValueError(f"unknown summary method {method!r} (known: {', '.join(SUMMARY_METHODS)})")
    ranked = _ranked_count(document)
    if ranked < len(document.sentences):
        # Ranking is quadratic in sentences; a report's summary comes from its opening pages.
        document = Document(document.title, document.text, document.sentences[:ranked])
    total = len(document.sentences)
    if count <= 0 or total == 0:
        return []
    if method == "lead" or total <= count:
        return list(range(min(count, total)))
    if method in ("lexrank", "textrank"):
        central = _centrality(document, method)
        return sorted(sorted(range(total), key=lambda i: (-central[i], i))[:count])
    return _pick(_candidates(document, quotes, figures, _WEIGHTS), count, _WEIGHTS.redundancy)
