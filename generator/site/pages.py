"""The pages generated from the policy documents: each document's home, chapters, measures and
glossary, the documents index and the self-check, in each language.

Every document has its own place: the root document (``default: true``) at the site's root,
where its pages have always been, and each other one under ``documents/<id>/``. A
:class:`PageSpec` is language-neutral (its path is the same under ``/`` and ``/en/``); the
:class:`Site` renders it for one language through the Jinja templates.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from jinja2 import Environment

import calc
from generator.data.crosscheck import profile_fields
from generator.data.link_keys import link_keys
from generator.data.model import (
    Chapter,
    I18n,
    Input,
    Measure,
    Policy,
    ProfileSection,
    Replacement,
)

from .render import LANGS, UiTable, pick, strings
from .views import MeasureView, Status, clause_ref, measure_view, status_of

DOCUMENTS = "documents/"  # the index of every document; each other document below it


@dataclass(frozen=True)
class PageSpec:
    key: str  # "home", "chapter:1", "measure:3.1", "glossary"; "<doc>:…" for other documents
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


@dataclass(frozen=True)
class Change:
    """One row of an amendment's "what changed" table, as calc merged it."""

    measure: MeasureView | None
    measure_id: str
    parameter: str | None  # None: the end of the measure's window
    before: str | Decimal | dt.date  # as stated before (a figure or a date)
    after: str | Decimal | dt.date
    rate: bool
    start: dt.date
    ref: str
    ref_en: str
    text: I18n


@dataclass
class DocumentSite:
    """One document's part of the site: its place, status, relations and measure views."""

    policy: Policy
    prefix: str  # "" for the root document, "documents/<id>/" for the others
    status: Status
    views: list[MeasureView]
    # each document it replaces: the relation, its title, number and site path (None: not in
    # policy_data/, named only as the clause names it)
    replaces: list[tuple[Replacement, I18n, str, str | None]] = field(default_factory=list)
    amends: DocumentSite | None = None
    changes: list[Change] = field(default_factory=list)
    amended_by: list[DocumentSite] = field(default_factory=list)
    # measure id → each measure of another document that adds to it, with its document
    supplemented_by: dict[str, list[tuple[DocumentSite, MeasureView]]] = field(
        default_factory=dict)

    @property
    def document(self) -> Any:
        return self.policy.document

    @property
    def id(self) -> str:
        return str(self.policy.document.id)

    @property
    def root(self) -> bool:
        return self.prefix == ""

    def key(self, page: str) -> str:
        return page if self.root else f"{self.id}:{page}"

    @cached_property
    def chapters(self) -> list[tuple[Chapter, list[MeasureView]]]:
        return [(ch, [v for v in self.views if v.measure.chapter == ch.id])
                for ch in self.policy.document.chapters]

    def view(self, measure_id: str) -> MeasureView | None:
        return next((v for v in self.views if v.measure.id == measure_id), None)


def _place(policy: Policy) -> str:
    return "" if policy.document.default else f"{DOCUMENTS}{policy.document.id}/"


def documents(policies: list[Policy], catalog: calc.Catalog,
              today: dt.date) -> list[DocumentSite]:
    """Every document's part of the site, root first, with their relations resolved by id."""
    ordered = sorted(policies, key=lambda p: (not p.document.default, p.document.id))
    places = {p.document.id: _place(p) for p in ordered}
    titles = {p.document.id: p.document.title for p in ordered}

    def successor(doc_id: str) -> tuple[str, I18n, str] | None:
        new = catalog.replaced_by.get(doc_id)
        return (new, titles[new], places[new]) if new else None

    sites = {}
    for p in ordered:
        after = successor(p.document.id)
        views = [measure_view(p, m, catalog, today, places[p.document.id], after)
                 for m in p.measures]
        sites[p.document.id] = DocumentSite(
            p, places[p.document.id],
            status_of(catalog.docs[p.document.id].window, today, after), views,
            [(r, titles[r.document], str(catalog.docs[r.document].number), places[r.document])
             if r.document else (r, r.title or r.text, str(r.number), None)
             for r in p.document.replaces])
    for site in sites.values():
        amends = site.document.amends
        if amends is not None:
            target = sites[amends.document]
            site.amends = target
            target.amended_by.append(site)
            site.changes = [_change(target, c) for c in amends.changes]
        for view in site.views:
            relation = view.measure.supplements
            if relation is not None:
                target_view = sites[relation.document].view(relation.measure)
                if target_view is not None:
                    sites[relation.document].supplemented_by.setdefault(
                        relation.measure, []).append((site, view))
    return list(sites.values())


