"""``make bench``, last part: inputs written to make one piece of the miner blow up, at two sizes.

Each crafted corpus is built at size n and 2n, in one process, and the table
gives the CPU time of each and their ratio: about 2 is linear, about 4
quadratic. Each row is an input that once was quadratic or worse:

- ``shared shortened name``: n titles that shorten to one name ("Zorb Quux
  …"), and n/10 entries naming it 30 times each (4,000 titles took 47 s);
- ``one acronym title``: n entries all titled "Zorb GAN", each naming it
  (2,000 took 22 s; and the first lookup of a name, which builds the name
  index, checked each entry against every earlier one sharing the name:
  8,000 took 3.5 s);
- ``closed compounds``: a title of n/200 closed-up words English also splits
  ("Feedforward"), each once a doubling of the name's forms (22 took 281 s
  and 24 GB);
- ``headings in a fence``: n numbered headings quoted in one example's fence
  (4,000 took 5.6 s);
- ``backticks in a title``: a run of n backticks and n lone ones in a title
  (a regex tried every pair: 2,000 took 24.5 s, 5,000 over a minute);
- ``long title``: a title of n words, one in 26 ending in "s", named in
  another entry (a possessive form per such word, each as long as the title,
  and every suffix of the title joined: 12,800 words took 10 s and 820 MiB;
  at 500,000 characters the automaton's deep trie crashed the build);
- ``one-word title``: a title of one word of 4n letters (each split of it
  into two words looked up a prefix as long as it: 8,000 took 12 s and
  580 MiB);
- ``joined title``: a title joining two names under one head ("Zorb and
  Quorb … Mechanisms") of n words, named in another entry (the corpus was
  searched for the first name, whose long key the automaton walks back
  through at every word: 32,000 words took 11.9 s);
- ``also called``: one entry saying n times "The Zorb Thing, also called
  Quorb… system, …" (all the text before each was split into clauses:
  4,000 took 6.1 s);
- ``unknown curated IDs``: n entries and a curation file of n aliases of IDs
  no entry has, a build refused (each was compared with every ID for a "did
  you mean": 1,000 took 8.0 s, 2,000 24.8 s);
- ``punctuation before names``: a sentence opening with n commas, then n/8
  names (a pattern read the run back at each name: 32,000 took 7.6 s);
- ``blanks between names``: two names n blanks apart (two runs of spaces in a
  pattern read the gap back and forth: 128,000 took 23 s);
- ``unclosed emphasis in a title``: n/4 "**" that never close (each was
  searched to the title's end: 32,000 characters took 10 s);
- ``also called in one clause``: ", also called Zq" n/16 times in a clause
  that does not name its entry (the clause was read whole at each: 192,000
  characters took 12 s).
- ``SPARQL query of open quotes`` (the server's, not a build's): n quotes
  that never close, each escaping one, in a query the server remembers by
  its text less comments (300 KB held every page for five minutes).

The last four were found by a probe written to make the build slow with
under 200 KB of text.

Nothing here asserts a time: numbers depend on the machine.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _word(i: int) -> str:
    s, i = "", i + 26 * 26
    while i:
        s, i = chr(97 + i % 26) + s, i // 26
    return s.capitalize()


def _sheet(items: list[tuple[str, str, str]]) -> str:
    """Entries (ID, title, full explanation), fifty to a subsection."""
    out = ["# ML Cheatsheet Content - Section 50: Hostile\n\n## 50. HOSTILE\n\n"]
    for j in range(0, len(items), 50):
        sub = j // 50 + 1
        out.append(f"### 50.{sub} Group {_word(sub)}\n\n---\n\n")
        for k, (cid, title, full) in enumerate(items[j:j + 50], 1):
            out.append(f"#### 50.{sub}.{k} {title}\n\n**ID:** `{cid}`\n**Parent:** `50.{sub}`\n\n"
                       f"**Full Explanation:**\n{full}\n\n**Simple Explanation:**\nPlain words here.\n\n"
                       "**Example:**\nNothing much.\n\n---\n\n")
    return "".join(out)


def shared_shortened_name(n: int) -> str:
    items = [(f"zq-{_word(i).lower()}", f"Zorb Quux {_word(i)}", "A thing of its own kind.") for i in range(n)]
    items += [(f"user-{_word(i).lower()}", f"Userthing {_word(i)}", "The Zorb Quux helps here. " * 30)
              for i in range(n // 10)]
    return _sheet(items)


def one_acronym_title(n: int) -> str:
    return _sheet([(f"zg-{_word(i).lower()}", "Zorb GAN", "It builds on the Zorb GAN of old.") for i in range(n)])


def closed_compounds(n: int) -> str:
    title = " ".join(["Feedforward"] * (n // 200))
    return _sheet([("feed", title, "A title of closed compounds."), ("other", "Other Thing", "Nothing.")])


def backticks_in_a_title(n: int) -> str:
    """A title holding a run of n backticks and n lone ones, which open code spans that never close."""
    return _sheet([("ticks", "Ticks " + "`" * n + " x" + " `" * n, "A title of backticks."),
                   ("other", "Other Thing", "Nothing.")])


def long_title(n: int) -> str:
    """A title of n words, one in 26 of them ending in "s" ("Aabs"), that another entry names."""
    title = " ".join(_word(i) for i in range(n))
    return _sheet([("long", title, "A long title."), ("other", "Other Thing", f"It builds on the {title}.")])


def one_word_title(n: int) -> str:
    """A title of one word of 4n letters ("ZorbzorbZorb…"), that another entry names."""
    title = "Zorb" * n
    return _sheet([("long", title, "A long word."), ("other", "Other Thing", f"It builds on the {title}.")])


def joined_title(n: int) -> str:
    """A title of n words joining two names under one head ("Zorb and Quorb Zorb Zorb … Mechanisms"), named."""
    title = "Zorb and Quorb " + " ".join(["Zorb"] * n) + " Mechanisms"
    return _sheet([("joined", title, "Two names."), ("other", "Other Thing", f"It builds on the {title}.")])


def also_called(n: int) -> str:
    """One entry giving itself n other names, a sentence each ("The Zorb Thing, also called Quorbaab system, …")."""
    text = " ".join(f"The Zorb Thing, also called Quorb{_word(i).lower()} system, is good in case {i}."
                    for i in range(n))
    return _sheet([("zorb-thing", "Zorb Thing", text), ("other", "Other Thing", "Nothing.")])


def unknown_curated_ids(n: int) -> tuple[str, str]:
    """n entries, and a curation file of n aliases of concepts none of them is (for another corpus, say)."""
    sheet = _sheet([(f"zorb-{_word(i).lower()}", f"Zorb {_word(i)}", "A thing.") for i in range(n)])
    return sheet, "".join(f'[[alias]]\nconcept = "quorb-{_word(i).lower()}"\nnames = ["Quxal {_word(i)}"]\n\n'
                          for i in range(n))


def punctuation_before_names(n: int) -> str:
    """A sentence opening with n commas, then n/8 names (each name read the run back: 64 KB took 28 s)."""
    return _sheet([("zorb-thing", "Zorb Thing", "It is one.\n" + "," * n + " Quorb Thing" * (n // 8)),
                   ("quorb-thing", "Quorb Thing", "Nothing.")])


def lead_word_then_blanks(n: int) -> str:
    """A sentence opening with "The", n blanks, then n/8 names (the lead word's blanks were read at each name)."""
    return _sheet([("zorb-thing", "Zorb Thing", "It is one.\nThe" + " " * n + " Quorb Thing" * (n // 8)),
                   ("quorb-thing", "Quorb Thing", "Nothing.")])


def blanks_between_names(n: int) -> str:
    """Two names n blanks apart ("Quorb Thing     …     Quorb Thing"; 128 KB took 23 s)."""
    return _sheet([("zorb-thing", "Zorb Thing", "It extends the Quorb Thing" + " " * n + "Quorb Thing here."),
                   ("quorb-thing", "Quorb Thing", "Nothing.")])


def unclosed_emphasis(n: int) -> str:
    """A title of n/4 "**" that never close ("Zorb **a **a …"; 32 KB took 10 s)."""
    return _sheet([("zorb", "Zorb " + "**a " * (n // 4), "A title of stars."), ("other", "Other Thing", "Nothing.")])


def also_called_in_one_clause(n: int) -> str:
    """One clause saying n/16 times ", also called Zq", without the entry's name (192 KB took 12 s)."""
    return _sheet([("zorb-thing", "Zorb Thing", "It is a model. It is also called Zq" + ", also called Zq" * (n // 16)
                    + ". End."), ("other", "Other Thing", "Nothing.")])


def headings_in_a_fence(n: int) -> str:
    """One example whose closed fence holds n numbered headings (a sample cheatsheet quoted whole)."""
    sample = "".join(f"## {i}. SAMPLE\n\n#### {i}.1.1 Sample {_word(i)}\n\n" for i in range(1, n + 1))
    text = _sheet([("holder", "Holder Thing", "It quotes a sample."), ("other", "Other Thing", "Nothing.")])
    return text.replace("**Example:**\nNothing much.", f"**Example:**\n````\n{sample}````", 1)


CASES: dict[str, tuple[Callable[[int], str | tuple[str, str]], int]] = {
    "shared shortened name": (shared_shortened_name, 4000),
    "one acronym title": (one_acronym_title, 2000),
    "closed compounds": (closed_compounds, 4400),
    "headings in a fence": (headings_in_a_fence, 4000),
    "backticks in a title": (backticks_in_a_title, 5000),
    "long title": (long_title, 6400),
    "one-word title": (one_word_title, 4000),
    "joined title": (joined_title, 16000),
    "also called": (also_called, 4000),
    "unknown curated IDs": (unknown_curated_ids, 1000),
    "punctuation before names": (punctuation_before_names, 32000),
    "lead word then blanks": (lead_word_then_blanks, 32000),
    "blanks between names": (blanks_between_names, 64000),
    "unclosed emphasis in a title": (unclosed_emphasis, 16000),
    "also called in one clause": (also_called_in_one_clause, 96000),
}


def build_cpu(text: str | tuple[str, str], folder: Path) -> float:
    """CPU seconds to read and build a cheatsheet, or a (cheatsheet, curation file) pair; a build refused for the
    curation file's mistakes is timed to the refusal."""
    from mlkg import knowledge
    from mlkg.errors import CurationError
    from mlkg.read import read

    path = folder / "hostile.md"
    curation = None
    if not isinstance(text, str):
        text, curation_text = text
        curation = [folder / "hostile.toml"]
        curation[0].write_text(curation_text, encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    t = time.process_time()
    with contextlib.suppress(CurationError):
        kg = knowledge.build(read([path], curation))
        _ = "no such name" in kg  # the name index, which every lookup of a name builds first
    return time.process_time() - t


def main() -> int:
    gc.disable()  # as a build runs
    print("| hostile input | n | CPU at n | CPU at 2n | ratio |")
    print("|---|--:|--:|--:|--:|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, (make, n) in CASES.items():
            one, two = build_cpu(make(n), folder), build_cpu(make(2 * n), folder)
            print(f"| {name} | {n:,} | {one:.2f} s | {two:.2f} s | {two / one:.1f}× |", flush=True)
    # what the server makes of a query before any worker runs it, in the thread that answers pages too
    n = 400_000
    one, two = query_shape_cpu(n), query_shape_cpu(2 * n)
    print(f"| SPARQL query of open quotes | {n:,} | {one:.2f} s | {two:.2f} s | {two / one:.1f}× |", flush=True)
    return 0


def query_shape_cpu(n: int) -> float:
    """CPU seconds the server takes to shape a query of n open quotes, each escaping one (once quadratic: 300 KB
    held every page for five minutes)."""
    from mlkg.views.server import _query_shape

    text = "ASK { " + '"\\' * n + " }"
    t = time.process_time()
    _query_shape(text)
    return time.process_time() - t


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    raise SystemExit(main())
