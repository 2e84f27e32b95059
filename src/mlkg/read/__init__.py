"""Stage 1, read: cheatsheet files and curation files in, one checked :class:`Corpus` out.

Nothing here knows about mentions or edges; the corpus is what the text says,
with the curation file's renames applied and its items checked against it.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..errors import CheatsheetError, CurationError, InputError, Location, Problem, close_matches
from .curation import Curation, load_curation
from .markdown import (
    Document,
    Entry,
    Field,
    Heading,
    example_plain,
    number_key,
    parse_bytes,
    parse_text,
    plain_title,
    read_document,
    section_node_id,
    split_title,
)
from .sources import STDIN, default_curation, default_sources, expand_paths, read_input

__all__ = [
    "Corpus", "Curation", "Document", "Entry", "Field", "Heading", "example_plain", "number_key", "parse_bytes",
    "parse_text", "plain_title", "read", "section_node_id", "split_title",
]


@dataclass
class Corpus:
    """All documents of one load in the order given, the files they came from and the curation applied.

    Entries are numbered in document order (``Entry.order``).
    """

    documents: list[Document]
    sources: list[Path] = field(default_factory=list)
    curation: Curation = field(default_factory=Curation)
    renamed: set[tuple[str, str]] = field(default_factory=set)  # the (number, ID) pairs a [[rename]] applied to
    # SHA-256 of every cheatsheet's and curation file's bytes as they were read: exactly what the corpus was made
    # from, even where a file changes while it is read or after
    digests: dict[Path, bytes] = field(default_factory=dict)

    @cached_property
    def entries(self) -> list[Entry]:
        return [e for d in self.documents for e in d.entries]

    @property
    def sections(self) -> list[Heading]:
        return [h for d in self.documents for h in d.sections]

    @property
    def subsections(self) -> list[Heading]:
        return [h for d in self.documents for h in d.subsections]


def read(paths: Iterable[str | Path] = (), curation: Iterable[str | Path] | None = None,
         replacing: Mapping[Path, bytes] | None = None) -> Corpus:
    """Parse cheatsheets (files or folders of ``.md``) and curation files into a checked corpus.

    With no paths, the shipped ``data/`` corpus is read.  ``curation`` lists
    curation files; by default ``data/curation.toml`` if it exists, and ``[]``
    reads none.  ``replacing`` gives the bytes of a curation file about to be
    written, read in its place (see :func:`~mlkg.read.curation.load_curation`).
    Every problem of every file is collected and raised together
    as one :class:`~mlkg.errors.CheatsheetError` (or ``CurationError``).
    """
    paths = list(paths)
    files = expand_paths(paths or default_sources())
    curation = list(default_curation() if curation is None else curation)
    if STDIN in files and any(Path(c) == STDIN for c in curation):
        raise InputError("standard input (-) is given both as a cheatsheet and as a curation file: it can be only "
                         "one of them; save the other to a file and give its name")
    cur = load_curation(curation, replacing)
    corpus = parse_files(files, cur.renames, cur.rename_items)
    corpus.curation = cur
    corpus.digests.update(cur.digests)
    concepts = {e.id for e in corpus.entries}
    cur.check(concepts, _suggester(concepts))
    return corpus


SUGGESTED = 20
"""The most unknown IDs of a curation file given a "did you mean": each is compared with every concept, and a file
of thousands of items for another corpus took time quadratic in its size (2,000 items among 2,000 concepts: 24.8 s,
the concepts sorted again for each).  The rest are listed all the same."""


def _suggester(concepts: set[str]):
    """The closest concept IDs to an unknown one, for the first :data:`SUGGESTED` unknown IDs asked about."""
    known = sorted(concepts)
    found: dict[str, list[str]] = {}

    def suggest(x: str) -> list[str]:
        if x not in found:
            found[x] = close_matches(x, known) if len(found) < SUGGESTED else []
        return found[x]

    return suggest


def parse_files(files: list[Path], renames: dict[tuple[str, str], str] | None = None,
                rename_items: dict[tuple[str, str], Location] | None = None) -> Corpus:
    """Parse files into one corpus, checking IDs across all of them.

    ``renames`` maps (entry number, ID) to a new ID: a curation file resolves
    a duplicate without editing the cheatsheet.  ``rename_items`` says where
    each rename is written: a rename to an ID another entry has is the
    curation file's mistake, reported there (as a ``CurationError`` when the
    cheatsheets themselves are fine).
    """
    renames = renames or {}
    rename_items = rename_items or {}
    documents, problems = [], []
    outlines: list[Document] = []  # every document read, with problems or without: a number two headings use
    renaming: dict[str, tuple[Location, str]] = {}  # entry number → (its rename's place, the ID it had)
    clashes: list[Problem] = []
    digests: dict[Path, bytes] = {}
    read_from: dict[bytes, Path] = {}  # each text read, by its digest: the file it was read from
    for path in files:
        name = str(path)
        try:
            data = read_input(path)
            digest = digests[Path(path)] = hashlib.sha256(data).digest()
            if read_from.setdefault(digest, path) != path:
                # a copy (the seed in data/ and in the full corpus): read once, as a file given twice is.  Two
                # copies could never load together, since every entry would be there twice
                continue
            doc, found = read_document(data, name)
        except CheatsheetError as exc:
            problems += exc.problems
            continue
        except OSError as exc:
            problems.append(Problem(Location(name, 1), f"cannot read file: {exc.strerror or exc}"))
            continue
        if found:
            problems += found
            if doc is not None:  # its headings only: a number its entries reuse may be one of its problems already
                outlines.append(dataclasses.replace(doc, entries=[]))  # (50.1.02, read on as 50.1.2)
            continue
        outlines.append(doc)
        if not doc.entries:
            problems.append(Problem(Location(name, 1), "no cheatsheet entries in this file (an entry starts with a "
                                                       "'#### N.M.K Title' heading); is it a cheatsheet?"))
        documents.append(doc)
    seen: dict[str, Entry] = {}
    renamed: set[tuple[str, str]] = set()
    order = 0
    for doc in documents:
        for entry in doc.entries:
            if (entry.number, entry.id) in renames:
                renamed.add((entry.number, entry.id))
                if (entry.number, entry.id) in rename_items:
                    renaming[entry.number] = (rename_items[entry.number, entry.id], entry.id)
                entry.id = renames[entry.number, entry.id]
            entry.order = order
            order += 1
            if entry.id in seen:
                first = seen[entry.id]
                if entry.number in renaming or first.number in renaming:
                    clashes.append(_rename_clash(*((entry, first) if entry.number in renaming else (first, entry)),
                                                 renaming))
                    continue
                problems.append(Problem(
                    Location(entry.location.path, entry.id_line),
                    f"duplicate ID {entry.id!r} (also at {first.location.path}:{first.id_line}); "
                    "change one **ID:**, or rename it in the curation file",
                ))
            else:
                seen[entry.id] = entry
    problems += _clashing_numbers(outlines)  # of a file with problems too: a reused number causes some of them
    sections = {h.number: h for doc in outlines for h in doc.sections}
    for e in (e for doc in documents for e in doc.entries if e.id in sections):
        why = (f"the number of section {e.id} ({sections[e.id].location}): every command would take it for this "
               "entry, never the section")
        if e.number in renaming:  # the curation file's mistake, not the cheatsheet's
            where, old = renaming[e.number]
            clashes.append(Problem(where, f"[[rename]] {old!r} ({e.number}) to {e.id!r}: that ID is {why}; rename "
                                          "it to an ID with a letter in it"))
        else:
            problems.append(Problem(Location(e.location.path, e.id_line), f"ID {e.id!r} is {why}; give the entry an "
                                                                          "ID with a letter in it"))
    if problems:
        raise CheatsheetError(problems=sorted(problems + clashes, key=lambda p: (p.location or Location("", 0))))
    if clashes:
        raise CurationError(problems=clashes)
    return Corpus(documents, [p for p in files if read_from.get(digests[Path(p)]) == p], renamed=renamed,
                  digests=digests)


def _rename_clash(renamed: Entry, other: Entry, renaming: dict[str, tuple[Location, str]]) -> Problem:
    """A ``[[rename]]`` to an ID another entry has, at the rename: the cheatsheets are not what is wrong."""
    where, old = renaming[renamed.number]
    also = f", given by the [[rename]] at {renaming[other.number][0]}" if other.number in renaming else ""
    return Problem(where, f"[[rename]] {old!r} ({renamed.number}) to {renamed.id!r}: that ID is already entry "
                          f"{other.number}'s ({other.location.path}:{other.id_line}{also}); choose another")


def _clashing_numbers(documents: list[Document]) -> list[Problem]:
    """Two entries with one number, or one section (subsection) number with two titles: the outline and the
    curation file's ``[[rename]] number`` would mean two things.  One heading repeated with its title is the same
    section, as when a section is split across files."""
    problems = []
    entries: dict[str, Entry] = {}
    headings: dict[tuple[str, str], Heading] = {}
    for doc in documents:
        for h in (*doc.sections, *doc.subsections):
            first = headings.setdefault((h.kind, h.number), h)
            if first is not h and first.title.casefold().split() != h.title.casefold().split():
                problems.append(Problem(h.location, f"{h.kind} {h.number} is titled {h.title!r} here and "
                                        f"{first.title!r} at {first.location}; renumber one, or give both one title"))
        for e in doc.entries:
            first_entry = entries.setdefault(e.number, e)
            if first_entry is not e:
                problems.append(Problem(e.location, f"entry number {e.number} is used twice (also at "
                                        f"{first_entry.location}); renumber one"))
    return problems
