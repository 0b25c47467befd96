"""Our generated pages made to look like mkdocs-static-i18n's own files (static-i18n 1.3.1).

Why no public hook fits: static-i18n has no API for another plugin's pages. It localizes files in
its own ``on_files`` (priority -100) by rebuilding each one as ``File(src_path, docs_dir, …)``
(``suffix.create_i18n_file``), which reads the page from ``docs_dir``: a page made with
``File.generated`` loses its content there (FileNotFoundError). So qz-policy adds its pages after
it (-110) and sets by hand the attributes static-i18n reads from its files: ``alternates`` (the
language switch), ``locale``, ``locale_alternate_of``, ``localization``, ``norm_src_uri``, and its
``i18n_files_per_language`` (the sitemap's list). These two functions are the only places that
touch its internals; an upgrade that renames one fails tests/site/test_pages.py (language links).
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files


def mark_localized(file: File, twins: dict[str, File], lang: str, default: str,
                   norm_src_uri: str) -> None:
    """What static-i18n sets on each of its files (``suffix.create_i18n_file``): the page in
    every language (``twins``, this file included), its language and its language-neutral path."""
    page: Any = file  # static-i18n's attributes are not declared on File
    page.alternates = twins
    page.locale = lang
    page.locale_alternate_of = lang
    page.localization = None if lang == default else lang
    page.norm_src_uri = norm_src_uri


def list_in_sitemap(config: MkDocsConfig, lang: str, files: Files) -> None:
    """The pages of this language, generated ones included, in static-i18n's sitemap list."""
    i18n = config.plugins.get("i18n")
    if i18n is not None:
        i18n.i18n_files_per_language[lang] = files.documentation_pages()
