# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a Jinja template's rendering depends on, read from its syntax tree: the variables it references, the templates
it imports or includes, and the files it reads with the `file` lookup. The cached_template lookup keys a rendering on
these; a template whose rendering may depend on anything else (another lookup, `now()`, a template name computed at
render time, a filter or test of a collection whose code no key covers) is not cacheable, and this says why.

Jinja's own `jinja2.meta` finds the variables and the templates; the calls to lookups and the filters' collections
are found here because no library lists them.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass

from jinja2 import Environment, meta, nodes

FILE_LOOKUPS = frozenset({"file", "ansible.builtin.file"})
LOOKUP_FUNCTIONS = frozenset({"lookup", "query", "q"})
# Collections whose filters and tests a key covers: ansible.builtin's by Ansible's version, this collection's by their
# sources (the cached_template lookup). A name without a collection is one of these, or Jinja's own.
KEYED_COLLECTIONS = ("ansible.builtin.", "kun.redis.")
# Globals whose result depends only on their arguments. Any other name that is not a variable (`now`, the
# template_* variables and ansible_managed that the template lookup adds) may change from one rendering to the next.
PURE_GLOBALS = frozenset({"range", "dict", "cycler", "joiner", "namespace", "undef", *LOOKUP_FUNCTIONS})


class _AnyName(dict):
    """Filters and tests of every name: analysing a template needs their names only, never Ansible's plugins."""

    def __contains__(self, name: object) -> bool:
        return True

    def get(self, name: str, default: object = None) -> object:
        return _unused

    def __getitem__(self, name: str) -> object:
        return _unused


def _unused(*args: object, **kwargs: object) -> None:
    raise AssertionError("a template analysed here is never rendered")


def parse(source: str, extensions: list[str]) -> nodes.Template:
    """The syntax tree of a template; jinja2.TemplateSyntaxError when it is not valid Jinja."""
    environment = Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols", *extensions])
    environment.filters, environment.tests = _AnyName(), _AnyName()
    return environment.parse(source)


@dataclass(frozen=True)
class TemplateInputs:
    """What one template's rendering depends on, besides its own source."""

    variables: frozenset[str]  # names the template references and does not set itself
    templates: frozenset[str]  # names of the templates it imports or includes
    files: frozenset[str]  # paths the `file` lookup reads, relative to the files search path
    not_cacheable: str | None = None  # why the rendering may change while all of the above stay the same


def template_inputs(ast: nodes.Template) -> TemplateInputs:
    """The inputs of the template parsed into ast, by an environment that knows its filters and tests."""
    referenced = meta.find_undeclared_variables(ast)
    templates = set()
    for name in meta.find_referenced_templates(ast):
        if name is None:
            return _not_cacheable("it imports a template named at render time")
        templates.add(name)
    files = set()
    for call in ast.find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name in LOOKUP_FUNCTIONS):
            continue
        terms = [argument.value if isinstance(argument, nodes.Const) else None for argument in call.args]
        if (
            call.kwargs
            or call.dyn_args
            or call.dyn_kwargs
            or not terms
            or None in terms
            or terms[0] not in FILE_LOOKUPS
        ):
            return _not_cacheable(f"it calls {call.node.name}() other than for literal files")
        files.update(terms[1:])
    plugins = {node.name for node in ast.find_all((nodes.Filter, nodes.Test))}
    foreign = sorted(name for name in plugins if "." in name and not name.startswith(KEYED_COLLECTIONS))
    if foreign:
        return _not_cacheable(f"it applies {', '.join(foreign)}, whose code no key covers")
    return TemplateInputs(frozenset(referenced), frozenset(templates), frozenset(files))


def _not_cacheable(reason: str) -> TemplateInputs:
    return TemplateInputs(frozenset(), frozenset(), frozenset(), not_cacheable=reason)


def impure_names(referenced: Iterable[str], variables: Container[str]) -> list[str]:
    """The referenced names that are neither variables nor pure globals, sorted."""
    return sorted(name for name in referenced if name not in variables and name not in PURE_GLOBALS)
