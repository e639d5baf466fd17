"""kun.redis.cached_template in a real ansible-playbook: the rendering of ansible.builtin.template, reused while the
template, what it imports, the files it reads and the variables it references stay the same, and rendered again as
soon as any of them changes. A kept rendering is tampered with to tell a reuse from a new rendering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.playbook_runner import run_playbook

pytestmark = pytest.mark.integration

PLAYBOOK = """
- name: Render with and without the cache
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Write both renderings
      ansible.builtin.copy:
        dest: "{{ output }}"
        mode: "0600"
        content: >-
          {{ {'cached': query('kun.redis.cached_template', template, cache_dir=cache_dir) | first,
              'plain': lookup('ansible.builtin.template', template)} | to_json }}
"""
TAMPERED = "a kept rendering"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "templates" / "common").mkdir(parents=True)
    (tmp_path / "files").mkdir()
    (tmp_path / "templates" / "page.j2").write_text(
        "{% from 'common/greeting.j2' import greeting with context %}{{ greeting(who) }}; "
        "{{ lookup('ansible.builtin.file', 'motd.txt') }}\n"
    )
    (tmp_path / "templates" / "common" / "greeting.j2").write_text(
        "{% macro greeting(name) %}Hello {{ name }} from {{ place }}{% endmacro %}"
    )
    (tmp_path / "templates" / "clock.j2").write_text("{{ now(fmt='%Y') }}")
    (tmp_path / "templates" / "environment.j2").write_text("{{ lookup('ansible.builtin.env', 'HOME') }}")
    (tmp_path / "files" / "motd.txt").write_text("the message of the day")
    (tmp_path / "play.yml").write_text(PLAYBOOK)
    return tmp_path


def render(project: Path, template: str = "page.j2", **variables: str) -> dict:
    variables = {"who": "ops", "place": "the platform team", **variables}
    output = project / "output.json"
    cache_dir = variables.pop("cache_dir", str(project / "cache"))
    run = run_playbook(
        project / "play.yml", {**variables, "template": template, "output": str(output), "cache_dir": cache_dir}
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads(output.read_text())


def kept(project: Path) -> list[Path]:
    return sorted((project / "cache").glob("*.rendering"))


def test_the_rendering_is_the_template_lookups_and_is_reused_while_nothing_changes(project):
    first = render(project)
    assert first["cached"] == first["plain"] == "Hello ops from the platform team; the message of the day\n"
    (rendering,) = kept(project)
    rendering.write_text(TAMPERED)
    assert render(project)["cached"] == TAMPERED


@pytest.mark.parametrize(
    "change",
    [
        "a variable of the template",
        "a variable of a macro it imports",
        "the template",
        "a template it imports",
        "a file it reads",
    ],
)
def test_any_change_of_what_it_reads_renders_it_again(project, change):
    render(project)
    (rendering,) = kept(project)
    rendering.write_text(TAMPERED)
    variables = {}
    if change == "a variable of the template":
        variables = {"who": "developers"}
    elif change == "a variable of a macro it imports":
        variables = {"place": "elsewhere"}
    elif change == "the template":
        page = project / "templates" / "page.j2"
        page.write_text(page.read_text().replace("; ", " - "))
    elif change == "a template it imports":
        greeting = project / "templates" / "common" / "greeting.j2"
        greeting.write_text(greeting.read_text().replace("Hello", "Hi"))
    else:
        (project / "files" / "motd.txt").write_text("another message")
    again = render(project, **variables)
    assert again["cached"] == again["plain"] != TAMPERED
    assert len(kept(project)) == 2


@pytest.mark.parametrize("template", ["clock.j2", "environment.j2"])
def test_a_template_that_reads_more_than_its_inputs_is_rendered_every_time(project, template):
    rendered = render(project, template)
    assert rendered["cached"] == rendered["plain"]
    assert kept(project) == []


def test_a_cache_folder_that_cannot_be_written_only_means_no_reuse(project):
    blocked = project / "not-a-folder"
    blocked.write_text("")
    rendered = render(project, cache_dir=str(blocked / "cache"))
    assert rendered["cached"] == rendered["plain"]
