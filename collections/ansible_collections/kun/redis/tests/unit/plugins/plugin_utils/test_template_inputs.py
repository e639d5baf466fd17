"""plugin_utils/template_inputs.py: what a template's rendering depends on, read from its syntax tree, and when it
depends on more than its variables, imports and files."""

from __future__ import annotations

import jinja2
import pytest
from ansible_collections.kun.redis.plugins.plugin_utils.template_inputs import (
    TemplateInputs,
    impure_names,
    parse,
    template_inputs,
)


def inputs(source: str) -> TemplateInputs:
    return template_inputs(parse(source, []))


@pytest.mark.parametrize(
    ("source", "variables", "templates", "files"),
    [
        ("plain text", set(), set(), set()),
        ("{{ a.b | combine(c) | to_json }}", {"a", "c"}, set(), set()),
        (
            "{% set x = a %}{% for i in range(n) %}{{ x }}{{ i }}{% endfor %}",
            {"a", "n"},
            set(),
            set(),
        ),  # range: a global of Jinja
        ("{% macro m(p, q=1) %}{{ p }}{{ q }}{{ outer }}{% endmacro %}{{ m(v) }}", {"outer", "v"}, set(), set()),
        ("{% from 'common/m.j2' import m with context %}{{ m(x) }}", {"x"}, {"common/m.j2"}, set()),
        ("{% include 'part.j2' %}", set(), {"part.j2"}, set()),
        (
            "{{ lookup('ansible.builtin.file', 'a.sh') }}{{ lookup('file', 'b.sh', 'c.sh') | indent(4) }}",
            {"lookup"},
            set(),
            {"a.sh", "b.sh", "c.sh"},
        ),
        ("{% if v is defined and v is truthy %}{{ v }}{% endif %}", {"v"}, set(), set()),
        ("{{ a | ansible.builtin.to_json }}{{ a | kun.redis.rediscluster_stamped }}", {"a"}, set(), set()),
    ],
)
def test_variables_templates_and_files(source, variables, templates, files):
    assert inputs(source) == TemplateInputs(frozenset(variables), frozenset(templates), frozenset(files))


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("{% include name %}", "imports a template named at render time"),
        ("{{ lookup('env', 'HOME') }}", "calls lookup() other than for literal files"),
        ("{{ query('ansible.builtin.file', path) }}", "calls query() other than for literal files"),
        ("{{ q('file', 'a', errors='ignore') }}", "calls q() other than for literal files"),
        ("{{ lookup(*terms) }}", "calls lookup() other than for literal files"),
        ("{{ a | community.general.json_query('b') }}", "applies community.general.json_query, whose code no key"),
        ("{% if a is other.collection.odd %}{% endif %}", "applies other.collection.odd, whose code no key covers"),
    ],
)
def test_what_else_a_rendering_may_depend_on_is_named(source, reason):
    assert reason in inputs(source).not_cacheable


@pytest.mark.parametrize(
    ("source", "impure"),
    [
        ("{{ a }}{{ range(3) | list }}{{ lookup('file', 'f') }}", []),
        ("{{ now() }} {{ a }}", ["now"]),
        ("{{ template_path }} {{ ansible_managed }}", ["ansible_managed", "template_path"]),
        ("{{ missing | default('') }}", ["missing"]),
    ],
)
def test_names_that_are_neither_variables_nor_pure_globals(source, impure):
    assert impure_names(inputs(source).variables, {"a"}) == impure


def test_invalid_jinja_is_a_syntax_error():
    with pytest.raises(jinja2.TemplateSyntaxError):
        parse("{% if %}", [])


def test_a_configured_extension_is_understood():
    assert template_inputs(parse("{% debug %}", ["jinja2.ext.debug"])) == TemplateInputs(
        frozenset(), frozenset(), frozenset()
    )  # jinja2.ext.debug's tag
    with pytest.raises(jinja2.TemplateSyntaxError):
        parse("{% debug %}", [])  # without the extension
