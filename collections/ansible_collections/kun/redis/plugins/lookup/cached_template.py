# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lookup plugin: the template lookup's rendering, reused while what it reads is unchanged."""
# Ansible's plugin layout puts DOCUMENTATION, EXAMPLES and RETURN before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
name: cached_template
author:
  - redis-kun operator developers (@redis-kun)
short_description: Render templates as ansible.builtin.template does, reusing the rendering of unchanged inputs
description:
  - Renders each template as the P(ansible.builtin.template#lookup) lookup does with its default options, and keeps
    the rendering on disk under a key of everything it depends on, as its syntax tree tells
    (plugin_utils/template_inputs.py). That is the template's source, the sources of the templates it imports or
    includes, the files it reads with the C(file) lookup, and the value of every variable they reference; and the
    versions of Ansible and Jinja and the sources of this collection's filters, which its filters and tests may be.
  - A later run with the same key returns the kept rendering without rendering again. The roles of this collection
    render a cluster's objects in every reconcile, mostly from inputs that have not changed since the last one.
  - A template whose rendering may depend on anything else (another lookup, C(now()), the C(template_*) variables or
    C(ansible_managed), a template name computed at render time, a filter or test of another collection) is rendered
    every time.
  - Renderings are stored in plain text. Never use it for a template that renders a secret.
options:
  _terms:
    description: Template files, found where P(ansible.builtin.template#lookup) finds them (the C(templates) folders).
    required: true
    type: list
    elements: str
  cache_dir:
    description: Where the renderings are kept. A folder that cannot be written to only means no rendering is reused.
    type: path
    default: ~/.cache/kun.redis/renderings
    env:
      - name: KUN_REDIS_RENDERING_CACHE
  max_entries:
    description: How many renderings are kept; the least recently used go first.
    type: int
    default: 2048
"""

EXAMPLES = r"""
- name: Render a cluster's objects, reusing the renderings of an earlier run
  ansible.builtin.set_fact:
    objects: >-
      {{ query('kun.redis.cached_template', 'services/master.yaml.j2', 'statefulsets/redis.yaml.j2')
         | map('ansible.builtin.from_yaml') }}
"""

RETURN = r"""
_raw:
  description: The rendering of each template, in the order given.
  type: list
  elements: str
"""

import os
from pathlib import Path

import jinja2
from ansible import constants
from ansible.module_utils.ansible_release import __version__ as ansible_version
from ansible.plugins.loader import lookup_loader
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display
from ansible_collections.kun.redis.plugins.plugin_utils.rendering_cache import (
    NotSerialisable,
    RenderingCache,
    rendering_key,
)
from ansible_collections.kun.redis.plugins.plugin_utils.template_inputs import impure_names, parse, template_inputs

display = Display()
KEY_FORMAT = 2  # bumped when what goes into a key changes
OWN_FILTERS = Path(__file__).resolve().parents[1] / "filter"  # kun.redis's, which a template may name without FQCN


class NotCacheable(Exception):
    """Why a template's rendering cannot be keyed on what it references."""


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        cache = RenderingCache(Path(self.get_option("cache_dir")), self.get_option("max_entries"))
        renderer = lookup_loader.get("ansible.builtin.template", loader=self._loader, templar=self._templar)
        # What the templates share is read once per run: the imported templates, and the variables (resolving one
        # templates it again each time, with everything it refers to: about 8 ms a variable in a reconcile).
        self._analysed, self._resolved, self._versions = {}, {}, None
        return [self._rendering(term, variables, cache, renderer) for term in terms]

    def _resolve(self, name):
        if name not in self._resolved:
            self._resolved[name] = self._templar.resolve_variable_expression(name)
        return self._resolved[name]

    def _analyse(self, name, path):
        """The template's source and inputs; NotCacheable when they cannot be known."""
        if path not in self._analysed:
            source = _read(path)
            try:
                inputs = template_inputs(parse(source, constants.DEFAULT_JINJA2_EXTENSIONS or []))
            except jinja2.TemplateSyntaxError as error:
                raise NotCacheable(f"{name}: {error}") from None
            if inputs.not_cacheable:
                raise NotCacheable(f"{name}: {inputs.not_cacheable}")
            self._analysed[path] = source, inputs
        return self._analysed[path]

    def _rendering(self, term, variables, cache, renderer):
        try:
            key = self._key(term, variables)
        except NotCacheable as reason:
            display.vvv(f"kun.redis.cached_template: {term} is rendered every time: {reason}")
            return renderer.run([term], variables)[0]
        rendering = cache.get(key)
        if rendering is None:
            rendering = renderer.run([term], variables)[0]
            if isinstance(rendering, str):
                cache.put(key, str(rendering))
        return rendering

    def _key(self, term, variables):
        path = self.find_file_in_search_path(variables, "templates", term, ignore_missing=True)
        if path is None:
            raise NotCacheable("not found")  # the template lookup says so in its own words
        search_dirs = [os.path.dirname(path)]
        for directory in variables.get("ansible_search_path", []):
            search_dirs += [os.path.join(directory, "templates"), directory]
        sources, files, names = {}, {}, set()
        pending = {term: path}
        while pending:
            name, template_path = pending.popitem()
            sources[name], inputs = self._analyse(name, template_path)
            names |= inputs.variables
            for imported in inputs.templates - sources.keys():
                pending[imported] = _first_existing(search_dirs, imported)
            for file in inputs.files:
                file_path = self.find_file_in_search_path(variables, "files", file, ignore_missing=True)
                if file_path is None:
                    raise NotCacheable(f"the file {file} is not found")
                files[file] = _read(file_path)
        impure = impure_names(names, variables)
        if impure:
            raise NotCacheable(f"it references {', '.join(impure)}, which are not variables")
        values = {name: self._resolve(name) for name in sorted(names) if name in variables}
        if self._versions is None:
            self._versions = {
                "format": KEY_FORMAT,
                "ansible": ansible_version,
                "jinja2": jinja2.__version__,
                "filters": {plugin.name: _read(str(plugin)) for plugin in sorted(OWN_FILTERS.glob("*.py"))},
            }
        try:
            return rendering_key({"versions": self._versions, "sources": sources, "files": files, "variables": values})
        except NotSerialisable as error:
            raise NotCacheable(str(error)) from None


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise NotCacheable(f"{path} cannot be read: {error}") from None


def _first_existing(directories: list[str], name: str) -> str:
    for directory in directories:
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate):
            return candidate
    raise NotCacheable(f"the template {name} it imports is not found")
