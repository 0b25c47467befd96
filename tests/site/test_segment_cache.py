"""The cached segmenter gives the search index exactly jieba's tokens, with the glossary words
kept whole, and a second build answers from the cache without starting jieba."""

from __future__ import annotations

import json
from pathlib import Path

import jieba
import pytest

from generator.segment_cache import CachedSegmenter

TEXT = "按照就高不重复原则给予首轮流片费用奖励"


@pytest.fixture
def user_dict(tmp_path: Path) -> Path:
    path = tmp_path / "words.txt"
    path.write_text("就高不重复\n流片\n", encoding="utf-8")
    return path


def test_a_miss_segments_with_the_user_dictionary_and_is_saved(user_dict: Path,
                                                               tmp_path: Path) -> None:
    first = CachedSegmenter(user_dict, tmp_path / "cache")
    tokens = list(first.cut(TEXT.encode("utf-8")))  # Material passes bytes
    assert "就高不重复" in tokens and "流片" in tokens
    assert tokens == list(jieba.cut(TEXT))
    assert first.misses == 1
    assert first.save() is True
    assert json.loads(first.path.read_text(encoding="utf-8")) == {TEXT: tokens}
    assert first.save() is False  # nothing new: the file is not rewritten


def test_a_second_build_answers_from_the_cache_without_jieba(user_dict: Path,
                                                             tmp_path: Path) -> None:
    first = CachedSegmenter(user_dict, tmp_path / "cache")
    expected = list(first.cut(TEXT))
    first.save()
    second = CachedSegmenter(user_dict, tmp_path / "cache")
    assert list(second.cut(TEXT)) == expected
    assert second.misses == 0 and not second._started


def test_texts_no_longer_used_drop_out_of_the_cache(user_dict: Path, tmp_path: Path) -> None:
    first = CachedSegmenter(user_dict, tmp_path / "cache")
    first.cut("首轮流片")
    first.cut("算力券")
    first.save()
    second = CachedSegmenter(user_dict, tmp_path / "cache")
    second.cut("首轮流片")
    assert second.save() is True
    assert set(json.loads(second.path.read_text(encoding="utf-8"))) == {"首轮流片"}


def test_a_new_glossary_word_or_a_damaged_entry_means_segmenting_afresh(
        user_dict: Path, tmp_path: Path) -> None:
    first = CachedSegmenter(user_dict, tmp_path / "cache")
    first.cut(TEXT)
    first.save()
    user_dict.write_text("就高不重复\n流片\n算力券\n", encoding="utf-8")
    assert CachedSegmenter(user_dict, tmp_path / "cache").path != first.path

    first.path.write_text(json.dumps({TEXT: ["wrong"]}), encoding="utf-8")
    user_dict.write_text("就高不重复\n流片\n", encoding="utf-8")
    damaged = CachedSegmenter(user_dict, tmp_path / "cache")
    assert damaged.path == first.path
    assert "".join(damaged.cut(TEXT)) == TEXT and damaged.misses == 1

    first.path.write_text("{not json", encoding="utf-8")
    assert CachedSegmenter(user_dict, tmp_path / "cache").known == {}
