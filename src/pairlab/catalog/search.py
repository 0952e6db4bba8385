"""Rank products for a query: an inverted index over weighted fields, built once per catalog."""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pairlab.catalog.entry import Entry

# Where a word appears says how much it tells: a name beats a passing mention in a description.
WEIGHTS = {
    "name": 4.0,
    "synonyms": 4.0,  # ODPS v1.1.0: another name people call the product or a port by
    "tags": 3.0,
    "domain": 3.0,
    "tables": 3.0,
    "columns": 2.0,
    "purpose": 2.0,
    "descriptions": 1.0,
}
# A deprecated or retired product still shows, below a live one that matches as well.
STATUS_FACTOR = {"deprecated": 0.5, "retired": 0.3}
# ODPS v1.1.0's `deprecated`: a deprecated product ranks as status deprecated does; what only a
# deprecated port matches counts half.
DEPRECATED_FACTOR = STATUS_FACTOR["deprecated"]
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
    for name, text, _ in weighted_fields(entry):
        yield name, text


def weighted_fields(entry: Entry) -> Iterator[tuple[str, str, float]]:
    """Yield (field, text, factor): a deprecated port's own fields count at a lower factor."""
    yield "name", f"{entry.name} {entry.id}", 1.0
    yield "synonyms", " ".join(entry.synonyms), 1.0
    for port in entry.outputs:
        factor = DEPRECATED_FACTOR if port.deprecated else 1.0
        yield "synonyms", " ".join(port.synonyms), factor
        yield "columns", port.name, factor
        yield "descriptions", port.description, factor
        for column in port.columns:
            yield "columns", column.name, factor
            yield "descriptions", column.description, factor
    for name, text in _product_fields(entry):
        yield name, text, 1.0


def _product_fields(entry: Entry) -> Iterator[tuple[str, str]]:
    """Yield the product-level fields beyond its names."""
    yield "tags", " ".join(entry.tags)
    yield "domain", f"{entry.domain} {entry.team}"
    yield "tables", " ".join(entry.tables)
    yield "purpose", entry.purpose
    yield "descriptions", f"{entry.usage} {entry.limitations}"
    for table, columns in entry.read_columns.items():
        yield "columns", " ".join(f"{table} {c}" for c in columns)


def _rank_factor(entry: Entry) -> float:
    """Return how much a product's matches count: less when deprecated or retired."""
    factor = STATUS_FACTOR.get(entry.status, 1.0)
    return min(factor, DEPRECATED_FACTOR) if entry.deprecated else factor


@dataclass(frozen=True)
class Hit:
    """A product that matches, how well, and in which fields."""

    entry: Entry
    score: float
    matched: tuple[str, ...]

    @property
    def deprecated(self) -> bool:
        """Return whether the product is deprecated (ODPS `deprecated`, or its status)."""
        return self.entry.deprecated or self.entry.status == "deprecated"

    def to_json(self) -> dict[str, Any]:
        """Return the hit as JSON-ready data."""
        data = {**self.entry.to_json(), "score": round(self.score, 3), "matched": self.matched}
        data["deprecated"] = self.deprecated
        return data


