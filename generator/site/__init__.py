"""The MkDocs site: the qz-policy plugin, the pages and what they show, the Jinja templates, the
theme overrides, the UI strings and the search dictionary."""
