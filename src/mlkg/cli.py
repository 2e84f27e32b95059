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
