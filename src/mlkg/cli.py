"""The ``mlkg`` command line: a thin layer over the library.

Each command loads the graph (:func:`mlkg.project.open_graph`), calls one
library function and prints the result.  Each command imports its view when
it runs, so ``mlkg --help`` loads no graph library and ``mlkg prereqs`` no
RDF, map or web library.
Every :class:`~mlkg.errors.MlkgError` becomes one line per problem on
stderr and the error's exit code; there are no tracebacks.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import math
import os
import re
import signal
import sys
import textwrap
import threading
from pathlib import Path

import click

from .errors import TERMINAL_CONTROL, InputError, Location, MlkgError, Problem, ReaderGone, UnknownConceptError


def _remember_build(ctx, param, value):
    ctx.meta["mlkg.build"] = value


_PATH_WANTED = {"sources": "a cheatsheet file or folder", "curation": "a curation file",
                "out": "a folder to build into", "output": "a file, or - for standard output"}


def _no_empty_path(ctx, param, value):
    """An empty path is refused: ``Path("")`` is the working folder, so an unset shell variable
    (``--source "$SHEETS"``) would read whatever .md files happen to lie there, ``build --out "$OUT"`` built
    into it, and ``-o "$OUT"`` wrote to standard output (which ``-o -`` asks for)."""
    if value == "" or (isinstance(value, tuple) and "" in value):
        raise InputError(f"{param.opts[0]} '': empty path; give {_PATH_WANTED[param.name]} "
                         "(is a shell variable unset?)")
    return value


def _source_options(f=None, *, reads_build: bool = True):
    """--source, --curation, --no-curation; and, for a command that reads a build, --build DIR."""
    if f is None:
        return functools.partial(_source_options, reads_build=reads_build)
    if reads_build:
        f = click.option("--build", "build_dir", default=None, type=click.Path(file_okay=False), metavar="DIR",
                         expose_value=False, callback=_remember_build,
                         help="Folder of the build to answer from (default: $MLKG_BUILD_DIR, else the project's "
                              "out, else out).")(f)
    f = click.option("--no-curation", is_flag=True, help="Ignore curation files, even the shipped one.")(f)
    f = click.option("--curation", "curation", multiple=True, type=click.Path(dir_okay=False),
                     callback=_no_empty_path, metavar="FILE",
                     help="Curation file (repeatable). Default: data/curation.toml.")(f)
    f = click.option("--source", "-s", "sources", multiple=True, type=click.Path(), metavar="PATH",
                     callback=_no_empty_path,
                     help="Cheatsheet file, folder of .md files or pattern such as 'notes/*.md' (repeatable). "
                          "Default: the shipped data/.")(f)
    return f


class Seconds(click.ParamType):
    """A number of seconds from ``least`` to a day, else a one-line usage error.

    click's FloatRange let ``nan``, ``inf`` and values too large for a socket timeout through (nan and inf never
    compare below its minimum): the server started, then failed every request."""

    name = "seconds"
    most = 86_400.0

    def __init__(self, least: float):
        self.least = least

    def convert(self, value, param, ctx) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not (math.isfinite(number) and self.least <= number <= self.most):
            name = param.opts[0] if param is not None else "seconds"
            raise InputError(f"{name} {value}: give a finite number of seconds from {self.least:g} to "
                             f"{self.most:,.0f} (a day)")
        return number


def _curation(curation, no_curation):
    """The curation files to read: none, those given, or (None) the shipped default."""
    if no_curation and curation:
        raise InputError("--no-curation reads no curation file, and --curation names one: give one of them")
    return [] if no_curation else (list(curation) or None)


def _settings(sources, curation=(), no_curation=False, base_iri=None):
    """What to read: the options, a project file, the corpus of the build in force, or the shipped corpus;
    said in one line on stderr when it is not the options or the shipped corpus."""
    from .project import describe, has_build, settings

    out = _build_dir()
    if out is not None and not out.strip():
        raise InputError("--build needs a folder: the one `mlkg build --out` wrote")
    if out is not None and not has_build(out):
        above = next((p for p in Path(out).absolute().parents[:2] if has_build(p)), None)
        if above is not None:  # "out/current", "out/builds/…": a build's own folder, inside the one to name
            raise InputError(f"--build {out}: that is inside a build folder; give that folder: "
                             f"--build {os.path.relpath(above)}")
        raise InputError(f"--build {out}: no build there; make one with `mlkg build --out {out}`")
    env = os.environ.get("MLKG_BUILD_DIR", "")
    s = settings(sources, _curation(curation, no_curation), base_iri, out)
    if out is None and not s.origin and env and not Path(env).is_dir():  # a slip, maybe: not the seed unsaid
        click.echo(f"mlkg: $MLKG_BUILD_DIR {env!r} names no folder: answering from the shipped corpus "
                   "(`mlkg build` makes a build there)", err=True)
    click.get_current_context().meta["mlkg.settings"] = s
    line = describe(s)
    if line:
        click.echo(f"mlkg: {line}", err=True)
    return s


def _load(sources, curation=(), no_curation=False, settings=None):
    """The graph: from the build in force when it was made from these sources, else loaded now."""
    from .project import built_graph, open_graph

    s = settings or _settings(sources, curation, no_curation)
    kg = built_graph(s.build) if s.build is not None else open_graph(s.sources, s.curation, _build_dir())
    click.get_current_context().meta["mlkg.graph"] = kg  # kept to the end by run(), which never frees it
    return kg


def _build_dir() -> str | None:
    """The folder --build named, if the command has that option and it was given."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get("mlkg.build") if ctx is not None else None


