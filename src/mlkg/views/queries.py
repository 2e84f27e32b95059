"""Named queries: the ``.rq`` files in ``queries/`` and what their header comments say.

A named query's leading comments say what it answers, which parameters it
takes and how to call it::

    # Everything a concept builds on, ...
    # param: concept (a concept ID)
    # example: mlkg query prerequisites --param concept=stable-diffusion

Reading them needs no RDF library: ``mlkg query --list`` stays quick.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_PARAM = re.compile(r"#\s*param:\s*([A-Za-z_]\w*)\s*(?:\((.*)\))?\s*\Z")
_EXAMPLE = re.compile(r"#\s*example:\s*(.*?)\s*\Z")


@dataclass(frozen=True)
class Param:
    """One declared parameter: ``# param: name (description)``."""

    name: str
    description: str = ""

    @property
    def kind(self) -> str:
        """``concept``, ``section`` or ``text``, read from the description."""
        d = self.description.casefold()
        if "concept id" in d:
            return "concept"
        if "section" in d and "number" in d:
            return "section"
        return "text"

    @property
    def may_be_empty(self) -> bool:
        """Whether an empty or blank value is a value: never for a concept or a section, and not for a text whose
        description says "not empty" (an empty search text would match everything)."""
        return self.kind == "text" and "not empty" not in self.description.casefold()


@dataclass
class NamedQuery:
    """A query and what its header comments say about it."""

    name: str
    text: str
    description: str = ""
    params: list[Param] = field(default_factory=list)
    example: str | None = None
    path: Path | None = None

    @property
    def summary(self) -> str:
        """The description's first sentence, for ``mlkg query --list``."""
        m = re.match(r"(.+?[.?!])(\s|\Z)", self.description)
        return m.group(1) if m else self.description


def parse_header(text: str, name: str = "query", path: Path | None = None) -> NamedQuery:
    """Read the leading comment block: description lines, ``# param:`` lines and ``# example:``."""
    description, params, example = [], [], None
    for line in text.splitlines():
        s = line.strip()
        if not s:
            if description or params:
                break
            continue
        if not s.startswith("#"):
            break
        if m := _PARAM.match(s):
            params.append(Param(m.group(1), (m.group(2) or "").strip()))
        elif m := _EXAMPLE.match(s):
            example = m.group(1)
        else:
            description.append(s.lstrip("#").strip())
    return NamedQuery(name, text, " ".join(d for d in description if d), params, example, path)


def queries_dir() -> Path:
    """The shipped named queries: the repository's ``queries/`` in a clone, ``mlkg/_queries`` in a wheel."""
    package = Path(__file__).resolve().parents[1]
    repo = package.parents[1] / "queries"
    return repo if repo.is_dir() else package / "_queries"


def named_queries(folder: str | Path | None = None) -> dict[str, NamedQuery]:
    """Every ``*.rq`` file in ``queries/`` (or ``folder``) by name, sorted."""
    root = Path(folder) if folder is not None else queries_dir()
    out = {}
    for path in sorted(root.glob("*.rq")):
        out[path.stem] = parse_header(path.read_text(encoding="utf-8"), path.stem, path)
    return out
