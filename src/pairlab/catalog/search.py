"""Rank products for a query: an inverted index over weighted fields, built once per catalog."""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pairlab.catalog.index import Entry

# Where a word appears says how much it tells: a name beats a passing mention in a description.
WEIGHTS = {
    "name": 4.0,
    "tags": 3.0,
    "domain": 3.0,
    "tables": 3.0,
    "columns": 2.0,
    "purpose": 2.0,
    "descriptions": 1.0,
}
# A deprecated or retired product still shows, below a live one that matches as well.
STATUS_FACTOR = {"deprecated": 0.5, "retired": 0.3}
PREFIX_FACTOR = 0.5
_WORD = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    """Return a crude singular, so 'claims' finds 'claim' and 'policies' finds 'policy'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Return the stemmed words of `text`; snake_case and kebab-case split into words."""
    return [stem(w) for w in _WORD.findall(text.lower())]


def fields(entry: Entry) -> Iterator[tuple[str, str]]:
    """Yield (field, text) pairs of everything a product can be found by."""
    yield "name", f"{entry.name} {entry.id}"
    yield "tags", " ".join(entry.tags)
    yield "domain", f"{entry.domain} {entry.team}"
    yield "tables", " ".join(entry.tables)
    yield "purpose", entry.purpose
    yield "descriptions", f"{entry.usage} {entry.limitations}"
    for port in entry.outputs:
        yield "columns", port.name
        yield "descriptions", port.description
        for column in port.columns:
            yield "columns", column.name
            yield "descriptions", column.description
    for table, columns in entry.read_columns.items():
        yield "columns", " ".join(f"{table} {c}" for c in columns)


@dataclass(frozen=True)
class Hit:
    """A product that matches, how well, and in which fields."""

    entry: Entry
    score: float
    matched: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """Return the hit as JSON-ready data."""
        return {**self.entry.to_json(), "score": round(self.score, 3), "matched": self.matched}


class SearchIndex:
    """Postings of word -> {product: weighted count}, with the fields each word was seen in."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for i, entry in enumerate(self.entries):
            for name, text in fields(entry):
                weight = WEIGHTS[name]
                for word in tokens(text):
                    posting = postings[word]
                    posting[i] = posting.get(i, 0.0) + weight
        self.postings = dict(postings)
        self.vocabulary = sorted(self.postings)
        total = max(len(self.entries), 1)
        self.idf = {w: math.log(1 + total / len(p)) for w, p in self.postings.items()}

    def _expand(self, word: str) -> list[tuple[str, float]]:
        """Return the indexed words a query word stands for: itself, else words it begins."""
        if word in self.postings:
            return [(word, 1.0)]
        if len(word) < 3:
            return []
        start = bisect_left(self.vocabulary, word)
        found = []
        for candidate in self.vocabulary[start : start + 50]:
            if not candidate.startswith(word):
                break
            found.append((candidate, PREFIX_FACTOR))
        return found

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        """Return up to `limit` products ranked by weighted, idf-scaled matches of the query."""
        words = list(dict.fromkeys(tokens(query)))
        scores: dict[int, float] = defaultdict(float)
        covered: dict[int, int] = defaultdict(int)
        for word in words:
            hit_by_word: set[int] = set()
            for term, factor in self._expand(word):
                idf = self.idf[term] * factor
                for doc, weight in self.postings[term].items():
                    # Diminishing returns: ten mentions are not ten times one.
                    scores[doc] += idf * (1 + math.log(weight))
                    hit_by_word.add(doc)
            for doc in hit_by_word:
                covered[doc] += 1
        ranked = []
        for doc, score in scores.items():
            entry = self.entries[doc]
            coverage = covered[doc] / len(words)
            final = score * (0.5 + 0.5 * coverage) * STATUS_FACTOR.get(entry.status, 1.0)
            ranked.append((final, entry.id, doc))
        ranked.sort(key=lambda r: (-r[0], r[1]))
        return [Hit(self.entries[d], s, self._matched(words, d)) for s, _, d in ranked[:limit]]

    def _matched(self, words: list[str], doc: int) -> tuple[str, ...]:
        """Return the fields, in weight order, where the query's words were found."""
        # Only shown hits need this: re-reading their fields beats storing it for every word.
        terms = {term for word in words for term, _ in self._expand(word)}
        found = {name for name, text in fields(self.entries[doc]) if terms & set(tokens(text))}
        return tuple(name for name in WEIGHTS if name in found)
