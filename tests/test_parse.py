"""The parser: the cheatsheet format as the shared files use it, and every kind of bad input."""

from __future__ import annotations

import pytest
from conftest import SEED, entry, sheet

from mlkg.errors import CheatsheetError
from mlkg.read import parse_files, parse_text, read, split_title


@pytest.mark.parametrize("title, label, alts", [
    ("Variational Autoencoder (VAE)", "Variational Autoencoder", ("VAE",)),
    ("RLHF (Reinforcement Learning from Human Feedback)", "RLHF", ("Reinforcement Learning from Human Feedback",)),
    ("Dense Layer (Fully Connected)", "Dense Layer", ("Fully Connected",)),
    ("GANs (Generative Adversarial Networks)", "GANs", ("Generative Adversarial Networks",)),
    ("Autoencoder", "Autoencoder", ()),
    ("t-SNE", "t-SNE", ()),
    ("Stride and Padding", "Stride and Padding", ()),
    ("Normal (Gaussian) Distribution", "Normal Distribution", ("Gaussian Distribution",)),
    ("Odd ( ) Title", "Odd ( ) Title", ()),
    ("Precision (Positive Predictive Value) and Recall", "Precision (Positive Predictive Value) and Recall", ()),
    ("Step (2) 3", "Step (2) 3", ()),
    # markdown is read as the reader sees it: emphasis, code, links and inline HTML give their text
    ("**Beta** _emph_ [link](http://x) <b>html</b>", "Beta emph link html", ()),
    ("*Variational* __Autoencoder__ (`VAE`)", "Variational Autoencoder", ("VAE",)),
    ("[Variational Autoencoder](https://x.org/vae \"VAE\") (VAE)", "Variational Autoencoder", ("VAE",)),
    ('<span class="term">Dropout</span><br/>', "Dropout", ()),
    ("Code ``a`b`` span", "Code a`b span", ()),
    ("Ticks ``` never `closed`", "Ticks ``` never closed", ()),  # a run opens a span only a run as long closes
    ("A ``b`c` d", "A ``bc d", ()),
    ("`**as written**` in code", "**as written** in code", ()),
    ("\\*Not\\* emphasis, \\_nor\\_ this", "*Not* emphasis, _nor_ this", ()),
    # character references read as they render; not in code, nor without their ";"
    ("Q&amp;A &lt;Toolkit&gt; (Q&amp;AT)", "Q&A <Toolkit>", ("Q&AT",)),
    ("Caf&eacute; &#x41;&#66; `&amp;` AT&T &copy", "Café AB &amp; AT&T &copy", ()),
    ("&#42;Star&#42; Thing", "*Star* Thing", ()),  # a character read, not markup
    # one no heading may hold stays as written: a direction override the reader refuses when written
    ("Foo &#x202E;Bar Thing", "Foo &#x202E;Bar Thing", ()),
    ("Zero&#x200B;Width Thing", "Zero&#x200B;Width Thing", ()),
    # what is not markup stays
    ("max_pool_size and __init__", "max_pool_size and init", ()),
    ("A * B * C", "A * B * C", ()),
    ("k*-means", "k*-means", ()),
    ("Bracket [1] (B1)", "Bracket [1]", ("B1",)),
    # a parenthesis glued to the word before it is function notation, part of the name: no other name
    ("AR(p) Model", "AR(p) Model", ()),
    ("TD(λ)", "TD(λ)", ()),
    ("Sigmoid σ(x) Function", "Sigmoid σ(x) Function", ()),
    ("TD(λ) Learning (TDL)", "TD(λ) Learning", ("TDL",)),
    ("ARIMA(p,d,q) Models (ARIMA)", "ARIMA(p,d,q) Models", ("ARIMA",)),
    ("Sarsa(λ) (SL)", "Sarsa(λ)", ("SL",)),
    ("GARCH(1,1) (Volatility Model)", "GARCH(1,1)", ("Volatility Model",)),
])
def test_title_gives_label_and_alternative(title, label, alts):
    assert split_title(title) == (label, alts)


def test_a_title_keeps_its_markdown_and_its_label_does_not(write):
    import mlkg

    title = "**Beta** _emph_ [link](http://x) <b>html</b>"
    kg = mlkg.load(write(sheet(entry("1.1.1", title, "beta"))), curation=[])
    node = kg.graph.nodes["beta"]
    assert (node["title"], node["label"]) == (title, "Beta emph link html")


def test_seed_entries_sections_and_locations():
    doc = read([SEED]).documents[0]
    assert doc.title == "ML Cheatsheet Content - Section 13: Generative Models"
    assert [(s.number, s.title) for s in doc.sections] == [("13", "GENERATIVE MODELS")]
    assert [s.number for s in doc.subsections] == ["13.1", "13.2", "13.3", "13.4", "13.5", "13.6"]
    assert doc.subsections[1].label == "GANs"
    vae = next(e for e in doc.entries if e.id == "vae")
    assert (vae.number, vae.label, vae.alt_labels, vae.parent) == ("13.1.2", "Variational Autoencoder",
                                                                   ("VAE",), "13.1")
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert lines[vae.location.line - 1] == "#### 13.1.2 Variational Autoencoder (VAE)"
    assert lines[vae.id_line - 1] == "**ID:** `vae`"
    for f in vae.fields.values():
        # each field's recorded line is where its text starts, line by line
        for n, text in f.lines():
            assert lines[n - 1] == text


