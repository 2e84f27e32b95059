"""Mine a corpus: name every concept, find and weigh its mentions, decide each pair, apply the curation."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from itertools import chain, islice

from ..errors import CurationError, Problem
from ..read import Corpus, Curation, Entry, split_title
from . import lexicon as names
from . import rules
from . import text as words
from .evidence import Evidence, Mention, Mined, Relation, Report
from .lexicon import Lexicon, build_lexicon, head_spelled, is_acronym, spelled_out, subsection_heads
from .mentions import FIELDS, CorpusText, text_mentions, title_mentions
from .similarity import mutual_best_siblings, richest_unit


def mine(corpus: Corpus, disabled: frozenset[str] = frozenset()) -> Mined:
    """Mine the corpus's cross-references and apply its curation.

    The report says which mentions were dropped as homonyms, which pairs had
    conflicting directions, and which ``requires`` edges were downgraded to
    keep the graph acyclic.  ``disabled`` names rules to switch off, to
    measure what each one buys (``mlkg eval --ablation``).
    """
    _forget_words()
    clashes = _weak_aliases(corpus) + _alias_clashes(corpus)
    if clashes:
        raise CurationError(problems=clashes)
    report = Report()
    heads = subsection_heads(corpus)
    pos = rules.Positions(corpus, heads)
    lexicon = build_lexicon(corpus, corpus.curation.aliases, heads)
    names.forget()  # the names are made: their word and key caches (a tenth of the peak at 100k) can go
    text = CorpusText(corpus)
    evidence = _votes(corpus, lexicon, text, pos, report, disabled)
    del lexicon
    if rules.HOMONYM_RULE not in disabled:
        evidence, dropped = rules.drop_homonyms(evidence, pos, text.prose)
        report.homonyms += dropped
    report.curation += _aliases_used(corpus, evidence)
    pairs: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    order = pos.order
    for ev in evidence:
        s, t = ev.source, ev.target
        pairs[(s, t) if order[s] < order[t] else (t, s)].append(ev)
    for a, b, cosine, shared in mutual_best_siblings(corpus, text):
        a, b = sorted((a, b), key=order.__getitem__)
        if cosine >= rules.SIBLING_SIMILARITY and (a, b) not in pairs and rules.SHARED_VOCABULARY.name not in disabled:
            unit = richest_unit(text, b, shared)
            pairs[(a, b)].append(rules.vocabulary_evidence(b, a, cosine, shared, unit,
                                                           pos.entries[b].location.path))
    del text, evidence
    relations = []
    for (a, b), found in pairs.items():
        r, conflict, weak = rules.relate(a, b, found, heads, pos, disabled)
        if conflict:
            report.conflicts.append((a, b, r.kind))
        if weak:
            report.weak.append((r.source, r.target, r.kind))
            continue
        relations.append(r)
    report.curation += _renames(corpus)
    relations = curate(relations, corpus.curation, report)
    relations, report.downgraded = rules.break_cycles(relations, order)
    return Mined(relations, report)


BATCH = 4096
"""Mentions found at a time, then weighed.  Finding and weighing each mention in turn cost a tenth more CPU at hard
10k for the same work (the two stages taking turns in the processor's caches, it seems); a whole corpus's mentions
at once would hold too much memory, 4,096 a few megabytes."""


def _votes(corpus: Corpus, lexicon: Lexicon, text: CorpusText, pos: rules.Positions, report: Report,
           disabled: frozenset[str]) -> list[Evidence]:
    """What every mention votes for, one vote per concept per sentence."""
    evidence = []
    seen: set[tuple[str, str, int]] = set()
    spelled: dict[str, dict[str, str]] = {}
    acronym = functools.cache(is_acronym)  # a name's surface recurs in every mention of it
    by_section: dict[str, list[Entry]] = defaultdict(list)
    for e in corpus.entries:
        by_section[e.section_number].append(e)

    def spelled_in(e: Entry) -> dict[str, str]:
        """The acronyms an entry's title and text spell out."""
        found = spelled.get(e.id)
        if found is None:
            found = spelled[e.id] = spelled_out(chain((e.title,), (e.fields[f].text for f in FIELDS)))
            # its title's acronym stands for the whole title, however loosely it spells it: "Maximum A Posteriori
            # Estimation (MAP)"
            label, alts = split_title(e.title)
            found.update((alt, label) for alt in alts if is_acronym(alt) and alt not in found)
            # and the acronym another name of the title shortens it by: "Conditional Independence Test (CI Test)"
            for short, long_form in spelled_out(names.title_abbreviations((label, *alts))).items():
                found.setdefault(short, long_form)
        return found

    @functools.cache
    def section_acronyms(section: str) -> dict[str, tuple[str, str]]:
        """What an acronym means across a section: what one of its entries spells it out as, else the title it is
        the initials of ("DP" for Dirichlet Process), each with how it was found.  A section that writes "DP(α, H)"
        for its Dirichlet Process, or "scans aligned by ICP" for the iterative closest point another of its entries
        spells out, means that, though another section's entry has it as a name (Differential Privacy (DP),
        Invariant Causal Prediction (ICP))."""
        found: dict[str, tuple[str, str]] = {}
        torn: set[str] = set()  # spelled out two ways that share no word: the section means no one thing by it
        for e in by_section[section]:
            for acronym_, long_form in spelled_in(e).items():
                first = found.setdefault(acronym_, (long_form, "spelled out in this section as"))[0]
                if not _share_a_word(first, long_form):
                    torn.add(acronym_)
        for e in by_section[section]:
            label, _ = split_title(e.title)
            words = _TOKEN.findall(label)
            if len(words) >= 2:
                found.setdefault("".join(w[0] for w in words).upper(), (label, "in this section the initials of"))
        for acronym_ in torn:
            del found[acronym_]
        return found

    @functools.cache
    def compound_heads(section: str, head: str) -> dict[str, str]:
        """What an acronym means across a section in each compound it opens ("SI" of "SI-SDR"), by the compound's
        last part: the words one of the section's texts writes before that part standing alone ("the
        scale-invariant SDR"), where one does.  Asked only of the acronyms mentions find opening a compound, few
        in any corpus: looking for every compound in every text cost 6% of hard 10k's mining."""
        texts = [t for e in by_section[section] for t in chain((e.title,), (e.fields[f].text for f in FIELDS))]
        tails: dict[str, None] = {}
        for text in texts:
            at = text.find(f"{head}-")
            while at >= 0:
                if (at == 0 or not text[at - 1].isalnum()) and (tail := _TAIL.match(text, at + len(head))):
                    tails[tail[1]] = None
                at = text.find(f"{head}-", at + 1)
        # the texts that write each tail as a word of its own, in order: each tail looked for in every text of the
        # section was quadratic in a section of thousands of entries writing compounds of one acronym
        # (by a tail's first run of letters and digits: a tail standing alone starts one, "SDR_2" as "SDR")
        where: dict[str, list[str]] = {_ALNUM.match(tail)[0]: [] for tail in tails}
        for text in texts:
            for word in dict.fromkeys(_ALNUM.findall(text)):
                if word in where:
                    where[word].append(text)
        spelled = {}
        for tail in tails:
            found = next((f for text in where[_ALNUM.match(tail)[0]]
                          if tail in text and (f := head_spelled(text, head, tail))), None)
            if found:
                spelled[tail] = found
        return spelled

    @functools.cache
    def by_initials() -> dict[str, list[str]]:
        return names.title_initials(split_title(e.title)[0] for e in corpus.entries)

    @functools.cache
    def by_words(initials: str) -> tuple[frozenset[int], dict[tuple[str, ...], list[tuple[int, str]]]]:
        """The title keys of :func:`by_initials` with these initials, by their words, each with its place, and how
        many words they have."""
        index: dict[tuple[str, ...], list[tuple[int, str]]] = {}
        for i, key in enumerate(by_initials()[initials]):
            index.setdefault(tuple(_ALNUM.findall(key)), []).append((i, key))
        return frozenset(map(len, index)), index

    @functools.cache
    def written_in(concept: str, acronym: str) -> dict[str, int]:
        """The titles an entry's title and text write whose initials spell an acronym it uses, each with where
        it first writes it in the corpus text (-1: in the title): "95% CI" in an entry that writes "confidence
        interval" may mean that.  Not "ViT", which takes a letter from within a word, nor "A3C"."""
        keys = by_initials().get(acronym.lower()) if acronym.isupper() and acronym.isalpha() else None
        if not keys:
            return {}
        if len(keys) <= _FEW_TITLES:  # most acronyms: each title searched for in the entry's text
            return {key: at for key in keys if (at := entry_writes(concept, key)) is not None}
        # past a few, only the titles the entry's words spell, each run of them looked up once: each entry that
        # used the acronym searched for every title so spelled, quadratic where thousands share the initials
        lengths, index = by_words(acronym.lower())
        k = text.first_field[concept]
        found: set[tuple[int, str]] = set(index.get((), ()))
        for tokens in (_ALNUM.findall(text.titles[k // len(FIELDS)]),
                       _ALNUM.findall(text.norm, *text.span(k, k + len(FIELDS) - 1))):
            for i in range(len(tokens)):
                for n in lengths:
                    run = tokens[i:i + n]
                    if len(run) < n:
                        continue
                    found.update(index.get(tuple(run), ()))
                    last = run[-1]  # the last word in either number ("confidence intervals")
                    for cut in (1, 2) if last.endswith("s") else ():
                        found.update(index.get((*run[:-1], last[:-cut]), ()))
        return {key: at for _, key in sorted(found) if (at := entry_writes(concept, key)) is not None}

    def entry_writes(concept: str, key: str) -> int | None:
        """Where an entry first writes a name's key (-1: in its title), None if it does not, read in the corpus
        text in place: a copy of each entry's text for each acronym it uses was quadratic in a long entry."""
        k = text.first_field[concept]
        if names.phrase_at(text.titles[k // len(FIELDS)], key) >= 0:
            return -1
        at = names.phrase_at(text.norm, key, *text.span(k, k + len(FIELDS) - 1))
        return at if at >= 0 else None

    def compound_head(section: str, head: str, tail: str) -> str | None:
        """The compound's own spelling, or that of one whose last part this one's extends ("SI-SDRi", the
        improvement in "SI-SDR")."""
        spelled = compound_heads(section, head)
        if tail in spelled:
            return spelled[tail]
        return next((f for t, f in sorted(spelled.items(), key=lambda x: -len(x[0])) if tail.startswith(t)), None)

    def consider(m: Mention, target: str) -> None:
        key = (target, m.entry.id, m.unit)
        if m.field != "title":
            report.mentions += 1
            if target == m.entry.id:
                report.self_mentions += 1
                return
            if key in seen:
                return  # one vote per concept per sentence
        ev = rules.vote(m, target, pos, disabled)
        if m.code and ev is not None and rules.CODE_RULE not in disabled:
            report.homonyms.append((ev, f"{m.surface} is written as code here (an identifier), not as a name"))
            return  # and the line may still name the concept itself
        if ev is not None and rules.CUE_WORD_RULE not in disabled and rules.cue_word(m.surface, m.before, m.after):
            report.homonyms.append((ev, f"\"{m.surface} of\" is a cue's words here, relating two other things, not a "
                                        "name"))
            return  # and the sentence may still name the concept itself
        if ev is not None and m.surface[-1:].isdigit() and rules.INDEXED_RULE not in disabled and _indexed(m):
            report.homonyms.append((ev, f"{m.surface} is one of a run of indexed symbols here, not a name"))
            seen.add(key)  # and so are its others in the sentence: one record, not one per symbol
            return
        if ev is not None and rules.SPELLED_OUT_RULE not in disabled \
                and acronym(m.surface):
            ours, how = spelled_in(m.entry).get(m.surface), "spelled out here as"
            if ours is None and (tail := _TAIL.match(m.after)):
                ours, how = compound_head(m.entry.section_number, m.surface, tail[1]), "spelled out in this section as"
            if ours is None:
                ours, how = section_acronyms(m.entry.section_number).get(m.surface, (None, ""))
            theirs = spelled_in(pos.entries[target]).get(m.surface)
            if theirs and ours is None:
                # a title the entry writes before the mention, or in its sentence, and the target's name nowhere
                upto = m.unit + len(m.sentence) if m.unit >= 0 else -1
                written = [key for key, at in written_in(m.entry.id, m.surface).items() if at <= upto]
                if written and not any(_share_a_word(w, theirs) for w in written) \
                        and entry_writes(m.entry.id, names.singular_key(theirs)) is None:
                    ours, how = written[0], "written out in this entry as"
            if theirs and ours and not _share_a_word(ours, theirs):
                report.homonyms.append((ev, f"{m.surface} is {how} \"{ours}\", not \"{theirs}\""))
                return  # and the sentence may still name the concept itself
        if m.field != "title":
            seen.add(key)
        if ev is not None:
            evidence.append(ev)

    # a name several titles shorten to ("Gaussian") means the concept more entries name: known once all are read
    named_by: dict[str, set[str]] = {c: set() for c in lexicon.contested}
    contested: list[Mention] = []
    mentions = chain(title_mentions(text, lexicon), text_mentions(text, lexicon, report))
    while batch := list(islice(mentions, BATCH)):
        for m in batch:
            if m.names[0].source == "contested":
                contested.append(m)
                continue
            target = rules.choose_concept(m.names, m.entry, pos, own=m.field != "title")
            if target in named_by:
                named_by[target].add(m.entry.id)
            consider(m, target)
    entries_naming = {c: len(by) for c, by in named_by.items()}
    sense: dict[int, tuple[tuple, frozenset[str], str | None]] = {}  # id of a name's candidates → its sense
    for m in contested:
        found = sense.get(id(m.names))
        if found is None or found[0] is not m.names:  # the automaton hands each mention of a name one tuple
            found = sense[id(m.names)] = (m.names, frozenset(n.concept for n in m.names),
                                          rules.contested_sense(m.names, entries_naming))
        if m.entry.id in found[1]:  # its own name, shortened: in a title, no mention; in its text, of itself
            if m.field != "title":
                consider(m, m.entry.id)
        elif found[2] is not None:
            consider(m, found[2])
    return evidence


_TAIL = re.compile(r"-([A-Za-z]\w*)")  # the rest of a compound a mention opens: "-SDR" after "SI"
_ALNUM = re.compile(r"[^\W_]+")
_FEW_TITLES = 16  # titles of an acronym's initials searched for one by one; past this, by the entry's words


def _indexed(m: Mention) -> bool:
    """Whether a name of letters and a number is one of a run of symbols its sentence numbers alike: four or more
    ("x1, x2, x3, x4"), or three in brackets or before an ellipsis ("[f1, f2, f3, …]" lists features, no F1 score).
    "L0, L1 and L2 penalties" and "the F0.5, F1 and F2 scores" still name theirs."""
    found = _SYMBOL.fullmatch(m.surface)
    if found is None:
        return False
    letters = re.escape(found.group(1))
    indices = len(set(re.findall(rf"\b{letters}(\d+)\b(?![.,]\d)", m.sentence)))
    return indices >= 4 or (indices == 3 and bool(_RUN.search(m.sentence)))


_RUN = re.compile(r"[\[\]]|…|\.\.\.")
_SYMBOL = re.compile(r"([A-Za-z]{1,3})(\d+)")


def _share_a_word(one: str, other: str) -> bool:
    """Whether two long forms of an acronym may be one thing: they share a word, by its first four letters
    ("mean of squared errors" and "Mean Squared Error"), where "gradient penalty" and "Gaussian process" share
    none."""
    stems = {w[:4] for w in words.normalize(other).split() if len(w) > 2}
    return any(w[:4] in stems for w in words.normalize(one).split() if len(w) > 2)


def _forget_words() -> None:
    """Empty the caches of words, names and titles: they hold one corpus, not every corpus a long-lived process
    (``mlkg serve --watch``, a notebook) has mined; full, the four took about 1 GiB."""
    for module in (words, names, rules):
        module.forget()
    split_title.cache_clear()


EVERYDAY_ALIAS = 5.12
"""An alias this common in everyday English (wordfreq's Zipf scale: "model" 5.13, "data" 5.34, "the" 7.73) would
name its concept in most sentences of any text; "attention" (5.11), "dropout" (3.08) and "GAN" are real names."""


def _weak_aliases(corpus: Corpus) -> list[Problem]:
    """Curated aliases that are everyday words: ``names = ["the", "data"]`` on one concept made it a prerequisite of
    a dozen others, without a word.  Acronyms are exempt: they match only as written ("IT", not "it"); so are
    phrases ("time series", "one-hot", "big data"), whose words together name something specific."""
    problems = []
    for item in corpus.curation.of("alias"):
        for name in item.data["names"]:
            tokens = _TOKEN.findall(name)
            if len(tokens) != 1 or is_acronym(tokens[0]):
                continue
            frequency = words.zipf(" ".join(words.normalize(name).split()))
            if frequency >= EVERYDAY_ALIAS:
                problems.append(Problem(item.location, f"[[alias]] {name!r} of {item.data['concept']!r} is an "
                                        f"everyday English word (Zipf frequency {frequency:.2f}; an alias must be "
                                        f"under {EVERYDAY_ALIAS}): nearly every entry would seem to name the concept; "
                                        "use a longer, more specific phrase"))
    return problems


_TOKEN = re.compile(r"\w+")


def _alias_clashes(corpus: Corpus) -> list[Problem]:
    """Curated aliases that are already another concept's name (its title, a name in the title's parentheses, its
    ID), in any form the lexicon reads them ("Gaussian Processes", "auto-encoder"), or that two items give two
    concepts: such an alias would quietly move every mention of that name.  So is one that is another entry's
    number, or a section's number or ID: every command would take it for the alias's concept."""
    items = corpus.curation.of("alias")
    renames = [i for i in corpus.curation.of("rename") if (i.data["number"], i.data["id"]) in corpus.renamed]
    if not items and not renames:
        return []

    def keys(name: str) -> set[str]:  # folded, as every lookup reads a name: "Gán" and "ＧＡＮ" are "gan"
        return {names.name_key(form) for form in names.variants(name)}

    owner: dict[str, str] = {}
    renamed = {i.data["to"] for i in renames}
    for e in corpus.entries:
        label, alts = split_title(e.title)
        # a renamed entry's ID after every other name: it is what is checked
        for name in (e.title, label, *alts, *(() if e.id in renamed else (e.id.replace("-", " "),))):
            for k in keys(name):
                owner.setdefault(k, e.id)
    problems = []
    # an ID is a name too: a rename to another's name ("gans", "generator-network") moved its mentions and made a
    # same-title edge, where an alias so named is refused
    for item in renames:
        new_id = item.data["to"]
        other = next((owner[k] for k in sorted(keys(new_id.replace("-", " "))) if owner.get(k, new_id) != new_id),
                     None)
        if other is not None:
            problems.append(Problem(item.location, f"[[rename]] {item.data['id']!r} ({item.data['number']}) to "
                                    f"{new_id!r}: that ID reads as a name of {other!r}, and would take its mentions; "
                                    "choose an ID no other entry is named by"))
        for k in keys(new_id.replace("-", " ")):  # and the renames after it are checked against it
            owner.setdefault(k, new_id)
    # what every command also takes for a node: an entry's number (13.1.2), a section's number or node ID (13.1,
    # sec:13.1); an alias that is one would be found before it, and name the alias's concept instead
    numbers: dict[str, tuple[str, str, str]] = {}
    for h in (*corpus.sections, *corpus.subsections):
        for form, what in ((h.number, "number"), (h.node_id, "ID")):
            numbers.setdefault(names.singular_key(form), (h.node_id, form, f"{h.kind} {h.number}'s {what} ({h.title})"))
    for e in corpus.entries:
        numbers.setdefault(names.singular_key(e.number), (e.id, e.number, f"entry {e.number}'s number ({e.id})"))
    for item in items:
        concept = item.data["concept"]
        for name in item.data["names"]:
            node, form, what = numbers.get(names.name_key(name), (concept, "", ""))  # as resolved
            if node != concept:
                problems.append(Problem(item.location, f"[[alias]] {name!r} of {concept!r} is {what}: `mlkg show "
                                        f"{form}`, and every command, would take it for {concept!r}; an alias cannot "
                                        "be an entry's or a section's number or ID"))
                continue
            found = keys(name)
            other = next((owner[k] for k in sorted(found) if owner.get(k, concept) != concept), None)
            if other is not None:
                problems.append(Problem(item.location, f"[[alias]] {name!r} of {concept!r} is already a name of "
                                        f"{other!r}; an alias may only name one concept"))
            for k in found:
                owner.setdefault(k, concept)
    return problems


def _aliases_used(corpus: Corpus, evidence: list[Evidence]) -> list[str]:
    """What each ``[[alias]]`` did: the entries whose text names its concept by one of its names, counted by the
    surfaces the votes kept quote, titles too (a plural or another case of an alias is the alias).  An alias
    nothing writes is said: it named nothing, and may be misspelled."""
    items = corpus.curation.of("alias")
    if not items:
        return []
    by_concept: dict[str, set[str]] = defaultdict(set)  # concept → the name keys its aliases give
    for item in items:
        by_concept[item.data["concept"]].update(names.name_key(n) for n in item.data["names"])
    naming: dict[tuple[str, str], set[str]] = defaultdict(set)  # (concept, alias key) → the entries naming it so
    for ev in evidence:
        keys = by_concept.get(ev.target)
        if keys and (k := names.name_key(ev.surface)) in keys:
            naming[(ev.target, k)].add(ev.source)
    notes = []
    for item in items:
        d = item.data
        found = set().union(*(naming[(d["concept"], names.name_key(n))] for n in d["names"]))
        listed = ", ".join(map(repr, d["names"]))
        notes.append(f"{item.location}: alias {listed} of {d['concept']}: " + (
            f"names it in {len(found)} other entr{'y' if len(found) == 1 else 'ies'}" if found
            else "written in no other entry (the names are matched as words, in any case and plural)"))
    return notes


def _renames(corpus: Corpus) -> list[str]:
    """What each ``[[rename]]`` of a loaded section did: one that names another entry, or none, matched nothing
    (in this corpus: one curation file may serve several, so it is a note, not an error)."""
    by_number = {e.number: e.id for e in corpus.entries}
    sections = {h.number for h in corpus.sections}
    applied = {(i.data["number"], i.data["id"]): i for i in corpus.curation.of("rename")
               if (i.data["number"], i.data["id"]) in corpus.renamed}
    written = {number: (old, item) for (number, old), item in applied.items()}  # the ID the cheatsheet gives
    notes = []
    for item in corpus.curation.of("rename"):
        d = item.data
        found = by_number.get(d["number"])
        if found is None and d["number"].split(".")[0] not in sections:
            continue  # for a section not loaded
        if (d["number"], d["id"]) in corpus.renamed:
            notes.append(f"{item.location}: renamed {d['id']} ({d['number']}) to {d['to']}")
        elif d["number"] in written and d["id"] == found:  # a chain: renames match the cheatsheet's IDs
            old, by = written[d["number"]]
            notes.append(f"{item.location}: rename matched no entry: renames match the IDs in the cheatsheet, where "
                         f"entry {d['number']} is {old!r} ({by.location} renames it to {found!r}); to "
                         f"name it {d['to']!r}, give that rename to = {d['to']!r}")
        else:
            shown = written[d["number"]][0] if d["number"] in written else found  # as the cheatsheet writes it
            notes.append(f"{item.location}: rename matched no entry (entry {d['number']} is {shown!r})" if found else
                         f"{item.location}: rename matched no entry (there is no entry {d['number']})")
    return notes


def mined_clash(mined: tuple[str, str, str] | None, source: str, kind: str, target: str) -> str | None:
    """Why ``[[add]] source kind target`` contradicts the ``mined`` edge of its pair (source, kind, target), or
    None where it does not: no mined edge, this very edge (the add then marks it curated, with its note), or a
    mined ``related``, which has no direction and gives way to the ``requires`` the miner missed.  What it
    contradicts is a mined ``requires``: turned round, or made ``related``."""
    if mined is None or mined[1] == "related" or (kind == "requires" and mined[0] == source):
        return None
    return (f"[[add]] {source} {kind} {target} contradicts the mined edge {' '.join(mined)}; "
            "[[add]] is for an edge the miner missed: use [[force]] to change a mined one")


def _add_clashes(mined: dict[frozenset[str], Relation], curation: Curation) -> list[Problem]:
    """The ``[[add]]`` items that contradict the edge mined for their pair (``mined``, by pair, as the miner
    decided it: before any cycle is broken), at their items.  An add whose pair a ``[[force]]`` also corrects, in
    any file, is the force's: the force decides the edge, whatever the miner found, so the result does not depend
    on which of the two is read first (the later of two equal corrections is only its repeat, ``same_as``)."""
    forced = {frozenset((i.data["source"], i.data["target"])) for i in curation.of("force")}
    problems = []
    for item in curation.of("add"):
        d = item.data
        pair = frozenset((d["source"], d["target"]))
        r = mined.get(pair)
        if item.same_as or pair in forced or r is None:
            continue
        message = mined_clash((r.source, r.kind, r.target), d["source"], d["kind"], d["target"])
        if message:
            problems.append(Problem(item.location, message))
    return problems


def curate(relations: list[Relation], curation: Curation, report: Report) -> list[Relation]:
    """Apply a curation file's remove, force and add items, in that order: the curator's word is final.  An item
    that repeats an earlier one (``same_as``) is noted as such; a repeated remove still removes what the first,
    of a narrower kind, left.

    An ``[[add]]`` is for an edge the miner missed: one that would turn a mined ``requires`` edge round or make it
    ``related`` is a :class:`CurationError` (see :func:`_add_clashes`); ``[[force]]`` is the item that does that."""
    removals, additions = curation.of("remove"), [*curation.of("force"), *curation.of("add")]
    if not removals and not additions:
        return relations  # most builds: no pair to look up, and the mined pairs are distinct already
    index = {frozenset((r.source, r.target)): r for r in relations}
    clashes = _add_clashes(index, curation)
    if clashes:
        raise CurationError(problems=clashes)
    for item in removals:
        key = frozenset((item.data["source"], item.data["target"]))
        r = index.get(key)
        if r is None or item.data.get("kind", r.kind) != r.kind:
            report.curation.append(f"{item.location}: remove repeats {item.same_as}" if item.same_as else
                                   f"{item.location}: remove matched no mined edge")
            continue
        del index[key]
        report.curation.append(f"{item.location}: removed {r.source} {r.kind} {r.target}")
    for item in additions:
        d = item.data
        if item.same_as:  # its edge is there, curated, with the first item's note
            report.curation.append(f"{item.location}: {item.section} repeats {item.same_as}")
            continue
        key = frozenset((d["source"], d["target"]))
        note = Evidence(d["source"], d["target"], "curation", d.get("note", ""), item.location.path,
                        item.location.line, "", "curation", d["kind"], 1.0)
        old = index.get(key)
        index[key] = Relation(d["source"], d["target"], d["kind"], 1.0, "curation",
                              (*(old.evidence if old else ()), note), curated=True)
        # a force of a pair the miner never linked adds it, as an add would: said, as a remove that matched nothing is
        new = " (no mined edge: added)" if old is None and item.section == "force" else ""
        report.curation.append(f"{item.location}: {item.section} {d['source']} {d['kind']} {d['target']}{new}")
    return list(index.values())
