"""Shared by the grouping tests: local feeds from several desks telling the same three
stories, and a refresh writer that is never idle (as in a refresh of many feeds)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import briefing.refresh as refresh_module
from briefing.models import Article

# (key, title, body): each desk reports each of these, so every story has one report a desk.
TOPICS = [
    ("ferry", "Ferry budget", "The harbour council approved a ferry budget of 5 million euros."),
    ("grid", "Grid plan", "The grid operator will spend 2 billion kroner on new power lines."),
    ("pay", "Pay offer", "Teachers in Bergen voted to accept a pay offer of 4 percent."),
]


def desk_feed(desk: int) -> bytes:
    """One desk's RSS document: a report of each story, titled "<title>, desk N"."""
    items = "".join(
        f"<item><guid>{key}-{desk}</guid><title>{title}, desk {desk}</title>"
        f"<link>https://desk{desk}.example/{key}</link>"
        "<pubDate>Mon, 02 Jun 2025 09:00:00 GMT</pubDate>"
        f"<description>{body}</description></item>"
        for key, title, body in TOPICS
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk {desk}</title>'
        f"{items}</channel></rss>"
    ).encode()


def desk_articles(desk: int, published: datetime) -> list[Article]:
    """One desk's reports of the stories as articles, as its feed would give them."""
    return [
        Article(
            title=f"{title}, desk {desk}",
            body=body,
            guid=f"{key}-{desk}",
            url=f"https://desk{desk}.example/{key}",
            source=f"Desk {desk}",
            published=published,
        )
        for key, title, body in TOPICS
    ]


def write_desks(folder: Path, count: int) -> list[Path]:
    """`count` desks' feeds written as files in `folder`."""
    paths = []
    for desk in range(count):
        path = folder / f"desk{desk}.xml"
        path.write_bytes(desk_feed(desk))
        paths.append(path)
    return paths


class BusyWriter(refresh_module._Writer):
    """Never idle, so every new article waits for the end of the refresh."""

    def __init__(self, limit: int, idle: object = None) -> None:
        super().__init__(limit, None)