def _sources_again(s, what: str) -> None:
    """``what`` reads the sources again, which a build from standard input no longer has."""
    if s.build is not None:
        raise InputError(f"{what} reads the sources again, and the build in force was made from standard input: "
                         "give --source (- for standard input once more)")


def _known(kg, known: tuple[str, ...]) -> list[str]:
    """The concepts ``--known A,B`` names, however many times it is given: one it cannot name is said to come from
    --known, not from the goal."""
    found = []
    for name in (k.strip() for given in known for k in given.split(",")):
        if not name:
            continue
        try:
            found.append(kg.resolve(name))
        except UnknownConceptError as exc:
            hint = "" if exc.suggestions or exc.section else ("; give the concepts you know by ID, label or entry "
                                                              "number, separated by commas")
            raise InputError(f"--known: {exc}{hint}") from None
    return found


def _emit(text: str) -> None:
    click.echo(text, nl=not text.endswith("\n"))


NOTES_SHOWN = 3
"""Warnings of a build printed whole; the rest are counted (``mlkg stats`` lists them all)."""


class _Commands(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        """A reader that leaves early (``mlkg prereqs X | true``) is :class:`ReaderGone`: click takes the
        BrokenPipeError for its own and exits 1, silently."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise ReaderGone("standard output") from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="mlkg", prog_name="mlkg")
def cli():
    """Turn machine-learning cheatsheets into a knowledge graph you can explore, query and learn from.

    \b
    Start with:
      mlkg build                      # graph.json, graph.ttl and map.html in out/
      mlkg show vae                   # one concept, its edges and their evidence
      mlkg prereqs stable-diffusion   # what to learn first, in order
    """


@cli.command()
@_source_options(reads_build=False)
@click.option("--out", "-o", default=None, type=click.Path(file_okay=False), callback=_no_empty_path,
              help="Folder to write the build into (default: $MLKG_BUILD_DIR, else the project's out, else out). "
                   "Later commands read the build in that default folder, or in the one --build names.")
@click.option("--base-iri", default=None, help="Base IRI for the RDF export (default: https://mlkg.dev/id/).")
@click.option("--no-map", is_flag=True, help="Skip map.html.")
def build(sources, curation, no_curation, out, base_iri, no_map):
    """Build the graph and write graph.json, graph.ttl and map.html into OUT.

    Every file is written to a temporary name first and renamed into place,
    so a failed build leaves the previous one intact.

    \b
    Example:
      mlkg build --source ../shared/cheatsheets --out site
    """
    from .project import build as build_all
    from .project import describe, settings

    if out is not None and out.strip() == "-":  # export -o - and map -o - write to standard output; a build cannot
        raise InputError("--out -: a build is a folder of several files, which standard output cannot be; give a "
                         "folder (mlkg export -o - writes the graph to standard output)")
    s = settings(sources, _curation(curation, no_curation), base_iri, out, building=True)
    _sources_again(s, "mlkg build")
    if describe(s):
        click.echo(f"mlkg: {describe(s)}", err=True)
    result = build_all(s.sources, s.curation, out, base_iri=s.base_iri, with_map=not no_map,
                       progress=sys.stderr.isatty())
    _emit(result.summary())
    for note in result.notes[:NOTES_SHOWN]:
        click.echo(f"mlkg: warning: {note}", err=True)
    if len(result.notes) > NOTES_SHOWN:  # a generated corpus may share hundreds of names: a screenful, not a flood
        click.echo(f"mlkg: warning: and {len(result.notes) - NOTES_SHOWN} more names shared alike: mlkg stats lists "
                   "them", err=True)
    # a curated requires edge that turned mined ones into related, to keep the graph acyclic: the curator's doing
    given_way = [d for d in result.stats.get("mining", {}).get("downgraded", ()) if "; the curated " in d["reason"]]
    for d in given_way[:NOTES_SHOWN]:
        click.echo(f"mlkg: warning: mined {d['source']} requires {d['target']} is now related: it "
                   f"{d['reason']}", err=True)
    if len(given_way) > NOTES_SHOWN:
        click.echo(f"mlkg: warning: and {len(given_way) - NOTES_SHOWN} more mined edges made related by curated "
                   "ones: mlkg stats lists them", err=True)
    if result.warning():
        click.echo(f"mlkg: {result.warning()}", err=True)


@cli.command()
@_source_options
@click.argument("concept")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def show(sources, curation, no_curation, concept, fmt):
    """Show one concept: title, section path, explanations, example, and its edges with evidence.

    \b
    Example:
      mlkg show vae
    """
    from .views.text import concept_json, concept_text

    kg = _load(sources, curation, no_curation)
    cid = kg.resolve(concept)
    _emit(json.dumps(concept_json(kg, cid), indent=2, ensure_ascii=False) if fmt == "json"
          else concept_text(kg, cid))


@cli.command()
@_source_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stats(sources, curation, no_curation, fmt):
    """Count sections, subsections, concepts and edges by kind, and report what mining downgraded.

    \b
    Example:
      mlkg stats --source ../shared/cheatsheets
    """
    from .views.text import stats_text

    kg = _load(sources, curation, no_curation)
    _emit(json.dumps({**kg.stats(), "warnings": kg.duplicate_titles()}, indent=2) if fmt == "json"
          else stats_text(kg))


@cli.command()
@_source_options
@click.option("--kind", "-k", type=click.Choice(["parent", "requires", "related"]), multiple=True,
              help="Only edges of this kind (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["tsv", "json"]), default="tsv", show_default=True)
def edges(sources, curation, no_curation, kind, fmt):
    """Print every edge: source, target, kind, confidence, rule, curated flag and evidence.

    \b
    Example:
      mlkg edges --kind requires --format json
    """
    from .views.text import edges_json, edges_tsv

    kg = _load(sources, curation, no_curation)
    rows = kg.edges(kind or None)
    _emit(json.dumps(edges_json(rows), indent=2, ensure_ascii=False) if fmt == "json" else edges_tsv(rows))


@cli.command(name="eval")
@_source_options
@click.argument("gold", nargs=-1, type=click.Path())
@click.option("--ablation", is_flag=True, help="Also score with each rule switched off, one at a time.")
@click.option("--errors", "show_errors", is_flag=True, help="List every missing and extra link and plan failure.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def eval_(sources, curation, no_curation, gold, ablation, show_errors, fmt):
    """Score mined edges against hand-labelled GOLD files (default: tests/gold), per section.

    Links are compared as unordered pairs, requires edges with their
    direction, and plan checks against the learning plans.  Gold under a
    folder named heldout is the held-out set: scored, never tuned on.  A
    mined pair no gold file labels is judged by the files of its concepts'
    sections, within the sections each says its labeller read
    ("# corpus: 7-22 23-28").

    \b
    Example:
      mlkg eval --source ../shared/cheatsheets
      mlkg eval tests/gold/13-generative-models.gold --errors
      mlkg eval --source ../shared/cheatsheets --ablation
    """
    from .views.evaluate import evaluate, gold_files, read_gold
    from .views.text import ablation_text, eval_text

    if not gold and not Path("tests/gold").is_dir():  # run from another folder than the project's
        raise InputError("no gold given, and no tests/gold here: name gold files or folders, "
                         "e.g. `mlkg eval path/to/mlkg/tests/gold`")
    golds = [read_gold(p) for p in gold_files(gold or ["tests/gold"])]
    s = _settings(sources, curation, no_curation)
    if ablation:
        _sources_again(s, "--ablation")
    kg = _load(sources, settings=s)
    result = evaluate(kg, golds)
    if not result["sections"]:
        if len(result["warnings"]) > 1 and all(w["message"].startswith("named after no loaded")
                                               for w in result["warnings"]):  # a folder for another corpus, say
            advice = result["warnings"][0]["message"].replace("named after no loaded cheatsheet ", "")
            raise InputError(f"none of the {len(result['warnings'])} gold files is named after a loaded cheatsheet "
                             f"{advice.removesuffix('; not scored')}: nothing to score")
        raise InputError(problems=[Problem(Location(w["file"], w["line"]), w["message"])
                                   for w in result["warnings"]])
    given = {str(Path(p)) for p in gold or () if Path(p).is_file()}
    unscored = [w for w in result["warnings"] if w["message"].startswith("named after") and w["file"] not in given]
    for w in result["warnings"]:
        if w not in unscored:  # a file given by name, or a near-miss ID: said one by one
            click.echo(f"mlkg: {w['file']}:{w['line']}: {w['message']}", err=True)
    if unscored:  # files of a folder for sections not loaded: expected, said once
        click.echo(f"mlkg: {len(unscored)} gold file(s) found in folders are for cheatsheets not loaded: not scored",
                   err=True)
    if ablation:
        from . import knowledge
        from .mine import rules
        from .project import inputs

        gc.enable()  # a graph per rule: each one's garbage (networkx views hold their graph) must be collected
        files, cur = inputs(s.sources, s.curation)  # the corpus of the table above
        corpus = knowledge.read(files, cur)
        result["ablation"] = {name: evaluate(knowledge.build(corpus, frozenset({name})), golds)["sections"]
                              for name in rules.SWITCHES}
    if fmt == "json":
        _emit(json.dumps(result, indent=2))
    else:
        _emit(eval_text(result, show_errors) + (ablation_text(result) if ablation else ""))


@cli.command()
@_source_options
@click.argument("concept")
@click.option("--depth", type=click.IntRange(min=0), default=None,
              help="Only prerequisites up to N requires-hops away (0: none, as the API's depth=0).")
@click.option("--tree", is_flag=True, help="Show an indented tree instead of a numbered plan.")
@click.option("--known", "-k", multiple=True, metavar="A,B,…",
              help="Leave out concepts you already know, and their prerequisites (comma-separated, or -k again).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True)
def prereqs(sources, curation, no_curation, concept, depth, tree, known, fmt):
    """List every prerequisite of CONCEPT in a valid learning order (document order breaks ties).

    With reading times and the goal itself: mlkg learn CONCEPT --known A,B.

    \b
    Example:
      mlkg prereqs stable-diffusion
      mlkg prereqs stable-diffusion --known autoencoder
      mlkg prereqs stable-diffusion --tree
      mlkg prereqs rlhf --format md > rlhf-plan.md
    """
    from .views.text import plan_md, plan_text, plan_tree

    if tree and known:
        raise click.UsageError("--tree shows every prerequisite; --known leaves some out of the plan: use one")
    if tree and fmt != "text":
        raise click.UsageError(f"--tree is drawn as text; --format {fmt} gives the plan, whose steps name what each "
                               "requires: use one")
    kg = _load(sources, curation, no_curation)
    cid = kg.resolve(concept)
    known_ids = _known(kg, known)
    steps = kg.prerequisites(cid, depth, known_ids)
    why = {}
    if known_ids and not steps:  # an empty plan says whether there was nothing to learn or all of it is known
        why = {"goal_known": kg.learning_plan(cid, known_ids)["already_known"],
               "all_known": len(kg.prerequisites(cid, depth))}
    if fmt == "json":
        _emit(json.dumps({"concept": cid, "known": known_ids, "plan": steps}, indent=2, ensure_ascii=False))
    elif fmt == "md":
        _emit(plan_md(kg, cid, steps, depth, **why))
    else:
        _emit(plan_tree(kg, cid, depth) if tree else plan_text(kg, cid, steps, depth, **why))


@cli.command()
@_source_options
@click.argument("concept")
@click.option("--known", "-k", multiple=True, metavar="A,B,…",
              help="Concepts you already know (comma-separated, or -k again).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True)
def learn(sources, curation, no_curation, concept, known, fmt):
    """A learning plan for CONCEPT that skips what you know, with reading times.

    Knowing a concept implies knowing its prerequisites.  Reading time is
    estimated from word counts: prose at 200 words a minute, examples at 100.

    \b
    Example:
      mlkg learn stable-diffusion --known autoencoder,gan
    """
    from .views.text import learn_text, plan_md

    kg = _load(sources, curation, no_curation)
    cid = kg.resolve(concept)
    plan = kg.learning_plan(cid, _known(kg, known))
    if fmt == "json":
        _emit(json.dumps(plan, indent=2, ensure_ascii=False))
    elif fmt == "md":
        _emit(plan_md(kg, plan["concept"], plan["plan"], goal_known=plan["already_known"]))
    else:
        _emit(learn_text(kg, plan))


@cli.command(name="next")
@_source_options
@click.option("--known", "-k", multiple=True, metavar="A,B,…",
              help="Concepts you already know (comma-separated, or -k again).")
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1), help="How many to list.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def next_(sources, curation, no_curation, known, limit, fmt):
    """What you can learn next: concepts whose prerequisites you all know, those that unlock most first.

    Knowing a concept implies knowing its prerequisites.

    \b
    Example:
      mlkg next --known autoencoder,gan
    """
    from .views.text import ready_text

    kg = _load(sources, curation, no_curation)
    known_ids = _known(kg, known)
    rows = kg.ready_to_learn(known_ids)
    if fmt == "json":
        _emit(json.dumps({"known": [kg.resolve(k) for k in known_ids], "ready": rows[:limit]}, indent=2,
                         ensure_ascii=False))
    else:
        _emit(ready_text(rows, limit))


@cli.command()
@_source_options
@click.argument("concept")
@click.option("--depth", type=click.IntRange(min=0), default=None,
              help="Only dependents up to N requires-hops away (0: none, as the API's depth=0).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def dependents(sources, curation, no_curation, concept, depth, fmt):
    """List what builds on CONCEPT (everything that transitively requires it).

    \b
    Example:
      mlkg dependents autoencoder
    """
    kg = _load(sources, curation, no_curation)
    cid = kg.resolve(concept)
    rows = kg.dependents(cid, depth)
    if fmt == "json":
        _emit(json.dumps({"concept": cid, "dependents": rows}, indent=2, ensure_ascii=False))
        return
    if not rows and depth == 0:
        _emit(f"{kg.graph.nodes[cid]['title']} [{cid}]: nothing is 0 requires-hops away (--depth 0); leave --depth "
              "out for all.")
        return
    if not rows:
        _emit(f"Nothing in this graph builds on {kg.graph.nodes[cid]['title']} [{cid}].")
        return
    width = max(len(r["id"]) for r in rows)
    lines = [f"{len(rows)} concepts build on {kg.graph.nodes[cid]['title']} [{cid}], in an order to learn them "
             "(hops: how many requires edges away):", f"  hops  {'concept':<{width}}  title"]
    lines += [f"  {r['depth']:>4}  {r['id']:<{width}}  {r['label']}" for r in rows]
    _emit("\n".join(lines))


@cli.command()
@_source_options
@click.argument("source")
@click.argument("target")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def path(sources, curation, no_curation, source, target, fmt):
    """The shortest explanation path from SOURCE to TARGET, with each step's relation and evidence.

    Cross-reference edges are preferred over hierarchy edges.  Exit code 1
    when nothing connects the two.

    \b
    Example:
      mlkg path stable-diffusion autoencoder
    """
    from .views.chains import path_step
    from .views.text import path_text

    kg = _load(sources, curation, no_curation)
    a, b = kg.resolve(source), kg.resolve(target)
    steps = kg.path(a, b)
    if fmt == "json":
        _emit(json.dumps({"path": [path_step(s) for s in steps]},
                         indent=2, ensure_ascii=False))
    else:
        _emit(path_text(kg, a, b, steps))


@cli.command(name="map")
@_source_options
@click.option("--output", "-o", default="map.html", show_default=True, type=click.Path(dir_okay=False),
              callback=_no_empty_path, metavar="FILE", help="Where to write the page (- for standard output).")
@click.option("--open", "open_", is_flag=True, help="Open the map in the default web browser.")
def map_(sources, curation, no_curation, output, open_):
    """Write the interactive concept map alone: one self-contained HTML page that works offline.

    Search, a details panel, edge filters, a local view and learning paths;
    map.html#vae opens with vae selected.

    \b
    Example:
      mlkg map --source ../shared/cheatsheets -o map.html --open
    """
    from .atomic import output as output_file
    from .atomic import target

    # where the page goes is decided once, before any work: a bad -o is refused at once
    where = None if output == "-" else target(output)
    if open_ and (where is None or where.streamed):
        raise InputError(f"--open needs the page in a file, and -o {output} is "
                         f"{'standard output' if where is None else 'written to as the page is made'}; "
                         "give -o a file, or leave out --open")
    kg = _load(sources, curation, no_curation)
    if where is None:
        from .views.map import map_html

        click.echo(map_html(kg), nl=False)
        return
    from .views.map import write_page

    with output_file(where) as f:
        write_page(kg, f)
    if where.streamed:  # a FIFO or a terminal, maybe standard output itself: nothing to open, nothing to add
        click.echo(f"wrote {where.given} ({len(kg)} concepts)", err=True)
        return
    uri = where.path.as_uri()
    _emit(f"wrote {where.given} ({len(kg)} concepts, {where.path.stat().st_size / 1e6:.1f} MB)\n"
          f"open the map:  {uri}")
    if open_:
        import webbrowser

        webbrowser.open(uri)


@cli.command()
@_source_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests whose Host header is NAME (repeatable); others get 403.")
@click.option("--port", "-p", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0 picks a free one).")
@click.option("--timeout", default=10.0, show_default=True, type=Seconds(0.1),
              help="Seconds a SPARQL query may run (0.1 to 86,400: a day).")
@click.option("--max-rows", default=100_000, show_default=True, type=click.IntRange(1),
              help="Most rows (or triples) one query may return; a larger result is refused (422), not cut short.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32),
              help="SPARQL worker processes.")
@click.option("--max-connections", default=1024, show_default=True, type=click.IntRange(1),
              help="Connections open at once (a thread each); at the limit the longest-waiting one is dropped.")
@click.option("--max-streams", default=None, type=click.IntRange(1),
              help="Live-update streams (/events) open at once, at most half of --max-connections (each holds a "
                   "connection while its page is open); more get 503.  [default: 64, or half of --max-connections "
                   "if fewer]")
@click.option("--request-timeout", default=30.0, show_default=True, type=Seconds(0.1),
              help="Seconds a request may take to arrive whole, and an idle connection may stay open (0.1 to "
                   "86,400: a day).")
@click.option("--cors", metavar="ORIGIN", default=None, help="Allow cross-origin requests from ORIGIN (or *).")
@click.option("--base-iri", default=None, help="Base IRI of the RDF (default: https://mlkg.dev/id/).")
@click.option("--open", "open_", is_flag=True, help="Open the map in a browser.")
@click.option("--quiet", "-q", is_flag=True, help="Do not log each request, nor each rebuild of --watch.")
@click.option("--watch", is_flag=True, help="Rebuild when a source or the curation file changes; open pages update.")
@click.option("--edit", is_flag=True, help="Let the map's pages correct edges, written into the curation file.")
def serve(sources, curation, no_curation, host, allow_hosts, port, timeout, max_rows, workers, max_connections,
          max_streams, request_timeout, cors, base_iri, open_, quiet, watch, edit):
    """Serve the map, concept pages, a JSON API and a read-only SPARQL endpoint until Ctrl-C.

    \b
    /                the interactive map
    /concept/ID      a page per concept (RDF with Accept: text/turtle or application/ld+json)
    /query           a small SPARQL query page
    /sparql          the SPARQL 1.1 Protocol endpoint
    /api             JSON: search, concept, prereqs, learn, path, queries

    With --watch, every edit of a cheatsheet or the curation file rebuilds
    the graph and open pages follow (a broken edit shows its file:line
    there, and the last good graph is served meanwhile).  With --edit, the
    map's panel can remove an edge, change its kind or direction, or add one,
    each written into the curation file (the first one given, or
    data/curation.toml).

    A request must name the server in its Host header (against DNS
    rebinding): its address, localhost, and with --host 0.0.0.0 (or ::)
    any IP address or this machine's own name.  --allow-host NAME admits
    another name, such as one a proxy or /etc/hosts gives the machine.

    \b
    Example:
      mlkg serve --port 8000
      mlkg serve --source ../shared/cheatsheets --watch --edit
      curl -H 'Accept: text/csv' 'http://127.0.0.1:8000/sparql?query=SELECT%20*%20WHERE%20%7B?s%20?p%20?o%7D%20LIMIT%203'
    """
    from .views.server import ServerConfig, make_server

    if cors is not None and cors != "*" and not re.fullmatch(r"https?://[^/\s?#]+", cors):
        raise InputError(f"--cors {cors!r} is no origin: give one as https://example.org (scheme and host, no "
                         "path), or *")
    for name in allow_hosts:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\]", name):
            raise InputError(f"--allow-host {name!r} is no host name: give one such as mybox.lan (no scheme, "
                             "port or path)")
    if max_streams is not None and max_streams > max_connections // 2:
        raise InputError(f"--max-streams {max_streams} is more than half of --max-connections {max_connections}: "
                         "each open page's stream holds a connection, and half must stay free for every other "
                         f"request; give at most {max_connections // 2}")
    gc.enable()  # a server lives on: it needs the collector that one-shot commands go without (see run)
    if edit and curation and curation[0] == "-":
        raise InputError("--edit writes corrections into a curation file, not standard input: give one with "
                         "--curation FILE")
    if edit and curation and not Path(curation[0]).exists():  # a new file for this session's corrections
        from .corrections import start_file

        start_file(Path(curation[0]))
    s = _settings(sources, curation, no_curation, base_iri)
    kg = _load(sources, settings=s)
    config = ServerConfig(host=host, port=port, timeout=timeout, max_rows=max_rows, workers=workers, cors=cors,
                          base_iri=s.base_iri, quiet=quiet, allow_hosts=tuple(allow_hosts),
                          max_connections=max_connections, idle=request_timeout, request_time=request_timeout,
                          **({} if max_streams is None else {"max_streams": max_streams}))
    live, editor, stopping = None, None, threading.Event()
    if watch or edit:
        _sources_again(s, "--watch" if watch else "--edit")
        from .project import inputs
        from .project import watch as follow
        from .views.live import Live, hiding_folders

        files, cur = inputs(s.sources, s.curation)
        live = Live(kg, hiding_folders(files, cur))
        if edit:
            from .corrections import Editor

            if not cur:
                raise InputError("--edit writes corrections into a curation file: give one with --curation FILE")
            editor = Editor(cur[0], [str(f) for f in files], [str(c) for c in cur], live)
        if watch:
            threading.Thread(target=follow, args=(s.sources, cur, *_told(live, quiet), stopping), daemon=True).start()
    server = make_server(kg, config, live=live, editor=editor)
    click.echo(f"mlkg: serving {len(kg)} concepts at {server.url}  (SPARQL: {server.url}sparql; Ctrl-C stops)")
    if editor is not None:
        click.echo(f"mlkg: corrections from the map go into {editor.path}")
    if open_:
        import webbrowser

        webbrowser.open(server.url)
    def stop(signum, frame):  # SIGTERM (a service manager, `timeout`) stops as cleanly as Ctrl-C
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: a second one must not cut the cleanup short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    finally:
        stopping.set()
        server.server_close()
    click.echo("mlkg: stopped")


def _told(live, quiet: bool):
    """``live``'s publish and fail, each saying on stderr what happened first (unless ``quiet``): a rebuild or a
    broken edit is otherwise seen only by open pages."""
    from .views.server import log_line  # one whole line each, among the server's own

    def rebuilt(graph) -> None:
        if not quiet:
            st = graph.stats()
            e = st["edges"]
            log_line(f"mlkg: rebuilt: {st['concepts']} concepts ({st['files']} file(s); {e['requires']} requires, "
                     f"{e['related']} related edges)")
        live.publish(graph)

    def failed(problems: list[str]) -> None:
        if not quiet:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            first = problems[0] if problems else "the sources do not load"
            log_line(f"mlkg: rebuild failed, still serving the last good graph: {first}{more}")
        live.fail(problems)

    return rebuilt, failed


@cli.command()
@_source_options
@click.argument("url")
@click.option("--graph", "graph_iri", metavar="IRI", default=None,
              help="Named graph to replace (default: the store's default graph).")
@click.option("--user", "-u", default=None, help="User name for HTTP basic authentication.")
@click.option("--password-env", default="MLKG_PASSWORD", show_default=True, metavar="VAR",
              help="Environment variable holding the password (asked for when unset).")
@click.option("--base-iri", default=None, help="Base IRI of the RDF (default: https://mlkg.dev/id/).")
@click.option("--timeout", default=60.0, show_default=True, type=Seconds(0.1),
              help="Seconds to wait (0.1 to 86,400: a day).")
def push(sources, curation, no_curation, url, graph_iri, user, password_env, base_iri, timeout):
    """Upload the graph to a SPARQL 1.1 Graph Store HTTP Protocol endpoint (PUT: replaces the graph).

    Pushing twice leaves the same data.  URL is the Graph Store endpoint:
    Oxigraph http://HOST:7878/store, Fuseki http://HOST:3030/DATASET/data,
    GraphDB http://HOST:7200/repositories/REPO/rdf-graphs/service.

    \b
    Example:
      mlkg push http://127.0.0.1:7878/store --graph https://mlkg.dev/graph/ml
    """
    from .views import rdf
    from .views.push import graph_store_url
    from .views.push import push as do_push

    graph_store_url(url, graph_iri)  # a bad URL or graph name: refused before a password is asked or anything read
    password = None
    if user is not None:
        password = os.environ.get(password_env)
        if password is None:
            if not sys.stdin.isatty():
                raise InputError(f"--user needs a password: set {password_env}")
            password = click.prompt(f"password for {user}", hide_input=True)
    s = _settings(sources, curation, no_curation, base_iri)
    kg = _load(sources, settings=s)
    body = rdf.serialize(kg, "nt", s.base_iri)
    triples = body.count(b"\n")
    result = do_push(body, url, graph_iri, user, password, triples=triples, timeout=timeout)
    where = f"graph <{graph_iri}>" if graph_iri else "the default graph"
    click.echo(f"pushed {result.triples} triples ({result.bytes:,} bytes) to {where} at {url}: HTTP {result.status}")


@cli.command()
@_source_options
@click.option("--format", "-f", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "xml", "n3", "turtle", "ntriples"]),
              default=None, help="RDF format (turtle is ttl, ntriples nt, as /sparql names them). Default: from the "
                                 "-o file's extension, else ttl.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), metavar="FILE", default=None, callback=_no_empty_path,
              help="Write to FILE (atomically; a FIFO or terminal as it is made) instead of standard output.")
@click.option("--base-iri", default=None, help="Base IRI of concept IRIs (default: https://mlkg.dev/id/).")
def export(sources, curation, no_curation, fmt, output, base_iri):
    """Export the graph as RDF: SKOS concepts plus the mlkg vocabulary, with a relation resource per edge.

    Concepts are {base}concept/ID, sections {base}section/NUMBER.

    \b
    Example:
      mlkg export -o graph.ttl
      mlkg export --format jsonld --base-iri https://example.org/ml/ > graph.jsonld
    """
    from .atomic import output as output_file
    from .atomic import target
    from .views import rdf

    # where the export goes is decided once, before any work: a bad -o is refused at once
    where = target(output) if output and output != "-" else None
    s = _settings(sources, curation, no_curation, base_iri)
    kg = _load(sources, settings=s)
    base_iri = s.base_iri
    name = rdf.format_name(fmt, output)
    if where is None:
        click.echo(rdf.serialize(kg, name, base_iri), nl=False)
        return
    with output_file(where) as f:
        rdf.serialize(kg, name, base_iri, f)
    size = "" if where.streamed else f", {where.path.stat().st_size:,} bytes"  # a stream's size is not ours
    click.echo(f"wrote {where.given} ({rdf.FORMATS[name][2]}{size})", err=True)


@cli.command()
@_source_options
@click.argument("query_", metavar="NAME|FILE.rq|SPARQL", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind a query parameter (repeatable); concept IDs become concept IRIs.")
@click.option("--format", "-f", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "json", "csv", "tsv", "xml", "ttl", "nt", "jsonld", "n3"]),
              help="SELECT/ASK: table, json, csv, tsv or xml (W3C formats). CONSTRUCT/DESCRIBE: Turtle, "
                   "or nt, jsonld, xml, n3.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True)
@click.option("--base-iri", default=None, help="Base IRI of concept IRIs (default: https://mlkg.dev/id/).")
@click.option("--list", "list_", is_flag=True, help="List the named queries and their parameters.")
def query(sources, curation, no_curation, query_, params, fmt, engine, base_iri, list_):
    """Ask the graph anything in SPARQL: a named query from queries/, a .rq file, or query text.

    Prefixes mlkg:, skos:, dcterms:, prov:, rdf:, rdfs:, owl:, xsd:, concept:
    and section: are predeclared.  Parameters are bound as RDF terms, never
    pasted into the query.

    \b
    Example:
      mlkg query --list
      mlkg query prerequisites --param concept=stable-diffusion
      mlkg query 'SELECT ?c WHERE { ?c mlkg:requires concept:gan }' --format csv
    """
    from .views.queries import named_queries

    if list_:
        _emit(_query_list(named_queries()))
        return
    from .views.sparql import run_query
    if not query_:
        raise InputError("give a query: a name (see mlkg query --list), a .rq file or SPARQL text")
    bound: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--param {item!r} must look like key=value")
        if key.strip() in bound:
            raise InputError(f"--param {key.strip()} is given twice")
        bound[key.strip()] = value
    s = _settings(sources, curation, no_curation, base_iri)
    kg = _load(sources, settings=s)
    result = run_query(kg, query_, bound, engine=engine, base_iri=s.base_iri)
    data = result.table().encode("utf-8") if fmt == "table" else result.serialize(fmt)
    click.echo(data, nl=not data.endswith(b"\n"))


def _query_list(queries) -> str:
    width = max((len(n) for n in queries), default=0)
    lines = []
    for name, q in queries.items():
        pad = " " * (width + 2)
        lines.append(textwrap.fill(q.summary, 100, initial_indent=name.ljust(width + 2), subsequent_indent=pad))
        lines += [f"{pad}--param {p.name}=…  ({p.description})" for p in q.params]
        if q.example:
            lines.append(f"{pad}e.g. {q.example}")
    return "\n".join(lines) + "\n"


OPTION_ELSEWHERE_SHOWN = 3
"""Commands named in the hint that an option is another command's (``--format`` is most commands')."""


def _option_elsewhere(option: str, ctx: click.Context | None) -> str:
    """" --known is an option of mlkg learn and mlkg next.", where a command was given another command's option (the
    commands that take it, in the order `mlkg --help` lists them), or ""."""
    here = ctx.command.name if ctx is not None else None
    names = [name for name, command in sorted(cli.commands.items()) if name != here and any(
        option in (*p.opts, *p.secondary_opts) for p in command.params if isinstance(p, click.Option))]
    if not names:
        return ""
    shown = [f"mlkg {n}" for n in names[:OPTION_ELSEWHERE_SHOWN]]
    if len(names) > len(shown):
        shown.append(f"{len(names) - len(shown)} more")
    listed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
    return f" {option} is an option of {listed}."


def main(argv: list[str] | None = None, keep: list | None = None) -> int:
    """Entry point: run the CLI, turning our errors into one-line messages.  ``keep`` is given the dict the
    command's context shares, which holds the graph it read: :func:`run` keeps that graph past the command."""
    meta: dict = {}
    try:
        with click.Context(cli, obj=None) as ctx:  # a context whose meta the command's own context shares
            meta = ctx.meta
            if keep is not None:
                keep.append(meta)
            cli.main(args=argv, prog_name="mlkg", standalone_mode=False, parent=ctx)
    except MlkgError as exc:
        s = meta.get("mlkg.settings")
        if isinstance(exc, UnknownConceptError) and exc.concept_id.strip() and not (exc.suggestions or exc.section) \
                and s is not None and s.origin == "" and not meta.get("mlkg.build"):
            click.echo(f"mlkg: {exc} in the shipped corpus (--source FILE or --build DIR answers from yours)",
                       err=True)
            return exc.exit_code
        for p in exc.problems:  # a message may quote what another program sent: shown, never obeyed
            click.echo(TERMINAL_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if m.group() < "\u0100" else
                                             f"\\u{ord(m.group()):04x}",
                                             str(p) if p.location else f"mlkg: {p.message}"), err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("mlkg: aborted", err=True)
        return 130
    except click.ClickException as exc:
        if isinstance(exc, click.NoSuchOption):
            exc.message += _option_elsewhere(exc.option_name, exc.ctx)
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except (BrokenPipeError, ReaderGone):
        return 0
    except OSError as exc:  # a disk or permission problem the commands did not foresee
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"mlkg: {where}{exc.strerror or exc}", err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def run() -> None:  # pragma: no cover - console script
    # A one-shot command's graph lives until the process ends, and networkx graphs hold reference cycles: the
    # cyclic collector would only walk millions of live objects (0.2 s after a 10k build).  What builds more
    # than one graph turns it back on: serve, eval --ablation.
    gc.disable()
    kept: list = []  # holds the graph a command read: not torn down as the command returns, but ended with the process
    code = main(keep=kept)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError):  # the reader left before the last of the output: no error
            stream.flush()
    # Leave without tearing the heap down object by object (half a second for a large graph):
    # every file is closed and every child process stopped by now.
    os._exit(code)


__all__ = ["InputError", "cli", "main"]
