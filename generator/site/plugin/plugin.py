"""MkDocs plugin: validate ``policy_data/`` and generate the site's pages from it at build time.

Order of events (static-i18n builds the default language, then each other one in post_build):
- ``on_config`` (before anything is cleaned or written): load and validate the data — a mistake
  aborts the build with the loader's report and leaves ``site/`` as it was — compute the worked
  examples, write the jieba user dictionary and put the cached segmenter in Material's search
  plugin (generator/site/segment_cache.py), add the theme overrides.
- ``on_files`` (after static-i18n sorted the hand-written pages): add this language's generated
  pages and the navigation.
- ``on_page_markdown``: hand-written pages are templates too; titles and descriptions are escaped
  because Material prints them without escaping.
- ``on_serve``: reload when a YAML file, a template or a UI string changes.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

import calc
from generator.data import examples, open_data
from generator.data.bundle import bundle
from generator.data.load import DataError, load_all
from generator.data.model import Policy
from generator.site import (
    calendar_files,
    editors,
    lang_marks,
    search_dict,
    search_keywords,
    segment_cache,
)
from generator.site.pages import DocumentSite, PageSpec, Site
from generator.site.plugin import static_i18n
from generator.site.plugin.config import PolicyConfig
from generator.site.render import (
    LANGS,
    TEMPLATES,
    bytecode_cache,
    environment,
    load_ui,
)

log = get_plugin_logger(__name__)

THEME = Path(__file__).resolve().parents[1] / "theme"
# Hand-written pages (docs/<name>.md and docs/<name>.en.md), in navigation order.
DOC_PAGES = (("how-to-apply.md", "nav.how_to_apply"), ("for-editors.md", "nav.for_editors"))


class PolicyPlugin(BasePlugin[PolicyConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.site: Site | None = None
        self.policies: list[Policy] = []
        self.editor_demo = ""
        self.amend_demo = ("", "", "")
        self.generated: dict[str, PageSpec] = {}
        self.dict_dir = Path(tempfile.gettempdir()) / "qz-policy-search"
        self.segmenter: segment_cache.CachedSegmenter | None = None

    # ------------------------------------------------------------ config: load and validate

    @event_priority(100)  # before the search plugin's on_config
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.site is None:
            self.site = self._load(Path(self.config.policy_data))
        lang, _ = self._languages(config)
        config.site_name = self.site.ui[lang]["site.name"]
        config.site_description = self.site.ui[lang]["site.description"]
        # The theme's notice that a new build took over (main.html; qz-head.js shows it).
        config.extra["qz_update"] = {key: self.site.ui[lang][f"site.{key}"]
                                     for key in ("updated", "reload")}
        self._palette_names(config, lang)
        # The offer of the English pages, in English, on the pages of every other language.
        config.extra["qz_lang_offer"] = None if lang == "en" else {
            key: self.site.ui["en"][f"lang_offer.{key}"] for key in ("text", "link", "stay")}
        if str(THEME) not in config.theme.dirs:
            config.theme.dirs.insert(0, str(THEME))
        if not config.site_url:  # a sitemap needs absolute URLs: set site_url to get one
            config.theme.static_templates.discard("sitemap.xml")
        search = config.plugins.get("material/search") or config.plugins.get("search")
        if search is not None:  # aliases weigh in the ranking, unseen (search_keywords.py)
            search.config.fields.setdefault(search_keywords.FIELD,
                                            {"boost": search_keywords.FIELD_BOOST})
        if search is not None and self.segmenter is None:
            # Material would start jieba here with jieba_dict_user; the cached segmenter
            # starts it only for text it has not seen in an earlier build.
            path = search_dict.write(self.policies, self.dict_dir)
            self.segmenter = segment_cache.CachedSegmenter(path)
            segment_cache.install(self.segmenter)
        return config

    def _palette_names(self, config: MkDocsConfig, lang: str) -> None:
        """The colour toggle's words in this language: mkdocs.yml names each option by its
        string key (palette.auto, palette.light, palette.dark)."""
        ui = self._site().ui[lang]
        for option in config.theme.get("palette") or []:
            toggle = option.get("toggle") if isinstance(option, dict) else None
            if toggle:
                key = toggle.setdefault("key", toggle["name"])  # kept for the next language
                toggle["name"] = ui[key]

    def _load(self, data: Path) -> Site:
        try:
            ui = load_ui()
            self.policies = load_all(data)
        except DataError as error:
            raise PluginError(error.report()) from None
        wrong = examples.failures(self.policies, data)
        if wrong:  # a worked example must say what calc computes, or the page would contradict it
            raise PluginError("\n".join(wrong))
        policy = next((p for p in self.policies if p.document.default), self.policies[0])
        catalog = calc.Catalog(bundle(self.policies))
        # The day the pages' statuses are first shown for; each page carries every state with
        # its date, and the browser shows the one of the visitor's day (qz-status.js).
        today = dt.date.fromisoformat(str(self.config.today)) if self.config.today else \
            dt.date.today()
        self.editor_demo = editors.broken_example(data, policy)
        self.amend_demo = editors.unamended_example(data, policy)
        try:
            env = environment(TEMPLATES, cache=True)
        except jinja2.TemplateError as error:  # a rule kind without its page sentence
            raise PluginError(str(error)) from None
        site = Site(self.policies, catalog, today, ui, env)
        for view in site.views:  # a worked example calc refuses is a data mistake (strict: abort)
            for example in view.examples:
                if example.error is not None:
                    log.warning(f"{view.measure.id}: example “{example.name.zh}” cannot be "
                                f"computed: {example.error['en']} / {example.error['zh']}")
        log.info(f"{len(site.specs)} pages per language from {data}")
        return site

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig,
               files: Files) -> jinja2.Environment:
        env.bytecode_cache = bytecode_cache()  # the theme's templates, compiled once
        return env

    # ------------------------------------------------------------ files and navigation

    @event_priority(-110)  # after static-i18n (-100) chose this language's hand-written files
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        site = self._site()
        lang, default = self._languages(config)
        prefix = "" if lang == default else f"{lang}/"
        self.generated = {}
        for spec in site.specs:
            try:
                content = site.render(spec, lang)
            except jinja2.TemplateError as error:
                raise PluginError(f"{spec.template} ({spec.key}, {lang}): {error}") from None
            file = File.generated(config, spec.src_uri, content=content)
            file.dest_uri = f"{prefix}{spec.path}index.html"
            self._alternates(file, spec, lang, default, config)
            files.append(file)
            self.generated[spec.src_uri] = spec
        config.nav = self._nav(files, lang)
        stray = files.src_uris.get("sitemap.xml")  # static-i18n's template, copied as-is otherwise
        if stray is not None and not config.site_url:
            files.remove(stray)
        static_i18n.list_in_sitemap(config, lang, files)
        return files

    def _alternates(self, file: File, spec: PageSpec, lang: str, default: str,
                    config: MkDocsConfig) -> None:
        """The same page in each language, so the language switch keeps the page."""
        twins: dict[str, File] = {}
        for other in LANGS:
            twin = file if other == lang else File.generated(config, spec.src_uri, content="")
            if twin is not file:
                twin.dest_uri = f"{'' if other == default else other + '/'}{spec.path}index.html"
            twins[other] = twin
        static_i18n.mark_localized(file, twins, lang, default, spec.src_uri)

    def _nav(self, files: Files, lang: str) -> list[Any]:
        site = self._site()
        ui = site.ui[lang]

        def title(text: str) -> str:
            return str(escape(text))  # Material prints navigation titles unescaped

        home = site.spec("home")
        nav: list[Any] = [{title(ui["nav.home"]): home.src_uri}]
        selfcheck = next((s for s in site.specs if s.key == "selfcheck"), None)
        if selfcheck is not None:
            nav.append({title(selfcheck.title[lang]): selfcheck.src_uri})
        known = {s.src_uri for s in site.specs} | {name for name, _ in DOC_PAGES}
        for f in files.documentation_pages():  # any other hand-written page in docs/
            name = getattr(f, "norm_src_uri", f.src_uri)
            if name not in known:
                nav.append(name)
        nav += self._chapters(site.root, lang)
        nav.append({title(ui["nav.glossary"]): site.spec("glossary").src_uri})
        others: list[Any] = [site.spec("documents").src_uri]
        for doc in site.docs[1:]:  # each other document: its home, chapters and glossary
            home = site.spec(doc.key("home"))
            glossary = [s for s in site.specs if s.key == doc.key("glossary")]
            others.append({title(home.title[lang]): [
                home.src_uri, *self._chapters(doc, lang),
                *({title(ui["nav.glossary"]): g.src_uri} for g in glossary)]})
        nav.append({title(ui["nav.documents"]): others})
        for name, key in DOC_PAGES:
            if files.get_file_from_path(name) is not None:
                nav.append({title(ui[key]): name})
        return nav

    def _chapters(self, doc: DocumentSite, lang: str) -> list[Any]:
        """A document's chapters in the navigation, each with its measures."""
        site = self._site()
        found: list[Any] = []
        for chapter, views in doc.chapters:
            spec = site.spec(doc.key(f"chapter:{chapter.id}"))
            children: list[Any] = [spec.src_uri]
            for view in views:
                measure = site.spec(doc.key(f"measure:{view.measure.id}"))
                children.append({str(escape(measure.title[lang])): measure.src_uri})
            found.append({str(escape(spec.title[lang])): children})
        return found

    # ------------------------------------------------------------ pages

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        site = self._site()
        lang, default = self._languages(config)
        spec = self.generated.get(page.file.src_uri) if page.file.generated_by else None
        if spec is not None:
            if spec.key != "home":
                page.meta["title"] = spec.title[lang]
            page.meta["description"] = spec.description[lang]
            if spec.template == "measure.md":  # above the pages that merely mention its words
                page.meta["search"] = {"boost": search_keywords.MEASURE_BOOST}
        else:
            path = page.file.url.removeprefix("" if lang == default else f"{lang}/")
            try:
                markdown = site.render_doc(markdown, lang, "" if path == "./" else path,
                                           {"editor_demo": self.editor_demo,
                                            "amend_demo": self.amend_demo})
            except jinja2.TemplateError as error:
                raise PluginError(f"{page.file.src_uri}: {error}") from None
            page.meta.setdefault("description", site.ui[lang]["site.description"])
        for key in ("title", "description"):  # Material prints these without escaping
            if key in page.meta:
                page.meta[key] = str(escape(str(page.meta[key])))
        return markdown

    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        """Language links relative to the page (static-i18n gives the home pages "/" and
        "/en/", which break when the site is served below a path)."""
        alternates = getattr(page.file, "alternates", {})
        # static-i18n sets extra.alternate as an attribute, which is what Jinja reads first.
        for alternate in getattr(config.extra, "alternate", None) or []:
            twin = alternates.get(alternate.get("lang"))
            if twin is not None:
                alternate["link"] = twin.url
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """On a page in another language than Chinese, each run of Chinese text is marked
        lang="zh" (a screen reader then reads it in Chinese)."""
        lang, _ = self._languages(config)
        return output if lang == "zh" else lang_marks.mark_chinese(output)

    # ------------------------------------------------------------ serve

    @event_priority(-110)  # after static-i18n (-100) wrote the index; before precompress (-120)
    def on_post_build(self, config: MkDocsConfig) -> None:
        index = Path(config.site_dir) / "search" / "search_index.json"
        search_dict.prune_index(index)
        _, default = self._languages(config)
        prefixes = ["" if lang == default else f"{lang}/" for lang in LANGS]
        documents = [(d.prefix, d.policy) for d in self._site().docs]
        search_keywords.add(index, search_keywords.by_location(documents, prefixes))
        built = bundle(self.policies)
        open_data.publish(Path(config.site_dir), built, self.policies)
        calendar_files.publish(Path(config.site_dir), built,
                               {d.id: d.prefix for d in self._site().docs})
        if self.segmenter is not None:
            self.segmenter.save()

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig,
                 builder: Any) -> LiveReloadServer:
        for path in (self.config.policy_data, TEMPLATES, THEME):
            server.watch(str(path))
        return server

    # ------------------------------------------------------------ helpers

    def _site(self) -> Site:
        if self.site is None:  # pragma: no cover - on_config always runs first
            raise PluginError("qz-policy: the policy data was not loaded")
        return self.site

    @staticmethod
    def _languages(config: MkDocsConfig) -> tuple[str, str]:
        """(language being built, default language), from static-i18n; zh alone without it."""
        i18n = config.plugins.get("i18n")
        if i18n is None:
            return LANGS[0], LANGS[0]
        default = str(i18n.default_language)
        return str(i18n.current_language or default), default


__all__ = ["PolicyPlugin"]
