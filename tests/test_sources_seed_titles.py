"""A plain-text seed whose headline is a question."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.sources.seeds import load_seed


def _load(tmp_path: Path, text: str) -> tuple[str | None, str]:
    path = tmp_path / "story.txt"
    path.write_text(text, encoding="utf-8")
    article = load_seed(path)
    return article.title, article.body


def test_short_question_before_a_fresh_paragraph_is_the_title(tmp_path: Path) -> None:
    title, body = _load(
        tmp_path,
        "Have hackers recruited your PC?\n\nMore than a million computers have been hijacked.\n",
    )
    assert title == "Have hackers recruited your PC?"
    assert body == "More than a million computers have been hijacked."


@pytest.mark.parametrize(
    "text",
    [
        # the next paragraph answers the question
        "Is the economy slowing?\n\nYes, say most of the economists we asked.\n",
        "Is the economy slowing?\n\nThat is what the central bank wants to know.\n",
        # the question runs on into the next paragraph
        "Who will pay for the new bridge?\n\nand how long will it take to build?\n",
        # too long to be a headline
        "Why did the council decide to close three libraries and two swimming pools in the same"
        " week that it approved a new headquarters?\n\nThe decision surprised residents.\n",
        # a quotation, not a headline
        '"Where is the money?"\n\nThe minister was asked that in parliament.\n',
    ],
)
def test_question_that_opens_the_story_stays_in_the_body(tmp_path: Path, text: str) -> None:
    title, body = _load(tmp_path, text)
    assert title is None
    assert body.startswith(text.split("\n")[0])
