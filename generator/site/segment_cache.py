"""Chinese word segmentation for the search index, kept between builds.

Material's search plugin segments every run of Han characters with ``jieba.cut`` at build time.
Starting jieba costs ≈ 0.7 s (it unmarshals a 350,000-word dictionary) and segmenting the site
≈ 0.4 s, about a third of a build. The same texts come back on every rebuild, so this module
stands in for the ``jieba`` module inside Material's plugin: ``cut`` answers from a JSON cache
keyed by the text, and jieba starts, with the glossary as its user dictionary, only on a miss.

The cache file is named by jieba's version and the user dictionary's content, so a new glossary
term or a new jieba starts a fresh cache; its tokens are exactly what jieba returned. The file
carries the hash of its contents (generator/cache_check.py): a damaged file is dropped with one
warning and the texts are segmented afresh; an unwritable cache folder only costs the speed-up.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jieba

from generator import cache_check

CACHE = cache_check.folder("qz-segments")


class CachedSegmenter:
    """The part of jieba's module interface Material uses: truthiness and ``cut``."""

    def __init__(self, user_dict: Path, folder: Path = CACHE) -> None:
        self.user_dict = user_dict
        words = user_dict.read_bytes()
        # cache_check.MAGIC in the key: a file of an older format is never read as this one.
        key = hashlib.sha256(cache_check.MAGIC + jieba.__version__.encode() + b"\0"
                             + words).hexdigest()[:16]
        self.path = folder / f"jieba-{key}.json"
        self.known: dict[str, list[str]] = self._read()
        self.used: dict[str, list[str]] = {}
        self.misses = 0
        self._started = False

    def cut(self, sentence: str | bytes, *args: Any, **kwargs: Any) -> Iterator[str]:
        if args or kwargs:  # another mode than Material's default: not what the cache holds
            self._start()
            return iter(list(jieba.cut(sentence, *args, **kwargs)))
        text = sentence.decode("utf-8") if isinstance(sentence, bytes) else sentence
        tokens = self.known.get(text)
        if tokens is None or "".join(tokens) != text:  # a damaged entry counts as a miss
            self._start()
            tokens = list(jieba.cut(text))
            self.misses += 1
        self.used[text] = tokens
        return iter(tokens)

    def save(self) -> bool:
        """Write what this build used (so texts no longer on the site drop out); True if the
        file changed."""
        if not self.used or self.used.keys() == self.known.keys():
            return False
        data = json.dumps(self.used, ensure_ascii=False, separators=(",", ":"))
        written = cache_check.write(self.path, data.encode("utf-8"))
        self.known = dict(self.used)
        return written

    def _start(self) -> None:
        if not self._started:
            logging.getLogger("jieba").setLevel(logging.WARNING)
            with self.user_dict.open("rb") as words:  # jieba leaves a path's file open
                jieba.load_userdict(words)
            self._started = True

    def _read(self) -> dict[str, list[str]]:
        payload = cache_check.read(self.path)  # None: absent or damaged (then reported)
        if payload is None:
            return {}
        try:
            data = json.loads(payload.decode("utf-8"))
        except ValueError:  # verified, so written by another version of this module
            return {}
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items()
                if isinstance(k, str) and isinstance(v, list)
                and all(isinstance(t, str) for t in v)}


def install(segmenter: CachedSegmenter) -> bool:
    """Put ``segmenter`` where Material's search plugin looks for jieba; False if that plugin
    has no jieba (then it does not segment at all)."""
    from material.plugins.search import plugin as material_search

    if getattr(material_search, "jieba", None) is None:
        return False
    material_search.jieba = segmenter
    return True
