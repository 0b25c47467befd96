"""The cached segmenter gives the search index exactly jieba's tokens, with the glossary words
kept whole, and a second build answers from the cache without starting jieba; a damaged cache
file is noticed (one warning) and segmented afresh, an unwritable one is built without."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import jieba
import pytest

from generator import cache_check
from generator.site.segment_cache import CachedSegmenter

TEXT = "按照就高不重复原则给予首轮流片费用奖励"


def stored(path: Path) -> object:
    payload = cache_check.unseal(path.read_bytes(), cache_check.key_of(path))
    assert payload is not None, f"{path} fails its own check"
    return json.loads(payload)


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
    assert stored(first.path) == {TEXT: tokens}
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
    assert set(stored(second.path)) == {"首轮流片"}


def test_a_new_glossary_word_means_segmenting_afresh(user_dict: Path, tmp_path: Path) -> None:
    first = CachedSegmenter(user_dict, tmp_path / "cache")
    first.cut(TEXT)
    first.save()
    user_dict.write_text("就高不重复\n流片\n算力券\n", encoding="utf-8")
    assert CachedSegmenter(user_dict, tmp_path / "cache").path != first.path


def damage_plausibly(path: Path) -> None:
    """Split one stored token in two, keeping valid JSON and the same text: a split no reader
    could tell from jieba's without the hash."""
    blob = path.read_bytes()
    assert '"就高不重复"'.encode() in blob
    path.write_bytes(blob.replace('"就高不重复"'.encode(), '"就高","不重复"'.encode(), 1))


@pytest.mark.parametrize("damage", [
    lambda path: path.write_bytes(path.read_bytes()[:-9]),  # truncated
    lambda path: path.write_text(json.dumps({TEXT: ["wrong"]}), encoding="utf-8"),  # replaced
    damage_plausibly,  # a token split differently, the text unchanged
], ids=["truncated", "replaced", "resplit"])
def test_a_damaged_cache_file_is_reported_once_and_segmented_afresh(
        user_dict: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, damage) -> None:
    first = CachedSegmenter(user_dict, tmp_path / "cache")
    expected = list(first.cut(TEXT))
    first.save()
    damage(first.path)
    with caplog.at_level(logging.WARNING, logger="qz.cache"):
        damaged = CachedSegmenter(user_dict, tmp_path / "cache")
        assert list(damaged.cut(TEXT)) == expected
    assert damaged.misses == 1
    warnings = [r.getMessage() for r in caplog.records if r.name == "qz.cache"]
    assert len(warnings) == 1 and str(first.path) in warnings[0] and "damaged" in warnings[0]
    assert damaged.save() is True  # repaired: the next build reads it without a warning
    assert stored(first.path) == {TEXT: expected}


def test_another_glossarys_cache_file_copied_in_its_place_is_reported_and_not_used(
        user_dict: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The file of an older glossary, restored under the current glossary's name: sealed and
    whole, but its tokens were cut with other words; it must not be read as this one."""
    older = tmp_path / "older.txt"
    older.write_text("流片\n", encoding="utf-8")
    first = CachedSegmenter(older, tmp_path / "cache")
    first.cut(TEXT)
    first.save()
    current = CachedSegmenter(user_dict, tmp_path / "cache")
    assert current.path != first.path
    current.path.write_bytes(first.path.read_bytes())
    with caplog.at_level(logging.WARNING, logger="qz.cache"):
        copied = CachedSegmenter(user_dict, tmp_path / "cache")
        copied.cut(TEXT)
    assert copied.misses == 1
    warnings = [r.getMessage() for r in caplog.records if r.name == "qz.cache"]
    assert len(warnings) == 1 and str(current.path) in warnings[0], warnings


def test_an_unwritable_cache_folder_costs_one_warning_never_an_exception(
        user_dict: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # Tests run as root, for whom chmod changes nothing: a file where the cache's parent folder
    # should be makes every write fail the same way (an OSError) as a read-only .cache.
    blocker = tmp_path / "dot-cache"
    blocker.write_text("not a folder", encoding="utf-8")
    cache_check.reset()
    with caplog.at_level(logging.WARNING, logger="qz.cache"):
        segmenter = CachedSegmenter(user_dict, blocker / "qz-segments")
        assert list(segmenter.cut(TEXT)) == list(jieba.cut(TEXT))
        assert segmenter.save() is False
        segmenter.cut("首轮流片")
        assert segmenter.save() is False
    warnings = [r.getMessage() for r in caplog.records if r.name == "qz.cache"]
    assert len(warnings) == 1 and "cannot write" in warnings[0]
    cache_check.reset()