def test_fields_are_verbatim_with_line_breaks_and_fences():
    ex = "```\nline one\n\n  indented  two\n```"
    doc = parse_text(sheet(entry("1.1.1", "Thing", example=ex, full="First line.\nSecond line.")))
    e = doc.entries[0]
    assert e.example == ex
    assert e.example_plain == "line one\n\n  indented  two"
    assert e.full == "First line.\nSecond line."


@pytest.mark.parametrize(("example", "plain"), [
    ("```\ncode\n```", "code"),
    ("```python\nx = 1\n\ny = 2\n```", "x = 1\n\ny = 2"),
    ("~~~\na\n~~~  ", "a"),
    ("```\n```", ""),
    ("Intro:\n```\ncode\n```", "Intro:\n```\ncode\n```"),  # the fence must enclose it all
    ("```\ncode\n```\nAfter.", "```\ncode\n```\nAfter."),
    ("plain text", "plain text"),
])
def test_the_plain_example_drops_only_an_enclosing_fence(example, plain):
    doc = parse_text(sheet(entry("1.1.1", "Thing", example=example)))
    assert doc.entries[0].example_plain == plain


@pytest.mark.parametrize("example", [
    "Plain line\n- bullet one\n- bullet two",
    "Plain intro:\n\n```python\n# a comment, not a heading\nx = 1\n```",
    # a fence with an info string inside a fence opens a nested one, as the shared files do
    "```\nOuter:\n```python\ncode()\n```\n```",
    "```\nOuter:\n```python\ncode()\n```\"\n```",
])
def test_example_styles(example):
    doc = parse_text(sheet(entry("1.1.1", "Thing", example=example), entry("1.1.2", "Other")))
    assert [e.id for e in doc.entries] == ["thing", "other"]
    assert doc.entries[0].example == example


