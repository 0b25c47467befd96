"""Jinja's file bytecode cache with every entry verified (generator/cache_check.py).

Jinja checks that a cached template was compiled from the same source, but not that the stored
code is intact: altered bytes that still unmarshal would run as the template. Here each file
carries the hash of its bytes; a damaged one is a miss (compiled again, one warning) and a
folder that cannot be written means compiling every build, never an exception.
"""

from __future__ import annotations

import io
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket

from generator import cache_check

# Not Jinja's "__jinja2_%s.cache": files of Jinja's own format are never read as these.
PATTERN = "qz-%s.jinja"


class VerifiedBytecodeCache(FileSystemBytecodeCache):
    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder), PATTERN)  # creates nothing: the folder is made on write

    def load_bytecode(self, bucket: Bucket) -> None:
        payload = cache_check.read(Path(self._get_cache_filename(bucket)))
        if payload is not None:
            bucket.load_bytecode(io.BytesIO(payload))  # checks the source's checksum too

    def dump_bytecode(self, bucket: Bucket) -> None:
        data = io.BytesIO()
        bucket.write_bytecode(data)
        cache_check.write(Path(self._get_cache_filename(bucket)), data.getvalue())
