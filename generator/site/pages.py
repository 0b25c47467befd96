"""The pages generated from one policy: home, chapters, measures and glossary, in each language.

A :class:`PageSpec` is language-neutral (its path is the same under ``/`` and ``/en/``); the
:class:`Site` renders it for one language through the Jinja templates.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from jinja2 import Environment

import calc
from generator.data.crosscheck import profile_fields
from generator.data.model import Chapter, Input, Policy, ProfileSection

from .render import LANGS, UiTable, pick, strings
from .views import MeasureView, clause_ref, measure_view


@dataclass(frozen=True)
class PageSpec:
    key: str  # "home", "chapter:1", "measure:3.1", "glossary"
    path: str  # directory URL without the language prefix: "", "measures/3.1/"
    template: str
    title: dict[str, str]  # plain text per language (escaped where it is printed)
    description: dict[str, str]
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def src_uri(self) -> str:
        return f"{self.path}index.md"


def relative(target: str, current: str) -> str:
    """A link from the page at directory URL ``current`` to ``target`` (both site-relative)."""
    rel = posixpath.relpath(target or ".", current or ".")
    return "./" if rel == "." else rel + "/"


def chapter_label(chapter: Chapter, ui: dict[str, str], lang: str) -> str:
    return ui["chapter.label"].format(numeral=chapter.numeral, id=chapter.id,
                                      title=pick(chapter.title, lang))


class Site:
    """Everything the templates need about one policy, computed once per build."""

    def __init__(self, policy: Policy, catalog: calc.Catalog, today: dt.date, ui: UiTable,
                 env: Environment) -> None:
        self.policy = policy
        self.env = env
        self.today = today
        self.ui = {lang: strings(ui, lang) for lang in LANGS}
        self.views = [measure_view(policy, m, catalog, today) for m in policy.measures]
        self.chapters = [(ch, [v for v in self.views if v.measure.chapter == ch.id])
                         for ch in policy.document.chapters]
        self.specs = self._specs()

    def _specs(self) -> list[PageSpec]:
        doc = self.policy.document
        ui = self.ui

        specs = [PageSpec("home", "", "home.md", {lang: pick(doc.title, lang) for lang in LANGS},
                          {lang: ui[lang]["site.description"] for lang in LANGS})]
        for chapter, views in self.chapters:
            labels = {lang: chapter_label(chapter, ui[lang], lang) for lang in LANGS}
            listed = {lang: ui[lang]["list.sep"].join(
                f"{v.measure.id} {pick(v.measure.title, lang)}" for v in views) for lang in LANGS}
            specs.append(PageSpec(
                f"chapter:{chapter.id}", f"chapters/{chapter.id}/", "chapter.md", labels,
                {lang: f"{labels[lang]} — {listed[lang]}" for lang in LANGS},
                {"chapter": chapter, "measures": views}))
        for view in self.views:
            m = view.measure
            specs.append(PageSpec(
                f"measure:{m.id}", view.path, "measure.md",
                {lang: f"{m.id} {pick(m.title, lang)}" for lang in LANGS},
                {lang: pick(m.summary, lang) for lang in LANGS},
                {"measure": m, "view": view}))
        if self.policy.profile is not None:
            specs.insert(1, self._selfcheck())
        specs.append(PageSpec("glossary", "glossary/", "glossary.md",
                              {lang: ui[lang]["nav.glossary"] for lang in LANGS},
                              {lang: ui[lang]["glossary.lead"] for lang in LANGS}))
        return specs

    def _selfcheck(self) -> PageSpec:
        """The self-check form: each profile section with its fields' definitions."""
        profile = self.policy.profile
        assert profile is not None
        defined = profile_fields(profile, self.policy.measures)
        sections: list[tuple[ProfileSection, list[Input]]] = [
            (s, [defined[f] for f in s.fields]) for s in profile.sections]
        return PageSpec("selfcheck", "self-check/", "selfcheck.md",
                        {lang: self.ui[lang]["nav.selfcheck"] for lang in LANGS},
                        {lang: self.ui[lang]["sc.description"] for lang in LANGS},
                        {"sections": sections})

    def spec(self, key: str) -> PageSpec:
        return next(s for s in self.specs if s.key == key)

    def context(self, lang: str, path: str) -> dict[str, Any]:
        """What every template sees; ``link`` makes site paths relative to this page."""
        ui = self.ui[lang]

        def link(target: str, anchor: str = "") -> str:
            return relative(target, path) + (f"#{anchor}" if anchor else "")

        return {
            "lang": lang,
            "ui": ui,
            "t": lambda value: pick(value, lang),
            "link": link,
            "policy": self.policy,
            "document": self.policy.document,
            "views": self.views,
            "chapters": self.chapters,
            "chapter_label": lambda c: chapter_label(c, ui, lang),
            "ref": lambda r, own=None, en=None: clause_ref(r, lang, own, en),
            "terms_users": self.term_users,
            "this_year": self.today.year,  # a form's date starts as today (the script follows it)
        }

    @cached_property  # once per build: every page's context holds it
    def term_users(self) -> dict[str, list[MeasureView]]:
        return {t.id: [v for v in self.views if t.id in v.measure.glossary]
                for t in self.policy.glossary.terms}

    def render(self, spec: PageSpec, lang: str) -> str:
        context = {**self.context(lang, spec.path), **spec.context, "page_title": spec.title[lang]}
        return self.env.get_template(spec.template).render(context)

    def render_doc(self, markdown: str, lang: str, path: str,
                   extra: dict[str, Any] | None = None) -> str:
        """A hand-written page is a template too, so its numbers come from the data."""
        template = self.env.from_string(markdown)
        return template.render({**self.context(lang, path), **(extra or {})})