def _readme_sample() -> str:
    """The README's input-format sample, fenced with four backticks as the README fences it."""
    readme = (SEED.parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("````markdown\n")
    return readme[start:readme.index("\n````\n", start) + len("\n````")]


@pytest.mark.parametrize("example", [
    *(f"{opening}\n{heading}\n{closing}"
      for opening, closing in (("```", "```"), ("~~~", "~~~"), ("````", "````"), ("```markdown", "```"))
      for heading in ("# 1. Title", "## 2. SECTION", "### 1.2 Subsection", "#### 1.1.9 Fake", "   #### 1.1.9 Fake",
                      "**ID:** `fake`")),
    "````\n```\n#### 1.1.9 Fake\n**ID:** `fake`\n```\n````",  # three backticks cannot close four
    "~~~\n```\n#### 1.1.9 Fake\n```\n~~~",  # nor backticks tildes
    "Before:\n```\n### 1.2 X\n```\nAfter:\n```\n#### 1.2.1 Y\n```",  # two fences, each closed
    _readme_sample(),
])
@pytest.mark.parametrize("after", [(entry("1.1.2", "Other"),), (entry("1.1.2", "Other", example="plain"),), ()])
def test_a_heading_inside_a_closed_fence_is_example_text(example, after):
    doc = parse_text(sheet(entry("1.1.1", "Thing", example=example), *after))
    assert [e.id for e in doc.entries] == ["thing", *(["other"] if after else [])]
    assert doc.entries[0].example == example


@pytest.mark.parametrize("example", [
    "```\nnever closed",
    "```\n#### 1.1.9 Fake\nnever closed",
    "~~~\n### 1.2 X\nnever closed",
    "````\n#### 1.1.9 Fake\n```",  # three backticks cannot close four
    "Intro:\n```\nnever closed",  # nor can the next entry's fence, opened in its text, when it too is left open
])
@pytest.mark.parametrize("after", [
    (entry("1.1.2", "Next"),),  # whose example's opening fence is not this one's closing
    (entry("1.1.2", "Next", example="plain"), entry("1.1.3", "Last")),
    (),
])
def test_a_fence_that_is_not_closed_is_an_error_at_its_opening_line(write, example, after):
    text = sheet(entry("1.1.1", "Thing", example=example), *after)
    path = write(text)
    with pytest.raises(CheatsheetError) as err:
        read([path])
    fence = example.split("\n")[-2 if example.startswith("Intro") else 0]
    assert err.value.lines()[0].startswith(f"{path}:{line_of(text, fence)}: unterminated code fence; close it with "
                                           f"a line of {fence}")
    assert not [e for e in err.value.lines() if "second" in e]  # no entry swallowed into the one before


def test_a_sample_entry_inside_a_fence_of_three_backticks_is_taken_for_the_next_entry(write):
    """Its ``**ID:**`` line makes it the next entry, whose example opened in its text; CommonMark would close
    the fence at the sample's last line, but then two fences left open in a row would hide an entry."""
    sample = "```\n#### 1.1.9 Sample\n**ID:** `sample`\nText.\n```"
    text = sheet(entry("1.1.1", "Thing", example=sample), entry("1.1.2", "Next"))
    path = write(text)
    with pytest.raises(CheatsheetError) as err:
        read([path])
    assert err.value.lines()[0] == (
        f"{path}:{line_of(text, '```')}: unterminated code fence; close it with a line of ``` before the next entry, "
        f"or if line {line_of(text, '1.1.9 Sample')} starts a sample entry inside it, fence the sample with ````")
    fenced = "`" + sample + "`"  # four backticks
    assert [e.id for e in parse_text(sheet(entry("1.1.1", "Thing", example=fenced))).entries] == ["thing"]


def _indent(text: str, spaces: int, *starts: str) -> str:
    """Text with the lines that begin with one of ``starts`` indented by ``spaces``."""
    return "\n".join(" " * spaces + line if line.startswith(starts) else line for line in text.split("\n"))


@pytest.mark.parametrize("spaces", [1, 2, 3])
@pytest.mark.parametrize("starts", [("#",), ("**",), ("#", "**")])  # headings, field lines, both
def test_headings_and_field_lines_may_be_indented_up_to_three_spaces(spaces, starts):
    """CommonMark reads them as headings and paragraphs all the same."""
    text = _indent(sheet(entry("1.1.1", "Alpha"), entry("1.1.2", "Beta")), spaces, *starts)
    doc = parse_text(text)
    assert [(e.number, e.id, e.full) for e in doc.entries] == [("1.1.1", "alpha", "Full text."),
                                                                ("1.1.2", "beta", "Full text.")]
    assert [s.number for s in doc.sections] == ["1"] and [s.number for s in doc.subsections] == ["1.1"]


@pytest.mark.parametrize("indent", ["    ", "\t", "\t  "])
def test_field_lines_are_read_however_they_are_indented(indent):
    """Unlike a heading (an indented "# comment" in an unfenced example is example text), a field line is taken
    wherever it stands; the README said four spaces or a tab made it a code line."""
    text = "\n".join(indent + line if line.startswith("**") else line
                     for line in sheet(entry("1.1.1", "Alpha"), entry("1.1.2", "Beta")).split("\n"))
    assert [(e.id, e.full, e.simple) for e in parse_text(text).entries] == [
        ("alpha", "Full text.", "Simple text."), ("beta", "Full text.", "Simple text.")]


@pytest.mark.parametrize("indent", ["    ", "        ", "\t"])
def test_a_heading_indented_into_a_code_line_is_named_in_the_error_that_follows(write, indent):
    """Four spaces (or a tab) make a code line, as CommonMark has it; the entry above then seems to have two IDs."""
    text = sheet(entry("1.1.1", "Alpha"), entry("1.1.2", "Beta").replace("#### ", indent + "#### "))
    path = write(text)
    with pytest.raises(CheatsheetError) as err:
        read([path])
    assert err.value.lines()[0] == (
        f"{path}:{line_of(text, '**ID:**', 2)}: second **ID:** line in entry 1.1.1; line {line_of(text, '1.1.2 Beta')} "
        "('#### 1.1.2 Beta') looks like a heading, but indented by a tab or 4 spaces or more it is a code line: "
        "indent it 3 spaces at most")


def test_body_ends_at_next_heading_and_section_heading_belongs_to_no_entry():
    text = sheet(entry("1.1.1", "A"), entry("1.2.1", "B"), subsections={"1.1": "One", "1.2": "Two"})
    doc = parse_text(text)
    assert [e.id for e in doc.entries] == ["a", "b"]
    assert "Two" not in doc.entries[0].example
    assert [s.number for s in doc.subsections] == ["1.1", "1.2"]


def test_crlf_and_bom_are_accepted(write):
    text = sheet(entry("1.1.1", "Thing"))
    path = write(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    doc = read([path]).documents[0]
    assert doc.entries[0].full == "Full text."
    assert doc.title.startswith("ML Cheatsheet")


def test_several_sections_in_one_file():
    text = sheet(entry("1.1.1", "A")) + "\n## 2. OTHER\n\n### 2.1 More\n\n" + entry("2.1.1", "B")
    doc = parse_text(text)
    assert [s.number for s in doc.sections] == ["1", "2"]
    assert [(e.id, e.parent) for e in doc.entries] == [("a", "1.1"), ("b", "2.1")]


GOOD = entry("1.1.1", "Good")


def line_of(text: str, marker: str, nth: int = 1) -> int:
    """The 1-based line of the nth line containing ``marker``."""
    hits = [n for n, line in enumerate(text.split("\n"), 1) if marker in line]
    return hits[nth - 1]


# (cheatsheet text, the line the problem must point at (marker, nth), message)
BAD = [
    (sheet(entry("1.1.1", "Thing", cid="")), ("**ID:**", 1),
     "empty **ID:** in entry 1.1.1; give it a slug such as `thing`"),
    (sheet(GOOD.replace("**ID:** `good`\n", "")), ("#### 1.1.1", 1),
     "entry 1.1.1 has no **ID:** line; add one such as **ID:** `good`"),
    (sheet(entry("1.1.1", "Thing", cid="Not_A_Slug")), ("**ID:**", 1), "is not a lowercase slug"),
    (sheet(entry("1.1.1", "Thing", parent="1.2")), ("**Parent:**", 1), "does not match entry number 1.1.1"),
    (sheet(GOOD).replace("### 1.1 Things", "### 1.9 Things").replace("1.1.1", "1.1.1"), ("**Parent:**", 1),
     "names no subsection"),
    (sheet(GOOD.replace("**Parent:** `1.1`\n", "")), ("#### 1.1.1", 1), "has no **Parent:** line"),
    (sheet(entry("1.1.1", "Thing", full="")), ("**Full Explanation:**", 1), "empty **Full Explanation:**"),
    (sheet(entry("1.1.1", "Thing", example="")), ("**Example:**", 1), "empty **Example:**"),
    (sheet(GOOD.replace("**Simple Explanation:**\nSimple text.\n", "")), ("#### 1.1.1", 1),
     "has no **Simple Explanation:**"),
    (sheet(entry("1.1.1", "Thing", example="```\nnever closed")), ("```", 1), "unterminated code fence"),
    (sheet(entry("1.1.1", "Thing", example="```\nnever closed"), entry("1.1.2", "Next")), ("```", 1),
     "unterminated code fence"),
    ("# Title\n\n" + GOOD, ("#### 1.1.1", 1), "entry 1.1.1 is outside any section"),
    (sheet(entry("1.1.1", "A"), entry("1.1.2", "B", cid="a")), ("**ID:**", 2), "duplicate ID 'a' (also at"),
    (sheet(entry("1.1.1", "<br>", cid="x")), ("#### 1.1.1", 1), "title '<br>' has no letter or digit"),
    (sheet(entry("1.1.1", "![](img.png)", cid="x")), ("#### 1.1.1", 1), "has no letter or digit once its markdown"),
    (sheet(entry("1.1.1", "∇", cid="x")), ("#### 1.1.1", 1), "has no letter or digit"),
    # `mlkg show 1` took it for the entry, where an alias so named is refused
    (sheet(entry("1.1.1", "Thing", cid="1")), ("**ID:**", 1), "ID '1' is the number of section 1 ("),
]


@pytest.mark.parametrize("text, where, message", BAD)
def test_bad_input_is_reported_with_file_and_line(write, text, where, message):
    path = write(text)
    with pytest.raises(CheatsheetError) as err:
        read([path])
    first = err.value.problems[0]
    assert (first.location.path, first.location.line) == (str(path), line_of(text, *where)), err.value.lines()
    assert message in first.message


def test_duplicate_across_files_names_both_places(write):
    a = write(sheet(entry("1.1.1", "Same")), "a.md")
    b = write(sheet(entry("2.1.1", "Same"), section="2"), "b.md")
    with pytest.raises(CheatsheetError) as err:
        read([a, b])
    (problem,) = err.value.problems
    line = line_of(b.read_text(), "**ID:**")
    assert str(problem).startswith(f"{b}:{line}: duplicate ID 'same' (also at {a}:{line})")


@pytest.mark.parametrize("first, second, message", [
    (sheet(entry("1.1.1", "One")), sheet(entry("1.1.1", "Two")), "entry number 1.1.1 is used twice"),
    (sheet(entry("1.1.1", "One")), sheet(entry("1.1.2", "Two"), title="OTHER"), "section 1 is titled 'OTHER' here"),
    (sheet(entry("1.1.1", "One")), sheet(entry("1.1.2", "Two"), subsections={"1.1": "Other Sub"}),
     "subsection 1.1 is titled 'Other Sub' here"),
])
def test_one_number_for_two_things_is_an_error(write, first, second, message):
    """The outline, its section pages and ``[[rename]] number`` would each mean two things."""
    a, b = write(first, "a.md"), write(second, "b.md")
    with pytest.raises(CheatsheetError) as err:
        read([a, b])
    assert str(err.value.problems[0]).startswith(f"{b}:") and message in str(err.value.problems[0])
    assert f"{a}:" in str(err.value.problems[0])


REUSED = sheet(entry("1.1.1", "One"), entry("1.2.1", "Two"), entry("1.2.2", "Three"),
               subsections={"1.1": "Things", "1.2": "Other"}).replace("### 1.2 Other", "### 1.1 Other")


@pytest.mark.parametrize("files, expected", [
    # a subsection number typed for the next one: its entries then have no subsection of their own
    ({"a.md": REUSED}, [
        ("a.md", "### 1.1 Other", "subsection 1.1 is titled 'Other' here and 'Things' at {a.md}:"
         f"{line_of(REUSED, '### 1.1 Things')}; renumber one, or give both one title"),
        ("a.md", ("**Parent:**", 2), "parent '1.2' names no subsection: entry 1.2.1 stands under subsection 1.1 "
         f"(line {line_of(REUSED, '### 1.1 Other')}); renumber that heading, or add a '### 1.2 Title' heading above "
         "entry 1.2.1"),
        ("a.md", ("**Parent:**", 3), "parent '1.2' names no subsection: entry 1.2.2 stands under subsection 1.1"),
    ]),
    # the same across files: the second file's mistake is the number the first one gives
    ({"a.md": sheet(entry("1.1.1", "One")),
      "b.md": sheet(entry("1.2.1", "Two"), subsections={"1.2": "Other"}).replace("### 1.2 Other", "### 1.1 Other")}, [
        ("b.md", "### 1.1 Other", "subsection 1.1 is titled 'Other' here and 'Things' at {a.md}:"),
        ("b.md", "**Parent:**", "parent '1.2' names no subsection: entry 1.2.1 stands under subsection 1.1"),
    ]),
])
def test_a_reused_section_number_is_named_with_the_errors_it_causes(write, files, expected):
    """It gave only "parent '13.2' names no subsection; add a '### 13.2 Title' heading", once per entry: the number
    two headings share was looked for only in files without problems, and the advice sent the reader the wrong way."""
    paths = {name: write(text, name) for name, text in files.items()}
    with pytest.raises(CheatsheetError) as err:
        read(list(paths.values()))
    where = [(p.location.path, p.location.line) for p in err.value.problems]
    marks = [m if isinstance(m, tuple) else (m, 1) for _, m, _ in expected]
    assert where == [(str(paths[name]), line_of(files[name], *m))
                     for (name, _, _), m in zip(expected, marks, strict=True)]
    for problem, (*_, message) in zip(err.value.problems, expected, strict=True):
        assert problem.message.startswith(message.replace("{a.md}", str(paths["a.md"]))), problem.message


@pytest.mark.parametrize("title", ["TOPIC", "Topic", "topic "])  # the same title, whatever its case
def test_a_section_split_across_files_under_one_title_is_one_section(write, title):
    a = write(sheet(entry("1.1.1", "One")), "a.md")
    b = write(sheet(entry("1.1.2", "Two"), title=title), "b.md")
    assert [e.id for e in read([a, b]).entries] == ["one", "two"]


def test_rename_resolves_a_duplicate(write):
    a = write(sheet(entry("1.1.1", "Same")), "a.md")
    b = write(sheet(entry("2.1.1", "Same"), section="2"), "b.md")
    corpus = parse_files([a, b], {("2.1.1", "same"): "same-2"})
    assert [e.id for e in corpus.entries] == ["same", "same-2"]


def test_not_utf8_reports_the_line_of_the_bad_byte(write):
    path = write(sheet(entry("1.1.1", "Thing")).encode().replace(b"Simple text.", b"Simple \xff text."))
    with pytest.raises(CheatsheetError) as err:
        read([path])
    offset = path.read_bytes().index(b"\xff")
    line = path.read_bytes()[:offset].count(b"\n") + 1
    assert err.value.lines() == [f"{path}:{line}: not UTF-8 (byte 0xff at offset {offset}); save the file as UTF-8"]


def test_not_utf8_after_a_byte_order_mark_reports_the_real_offset(write):
    data = b"\xef\xbb\xbf" + sheet(entry("1.1.1", "Thing")).encode().replace(b"Simple text.", b"Simple \xff text.")
    path = write(data)
    with pytest.raises(CheatsheetError) as err:
        read([path])
    offset = data.index(b"\xff")
    assert f"at offset {offset})" in err.value.lines()[0]


@pytest.mark.parametrize("name, message", [
    ("missing.md", "no such file or folder"),
    ("empty-folder", "folder holds no .md cheatsheet files"),
])
def test_bad_paths(tmp_path, name, message):
    (tmp_path / "empty-folder").mkdir()
    with pytest.raises(CheatsheetError) as err:
        read([tmp_path / name])
    assert err.value.lines() == [f"{tmp_path / name}:1: {message}"]


def test_every_problem_is_reported_not_just_the_first(write):
    path = write(sheet(entry("1.1.1", "A", cid="Bad!"), entry("1.1.2", "B", simple="")))
    with pytest.raises(CheatsheetError) as err:
        read([path])
    assert len(err.value.problems) == 2


@pytest.mark.parametrize("text, where, message", [
    ("", None, "no cheatsheet entries in this file"),
    ("   \n\n\t\n", None, "no cheatsheet entries in this file"),
    ("# Just a title\n" + "x" * 5_000_000 + "\n", None, "no cheatsheet entries in this file"),
    (sheet(entry("1.1.1", "Thing", full="Nul \x00 here.")), "Nul", "control character U+0000"),
    (sheet(entry("1.1.1", "Thing", simple="Bell \x07 here.")), "Bell", "control character U+0007"),
    (sheet(entry("1.1.1", "Thing", simple="Escape \x1b here.")), "Escape", "control character U+001B"),
    (sheet(entry("1.1.1", "Thing", full="Tab\t, then a vertical tab \x0b here.")), "vertical", "U+000B"),
    (sheet(entry("1.1.1", "Thing", full="Not a character: \ufffe.")), "Not a", "control character U+FFFE"),
    (sheet(entry("1.1.1", "Thing", full="Nor this: \uffff.")), "Nor this", "control character U+FFFF"),
    (sheet(entry("1.1.1", "Thing", full="Windows line ends, then \x01.")).replace("\n", "\r\n"), "ends, then",
     "control character U+0001"),
])
def test_what_cannot_be_a_cheatsheet_is_an_error_with_file_and_line(write, text, where, message):
    path = write(text)
    with pytest.raises(CheatsheetError) as err:
        read([path])
    line = line_of(text, where) if where else 1
    assert err.value.lines()[0].startswith(f"{path}:{line}: ") and message in err.value.lines()[0]


def test_a_fifo_is_refused_not_waited_on(tmp_path):
    import os

    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    with pytest.raises(CheatsheetError) as err:
        read([fifo])
    assert "not a regular file" in err.value.lines()[0]


def test_dash_reads_a_cheatsheet_from_standard_input(tmp_path):
    import subprocess
    import sys

    from conftest import SEED

    done = subprocess.run([sys.executable, "-m", "mlkg", "stats", "--source", "-"], input=SEED.read_bytes(),
                          capture_output=True, cwd=tmp_path, env={**__import__("os").environ,
                                                                   "MLKG_BUILD_DIR": str(tmp_path / "none")})
    assert done.returncode == 0 and b"concepts     20" in done.stdout


def test_a_heading_with_a_long_run_of_spaces_is_read_in_one_pass():
    """The heading's text was found by a lazy match that retried the rest of the line at every space."""
    doc = parse_text(sheet(entry("1.1.1", "Alpha" + " " * 200_000 + "Net #", "alpha")))
    (e,) = doc.entries
    assert e.title.startswith("Alpha ") and e.title.endswith(" Net")


@pytest.mark.parametrize("written, title", [
    ("C#", "C#"),            # a sign of the name, no closing run: no space before it
    ("C# ##", "C#"),
    ("Alpha Net ###", "Alpha Net"),
    ("Alpha Net#  ", "Alpha Net#"),
])
def test_a_heading_s_closing_run_of_hashes_follows_a_space(written, title):
    """"#### 1.1.5 C#" had been read as "C", and took every "C" of the corpus."""
    (e,) = parse_text(sheet(entry("1.1.1", written, "lang"))).entries
    assert e.title == title


def test_an_indented_comment_in_an_unfenced_example_stays_in_the_example():
    """"  # compute the loss" could be a CommonMark heading, but no numbered one: it is the example's comment."""
    example = "Steps:\n  # compute the loss\n  loss = f(x)\n  # then the gradient\n  g = grad(loss)"
    doc = parse_text(sheet(entry("1.1.1", "Alpha", example=example), entry("1.1.2", "Beta")))
    assert [e.id for e in doc.entries] == ["alpha", "beta"]
    assert doc.entries[0].example == example


@pytest.mark.parametrize("make, message", [
    (lambda p: p.symlink_to("/nonexistent/moved.md"), "no such file or folder: a symbolic link to "
     "'/nonexistent/moved.md', which does not exist; correct or remove the link"),
    (lambda p: __import__("os").mkfifo(p), "not a regular file; give a cheatsheet file or folder"),
    (lambda p: p.symlink_to(p.name), "a loop of symbolic links; correct or remove the link"),
])
def test_what_a_folder_holds_is_read_as_if_given_by_name(tmp_path, make, message):
    """A .md in a folder given that is a link to a moved checkout, or a FIFO, was left out without a word (exit 0)
    while given by name it was an error: its whole section was missing from the graph.  Now one error, the same."""
    folder = tmp_path / "sheets"
    folder.mkdir()
    (folder / "a.md").write_bytes(SEED.read_bytes())
    make(folder / "b.md")
    (folder / "notes.md").mkdir()  # a folder named like a cheatsheet: folders inside are not searched
    for given in (folder, folder / "b.md"):
        with pytest.raises(CheatsheetError) as err:
            read([given])
        assert err.value.lines() == [f"{folder / 'b.md'}:1: {message}"]


def test_hidden_files_in_a_folder_are_left_out_as_a_shell_leaves_them(tmp_path):
    """Emacs's lock file (.#a.md, a link to nothing) while a cheatsheet is edited made every command exit 2."""
    folder = tmp_path / "sheets"
    folder.mkdir()
    (folder / "a.md").write_bytes(SEED.read_bytes())
    (folder / ".#a.md").symlink_to("user@host.1234:1700000000")
    (folder / ".a.md").write_text("not a cheatsheet", encoding="utf-8")
    assert len(read([folder]).entries) == 20


@pytest.mark.parametrize("copy, lines", [
    ("same bytes", 0),  # read once, as one file given twice is: two copies could never load together
    ("one byte more", 40),  # 20 IDs and 20 entry numbers given twice
])
def test_a_copy_of_a_file_in_another_folder_is_read_once(tmp_path, copy, lines):
    """`--source data --source ../shared/cheatsheets` (the seed, then the whole cheatsheet that holds it too) gave
    40 duplicate-ID and entry-number errors for two byte-identical files."""
    (tmp_path / "seed").mkdir()
    (tmp_path / "all").mkdir()
    (tmp_path / "seed" / "13.md").write_bytes(SEED.read_bytes())
    (tmp_path / "all" / "13.md").write_bytes(SEED.read_bytes() + (b"\n" if copy == "one byte more" else b""))
    (tmp_path / "all" / "99.md").write_text(sheet(entry("99.1.1", "Extra Thing"), section="99"), encoding="utf-8")
    if not lines:
        corpus = read([tmp_path / "seed", tmp_path / "all"])
        assert len(corpus.entries) == 21 and corpus.sources == [tmp_path / "seed" / "13.md", tmp_path / "all" / "99.md"]
        assert all(e.location.path.startswith(str(tmp_path / "seed")) for e in corpus.entries[:20])
        return
    with pytest.raises(CheatsheetError) as err:
        read([tmp_path / "seed", tmp_path / "all"])
    assert len(err.value.problems) == lines


@pytest.mark.parametrize("paths, curation, message", [
    ([""], None, "'': empty path; give a cheatsheet file or folder"),  # Path("") is the working folder
    ([SEED], [""], "'': empty path; give a curation file"),
    (["-"], ["-"], "standard input (-) is given both as a cheatsheet and as a curation file: it can be only one of "
                   "them; save the other to a file and give its name"),
])
def test_paths_that_cannot_mean_what_was_meant_are_refused(paths, curation, message):
    from mlkg.errors import InputError

    with pytest.raises(InputError) as err:
        read(paths, curation)
    assert err.value.lines() == [message]


# Characters that show text in another order than it is read, or show as nothing, with the line the error names
HIDDEN = [
    # a bidirectional embedding, override or isolate, anywhere: what follows it shows reversed ("Trojan Source")
    (sheet(entry("1.1.1", "Variational\u202eAutoencoder (VAE)", "vae")), "#### 1.1.1",
     "bidirectional control character U+202E (RIGHT-TO-LEFT OVERRIDE): it shows the text after it in another "
     "order than it is read, so one title can look like another; remove it (right-to-left words need none)"),
    (sheet(entry("1.1.1", "Thing", full="Uses \u2067a hidden\u2069 isolate.")), "Uses",
     "bidirectional control character U+2067 (RIGHT-TO-LEFT ISOLATE)"),
    (sheet(entry("1.1.1", "Thing", example="```\nx = 1  # \u202a\n```")), "x = 1",
     "bidirectional control character U+202A (LEFT-TO-RIGHT EMBEDDING)"),
    (sheet(entry("1.1.1", "Thing")).replace("# ML Cheatsheet", "# ML\u2066 Cheatsheet"), "# ML",
     "bidirectional control character U+2066"),
    # in a heading, what shows as nothing: the title looks like one it is not, and is not found as typed
    (sheet(entry("1.1.1", "Variational Autoencoder\u200b (VAE)", "vae")), "#### 1.1.1",
     "the heading holds invisible character U+200B (ZERO WIDTH SPACE): a title with it looks like one without it, "
     "and is not found as it is typed; remove it"),
    (sheet(entry("1.1.1", "VAE\u200f", "vae")), "#### 1.1.1", "invisible character U+200F (RIGHT-TO-LEFT MARK)"),
    (sheet(entry("1.1.1", "Thing"), title="TOP\u00adIC"), "## 1.", "invisible character U+00AD (SOFT HYPHEN)"),
    (sheet(entry("1.1.1", "Thing"), subsections={"1.1": "Th\u2060ings"}), "### 1.1",
     "invisible character U+2060 (WORD JOINER)"),
    (sheet(entry("1.1.1", "\u3164", "x")), "#### 1.1.1", "invisible character U+3164 (HANGUL FILLER)"),
    (sheet(entry("1.1.1", "Tagged\U000e0041", "x")), "#### 1.1.1", "invisible character U+E0041 (TAG LATIN CAPITAL"),
]


@pytest.mark.parametrize("text, where, message", HIDDEN)
def test_what_would_show_one_name_as_another_is_refused_at_its_line(write, text, where, message):
    path = write(text)
    with pytest.raises(CheatsheetError) as err:
        read([path])
    assert len(err.value.problems) == 1 and err.value.lines()[0].startswith(f"{path}:{line_of(text, where)}: ")
    assert message in err.value.lines()[0]


@pytest.mark.parametrize("title, full", [
    ("Thing", "Mixed text: \u05e9\u05dc\u05d5\u05dd\u200f, a right-to-left mark after Hebrew, and a zero\u200bwidth "
              "space: invisible in an explanation, they hide only themselves"),
    ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 Net", "A zero-width non-joiner, which Persian spells with."),
    ("Emoji \U0001f469\u200d\U0001f52c Net", "A zero-width joiner inside an emoji."),
])
def test_what_hides_only_itself_is_kept_in_text_and_joiners_in_titles(write, title, full):
    (e,) = read([write(sheet(entry("1.1.1", title, "x", full=full)))]).entries
    assert (e.title, e.full) == (title, full)



# An entry lost to a mistyped heading: (cheatsheet text, the lines the errors name (marker, nth), their messages).
# Each was read without a word, and the build went on one concept short.
LOST = [
    (sheet(entry("1.1.1", "Alpha"), entry("1.1.2", "Beta").replace("#### ", "##### ")), [("1.1.2 Beta", 1)],
     ["heading ##### 1.1.2 looks like an entry heading with 5 #s: an entry heading has 4, so entry 1.1.2 is not "
      "read; write '#### 1.1.2 Beta'"]),
    (sheet(entry("1.1.1", "Alpha"), entry("1.1.2", "Beta (B)").replace("#### ", "###### ")), [("1.1.2 Beta", 1)],
     ["heading ###### 1.1.2 looks like an entry heading with 6 #s: an entry heading has 4, so entry 1.1.2 is not "
      "read; write '#### 1.1.2 Beta (B)'"]),
    # a heading of any level ends an entry: the fields after it belonged to none
    (sheet(entry("1.1.1", "Alpha", full="Full text.\n\n##### Details\nmore")), [("#### 1.1.1", 1)] * 2,
     [f"entry 1.1.1 has no **{block}:** block; line 17 ('##### Details') ended the entry, as a heading of any "
      "level does: make it bold text (**…**) instead" for block in ("Simple Explanation", "Example")]),
    (sheet(entry("1.1.1", "Alpha"), entry("1.1.2", "Beta")).replace("#### 1.1.2 Beta", "##### Notes"),
     [("**ID:**", 2)],
     ["**ID:** line outside any entry (an entry starts with a '#### N.M.K Title' heading); line 28 ('##### Notes') "
      "ended entry 1.1.1 above it, as a heading of any level does: make it bold text (**…**) instead"]),
    (sheet(entry("1.1.1", "Alpha")).replace("#### 1.1.1 Alpha", ""), [("**ID:**", 1)],
     ["**ID:** line outside any entry (an entry starts with a '#### N.M.K Title' heading)"]),
    # a no-break space after the #s: no heading to markdown, as a tab-indented one is a code line
    (sheet(entry("1.1.1", "Alpha"), entry("1.1.2", "Beta").replace("#### ", "####\u00a0")),
     [("**ID:**", 2), ("**Parent:**", 2), ("**Full", 2), ("**Simple", 2), ("**Example", 2)],
     ["second **ID:** line in entry 1.1.1; line 28 ('####\\xa01.1.2 Beta') looks like a heading, but U+00A0 "
      "(NO-BREAK SPACE) after its #s is no space to markdown: type a plain space",
      *(f"second {field} in entry 1.1.1" for field in (
          "**Parent:** line", "**Full Explanation:** block", "**Simple Explanation:** block", "**Example:** block"))]),
    (sheet(entry("1.1.1", "Alpha").replace("#### ", "####\u2003")), [("**ID:**", 1)],
     ["**ID:** line outside any entry (an entry starts with a '#### N.M.K Title' heading); line 9 "
      "('####\\u20031.1.1 Alpha') looks like an entry heading, but U+2003 (EM SPACE) after its #s is no space to "
      "markdown: type a plain space"]),
    # a leading zero: 1.1.02 would be a second entry that reads as 1.1.2
    (sheet(entry("1.1.2", "Alpha"), entry("1.1.02", "Beta", parent="1.1")), [("1.1.02", 1)],
     ["entry number 1.1.02 has a leading zero; write 1.1.2"]),
    (sheet(entry("1.1.1", "Alpha")).replace("### 1.1 Things", "### 1.01 Things"), [("### 1.01", 1)],
     ["subsection number 1.01 has a leading zero; write 1.1"]),
    (sheet(entry("1.1.1", "Alpha")).replace("## 1. TOPIC", "## 01. TOPIC"), [("## 01.", 1)],
     ["section number 01 has a leading zero; write 1"]),
]


@pytest.mark.parametrize("text, where, messages", LOST)
def test_an_entry_a_mistyped_heading_would_drop_is_an_error_at_its_line(write, text, where, messages):
    path = write(text)
    with pytest.raises(CheatsheetError) as err:
        read([path])
    assert err.value.lines() == [f"{path}:{line_of(text, *w)}: {m}" for w, m in zip(where, messages, strict=True)]


@pytest.mark.parametrize("title, message", [
    ("\u0410lpha Thing", "the heading's word 'Аlpha' mixes U+0410 (CYRILLIC CAPITAL LETTER A) with Latin letters"),
    ("Al\u03c1ha", "the heading's word 'Alρha' mixes U+03C1 (GREEK SMALL LETTER RHO) with Latin letters"),
    ("\u0391\u043b\u043f\u0445\u0430",
     "the heading's word 'Αлпха' mixes U+0391 (GREEK CAPITAL LETTER ALPHA) with Cyrillic letters"),
])
def test_a_heading_word_of_two_scripts_is_refused_at_its_line(write, title, message):
    text = sheet(entry("1.1.1", title, "x"))
    path = write(text)
    with pytest.raises(CheatsheetError) as err:
        read([path])
    assert err.value.lines() == [
        f"{path}:{line_of(text, '#### 1.1.1')}: {message}: it looks like another word and is not found as that one "
        "is typed; write the word in one script (a Greek letter that stands alone as a symbol, as in β-VAE, is fine)"]


@pytest.mark.parametrize("title, label", [
    ("β-VAE", "β-VAE"), ("α-Divergence", "α-Divergence"), ("ε-Greedy (εG)", "ε-Greedy"), ("μP Transfer", "μP Transfer"),
    ("Nyström Method", "Nyström Method"),
    ("Обучение", "Обучение"), ("Cafe\u0301 Thing", "Caf\u00e9 Thing"),  # NFC: one title, however its é was typed
])
def test_greek_symbols_other_scripts_and_decomposed_letters_are_read(write, title, label):
    text = sheet(entry("1.1.1", title, "x"), entry("1.1.2", "Next"))
    (e, nxt) = read([write(text)]).entries
    assert (e.label, e.location.line, nxt.location.line) == (label, line_of(text, "#### 1.1.1"),
                                                             line_of(text, "#### 1.1.2"))
