"""``make bench``: corpora of odd shapes, each at 2k, 4k, 8k and 16k entries, and how the build grows per doubling.

``synth.py`` and ``hard.py`` give two shapes at three sizes; a user's corpus has a shape of its own.  Each shape
here pushes one thing to an extreme, and the build should still grow about twice per doubling of the entries (a
quadratic step shows as four).  The first four broke the build (3.5 to 4.2 times per doubling at 8,000 entries,
found by a probe written to break it), until each step read what it needs once:

- ``sametitle``: every entry is titled "Overview";
- ``sameacr``: every title carries one acronym, "Zorb Quix (ZQV)";
- ``initials``: half the titles have the initials QV, and the other half write "QV" without spelling it out;
- ``compound``: one section where every entry writes a compound of one acronym, "SI-<its own word>".

The rest: ``baseline`` (ten subsections of ten entries a section, three earlier names an entry, with cues),
``bigsub`` (one subsection holds every entry), ``flat`` (a section per entry), ``dense`` (subsections of 30
entries, each naming all its siblings), ``ringdense`` (a ring with chords of "builds on", "extends" and "a variant
of": one cycle through every entry), ``wall`` (one entry's explanation is one sentence naming every concept) and
``alts`` (titles of twelve other names in brackets).

Usage: ``python benchmarks/shapes.py [--shapes a,b] [--sizes 2000,4000,8000,16000] [--out DIR]``.  Each build runs
as a user runs it (``mlkg build``, a new process); CPU time is user + system from the kernel (wait4).  Nothing here
asserts a time.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "kr", "tr", "vr", "gl", "zh"]
VOWELS = ["a", "e", "i", "o", "u"]
FILLER = ["The procedure keeps a running summary of the inputs it has seen so far.",
          "Training usually converges within a modest number of passes over the data.",
          "Its main cost is memory, which grows with the size of the hidden state.",
          "Practitioners tune the step size on a held-out split before the final run.",
          "Results depend strongly on how the inputs were scaled beforehand.",
          "The method is simple to implement and cheap to evaluate on new points."]
SIMPLE = ["Think of it as sorting mail by postcode before reading it.",
          "Like tasting the soup and adjusting the salt a little at a time.",
          "A librarian shelving books by topic does much the same."]
EXAMPLE = "```\nInput: 1000 rows, 16 features\nStep 1: fit on the training rows\nOutput: accuracy 0.91\n```"
CUES = ["{T} builds on {Y}.", "{T} extends {Y} with a gating step.", "{T} is a variant of {Y}.",
        "Unlike {Y}, {T} needs no labels.", "{T} combines ideas from {Y}."]


def word(i: int, tag: str = "x") -> str:
    """A pseudo-word for ``i``, unique per tag and never English."""
    s, i = "", i + 1
    while i:
        i, r = divmod(i, 100)
        s += ONSETS[r // 5] + VOWELS[r % 5]
    return (s + "q" + tag).capitalize()


def names(n: int) -> list[str]:
    return [f"{word(i)} {word(i, 'y')}" for i in range(n)]


def body(rng: random.Random, name: str, mentions: list[str]) -> str:
    return " ".join([f"{name} is a method that learns a compact summary of its inputs.",
                     *(rng.choice(CUES).format(T=name, Y=y) for y in mentions), *rng.sample(FILLER, 3)])


def entries(n, rng, label=None, titles=None, mention=None):
    """``n`` entries (dicts); ``mention(i)`` gives what entry ``i`` names (three earlier names by default)."""
    label = label or names(n)
    titles = titles or label
    mention = mention or (lambda i: [label[rng.randrange(i)] for _ in range(min(3, i))])
    return [{"title": titles[i], "id": f"c{i}-{word(i).lower()}", "simple": rng.choice(SIMPLE),
             "full": body(rng, label[i], mention(i))} for i in range(n)]


def grid(items, sub=10, sec=10):
    """Sections of ``sec`` subsections of ``sub`` entries: [(section title, [(subsection title, entries)])]."""
    subs = [items[i:i + sub] for i in range(0, len(items), sub)]
    return [(f"{word(j, 'sec').upper()} METHODS", [(f"{word(j * sec + t, 'sub')} Techniques", g)
                                                   for t, g in enumerate(subs[j:j + sec])])
            for j in range(0, len(subs), sec)]


def baseline(n, rng):
    return grid(entries(n, rng))


def bigsub(n, rng):
    return [("ALL METHODS", [("Everything", entries(n, rng))])]


def flat(n, rng):
    return [(f"{word(i, 'sec').upper()} TOPIC", [(f"{word(i, 'sub')} Basics", [e])])
            for i, e in enumerate(entries(n, rng))]


def sametitle(n, rng):
    unique = names(n)
    return grid([{"title": "Overview", "id": f"c{i}-overview", "simple": f"{rng.choice(SIMPLE)} See {unique[i]}.",
                  "full": body(rng, "This section", ["Overview", "overview", unique[rng.randrange(n)],
                                                     unique[rng.randrange(n)]])} for i in range(n)])


def sameacr(n, rng):
    label = names(n)
    return grid(entries(n, rng, label, [f"{x} (ZQV)" for x in label],
                        mention=lambda i: ["ZQV", "ZQVs", label[rng.randrange(n)]]))


def initials(n, rng):
    half = n // 2
    titled = [{"title": f"Q{word(i).lower()} V{word(i, 'y').lower()}", "id": f"a{i}", "full": body(rng, "It", []),
               "simple": rng.choice(SIMPLE)} for i in range(half)]
    titled[0]["title"] = "Qorbex Vexilon (QV)"
    using = [{"title": word(i, "b"), "id": f"b{i}", "full": body(rng, word(i, "b"), ["QV"]) + " QV again here.",
              "simple": rng.choice(SIMPLE)} for i in range(n - half)]
    return grid(titled + using)


def compound(n, rng):
    items = entries(n, rng, mention=lambda i: [])
    items[0]["title"], items[1]["title"] = "Scale Invariant Score (SIS)", "Scale Invariance (SI)"
    for i in range(2, n):
        items[i]["full"] += f" It reports the SI-{word(i, 'tl')} score on every split."
    return [("ONE BIG SECTION", [(f"{word(j, 'sub')} Techniques", items[j * 10:j * 10 + 10])
                                 for j in range((n + 9) // 10)])]


def dense(n, rng, size=30):
    label = names(n)
    return grid(entries(n, rng, label, mention=lambda i: [label[j] for j in range(i // size * size,
                                                                                   min(n, i // size * size + size))
                                                          if j != i]), sub=size)


def ringdense(n, rng):
    label = names(n)
    items = entries(n, rng, label, mention=lambda i: [])
    for i in range(n):
        items[i]["full"] = (f"{label[i]} builds on {label[i - 1]}. {label[i]} extends {label[i - 7]}. "
                            f"{label[i]} is a variant of {label[i - 50]}. " + " ".join(rng.sample(FILLER, 2)))
    return grid(items)


def wall(n, rng):
    label = names(n)
    items = entries(n, rng, label)
    items[-1]["full"] = "It unifies " + ", then ".join(f"{x} in case {k}" for k, x in enumerate(label[:-1])) + "."
    return grid(items)


def alts(n, rng):
    label = names(n)
    return grid(entries(n, rng, label, [f"{x} ({', '.join(word(i * 12 + j, 'al') for j in range(12))})"
                                        for i, x in enumerate(label)]))


SHAPES = {f.__name__: f for f in (sametitle, sameacr, initials, compound, baseline, bigsub, flat, dense, ringdense,
                                  wall, alts)}


def write(sections, folder: Path, per_file: int = 2000) -> None:
    """The sections as cheatsheet files of about ``per_file`` entries each."""
    folder.mkdir(parents=True, exist_ok=True)
    files, out, count = 0, [], 0
    for s, (title, subs) in enumerate(sections, 1):
        out.append(f"## {s}. {title}\n")
        for u, (subtitle, items) in enumerate(subs, 1):
            out.append(f"### {s}.{u} {subtitle}\n\n---\n")
            for k, e in enumerate(items, 1):
                out.append(f"#### {s}.{u}.{k} {e['title']}\n\n**ID:** `{e['id']}`\n**Parent:** `{s}.{u}`\n\n"
                           f"**Full Explanation:**\n{e['full']}\n\n**Simple Explanation:**\n{e['simple']}\n\n"
                           f"**Example:**\n{EXAMPLE}\n\n---\n")
                count += 1
        if count >= per_file or s == len(sections):
            files += 1
            (folder / f"{files:04d}-part.md").write_text(f"# ML Cheatsheet Content - Part {files}\n\n"
                                                        + "\n".join(out) + "\n", encoding="utf-8")
            out, count = [], 0


def build_cpu(folder: Path, out: Path) -> tuple[float, float]:
    """(CPU s, peak RSS MiB) of one ``mlkg build`` of ``folder``, from the kernel's accounting."""
    proc = subprocess.Popen([sys.executable, "-m", "mlkg", "build", "--source", str(folder), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"mlkg build {folder} failed: {proc.stderr.read().decode()[-2000:]}")
    proc.stderr.close()
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--sizes", default="2000,4000,8000,16000")
    parser.add_argument("--out", type=Path, default=None, help="where the corpora go (default: a temporary folder)")
    args = parser.parse_args(argv)
    work = args.out or Path(tempfile.mkdtemp(prefix="mlkg-shapes-"))
    sizes = [int(x) for x in args.sizes.split(",")]
    print(f"| shape | {' | '.join(f'{n:,}' for n in sizes)} | CPU growth per doubling | peak RSS at {sizes[-1]:,} |")
    print(f"|---|{'---|' * len(sizes)}---|---|")
    start = time.perf_counter()
    for shape in args.shapes.split(","):
        cpus, rss = [], 0.0
        for n in sizes:
            folder = work / f"{shape}-{n}"
            shutil.rmtree(folder, ignore_errors=True)
            write(SHAPES[shape](n, random.Random(0)), folder)
            cpu, rss = build_cpu(folder, work / "out")
            cpus.append(cpu)
            shutil.rmtree(folder)
        growth = ", ".join(f"{b / a:.2f}×" for a, b in itertools.pairwise(cpus))
        print(f"| {shape} | {' | '.join(f'{c:.2f} s' for c in cpus)} | {growth} | {rss:.0f} MiB |", flush=True)
    if args.out is None:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n({time.perf_counter() - start:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