class SearchIndex:
    """Postings of word -> (products, weights) as arrays, so a query is a few vector sums.

    All postings live in three arrays (compressed rows: `offsets[i]:offsets[i + 1]` of `docs`
    and `weights` belong to `vocabulary[i]`), which the kept index stores and loads as they are.
    """

    def __init__(self, entries: Sequence[Entry], arrays: dict[str, Any] | None = None) -> None:
        self.entries = entries
        ids = getattr(entries, "ids", None)  # kept entries know their ids without decoding
        self.ids: list[str] = list(ids) if ids is not None else [e.id for e in entries]
        if arrays is None:
            arrays = self.build(entries)
        self.vocabulary: list[str] = list(arrays["vocabulary"])
        self.offsets: np.ndarray = arrays["offsets"]
        self.docs: np.ndarray = arrays["docs"]
        self.weights: np.ndarray = arrays["weights"]
        self.status: np.ndarray = arrays["status"]
        self.rows = {word: i for i, word in enumerate(self.vocabulary)}

    @staticmethod
    def build(entries: Sequence[Entry]) -> dict[str, Any]:
        """Return the postings of `entries` as arrays, words in sorted order."""
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for i, entry in enumerate(entries):
            for name, text, factor in weighted_fields(entry):
                weight = WEIGHTS[name] * factor
                for word in tokens(text):
                    posting = postings[word]
                    posting[i] = posting.get(i, 0.0) + weight
        total = max(len(entries), 1)
        vocabulary = sorted(postings)
        sizes = np.fromiter((len(postings[w]) for w in vocabulary), np.int64, len(vocabulary))
        offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        docs = np.empty(int(offsets[-1]), dtype=np.int32)
        weights = np.empty(int(offsets[-1]), dtype=np.float64)
        for row, word in enumerate(vocabulary):
            posting = postings[word]
            start, stop = offsets[row], offsets[row + 1]
            docs[start:stop] = np.fromiter(posting.keys(), np.int32, len(posting))
            # Diminishing returns (ten mentions are not ten times one), scaled by rarity.
            idf = math.log(1 + total / len(posting))
            raw = np.fromiter(posting.values(), np.float64, len(posting))
            weights[start:stop] = idf * (1 + np.log(raw))
        status = np.array([_rank_factor(e) for e in entries], dtype=np.float64)
        return {
            "vocabulary": vocabulary,
            "offsets": offsets,
            "docs": docs,
            "weights": weights,
            "status": status,
        }

    def arrays(self) -> dict[str, Any]:
        """Return what `SearchIndex(entries, arrays)` needs to stand up again without building."""
        return {
            "vocabulary": self.vocabulary,
            "offsets": self.offsets,
            "docs": self.docs,
            "weights": self.weights,
            "status": self.status,
        }

    def _posting(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the products and weights of an indexed word."""
        row = self.rows[word]
        start, stop = self.offsets[row], self.offsets[row + 1]
        return self.docs[start:stop], self.weights[start:stop]

    def _expand(self, word: str) -> list[tuple[str, float]]:
        """Return the indexed words a query word stands for: itself, else words it begins."""
        if word in self.rows:
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

    def _scores(self, words: list[str]) -> np.ndarray:
        """Return every product's score: weighted matches times coverage of the query."""
        size = len(self.entries)
        scores = np.zeros(size)
        covered = np.zeros(size)
        for word in words:
            hit = np.zeros(size, dtype=bool)
            for term, factor in self._expand(word):
                docs, weights = self._posting(term)
                scores[docs] += factor * weights  # a product appears once per posting
                hit[docs] = True
            covered += hit
        # Products that match more of the query's words rank higher.
        ranked: np.ndarray = scores * (0.5 + 0.5 * covered / max(len(words), 1)) * self.status
        return ranked

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        """Return up to `limit` products ranked by weighted, idf-scaled matches of the query."""
        words = list(dict.fromkeys(tokens(query)))
        if not words or not self.entries or limit < 1:
            return []
        scores = self._scores(words)
        matched = np.flatnonzero(scores > 0)
        if len(matched) > limit:
            cut = np.partition(scores[matched], -limit)[-limit]
            matched = matched[scores[matched] >= cut]  # ties at the cut all stay for the id order
        ranked = sorted(matched.tolist(), key=lambda d: (-scores[d], self.ids[d]))
        return [
            Hit(self.entries[d], float(scores[d]), self._matched(words, d)) for d in ranked[:limit]
        ]

    def _matched(self, words: list[str], doc: int) -> tuple[str, ...]:
        """Return the fields, in weight order, where the query's words were found."""
        # Only shown hits need this: re-reading their fields beats storing it for every word.
        terms = {term for word in words for term, _ in self._expand(word)}
        found = {name for name, text in fields(self.entries[doc]) if terms & set(tokens(text))}
        return tuple(name for name in WEIGHTS if name in found)
