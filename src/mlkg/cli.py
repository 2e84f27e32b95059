"""The ``mlkg`` command line: a thin layer over the library.

Each command loads the graph (see :func:`mlkg.load`), calls one library
function and prints the result.  Imports are made inside the commands so
that, for example, ``mlkg prereqs`` never imports pyvis or rdflib.
Every :class:`~mlkg.errors.MlkgError` becomes one line per problem on
stderr and the error's exit code; there are no tracebacks.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .errors import InputError, MlkgError

EXAMPLES = "\b\nExample:\n  "


def _source_options(f):
    f = click.option("--no-curation", is_flag=True, help="Ignore curation files, even the shipped one.")(f)
    f = click.option("--curation", "curation", multiple=True, type=click.Path(dir_okay=False),
                     metavar="FILE", help="Curation file (repeatable). Default: data/curation.toml.")(f)
    f = click.option("--source", "-s", "sources", multiple=True, type=click.Path(), metavar="PATH",
                     help="Cheatsheet file or folder of .md files (repeatable). Default: the shipped data/.")(f)
    return f


def _load(sources, curation=(), no_curation=False, out=None):
    """Load the graph, from a fresh build's cache when one matches the sources."""
    from .cache import load_cached

    cur = [] if no_curation else (list(curation) or None)
    return load_cached(sources, cur, out)


def _emit(text: str) -> None:
    click.echo(text, nl=not text.endswith("\n"))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="mlkg")
def cli():
    """Turn machine-learning cheatsheets into a knowledge graph you can explore, query and learn from.

    \b
    Start with:
      mlkg build                      # graph.json, graph.ttl and map.html in out/
      mlkg show vae                   # one concept, its edges and their evidence
      mlkg prereqs stable-diffusion   # what to learn first, in order
    """


@cli.command()
@_source_options
@click.option("--out", "-o", default="out", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write the build into.")
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
    from .build import build_outputs

    cur = [] if no_curation else (list(curation) or None)
    result = build_outputs(sources, cur, Path(out), base_iri=base_iri, with_map=not no_map,
                           progress=sys.stderr.isatty())
    _emit(result.summary())


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
    from .views import concept_json, concept_text

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
    from .views import stats_text

    kg = _load(sources, curation, no_curation)
    _emit(json.dumps(kg.stats(), indent=2) if fmt == "json" else stats_text(kg))


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
    from .views import edges_json, edges_tsv

    kg = _load(sources, curation, no_curation)
    rows = kg.edges(kind or None)
    _emit(json.dumps(edges_json(rows), indent=2, ensure_ascii=False) if fmt == "json" else edges_tsv(rows))


@cli.command(name="eval")
@_source_options
@click.argument("gold", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def eval_(sources, curation, no_curation, gold, fmt):
    """Score mined edges against a hand-labelled GOLD file: precision, recall and F1.

    Links are compared as unordered pairs; requires edges with their direction.
    Only edges among the gold file's section(s) count.

    \b
    Example:
      mlkg eval tests/gold/seed.gold
    """
    from .evaluate import evaluate, read_gold
    from .views import eval_text

    g = read_gold(gold)
    kg = _load(sources, curation, no_curation)
    sections = {kg.graph.nodes[c]["section"] for c in g.concepts if c in kg}
    scope = {c for c in kg.entries if kg.graph.nodes[c]["section"] in sections}
    result = evaluate(kg, g, scope)
    _emit(json.dumps(result, indent=2) if fmt == "json" else eval_text(result))


@cli.command()
@_source_options
@click.argument("concept")
@click.option("--depth", type=int, default=None, help="Only prerequisites up to N requires-hops away.")
@click.option("--tree", is_flag=True, help="Show an indented tree instead of a numbered plan.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True)
def prereqs(sources, curation, no_curation, concept, depth, tree, fmt):
    """List every prerequisite of CONCEPT in a valid learning order (document order breaks ties).

    \b
    Example:
      mlkg prereqs stable-diffusion
      mlkg prereqs stable-diffusion --tree
      mlkg prereqs rlhf --format md > rlhf-plan.md
    """
    from .views import plan_md, plan_text, plan_tree

    kg = _load(sources, curation, no_curation)
    cid = kg.resolve(concept)
    steps = kg.prerequisites(cid, depth)
    if fmt == "json":
        _emit(json.dumps({"concept": cid, "plan": steps}, indent=2, ensure_ascii=False))
    elif fmt == "md":
        _emit(plan_md(kg, cid, steps))
    else:
        _emit(plan_tree(kg, cid, depth) if tree else plan_text(kg, cid, steps))


@cli.command()
@_source_options
@click.argument("concept")
@click.option("--known", "-k", default="", metavar="A,B,…", help="Concepts you already know (comma-separated).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True)
def learn(sources, curation, no_curation, concept, known, fmt):
    """A learning plan for CONCEPT that skips what you know, with reading times.

    Knowing a concept implies knowing its prerequisites.  Reading time is
    estimated from word counts: prose at 200 words a minute, examples at 100.

    \b
    Example:
      mlkg learn stable-diffusion --known autoencoder,gan
    """
    from .views import learn_text, plan_md

    kg = _load(sources, curation, no_curation)
    plan = kg.learning_plan(concept, [k.strip() for k in known.split(",") if k.strip()])
    if fmt == "json":
        _emit(json.dumps(plan, indent=2, ensure_ascii=False))
    elif fmt == "md":
        _emit(plan_md(kg, plan["concept"], plan["plan"]))
    else:
        _emit(learn_text(kg, plan))


@cli.command()
@_source_options
@click.argument("concept")
@click.option("--depth", type=int, default=None, help="Only dependents up to N requires-hops away.")
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
    if not rows:
        _emit(f"Nothing in this graph builds on {kg.graph.nodes[cid]['title']} [{cid}].")
        return
    lines = [f"{len(rows)} concepts build on {kg.graph.nodes[cid]['title']} [{cid}]:"]
    lines += [f"  {r['id']:<28} {r['label']}  (depth {r['depth']})" for r in rows]
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
    from .views import path_text

    kg = _load(sources, curation, no_curation)
    a, b = kg.resolve(source), kg.resolve(target)
    steps = kg.path(a, b)
    if fmt == "json":
        _emit(json.dumps({"path": [{k: s[k] for k in ("source", "target", "kind", "evidence")} for s in steps]},
                         indent=2, ensure_ascii=False))
    else:
        _emit(path_text(kg, a, b, steps))


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning our errors into one-line messages."""
    try:
        cli.main(args=argv, prog_name="mlkg", standalone_mode=False)
    except MlkgError as exc:
        for p in exc.problems:
            click.echo(str(p) if p.location else f"mlkg: {p.message}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("mlkg: aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
    return 0


def run() -> None:  # pragma: no cover - console script
    sys.exit(main())


__all__ = ["InputError", "cli", "main"]