def _change(target: DocumentSite, change: Any) -> Change:
    view = target.view(change.measure)
    measure: Measure | None = view.measure if view else None
    if change.parameter is None:
        before: str | Decimal | dt.date = view.window.end if view else change.end
        return Change(view, change.measure, None, before, change.end, False, change.start,
                      change.ref, change.ref_en, change.text)
    parameter = measure.parameters.get(change.parameter) if measure else None
    rate = bool(parameter and parameter.is_rate)
    return Change(view, change.measure, change.parameter,
                  parameter.number if parameter else "", _figure(change.value), rate,
                  change.start, change.ref, change.ref_en, change.text)


def _figure(value: str) -> Decimal:
    return Decimal(value[:-1]) / 100 if value.endswith("%") else Decimal(value)


class Site:
    """Everything the templates need about the documents, computed once per build."""

    def __init__(self, policies: list[Policy], catalog: calc.Catalog, today: dt.date,
                 ui: UiTable, env: Environment) -> None:
        self.env = env
        self.today = today
        self.ui = {lang: strings(ui, lang) for lang in LANGS}
        self.docs = documents(policies, catalog, today)
        self.root = self.docs[0]
        self.policy = self.root.policy  # the root document (its profile is the self-check's)
        self.views = [v for d in self.docs for v in d.views]
        self.specs = self._specs()

    def _specs(self) -> list[PageSpec]:
        specs: list[PageSpec] = []
        for doc in self.docs:
            specs += self._document_specs(doc)
        if self.policy.profile is not None:
            specs.insert(1, self._selfcheck())
        ui = self.ui
        specs.append(PageSpec("documents", DOCUMENTS, "documents.md",
                              {lang: ui[lang]["nav.documents"] for lang in LANGS},
                              {lang: ui[lang]["documents.lead"] for lang in LANGS},
                              {"doc": self.root}))
        return specs

    def _document_specs(self, doc: DocumentSite) -> list[PageSpec]:
        """A document's home, chapters, measures and glossary (if it has terms or is the root)."""
        ui, document = self.ui, doc.document
        home_title = {lang: pick(document.title, lang) for lang in LANGS}
        describe = {lang: ui[lang]["site.description"] if doc.root else
                    f"{document.number} {home_title[lang]}" for lang in LANGS}
        specs = [PageSpec(doc.key("home"), doc.prefix, "home.md", home_title, describe,
                          {"doc": doc})]
        for chapter, views in doc.chapters:
            labels = {lang: chapter_label(chapter, ui[lang], lang) for lang in LANGS}
            listed = {lang: ui[lang]["list.sep"].join(
                f"{v.measure.id} {pick(v.measure.title, lang)}" for v in views) for lang in LANGS}
            specs.append(PageSpec(
                doc.key(f"chapter:{chapter.id}"), f"{doc.prefix}chapters/{chapter.id}/",
                "chapter.md", labels, {lang: f"{labels[lang]} — {listed[lang]}" for lang in LANGS},
                {"chapter": chapter, "measures": views, "doc": doc}))
        for view in doc.views:
            m = view.measure
            specs.append(PageSpec(
                doc.key(f"measure:{m.id}"), view.path, "measure.md",
                {lang: f"{m.id} {pick(m.title, lang)}" for lang in LANGS},
                {lang: pick(m.summary, lang) for lang in LANGS},
                {"measure": m, "view": view, "doc": doc}))
        if doc.root or doc.policy.glossary.terms:
            specs.append(PageSpec(doc.key("glossary"), f"{doc.prefix}glossary/", "glossary.md",
                                  {lang: ui[lang]["nav.glossary"] for lang in LANGS},
                                  {lang: ui[lang]["glossary.lead"] for lang in LANGS},
                                  {"doc": doc}))
        return specs

    def _selfcheck(self) -> PageSpec:
        """The self-check form: each profile section with its fields' definitions (the root
        document's profile, its fields defined by the inputs of every document's measures),
        and their short names in share links."""
        profile = self.policy.profile
        assert profile is not None
        defined = profile_fields(profile, [v.measure for v in self.views])
        sections: list[tuple[ProfileSection, list[Input]]] = [
            (s, [defined[f] for f in s.fields]) for s in profile.sections]
        return PageSpec("selfcheck", "self-check/", "selfcheck.md",
                        {lang: self.ui[lang]["nav.selfcheck"] for lang in LANGS},
                        {lang: self.ui[lang]["sc.description"] for lang in LANGS},
                        {"sections": sections, "doc": self.root, "keys": link_keys(defined)})

    def place(self, doc_id: str) -> str:
        """A document's site path: "" for the root document, documents/<id>/ for the others."""
        return next(d.prefix for d in self.docs if d.id == doc_id)

    def spec(self, key: str) -> PageSpec:
        return next(s for s in self.specs if s.key == key)

    def context(self, lang: str, path: str, doc: DocumentSite | None = None) -> dict[str, Any]:
        """What every template sees; ``link`` makes site paths relative to this page, ``here``
        makes a path of the page's document (``glossary/``) relative to it."""
        ui = self.ui[lang]
        doc = doc or self.root

        def link(target: str, anchor: str = "") -> str:
            return relative(target, path) + (f"#{anchor}" if anchor else "")

        return {
            "lang": lang,
            "ui": ui,
            "t": lambda value: pick(value, lang),
            "link": link,
            "here": lambda target, anchor="": link(doc.prefix + target, anchor),
            "doc": doc,
            "docs": self.docs,
            "policy": doc.policy,
            "document": doc.document,
            "views": doc.views,
            "all_views": self.views,
            "chapters": doc.chapters,
            "chapter_label": lambda c: chapter_label(c, ui, lang),
            "ref": lambda r, own=None, en=None: clause_ref(r, lang, own, en),
            "document_link": lambda doc_id: link(self.place(doc_id)),
            # an editor's message as the check prints it: English / Chinese (calc's table)
            "message": lambda code, **values: " / ".join(
                calc.bilingual(code, **values)[key] for key in ("en", "zh")),
            "terms_users": self.term_users(doc),
            "this_year": self.today.year,  # a form's date starts as today (the script follows it)
        }

    def term_users(self, doc: DocumentSite) -> dict[str, list[MeasureView]]:
        return self._term_users[doc.id]

    @cached_property  # once per build: every page's context holds it
    def _term_users(self) -> dict[str, dict[str, list[MeasureView]]]:
        return {d.id: {t.id: [v for v in d.views if t.id in v.measure.glossary]
                       for t in d.policy.glossary.terms} for d in self.docs}

    def render(self, spec: PageSpec, lang: str) -> str:
        context = {**self.context(lang, spec.path, spec.context.get("doc")), **spec.context,
                   "page_title": spec.title[lang]}
        return self.env.get_template(spec.template).render(context)

    def render_doc(self, markdown: str, lang: str, path: str,
                   extra: dict[str, Any] | None = None) -> str:
        """A hand-written page is a template too, so its numbers come from the data."""
        template = self.env.from_string(markdown)
        return template.render({**self.context(lang, path), **(extra or {})})
