"""The command line: outputs, exit codes, one-line errors, and atomic builds."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import socket
import stat
import subprocess
import sys
import threading
import tty

import pytest
from conftest import SEED, entry, sheet


def test_build_writes_node_link_json(cli, tmp_path):
    code, out, err = cli("build", "--out", tmp_path / "o")
    assert code == 0 and err == "", err  # no warning: no source changed while it ran
    data = json.loads((tmp_path / "o" / "graph.json").read_text())
    assert {n["id"] for n in data["nodes"]} >= {"vae", "sec:13", "sec:13.1"}
    assert "built 20 concepts" in out
    assert not list((tmp_path / "o").glob(".*.tmp"))


@pytest.mark.parametrize("args, evidence", [
    (["show", "vae", "--format", "json"], lambda d: d["requires"][0]["evidence"][0]),
    (["edges", "--kind", "requires", "--format", "json"], lambda d: next(
        e for e in d if (e["source"], e["target"]) == ("vae", "autoencoder"))["evidence"][0]),
])
def test_json_evidence_carries_the_words_its_rule_keyed_on(cli, args, evidence):
    """graph.json and the RDF carried each piece of evidence's cue; mlkg show and mlkg edges left it out."""
    code, out, _ = cli(*args)
    assert code == 0 and evidence(json.loads(out))["cue"] == "foundation for"


@pytest.mark.parametrize("command", ["build", "show", "stats", "edges", "eval"])
def test_every_command_has_help_with_an_example(cli, command):
    code, out, _ = cli(command, "--help")
    assert code == 0
    assert "Example:" in out and f"mlkg {command}" in out


def test_show_prints_entry_and_edges_with_evidence(cli):
    code, out, _ = cli("show", "vae")
    assert code == 0
    assert out.startswith("Variational Autoencoder (VAE)  [vae · 13.1.2]")
    assert "Section: 13 GENERATIVE MODELS › 13.1 Autoencoders" in out
    assert "→ autoencoder" in out and "← stable-diffusion" in out
    assert '"VAE adds probabilistic structure to autoencoders."' in out


def test_stats_counts(cli):
    code, out, _ = cli("stats")
    assert code == 0
    assert "concepts     20" in out and "subsections  6" in out


@pytest.mark.parametrize("fmt", ["json", "tsv"])
def test_edges_lists_every_edge(cli, seed_kg, fmt):
    code, out, _ = cli("edges", "--format", fmt)
    assert code == 0
    n = seed_kg.graph.number_of_edges()
    if fmt == "json":
        rows = json.loads(out)
        assert len(rows) == n
        assert {"source", "target", "kind", "evidence"} <= rows[0].keys()
        assert all(r["evidence"] is None for r in rows if r["kind"] == "parent")
        assert all(r["evidence"] for r in rows if r["kind"] != "parent")
    else:
        assert len(out.strip().split("\n")) == n + 1


def test_edges_filtered_by_kind(cli):
    _, out, _ = cli("edges", "--kind", "parent", "--format", "json")
    assert {r["kind"] for r in json.loads(out)} == {"parent"}


def test_source_may_repeat_and_mix_files_and_folders(cli, write, tmp_path):
    extra = write(sheet(entry("99.1.1", "Extra Thing"), section="99"), "more/extra.md")
    code, out, err = cli("stats", "--source", SEED, "--source", extra.parent)
    assert code == 0, err
    assert "concepts     21" in out


def test_bad_input_is_one_line_per_problem_with_exit_2_and_no_output_changed(cli, write, tmp_path):
    out_dir = tmp_path / "o"
    assert cli("build", "--out", out_dir)[0] == 0
    before = (out_dir / "graph.json").read_bytes()
    bad = write(sheet(entry("1.1.1", "A", cid="Bad ID"), entry("1.1.2", "B", full="")))
    code, _, err = cli("build", "--source", bad, "--out", out_dir)
    assert code == 2
    lines = err.strip().split("\n")
    assert len(lines) == 2 and all(line.startswith(f"{bad}:") for line in lines)
    assert (out_dir / "graph.json").read_bytes() == before


@pytest.mark.parametrize("args, message", [
    (["show", "nope"], "mlkg: unknown concept 'nope'"),
    # a section named where a concept is asked for: what it is, and where its concepts are
    (["show", "sec:13.1"], "mlkg: unknown concept 'sec:13.1': that is section 13.1, not a concept; its concepts: "
                           "mlkg query section --param section=13.1"),
    (["prereqs", "Generative Models"], "mlkg: unknown concept 'Generative Models': that is section 13"),
    (["build", "--source", "/does/not/exist"], "/does/not/exist:1: no such file or folder"),
    (["serve", "--cors", "notanorigin"], "mlkg: --cors 'notanorigin' is no origin"),
    (["serve", "--host", "0.0.0.1", "--port", "0"], "mlkg: cannot listen on 0.0.0.1:0: "),
    # both given: the --curation file was silently not read
    (["stats", "--no-curation", "--curation", "my.toml"], "mlkg: --no-curation reads no curation file, and "
                                                          "--curation names one: give one of them"),
])
def test_errors_are_one_line_without_traceback(cli, args, message):
    code, _, err = cli(*args)
    assert code == 2
    assert err.startswith(message) and "Traceback" not in err and len(err.strip().split("\n")) == 1


@pytest.mark.parametrize("layout, given, message", [
    ({"x\x1b[31m.md": "sheet"}, "x\x1b[31m.md", "x\\u001b[31m.md:1: the file name holds control character U+001B"),
    ({"x\x1b[31m.md": "sheet"}, ".", "x\\u001b[31m.md:1: the file name holds control character U+001B"),
    ({"d\x07/a.md": "sheet"}, "d\x07", "d\\u0007:1: the folder name holds control character U+0007"),
    ({"a.md": "sheet", "c\x9b.toml": "curation"}, "a.md",
     "c\\u009b.toml:1: the curation file name holds control character U+009B"),
    ({"y\udcff.md": "sheet"}, ".", "y\\xff.md:1: the file name is not UTF-8"),
    ({}, "gone\x1b.md", "gone\\u001b.md:1: no such file or folder"),
    # a bidirectional control would show the rest of every `file:line` in another order
    ({"ev\u202eil.md": "sheet"}, ".", "ev\\u202eil.md:1: the file name holds bidirectional control character U+202E, "
                                     "which shows what follows it in another order: rename the file"),
])
def test_a_name_no_export_or_terminal_can_carry_is_refused_when_read(cli, tmp_path, monkeypatch, layout, given,
                                                                     message):
    """A cheatsheet named x<ESC>[31m.md built; its XML export was not well-formed and `mlkg query` printed the
    escape sequence.  Refused like a control character in the text, and named with the character escaped."""
    monkeypatch.chdir(tmp_path)
    curation = []
    for name, what in layout.items():
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(SEED.read_bytes() if what == "sheet" else b"")
        curation += ["--curation", name] if what == "curation" else []
    code, out, err = cli("export", "--source", given, *(curation or ["--no-curation"]), "--format", "xml")
    assert (code, out) == (2, "")
    assert err.startswith(message) and err.count("\n") == 1 and err.isascii() and err[:-1].isprintable(), err


@pytest.mark.parametrize("args, says", [
    (["show", "vae", "--known", "autoencoder"], "Error: No such option '--known'. --known is an option of mlkg "
     "learn, mlkg next and mlkg prereqs.\n"),
    (["show", "vae", "--depth", "1"], "Error: No such option '--depth'. --depth is an option of mlkg dependents and "
     "mlkg prereqs.\n"),
    (["stats", "--tree"], "Error: No such option '--tree'. --tree is an option of mlkg prereqs.\n"),
    (["learn", "vae", "--know", "a"], "Error: No such option '--know'. Did you mean '--known'?\n"),  # its own
])
def test_an_option_of_another_command_names_the_commands_that_take_it(cli, args, says):
    """`mlkg prereqs transformer --known attention` said only "No such option '--known'"."""
    code, out, err = cli(*args)
    assert (code, out) == (2, "") and err.endswith(says), err


def test_usage_error_exits_2(cli):
    assert cli("edges", "--kind", "nonsense")[0] == 2
    assert cli("prereqs", "vae", "--depth", "-1")[0] == 2


def test_a_file_given_twice_is_read_once(cli):
    code, out, err = cli("stats", "--source", "data", "--source", "data/13-generative-models.md", "--format", "json")
    assert code == 0 and json.loads(out)["concepts"] == 20, err


@pytest.mark.parametrize("args, message", [
    # an unset shell variable (--source "$SHEETS") read whatever .md files lay in the working folder
    (["stats", "--source", ""], "mlkg: --source '': empty path; give a cheatsheet file or folder (is a shell "
                                "variable unset?)"),
    (["build", "--source", "data", "-s", ""], "mlkg: --source '': empty path"),
    (["show", "vae", "--curation", ""], "mlkg: --curation '': empty path; give a curation file (is a shell variable "
                                        "unset?)"),
    # one stream cannot be both: the markdown went to the TOML parser ("-:7: invalid TOML")
    (["stats", "--source", "-", "--curation", "-"], "mlkg: --source - and --curation -: standard input can be only "
                                                    "one of them; save the other to a file and give its name"),
    (["build", "--curation", "-", "--source", "data", "--source", "-"], "mlkg: --source - and --curation -"),
])
def test_paths_that_cannot_mean_what_was_meant_are_a_one_line_usage_error(cli, args, message):
    code, out, err = cli(*args)
    assert (code, out) == (2, "") and err.startswith(message) and err.count("\n") == 1, err


@pytest.mark.parametrize("args, message", [
    # -o "$UNSET" wrote the export or the page to standard output, which `-o -` is the way to ask for
    (["export", "-o", ""], "mlkg: --output '': empty path; give a file, or - for standard output (is a shell "
                           "variable unset?)"),
    (["export", "--format", "nt", "--output", ""], "mlkg: --output '': empty path"),
    (["map", "-o", ""], "mlkg: --output '': empty path; give a file, or - for standard output"),
    # and a build went into the working folder
    (["build", "-o", ""], "mlkg: --out '': empty path; give a folder to build into (is a shell variable unset?)"),
    (["build", "--no-map", "--out", ""], "mlkg: --out '': empty path"),
])
def test_an_empty_output_path_is_refused_as_an_empty_source_is(cli, tmp_path, monkeypatch, args, message):
    """``--source ""`` and ``--curation ""`` were refused ("is a shell variable unset?"), ``-o ""`` was not."""
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(*args)
    assert (code, out) == (2, "") and err.startswith(message) and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [
    ["--source", "-", "--source", "-"],  # read twice, it gave 40 duplicate-ID errors
    ["--source", "-", "--source", "data"],  # the same bytes under two names: read once
])
def test_standard_input_or_a_file_given_twice_is_read_once(args):
    done = subprocess.run([sys.executable, "-m", "mlkg", "stats", *args, "--format", "json"], input=SEED.read_bytes(),
                          capture_output=True, cwd=SEED.parent.parent, timeout=120)
    assert done.returncode == 0 and json.loads(done.stdout)["concepts"] == 20, done.stderr


@pytest.mark.parametrize("twice", [["cur.toml", "./cur.toml"], ["-", "-"]])
def test_a_curation_file_given_twice_is_read_once(tmp_path, twice):
    """Its every item was applied twice ("add repeats cur.toml:1")."""
    (tmp_path / "cur.toml").write_text('[[add]]\nsource = "vae"\ntarget = "gan"\nkind = "related"\n', encoding="utf-8")
    args = [a for c in twice for a in ("--curation", c)]
    done = subprocess.run([sys.executable, "-m", "mlkg", "stats", "--source", SEED, *args], capture_output=True,
                          text=True, input=(tmp_path / "cur.toml").read_text(), cwd=tmp_path, timeout=120)
    assert done.returncode == 0 and "(1 curated)" in done.stdout and "repeats" not in done.stdout, done.stdout


def test_the_seed_and_the_cheatsheet_that_holds_it_load_together(cli, shared):
    """data/13-generative-models.md and the shared copy are the same bytes: read once, not 40 error lines."""
    code, out, err = cli("stats", "--source", "data", "--source", shared, "--format", "json")
    assert code == 0 and json.loads(out)["files"] == 9, err


def test_a_folder_where_the_build_link_goes_is_a_one_line_error_and_nothing_is_left(cli, tmp_path):
    (tmp_path / "current").mkdir()
    code, _, err = cli("build", "--out", tmp_path, "--no-map")
    assert code == 2 and "a folder stands where mlkg keeps the link" in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["current"]


STRANGER = "not a build of mlkg's, in the folder where it keeps its builds (and removes old ones)"


def _folder(path, *files):
    path.mkdir(parents=True)
    for name in files:
        (path / name).write_text("mine\n", encoding="utf-8")


def _swap(path, make):
    path.unlink()
    make(path)


@pytest.mark.parametrize("name, make, says", [
    ("builds/keep", lambda p: _folder(p, "notes.txt"), STRANGER),
    ("builds/empty", lambda p: p.mkdir(), STRANGER),
    ("builds/todo.txt", lambda p: p.write_text("mine\n", encoding="utf-8"), STRANGER),
    # named as mlkg names its builds, but without the mark every build of mlkg's holds
    ("builds/123-abcdefgh", lambda p: _folder(p, "graph.json"), STRANGER),
    ("builds/.tmp-1-abcdefgh", lambda p: _folder(p, "notes.txt"), STRANGER),
    ("builds/9-abcdefgh", lambda p: p.symlink_to(p.parent.parent.parent), STRANGER),
    ("graph.json", lambda p: _swap(p, lambda q: q.write_text("{}", encoding="utf-8")),
     "a file stands where mlkg keeps the link to the build's graph.json"),
    ("map.html", lambda p: _swap(p, lambda q: q.symlink_to(p.parent.parent / "mine.html")),
     "a link of another's stands where mlkg keeps the link to the build's map.html"),
    ("graph.ttl", lambda p: _swap(p, lambda q: _folder(q, "keep")),
     "a folder stands where mlkg keeps the link to the build's graph.ttl"),
    ("current", lambda p: _swap(p, lambda q: q.write_text("mine\n", encoding="utf-8")),
     "a file stands where mlkg keeps the link to the build in force"),
    ("current", lambda p: _swap(p, lambda q: q.symlink_to(p.parent.parent)),
     "a link of another's stands where mlkg keeps the link to the build in force"),
])
def test_a_build_refuses_what_stands_in_its_way_and_is_not_mlkgs(cli, tmp_path, name, make, says):
    """A build replaces the links in DIR and removes old builds in DIR/builds: only what mlkg made, never the
    user's (a folder in builds/ was removed, a graph.json of the user's replaced by a link)."""
    out = tmp_path / "site"
    assert cli("build", "--out", out)[0] == 0
    in_force = os.readlink(out / "current") if name != "current" else None
    make(out / name)
    before = _snapshot(out / name), sorted((out / "builds").iterdir())
    code, _, err = cli("build", "--out", out)
    assert (code, err) == (2, f"mlkg: {out / name}: {says}; move it away (or build into another --out)\n")
    assert (_snapshot(out / name), sorted((out / "builds").iterdir())) == before
    if in_force is not None:
        assert os.readlink(out / "current") == in_force


def _snapshot(path):
    """What is at ``path``, to see that it was left alone: a link's target, a file's bytes, a folder's files."""
    if path.is_symlink():
        return "link", os.readlink(path)
    if path.is_dir():
        return "folder", sorted((str(p.relative_to(path)), p.read_bytes() if p.is_file() else None)
                                for p in path.rglob("*"))
    return "file", path.read_bytes()


def test_a_build_removes_the_old_builds_it_made(cli, tmp_path):
    """Old builds, builds killed while they were written or as their folder was made, and builds of an mlkg from
    before the mark (their build.json says whose they are) go; the build in force and the one before it, which a
    reader may still have open, stay."""
    out = tmp_path / "site"
    for _ in range(3):
        assert cli("build", "--out", out, "--no-map")[0] == 0
    _folder(out / "builds" / "42-abcdefgh", "build.json", "graph.json")
    _folder(out / "builds" / ".tmp-999999999-abcdefgh", ".mlkg-build", "graph.json")
    _folder(out / "builds" / ".tmp-1-abcdefgh", ".mlkg-build", "graph.json")  # its pid alive: builds stage locked
    (out / "builds" / ".tmp-999999998-abcdefgh").mkdir()
    # links a build killed between making and renaming them left behind; and things of the user's, named alike
    os.symlink("builds/42-abcdefgh", out / ".current.999999999.tmp")
    os.symlink("current/graph.json", out / ".graph.json.999999999.tmp")
    (out / ".current.notes.tmp").write_text("mine")
    (out / ".graph.ttl.7.tmp").mkdir()
    previous = os.readlink(out / "current").removeprefix("builds/")
    assert cli("build", "--out", out, "--no-map")[0] == 0
    now = os.readlink(out / "current").removeprefix("builds/")
    assert sorted(p.name for p in (out / "builds").iterdir()) == sorted([".lock", previous, now])
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".current.notes.tmp",
                                                                              ".graph.ttl.7.tmp"]


@pytest.mark.parametrize("known, says", [
    ("autoencoder", "You said you know Autoencoder [autoencoder]; its plan all the same:"),
    ("vae", "You already know Autoencoder [autoencoder]: it is a prerequisite of something you know."),
])
def test_learn_says_why_a_known_goal_still_gets_a_plan(cli, known, says):
    code, out, _ = cli("learn", "autoencoder", "--known", known)
    assert code == 0 and out.startswith(says) and "1 step," in out


@pytest.mark.parametrize("args, says", [
    (["prereqs", ""], "mlkg: a concept ID is needed: '' is empty; give a concept's ID, label, acronym or entry "
                      "number\n"),
    (["show", " "], "mlkg: a concept ID is needed: ' ' is blank; give a concept's ID, label, acronym or entry "
                    "number\n"),
    (["path", "vae", ""], "mlkg: a concept ID is needed: '' is empty; give a concept's ID, label, acronym or "
                          "entry number\n"),
])
def test_an_empty_concept_asks_for_one_in_one_line(cli, args, says):
    """No "did you mean" (the first concepts), nor "in the shipped corpus": the name is missing, not unknown."""
    assert cli(*args)[::2] == (2, says)


def test_an_entry_number_names_its_concept(cli):
    code, out, err = cli("show", "13.1.2")
    assert code == 0 and out.startswith("Variational Autoencoder (VAE)  [vae · 13.1.2]\n"), err


def test_python_dash_m_and_console_script_work(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mlkg", "show", "gan"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert done.returncode == 0 and "Generative Adversarial Network" in done.stdout
    bad = subprocess.run([sys.executable, "-m", "mlkg", "show", "nope"], capture_output=True, text=True,
                         cwd=tmp_path, timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_commands_reuse_a_fresh_build_and_notice_a_stale_one(cli, write, tmp_path, monkeypatch):
    src = write(SEED.read_text(encoding="utf-8"), "seed.md")
    out = tmp_path / "build"
    monkeypatch.setenv("MLKG_BUILD_DIR", str(out))
    assert cli("build", "--source", src, "--out", out)[0] == 0
    assert {p.name for p in out.iterdir()} == {"graph.json", "graph.ttl", "map.html", "current", "builds"}
    code, fresh, err = cli("prereqs", "vae", "--source", src)
    assert code == 0 and err == "" and "Autoencoder" in fresh
    src.write_text(src.read_text(encoding="utf-8").replace("foundation for VAEs", "unrelated to it"), encoding="utf-8")
    code, stale, err = cli("prereqs", "vae", "--source", src)
    assert code == 0 and "is out of date" in err
    assert stale == fresh  # still answered, from the sources


def test_a_file_added_to_a_folder_of_the_build_makes_it_out_of_date(cli, tmp_path, monkeypatch):
    folder = tmp_path / "sheets"
    folder.mkdir()
    (folder / "one.md").write_text(sheet(entry("1.1.1", "Alpha Net", "alpha")), encoding="utf-8")
    monkeypatch.setenv("MLKG_BUILD_DIR", str(tmp_path / "build"))
    assert cli("build", "--source", folder)[0] == 0
    (folder / "two.md").write_text(sheet(entry("2.1.1", "Beta Net", "beta", full="It extends the Alpha Net."),
                                         section="2"), encoding="utf-8")
    code, out, err = cli("prereqs", "beta")
    assert code == 0 and "Alpha Net" in out and "is out of date" in err


@pytest.mark.parametrize("made", [False, True], ids=["no such folder", "no build yet"])
def test_a_build_folder_named_by_the_environment_that_does_not_exist_is_said(cli, tmp_path, monkeypatch, made):
    """A slip in $MLKG_BUILD_DIR must not quietly answer from the shipped corpus; a folder made for builds still
    to come answers from it, as a project with no build yet does."""
    out = tmp_path / "kg"
    if made:
        out.mkdir()
    monkeypatch.setenv("MLKG_BUILD_DIR", str(out))
    code, shown, err = cli("stats")
    assert code == 0 and "concepts     20" in shown
    assert err == ("" if made else f"mlkg: $MLKG_BUILD_DIR {str(out)!r} names no folder: answering from the "
                                   "shipped corpus (`mlkg build` makes a build there)\n")


def _build(cli, write, tmp_path, monkeypatch):
    src = write(SEED.read_text(encoding="utf-8"), "seed.md")
    out = tmp_path / "build"
    monkeypatch.setenv("MLKG_BUILD_DIR", str(out))
    assert cli("build", "--source", src, "--out", out)[0] == 0
    return src, out


def test_commands_after_a_build_answer_from_its_graph_json(cli, write, tmp_path, monkeypatch):
    src, out = _build(cli, write, tmp_path, monkeypatch)
    (out / "map.html").unlink()  # only graph.json and build.json are read
    code, text, err = cli("show", "vae", "--source", src)
    assert code == 0 and err == "" and "VAE" in text


@pytest.mark.parametrize("damage", [
    lambda p: p.write_text(p.read_text(encoding="utf-8").replace("probability distribution", "edited"), "utf-8"),
    lambda p: p.write_text("{not json", encoding="utf-8"),
    lambda p: p.write_text('{"nodes": 3}', encoding="utf-8"),
    lambda p: p.unlink(),
])
def test_a_tampered_or_damaged_build_is_never_answered_from(cli, write, tmp_path, monkeypatch, damage):
    src, out = _build(cli, write, tmp_path, monkeypatch)
    graph = (out / "graph.json").resolve()
    graph.chmod(0o644)
    damage(graph)
    code, text, err = cli("show", "vae", "--source", src)
    assert code == 0 and "probability distribution" in text and "edited" not in text
    assert "is damaged" in err


def test_a_build_whose_graph_json_holds_a_requires_cycle_is_not_answered_from(cli, write, tmp_path, monkeypatch):
    """A graph.json edited to hold "autoencoder requires stable-diffusion", its digest set to match, made `mlkg
    next` end in a traceback (ValueError: the requires graph has a cycle), and the plans contradict each other."""
    src, out = _build(cli, write, tmp_path, monkeypatch)
    graph, meta = (out / "graph.json").resolve(), (out / "current" / "build.json").resolve()
    data = json.loads(graph.read_bytes())
    data["edges"].append({"kind": "requires", "source": "autoencoder", "target": "stable-diffusion",
                          "key": "requires", "evidence": []})
    graph.chmod(0o644)
    graph.write_bytes(json.dumps(data).encode())
    meta.chmod(0o644)
    meta.write_text(json.dumps({**json.loads(meta.read_text(encoding="utf-8")),
                                "graph_sha256": hashlib.sha256(graph.read_bytes()).hexdigest()}), encoding="utf-8")
    code, text, err = cli("next", "--source", src)
    assert code == 0 and "Traceback" not in err and "autoencoder" in text
    assert "is damaged" in err


@pytest.mark.parametrize("edit", [
    # an edge line that closes a cycle, read a line at a time (the test above rewrites the file on one line)
    lambda text: text.replace('"edges":[\n', '"edges":[\n{"kind":"requires","source":"autoencoder","target":'
                                              '"stable-diffusion","key":"requires","evidence":[]},\n', 1),
    # a dropped mention without its file, read from another folder, whose paths are made right from there
    lambda text: text.replace('"homonyms":[]', '"homonyms":[{"x":1}]', 1),
])
def test_a_graph_json_edited_by_hand_is_damage_from_any_folder(cli, write, tmp_path, monkeypatch, edit):
    """Read from another folder, a hand-edited graph.json (its digest set to match) ended in KeyError: 'file'."""
    src, out = _build(cli, write, tmp_path, monkeypatch)
    graph, meta = (out / "graph.json").resolve(), (out / "current" / "build.json").resolve()
    text = graph.read_text(encoding="utf-8")
    assert edit(text) != text
    graph.chmod(0o644)
    graph.write_text(edit(text), encoding="utf-8")
    meta.chmod(0o644)
    meta.write_text(json.dumps({**json.loads(meta.read_text(encoding="utf-8")),
                                "graph_sha256": hashlib.sha256(graph.read_bytes()).hexdigest()}), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, text, err = cli("prereqs", "stable-diffusion", "--source", src)
    assert code == 0 and "Traceback" not in err and "is damaged" in err, err


@pytest.mark.parametrize("meta", ["{not json", "[1, 2]", '{"format": 3, "key": 5, "fresh": true}', ""])
def test_a_build_json_of_another_shape_is_ignored(cli, write, tmp_path, monkeypatch, meta):
    src, out = _build(cli, write, tmp_path, monkeypatch)
    (out / "current" / "build.json").write_text(meta, encoding="utf-8")
    code, text, err = cli("show", "vae", "--source", src)
    assert code == 0 and "probability distribution" in text, err


def _set(**fields):
    def damage(meta: dict) -> str:
        return json.dumps({**meta, **fields})
    return damage


DAMAGED = "is damaged ({} in its build.json is not {})"


@pytest.mark.parametrize("damage, why", [
    (_set(arguments=[1]), DAMAGED.format("arguments", "a list of paths or null")),
    (_set(arguments=["/x\0y"]), DAMAGED.format("arguments", "a list of paths or null")),
    (_set(curation=[5]), DAMAGED.format("curation", "a list of paths")),
    (_set(sources="x"), DAMAGED.format("sources", "a list of paths")),
    (_set(base_iri=5), DAMAGED.format("base_iri", "an absolute IRI")),
    (_set(cwd=3), DAMAGED.format("cwd", "a path")),
    (_set(format="4"), DAMAGED.format("format", "a number")),
    (_set(format=3), "was made by another version of mlkg (its build.json is of format 3, not 4)"),
    (lambda meta: json.dumps({k: v for k, v in meta.items() if k != "key"}), "is damaged (its build.json has no key)"),
    (lambda meta: "[]", "is damaged (its build.json is not an object)"),
    (lambda meta: "{", "is damaged (its build.json is not JSON)"),
    (lambda meta: "[" * 100_000 + "]" * 100_000, "is damaged (its build.json is not JSON)"),  # a RecursionError
])
def test_a_build_json_of_the_wrong_shape_is_a_damaged_build_that_mlkg_build_replaces(cli, write, tmp_path, damage,
                                                                                     why):
    """Fields of the wrong type (or 100,000 nested lists) were a traceback in every command, `mlkg build`
    included, so the build could not be replaced: now the build is damaged, said in one line, and the command
    reads the sources; the build that replaces it says so too."""
    src = write(sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method", full="Extends Alpha Nets.")))
    out = tmp_path / "kg"
    assert cli("build", "--source", src, "--out", out)[0] == 0
    meta = (out / "current" / "build.json").resolve()
    meta.write_text(damage(json.loads(meta.read_text(encoding="utf-8"))), encoding="utf-8")
    for command in (["show", "vae"], ["prereqs", "vae"], ["stats"]):
        code, text, err = cli(*command, "--build", out)
        assert code == 0 and text, err
        assert err == (f"mlkg: the build in {out}/ {why}, so its corpus is not known: this answers from the shipped "
                       f"corpus; `mlkg build --out {out} --source PATH` replaces it\n")
    code, text, err = cli("show", "beta-method", "--source", src, "--build", out)
    assert code == 0 and "Alpha Net" in text
    assert err == f"mlkg: the build in {out}/ {why}; reading the sources instead. Run `mlkg build --out {out}` to " \
                  "replace it.\n"
    code, text, err = cli("build", "--out", out)
    assert code == 0 and text.startswith("built 20 concepts")
    assert err == (f"mlkg: the build in {out}/ {why}, so its corpus is not known: this build is of the shipped "
                   "corpus and replaces it (--source builds another)\n")
    assert cli("show", "vae", "--build", out)[::2] == (0, "")  # whole again


def test_a_build_of_the_format_before_is_not_trusted(cli, write, tmp_path, monkeypatch):
    """Format 3 builds had a `fresh` flag, and their key was made of the files as they were after the build, not
    of the bytes it read: the key means something else now, so such a build is read past, never answered from."""
    src, out = _build(cli, write, tmp_path, monkeypatch)
    folder = (out / "current").resolve()
    graph = folder / "graph.json"
    graph.chmod(0o644)
    graph.write_bytes(graph.read_bytes().replace(b"probability distribution", b"older text"))
    meta = json.loads((folder / "build.json").read_text(encoding="utf-8"))
    meta.update(format=3, fresh=True, graph_sha256=__import__("hashlib").sha256(graph.read_bytes()).hexdigest())
    (folder / "build.json").write_text(json.dumps(meta), encoding="utf-8")
    code, text, err = cli("show", "vae", "--source", src)
    assert code == 0 and "probability distribution" in text and "older text" not in text, err


@pytest.mark.parametrize("command", [["prereqs", "stable-diffusion"], ["learn", "rlhf", "--known", "llm"],
                                     ["dependents", "autoencoder"]])
def test_learning_plan_commands_import_no_rdf_map_or_web_library_nor_the_miner(tmp_path, command):
    """On a build they read graph.json: the miner's rules and mention search are for building it."""
    out = tmp_path / "build"
    env = {**__import__("os").environ, "MLKG_BUILD_DIR": str(out)}
    subprocess.run([sys.executable, "-m", "mlkg", "build", "--out", str(out), "--no-map"], check=True,
                   capture_output=True, env=env, timeout=120)
    probe = ("import sys; from mlkg.cli import main; code = main(%r); "
             "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
             "{'pyvis', 'rdflib', 'pyoxigraph', 'jinja2', 'IPython', 'http'}) + sorted({m for m in sys.modules} & "
             "{'mlkg.mine.pipeline', 'mlkg.mine.rules', 'mlkg.mine.mentions', 'mlkg.mine.similarity'}); "
             "print('HEAVY', heavy, code)")
    done = subprocess.run([sys.executable, "-c", probe % command], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.stdout.strip().endswith("HEAVY [] 0"), done.stdout + done.stderr


def test_version_is_one_number_everywhere(cli):
    """``mlkg --version`` (package metadata), ``mlkg.__version__`` and build.json once said 0.1.0 and 0.2.0."""
    import mlkg

    code, out, _ = cli("--version")
    assert (code, out) == (0, f"mlkg, version {mlkg.__version__}\n")  # it said "None, version 0.2.0"
    done = subprocess.run([sys.executable, "-m", "mlkg", "--version"], capture_output=True, text=True, timeout=60)
    assert done.stdout == out


def _in(folder, *args):
    """Run mlkg in ``folder`` as a user would (its own process, the build folder out/ there)."""
    env = {k: v for k, v in __import__("os").environ.items() if k != "MLKG_BUILD_DIR"}
    return subprocess.run([sys.executable, "-m", "mlkg", *map(str, args)], capture_output=True, text=True,
                          cwd=folder, env=env, timeout=120)


def test_a_build_that_runs_out_of_space_says_where_and_keeps_the_build_in_force(tmp_path):
    """A full disk was "mlkg: No space left on device": no file, no folder, and no word of the build in force.
    The limit on a file's size stands in for the disk (the same error, for the build, as the write it stops)."""
    import resource
    import signal

    assert _in(tmp_path, "build").returncode == 0
    kept = (tmp_path / "out" / "graph.json").read_bytes()

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails instead of the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(kept) // 2, resource.RLIM_INFINITY))

    env = {k: v for k, v in os.environ.items() if k != "MLKG_BUILD_DIR"}
    done = subprocess.run([sys.executable, "-m", "mlkg", "build"], capture_output=True, text=True, cwd=tmp_path,
                          env=env, preexec_fn=small_files, timeout=120)
    assert (done.returncode, done.stderr) == (1, "mlkg: out: cannot write the build: File too large; the build in "
                                                 "force, if any, is as it was\n")
    assert (tmp_path / "out" / "graph.json").read_bytes() == kept
    assert [p.name for p in (tmp_path / "out" / "builds").iterdir() if p.name.startswith(".tmp")] == []


@pytest.mark.parametrize("given", [str(SEED.parent), os.path.relpath(SEED.parent)])
def test_a_build_of_the_shipped_folder_given_by_name_is_the_shipped_corpus(tmp_path, write, given):
    """`mlkg build --source data`, the README's way back to the seed, made every later command say "answering
    from data", and an unknown concept lost its hint that the shipped corpus was asked."""
    assert _in(tmp_path, "build", "--source", write(sheet(entry("1.1.1", "Alpha Net")))).returncode == 0
    assert _in(tmp_path, "build", "--source", os.path.relpath(given, tmp_path) if not os.path.isabs(given)
               else given).returncode == 0
    shown = _in(tmp_path, "show", "alpha-net")
    assert (shown.returncode, shown.stderr) == (2, "mlkg: unknown concept 'alpha-net' in the shipped corpus (--source "
                                                   "FILE or --build DIR answers from yours)\n")
    assert _in(tmp_path, "stats").stderr == ""


def test_a_build_remembers_its_corpus_and_says_so(tmp_path, write):
    other = write(sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method", full="Extends Alpha Nets.")),
                  "other.md")
    assert _in(tmp_path, "build", "--source", other).returncode == 0
    done = _in(tmp_path, "prereqs", "beta-method")
    assert done.returncode == 0 and "Alpha Net" in done.stdout
    # shown as the user would type it here
    assert done.stderr.startswith("mlkg: answering from other.md (the corpus of the build in out/")
    assert done.stderr.count("\n") == 1
    shipped = _in(tmp_path, "prereqs", "vae", "--source", SEED)  # --source still chooses
    assert shipped.returncode == 0 and shipped.stderr == "" and "Autoencoder" in shipped.stdout
    rebuilt = _in(tmp_path, "build")  # the remembered corpus is built again
    assert rebuilt.returncode == 0 and "built 2 concepts" in rebuilt.stdout


def test_a_build_made_with_relative_paths_answers_from_any_folder(tmp_path):
    """The build remembers its corpus by absolute paths: a relative one would mean another file elsewhere."""
    (tmp_path / "project" / "sheets").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "project" / "sheets" / "one.md").write_text(
        sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method", full="Extends Alpha Nets.")), encoding="utf-8")
    assert _in(tmp_path / "project", "build", "--source", "sheets/one.md", "--out", tmp_path / "kg").returncode == 0
    done = subprocess.run([sys.executable, "-m", "mlkg", "prereqs", "beta-method"], capture_output=True, text=True,
                          cwd=tmp_path / "elsewhere", timeout=120,
                          env={**__import__("os").environ, "MLKG_BUILD_DIR": str(tmp_path / "kg")})
    assert done.returncode == 0 and "Alpha Net" in done.stdout, done.stderr
    assert "answering from ../project/sheets/one.md (" in done.stderr  # as typed from here


@pytest.mark.parametrize("cwd, shown", [
    ("project", "{p}"),  # where the build ran: as given there
    ("elsewhere", "../project/{p}"),
    ("far/away/from/it", "{tmp}/project/{p}"),
])
def test_paths_a_build_gives_are_right_from_the_folder_a_command_runs_in(tmp_path, cwd, shown):
    """graph.json names sources as they were given where the build ran; `show --build DIR` from another folder
    printed `Source: sheets/one.md:1`, which names no file from there."""
    (tmp_path / "project" / "sheets").mkdir(parents=True)
    (tmp_path / cwd).mkdir(parents=True, exist_ok=True)
    (tmp_path / "project" / "sheets" / "one.md").write_text(
        sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method", full="Extends Alpha Nets."),
              entry("1.1.3", "Gamma Thing")), encoding="utf-8")
    for name in ("cur.toml", "more.toml"):  # more.toml repeats cur.toml's item: a note naming both
        (tmp_path / "project" / name).write_text(
            '[[add]]\nsource = "gamma-thing"\ntarget = "alpha-net"\nkind = "related"\nnote = "Both are things."\n',
            encoding="utf-8")  # a note: the export quotes it, with its file (without, what the text said)
    assert _in(tmp_path / "project", "build", "--source", "sheets/one.md", "--curation", "cur.toml", "--curation",
               "more.toml", "--out", tmp_path / "kg").returncode == 0
    sheet_at, curation_at, more_at = (shown.format(tmp=tmp_path, p=p) for p in ("sheets/one.md", "cur.toml",
                                                                                "more.toml"))
    said = {command: _in(tmp_path / cwd, command, *args, "--build", tmp_path / "kg").stdout
            for command, *args in (["show", "beta-method"], ["edges", "--kind", "requires"], ["stats"])}
    assert f"Source:  {sheet_at}:28\n" in said["show"]
    assert f"\t{sheet_at}:34 (full) Extends Alpha Nets." in said["edges"]
    assert f"  {curation_at}:1: add gamma-thing related alpha-net\n" in said["stats"]
    assert f"  {more_at}:1: add repeats {curation_at}:1\n" in said["stats"]  # every path of a note, not the first
    # the export names files from the corpus, not from here: as the build's own graph.ttl does
    exported = _in(tmp_path / cwd, "export", "--build", tmp_path / "kg").stdout
    assert exported == (tmp_path / "kg" / "graph.ttl").read_text(encoding="utf-8")
    assert 'mlkg:file "cur.toml"' in exported and 'mlkg:file "one.md"' in exported and str(tmp_path) not in exported


@pytest.mark.parametrize("given", ["kg/current", "kg/builds"])
def test_a_folder_inside_a_build_folder_is_told_the_folder_to_give(tmp_path, write, given):
    """`--build out/current` was told to "make one with `mlkg build --out out/current`", which is refused."""
    assert _in(tmp_path, "build", "--source", write(sheet(entry("1.1.1", "Alpha Net"))), "--out", "kg").returncode == 0
    done = _in(tmp_path, "show", "alpha-net", "--build", given)
    assert (done.returncode, done.stderr) == (2, f"mlkg: --build {given}: that is inside a build folder; give that "
                                                 "folder: --build kg\n")


@pytest.mark.parametrize("given", ["kg/current", "kg/current/mine", "kg/builds", "kg/builds/mine", "{build}/mine"])
def test_a_build_into_a_build_folders_own_folders_is_refused(tmp_path, write, given):
    """A build made in kg/builds/<id>/mine answered, then went with that old build when kg was built again."""
    one = write(sheet(entry("1.1.1", "Alpha Net")))
    assert _in(tmp_path, "build", "--source", one, "--out", "kg").returncode == 0
    given = given.format(build=os.path.join("kg", "builds", os.readlink(tmp_path / "kg" / "current").split("/")[1]))
    done = _in(tmp_path, "build", "--source", one, "--out", given)
    assert (done.returncode, done.stderr) == (2, f"mlkg: --out {given}: that is inside a build folder, whose old "
                                                 "builds mlkg removes; build into that folder, --out kg, or one of "
                                                 "its own\n")
    assert sorted(p.name for p in (tmp_path / "kg" / "builds").iterdir() if p.name != ".lock") == \
        [os.readlink(tmp_path / "kg" / "current").split("/")[1]]  # nothing written there


def test_an_out_of_date_build_elsewhere_is_told_the_command_that_refreshes_it(tmp_path, write):
    """"Run `mlkg build` to refresh it" built the shipped corpus into ./out, not the build that was out of date."""
    one = write(sheet(entry("1.1.1", "Alpha Net")))
    assert _in(tmp_path, "build", "--source", one, "--out", "kg").returncode == 0
    one.write_text(sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Net")), encoding="utf-8")
    done = _in(tmp_path, "show", "beta-net", "--build", "kg")
    assert done.returncode == 0 and "Run `mlkg build --out kg` to refresh it." in done.stderr, done.stderr


@pytest.mark.parametrize("curation, said", [
    (["--curation", "fix.toml"], "answering from one.md with fix.toml (the corpus"),
    (["--no-curation"], "answering from one.md with no curation (the corpus"),
    ([], "answering from one.md (the corpus"),  # the shipped curation goes without saying
])
def test_the_corpus_a_command_answers_from_is_said_with_its_curation(tmp_path, curation, said):
    """A remembered curation was applied but not said: "answering from sheets" for a build made with two."""
    (tmp_path / "one.md").write_text(sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Net")), encoding="utf-8")
    (tmp_path / "fix.toml").write_text('[[add]]\nsource = "beta-net"\ntarget = "alpha-net"\nkind = "related"\n',
                                       encoding="utf-8")
    assert _in(tmp_path, "build", "--source", "one.md", *curation).returncode == 0
    done = _in(tmp_path, "show", "beta-net")
    assert done.returncode == 0 and done.stderr.startswith(f"mlkg: {said}"), done.stderr


def test_a_bare_rebuild_names_the_remembered_files_from_here(tmp_path):
    """`mlkg build` alone rebuilt from the absolute paths the build remembers, and every command then showed
    `Source:  /home/you/project/sheets/one.md:28` where the build before had shown `sheets/one.md:28`."""
    (tmp_path / "sheets").mkdir()
    (tmp_path / "sheets" / "one.md").write_text(
        sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method", full="Extends Alpha Nets.")), encoding="utf-8")
    assert _in(tmp_path, "build", "--source", "sheets").returncode == 0
    assert _in(tmp_path, "build").returncode == 0
    shown = _in(tmp_path, "show", "beta-method")
    assert "Source:  sheets/one.md:" in shown.stdout and str(tmp_path) not in shown.stdout, shown.stdout


def test_a_build_whose_project_folder_moved_is_answered_from_as_it_is(tmp_path):
    """A build remembers its corpus by absolute path: after `mv project moved` every command, `mlkg build` too,
    failed with "…/project/sheets:1: no such file or folder" though the build was intact beside them."""
    (tmp_path / "project" / "sheets").mkdir(parents=True)
    (tmp_path / "project" / "sheets" / "one.md").write_text(
        sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method", full="Extends Alpha Nets.")), encoding="utf-8")
    assert _in(tmp_path / "project", "build", "--source", "sheets").returncode == 0
    (tmp_path / "project").rename(tmp_path / "moved")
    done = _in(tmp_path / "moved", "prereqs", "beta-method")
    assert done.returncode == 0 and "Alpha Net" in done.stdout, done.stderr
    assert done.stderr == ("mlkg: answering from the build in out/ as it is: its corpus, ../project/sheets, is no "
                           "longer there (--source to choose another)\n")
    again = _in(tmp_path / "moved", "build")
    assert again.returncode == 2 and again.stderr.count("\n") == 1
    assert "no longer there (moved or removed?): give the cheatsheets with --source PATH" in again.stderr
    assert _in(tmp_path / "moved", "build", "--source", "sheets").returncode == 0


def test_a_build_from_standard_input_is_answered_from_as_it_is(tmp_path):
    """Standard input cannot be read again: later commands answer from the build, and a bare rebuild says so."""
    text = sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method", full="Extends Alpha Nets."))
    env = {**__import__("os").environ, "MLKG_BUILD_DIR": str(tmp_path / "kg")}
    run = functools.partial(subprocess.run, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert run([sys.executable, "-m", "mlkg", "build", "--source", "-"], input=text).returncode == 0
    done = run([sys.executable, "-m", "mlkg", "prereqs", "beta-method"], input="")
    assert done.returncode == 0 and "Alpha Net" in done.stdout, done.stderr
    assert "made from standard input" in done.stderr
    again = run([sys.executable, "-m", "mlkg", "build"], input="")
    assert again.returncode == 2 and "made from standard input" in again.stderr and again.stderr.count("\n") == 1
    for args in (["build", "--no-curation"], ["show", "alpha-net", "--no-curation"]):  # not the shipped corpus
        other = run([sys.executable, "-m", "mlkg", *args], input="")
        assert other.returncode == 2 and "made from standard input" in other.stderr, other.stderr


@pytest.mark.parametrize("name, text", [
    ("mlkg.toml", 'sources = ["sheets/one.md"]\nbase-iri = "https://example.org/kg/"\n'),
    ("pyproject.toml", '[project]\nname = "x"\n[tool.mlkg]\nsources = ["sheets/one.md"]\n'
                       'base-iri = "https://example.org/kg/"\n'),
])
def test_a_project_file_names_the_corpus_so_a_team_needs_no_flags(tmp_path, name, text):
    (tmp_path / "sheets").mkdir()
    (tmp_path / "sheets" / "one.md").write_text(sheet(entry("1.1.1", "Alpha Net")), encoding="utf-8")
    (tmp_path / name).write_text(text, encoding="utf-8")
    done = _in(tmp_path, "export", "--format", "nt")
    assert done.returncode == 0 and "<https://example.org/kg/concept/alpha-net>" in done.stdout
    assert f"({tmp_path / name};" in done.stderr


def test_a_project_file_without_sources_still_gives_its_curation_and_base_iri(tmp_path):
    """A team may keep the shipped corpus (or name it with --source) and still share its corrections and IRIs."""
    (tmp_path / "mine.toml").write_text('[[remove]]\nsource = "vae"\ntarget = "autoencoder"\n', encoding="utf-8")
    (tmp_path / "mlkg.toml").write_text('curation = ["mine.toml"]\nbase-iri = "https://example.org/kg/"\n',
                                        encoding="utf-8")
    done = _in(tmp_path, "export", "--format", "nt")
    assert done.returncode == 0, done.stderr
    assert "<https://example.org/kg/concept/vae>" in done.stdout
    plan = _in(tmp_path, "prereqs", "vae")
    assert plan.returncode == 0 and "autoencoder" not in plan.stdout


def _project(tmp_path, name="mlkg.toml", text='sources = ["sheets"]\n'):
    """proj/ with a project file, proj/sheets/one.md, and proj/sub/deeper/ (sub/ holding another tool's
    pyproject.toml, which configures nothing of mlkg's)."""
    proj = tmp_path / "proj"
    (proj / "sheets").mkdir(parents=True)
    (proj / "sub" / "deeper").mkdir(parents=True)
    (proj / "sheets" / "one.md").write_text(
        sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method", full="Extends Alpha Nets.")), encoding="utf-8")
    (proj / "sub" / "pyproject.toml").write_text('[tool.black]\nline-length = 99\n', encoding="utf-8")
    (proj / name).write_text(text, encoding="utf-8")
    return proj


@pytest.mark.parametrize("name, text", [
    ("mlkg.toml", 'sources = ["sheets"]\n'),
    ("pyproject.toml", '[project]\nname = "p"\n\n[tool.mlkg]\nsources = ["sheets"]\n'),
])
@pytest.mark.parametrize("cwd, up", [("", ""), ("sub", "../"), ("sub/deeper", "../../")])
def test_the_project_file_is_found_from_the_folders_below_it(tmp_path, name, text, cwd, up):
    """As ruff and pytest find theirs: one folder down, a command answered from the shipped seed with no word.
    Its paths are the project folder's, shown as typed from here."""
    proj = _project(tmp_path, name, text)
    done = _in(proj / cwd, "show", "beta-method")
    assert done.returncode == 0, done.stderr
    assert f"Source:  {up}sheets/one.md:" in done.stdout
    said = proj / name if not cwd else f"{up}{name}"  # in its own folder as it always was
    assert done.stderr == f"mlkg: answering from {up}sheets ({said}; --source to choose another)\n"


def test_the_nearest_project_file_is_the_one_read(tmp_path):
    proj = _project(tmp_path)
    (proj / "sub" / "mine.md").write_text(sheet(entry("2.1.1", "Gamma Net"), section="2"), encoding="utf-8")
    (proj / "sub" / "mlkg.toml").write_text('sources = ["mine.md"]\n', encoding="utf-8")
    done = _in(proj / "sub" / "deeper", "show", "gamma-net")
    assert done.returncode == 0 and "Source:  ../mine.md:" in done.stdout, done.stderr


def test_a_build_below_the_project_file_goes_into_the_projects_build_folder(tmp_path):
    """The project's out/, not one in each subfolder: the build made below is the one read in the project folder,
    and the other way round."""
    proj = _project(tmp_path)
    built = _in(proj / "sub", "build")
    assert built.returncode == 0, built.stderr
    assert "  graph.json  ../out/graph.json\n" in built.stdout
    assert f"open the map:  {(proj / 'out' / 'map.html').as_uri()}\n" in built.stdout  # no sub/../
    assert "next:  mlkg show alpha-net  ·" in built.stdout  # the folder commands read: no --build to add
    assert (proj / "out" / "current").is_symlink() and not (proj / "sub" / "out").exists()
    graph = (proj / "out" / "graph.json").resolve()
    graph.chmod(0o644)
    graph.write_text("{}", encoding="utf-8")  # so that a command reading this build says it is damaged
    for cwd in ("", "sub/deeper"):
        done = _in(proj / cwd, "show", "beta-method")
        assert done.returncode == 0 and "the build in" in done.stderr and "out/ is damaged;" in done.stderr


def test_a_project_files_patterns_match_in_a_folder_named_like_a_pattern(tmp_path):
    """A relative source is joined onto the project file's folder and taken as a pattern: `proj[1]/sheets/*.md`
    matched nothing, `[1]` being a pattern too."""
    from mlkg.project import project_settings
    from mlkg.read.sources import expand_paths

    project = tmp_path / "proj[1]"
    (project / "sheets").mkdir(parents=True)
    one = project / "sheets" / "one.md"
    one.write_text(sheet(entry("1.1.1", "Alpha Net")), encoding="utf-8")
    (project / "sheets" / "two[1].md").write_text(sheet(entry("2.1.1", "Beta Net"), section="2"), encoding="utf-8")
    (project / "mlkg.toml").write_text('sources = ["sheets/*.md", "sheets/two[1].md", "sheets/one.md"]\n',
                                       encoding="utf-8")
    _, table = project_settings(project)
    assert expand_paths(table["sources"]) == [one, project / "sheets" / "two[1].md"]


def test_a_broken_pyproject_is_an_error_only_where_it_holds_our_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project\nname = "x"\n', encoding="utf-8")
    assert _in(tmp_path, "stats").returncode == 0  # not ours to judge
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x\n[tool.mlkg]\nsources = ["a.md"]\n',
                                             encoding="utf-8")
    done = _in(tmp_path, "stats")
    assert done.returncode == 2 and done.stderr.startswith("pyproject.toml:2: invalid TOML")


@pytest.mark.parametrize("text", ['tool = 5\n', 'tool = "x"\n', '[[tool]]\nmlkg = 1\n',
                                  '[tool.black]\nline-length = 9\n'])
def test_a_tool_key_of_another_shape_is_not_ours_to_judge(tmp_path, text):
    """Valid TOML whose ``tool`` is no table (or holds no mlkg) configures nothing: it had been a traceback."""
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    done = _in(tmp_path, "stats")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("name, text, said", [
    ("mlkg.toml", 'sources = 3\n', "1: sources must be a list of paths"),
    # "" would be the project's folder or the working one, whichever the path is taken from
    ("mlkg.toml", 'sources = ["a.md", ""]\n', "1: sources holds an empty path ''; give a path (\".\" for this folder)"),
    ("mlkg.toml", 'sources = ["a.md"]\ncuration = [""]\n', "2: curation holds an empty path"),
    # at the line of the key (it was line 1), and a bad base IRI names the file that gave it
    ("mlkg.toml", '# ours\n\nbase-iri = "https://example.org/kg/"\nsources = 3\n', "4: sources must be a list"),
    ("mlkg.toml", '# ours\n\n"base-iri" = "not an iri"\n', "3: base IRI 'not an iri' is not an absolute IRI"),
    ("pyproject.toml", '[project]\nname = "x"\n\n[tool.mlkg]\nsources = 5\n',
     "5: [tool.mlkg] sources must be a list of paths"),
    ("pyproject.toml", '[project]\nname = "x"\n[tool.mlkg]\nsources = ["a.md"]\nbase-iri = "not an iri"\n',
     "5: [tool.mlkg] base IRI 'not an iri' is not an absolute IRI"),
    ("pyproject.toml", '[project]\nname = "x"\n[tool]\nmlkg.colour = "blue"\n', "4: [tool.mlkg] unknown key 'colour'"),
    ("pyproject.toml", 'tool.mlkg.sources = 5\n[project]\nname = "x"\n', "1: [tool.mlkg] sources must be a list"),
    ("pyproject.toml", '[project]\nname = "x"\n[tool.mlkg]\n"sources" = 5\n', "4: [tool.mlkg] sources must be a list"),
    ("pyproject.toml", '[project]\nname = "x"\n[tool]\nmlkg = 5\n', "4: [tool.mlkg] must be a table"),
    ("pyproject.toml", 'x = 1\ntool.mlkg = "a"\n', "2: [tool.mlkg] must be a table"),
    # a table of an unknown name, at its header (it was line 1)
    ("mlkg.toml", 'sources = ["a.md"]\n[x]\ny = 1\n', "2: unknown key 'x'"),
    ("pyproject.toml", '[project]\nname = "x"\n[tool.mlkg.colour]\na = 1\n', "3: [tool.mlkg] unknown key 'colour'"),
    # a source that is not there, at the project file's line (it was "nope:1", of a file never written)
    ("mlkg.toml", '# ours\nsources = ["nope"]\n', "2: sources: 'nope': no such file or folder (a path here is from "
     "this file's folder)"),
    ("pyproject.toml", '[tool.mlkg]\n\nsources = ["nope"]\n', "3: [tool.mlkg] sources: 'nope': no such file"),
    # no source at all is a mistake: it had fallen through to the remembered build's corpus
    ("mlkg.toml", 'sources = []\n', "1: sources is empty; list at least one path, or leave the key out"),
    # brackets nested past the parser's stack: it had been a RecursionError traceback
    ("mlkg.toml", "x = " + "[" * 1000 + "]" * 1000 + "\n", "1: invalid TOML: arrays and tables nested too deep"),
    ("pyproject.toml", "[tool.mlkg]\nx = " + "[" * 1000 + "]" * 1000 + "\n", "2: invalid TOML: arrays and tables"),
])
def test_a_bad_project_file_is_a_one_line_error_at_its_line(tmp_path, name, text, said):
    (tmp_path / name).write_text(text, encoding="utf-8")
    done = _in(tmp_path, "stats")
    assert done.returncode == 2 and done.stderr.startswith(f"{name}:{said}")  # named from the working folder
    assert done.stderr.count("\n") == 1, done.stderr


def test_build_suggests_next_commands_on_concepts_of_the_corpus_it_built(cli, write, tmp_path):
    """The hint names the concept most needed and the one needing most, not the seed's."""
    path = write(sheet(entry("1.1.1", "Alpha Net", "alpha", full="A net."),
                       entry("1.1.2", "Beta Net", "beta", full="A net built on the Alpha Net."),
                       entry("1.1.3", "Gamma Net", "gamma", full="It extends the Beta Net and the Alpha Net.")))
    code, out, err = cli("build", "--source", path, "--out", tmp_path / "out")
    assert code == 0, err
    at = f" --build {tmp_path / 'out'}"  # not the folder later commands read by default: the hint says which
    assert f"next:  mlkg show alpha{at}  ·  mlkg prereqs gamma{at}  ·  mlkg query --list\n" in out


def test_build_suggests_no_plan_where_nothing_requires_anything(cli, write, tmp_path):
    path = write(sheet(entry("1.1.1", "Alpha Net", "alpha", full="A net."), entry("1.1.2", "Beta Net", "beta")))
    code, out, err = cli("build", "--source", path, "--out", tmp_path / "out")
    assert code == 0, err
    assert f"next:  mlkg show alpha --build {tmp_path / 'out'}  ·  mlkg query --list\n" in out


def test_the_commands_a_build_into_another_folder_suggests_answer_from_it(tmp_path, write):
    """A build into site/ is not forgotten: its hint names it, and the hinted commands answer from it."""
    write(sheet(entry("1.1.1", "Alpha Net", "alpha", full="A net."),
                entry("1.1.2", "Beta Net", "beta", full="A net built on the Alpha Net.")), "one.md")
    done = _in(tmp_path, "build", "--source", "one.md", "--out", "site")
    assert done.returncode == 0, done.stderr
    hint = done.stdout.splitlines()[-1]
    assert hint == ("next:  mlkg show alpha --build site  ·  mlkg prereqs beta --build site  ·  "
                    "mlkg query --list")
    for command in hint.removeprefix("next:").split("·"):
        ran = _in(tmp_path, *command.split()[1:])
        assert ran.returncode == 0 and ran.stdout, (command, ran.stderr)
    assert "Alpha Net" in _in(tmp_path, "prereqs", "beta", "--build", "site").stdout


@pytest.mark.parametrize("args, message", [
    (["prereqs", "beta", "--build", "nowhere"], "mlkg: --build nowhere: no build there; make one with "
                                                "`mlkg build --out nowhere`\n"),
    (["prereqs", "beta", "--build", ""], "mlkg: --build needs a folder: the one `mlkg build --out` wrote\n"),
    (["prereqs", "beta"], "mlkg: unknown concept 'beta' in the shipped corpus (--source FILE or --build DIR "
                          "answers from yours)\n"),
])
def test_a_command_says_which_build_it_could_not_answer_from(tmp_path, args, message):
    done = _in(tmp_path, *args)
    assert (done.returncode, done.stderr) == (2, message)


def test_a_build_that_cannot_be_put_in_force_leaves_nothing_behind(cli, tmp_path):
    """The new build folder is renamed into builds/ before the links change: a link that cannot change (here a
    folder where the new current link is made before its rename) must take the new folder with it, and leave the
    old build in force."""
    out = tmp_path / "o"
    assert cli("build", "--out", out)[0] == 0
    before = sorted(p.name for p in (out / "builds").iterdir())
    (out / f".current.{os.getpid()}.tmp").mkdir()  # the build runs in this process
    (out / f".current.{os.getpid()}.tmp" / "keep").write_text("x", encoding="utf-8")
    code, _, err = cli("build", "--out", out)
    assert code == 2 and err.startswith(f"mlkg: {out}: cannot write here: ") and err.count("\n") == 1
    assert sorted(p.name for p in (out / "builds").iterdir()) == before
    assert json.loads((out / "graph.json").read_text(encoding="utf-8"))["nodes"]


def test_a_build_of_the_shipped_corpus_is_answered_from_with_its_own_curation(tmp_path):
    """The build remembers the curation it was made with, as it remembers sources given on purpose."""
    (tmp_path / "my.toml").write_text('[[remove]]\nsource = "vae"\ntarget = "autoencoder"\n', encoding="utf-8")
    assert _in(tmp_path, "build", "--out", "b2", "--curation", "my.toml").returncode == 0
    for args in (["prereqs", "vae", "--build", "b2"], ["prereqs", "vae", "--build", "b2", "--curation", "my.toml"]):
        done = _in(tmp_path, *args)
        assert done.returncode == 0 and "no prerequisites" in done.stdout, (args, done.stdout)
    assert _in(tmp_path, "build", "--out", "b3").returncode == 0  # the shipped corpus and curation: no hint to --build
    assert _in(tmp_path, "show", "nosuch", "--build", "b3").stderr == "mlkg: unknown concept 'nosuch'\n"
    said = _in(tmp_path, "prereqs", "vae", "--build", "b2").stderr
    assert said == "mlkg: answering from the shipped corpus with my.toml (the curation of the build in b2/; " \
                   "--curation to choose another)\n"
    assert "Autoencoder" in _in(tmp_path, "prereqs", "vae", "--build", "b2", "--no-curation").stdout


def test_dependents_are_a_table_in_learning_order_with_their_distance(cli):
    code, out, _ = cli("dependents", "autoencoder")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("5 concepts build on Autoencoder [autoencoder], in an order to learn them")
    rows = [line.split(None, 2) for line in lines[2:]]
    assert [r[1] for r in rows][:2] == ["vae", "denoising-autoencoder"] and {r[0] for r in rows} <= {"1", "2", "3"}
    assert len({line.index(r[1]) for line, r in zip(lines[2:], rows, strict=True)}) == 1  # one column


def test_edges_tsv_says_where_the_deciding_sentence_stands(cli):
    code, out, _ = cli("edges", "--format", "tsv", "--kind", "requires")
    row = next(line.split("\t") for line in out.splitlines() if line.startswith("vae\tautoencoder\t"))
    assert code == 0
    assert re.match(r"\S*13-generative-models\.md:\d+ \(title\) Variational Autoencoder \(VAE\) \(\+\d+ more\)\Z",
                    row[-1])


# ---- -o PATH: what a user means by the path they give -------------------------------------------------------

OUTPUT_COMMANDS = [["export", "--format", "nt"], ["map"]]


@pytest.fixture
def reference(cli, tmp_path):
    """What each command writes to a new regular file: what every other kind of -o target must receive."""
    def made(command):
        path = tmp_path / f"reference-{command[0]}"
        assert cli(*command, "-o", path)[0] == 0
        return path.read_bytes()
    return made


def _reading(open_reader, size):
    """Read ``size`` bytes in a thread (a FIFO or a terminal holds only a little until someone reads it)."""
    got = bytearray()

    def read():
        with open_reader() as f:
            while len(got) < size and (chunk := f.read(65536)):
                got.extend(chunk)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, got


@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
def test_output_to_a_fifo_is_streamed_into_it_and_the_fifo_stays(cli, tmp_path, reference, command):
    expected = reference(command)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    thread, got = _reading(functools.partial(open, fifo, "rb"), len(expected))
    code, out, err = cli(*command, "-o", fifo)
    thread.join(timeout=30)
    assert code == 0 and bytes(got) == expected, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    said = "application/n-triples" if command[0] == "export" else "20 concepts"
    assert out == "" and err == f"wrote {fifo} ({said})\n"  # no size, no page to open: it was streamed


@pytest.mark.parametrize("to", ["-", "/dev/stdout"])
@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
def test_a_reader_that_stops_early_is_no_error(command, to):
    """`mlkg export -o /dev/stdout | head -1` exited 1 without a word (click took the broken pipe for its own), where
    `-o -` exited 0, as a program whose reader has all it wants does."""
    proc = subprocess.Popen([sys.executable, "-m", "mlkg", *command, "-o", to], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert len(proc.stdout.read(10)) == 10
    proc.stdout.close()  # before the rest, more than a pipe holds, is written
    assert (proc.wait(timeout=60), proc.stderr.read()) == (0, b"")


@pytest.mark.parametrize("command", [["prereqs", "stable-diffusion"], ["show", "vae"], ["edges"], ["next"],
                                     ["export"], ["query", "hubs"]])
def test_a_reader_gone_before_any_output_is_no_error(command):
    """`mlkg prereqs llm | true` exited 1 without a word, where `| head -1` exited 0: click took the broken pipe
    for its own."""
    read, write = os.pipe()
    os.close(read)  # gone before a byte is written
    proc = subprocess.run([sys.executable, "-m", "mlkg", *command], stdout=write, stderr=subprocess.PIPE,
                          timeout=120)
    os.close(write)
    assert (proc.returncode, proc.stderr) == (0, b"")


@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
def test_output_to_a_terminal_is_written_to_it(cli, reference, command):
    expected = reference(command)
    leader, follower = os.openpty()
    tty.setraw(follower)  # the bytes as they are, no \r added
    name = os.ttyname(follower)
    try:
        thread, got = _reading(lambda: os.fdopen(os.dup(leader), "rb", buffering=0), len(expected))
        code, _, err = cli(*command, "-o", name)
        thread.join(timeout=30)
        assert code == 0 and bytes(got) == expected, err
        assert stat.S_ISCHR(os.stat(name).st_mode)
    finally:
        os.close(follower)
        os.close(leader)


@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
def test_output_through_dev_fd_goes_where_the_shell_sent_standard_output(tmp_path, reference, command):
    """`{ echo first; mlkg export -o /dev/stdout; } > file` keeps the first line: standard output is written to,
    after what is in it, never replaced by a new file (for root, /dev/stdout itself was replaced).  /dev/fd/1 is
    the same file by another name, where a regression fails without touching /dev."""
    expected = reference(command)
    done = subprocess.run(f"{{ echo first; {sys.executable} -m mlkg {' '.join(command)} -o /dev/fd/1; }} > both",
                          shell=True, cwd=tmp_path, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "both").read_bytes() == b"first\n" + expected


@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
def test_output_to_a_linked_file_replaces_the_file_and_keeps_the_link_and_its_mode(cli, tmp_path, reference,
                                                                                     command):
    expected = reference(command)
    (tmp_path / "shared").mkdir()
    target = tmp_path / "shared" / "kept"
    target.write_bytes(b"old")
    target.chmod(0o600)
    link = tmp_path / "link"
    link.symlink_to(target)
    code, _, err = cli(*command, "-o", link)
    assert code == 0, err
    assert link.is_symlink() and target.read_bytes() == expected and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["kept"]  # no temporary file left


@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
def test_output_to_a_file_replaces_it_in_one_rename_keeping_its_mode(cli, tmp_path, reference, command):
    expected = reference(command)
    path = tmp_path / "out.file"
    path.write_bytes(b"old")
    path.chmod(0o640)
    inode = path.stat().st_ino
    with open(path, "rb") as reader:  # a reader of the old file reads it whole: it is replaced, never rewritten
        code, _, err = cli(*command, "-o", path)
        assert reader.read() == b"old"
    assert code == 0, err
    assert path.read_bytes() == expected and path.stat().st_ino != inode and stat.S_IMODE(path.stat().st_mode) == 0o640


@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
@pytest.mark.parametrize("where, says", [
    ("missing/deeper/out.file", "{tmp}/missing/deeper: no such folder; make it first, or write elsewhere"),
    ("a-file/out.file", "{tmp}/a-file: not a folder; make it first, or write elsewhere"),
    ("socket", "{tmp}/socket: a socket; give a file (or a FIFO or terminal) to write to"),
    ("site/graph.ttl", "{tmp}/site/graph.ttl: a file of the build in {tmp}/site/, which only mlkg build writes; give "
                       "another file"),
    ("site/current/extra.html", "{tmp}/site/current/extra.html: a file of the build in {tmp}/site/, which only mlkg "
                                "build writes; give another file"),
])
def test_output_where_no_file_can_or_may_be_written_is_a_one_line_error(cli, tmp_path, command, where, says):
    (tmp_path / "a-file").write_text("mine\n", encoding="utf-8")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "socket"))
    assert cli("build", "--out", tmp_path / "site")[0] == 0
    build = sorted((tmp_path / "site" / "builds").rglob("*"))
    before = {p: p.read_bytes() for p in build if p.is_file()}
    try:
        code, _, err = cli(*command, "-o", tmp_path / where)
    finally:
        server.close()
    assert (code, err) == (2, f"mlkg: {says.format(tmp=tmp_path)}\n")
    assert not (tmp_path / "missing").exists()
    assert sorted((tmp_path / "site" / "builds").rglob("*")) == build
    assert {p: p.read_bytes() for p in build if p.is_file()} == before


def test_a_missing_folder_is_named_as_the_user_gave_it(tmp_path):
    """The README's `mlkg: out/missing: no such folder`: the folder as typed, not resolved to an absolute path;
    where a link leads to the missing folder, the folder it leads to, and the link."""
    done = _in(tmp_path, "export", "-o", "out/missing/graph.ttl")
    assert (done.returncode, done.stderr) == (2, "mlkg: out/missing: no such folder; make it first, or write "
                                                 "elsewhere\n")
    (tmp_path / "link.ttl").symlink_to("gone/graph.ttl")
    done = _in(tmp_path, "export", "-o", "link.ttl")
    assert (done.returncode, done.stderr) == (2, f"mlkg: {tmp_path}/gone (where the link link.ttl leads): no such "
                                                 "folder; make it first, or write elsewhere\n")


@pytest.mark.parametrize("output", ["-", "/dev/null"])
def test_map_open_with_no_file_to_open_is_refused_before_any_work(cli, output):
    """`map -o FIFO --open` (or a terminal, or standard output) wrote the page and opened nothing, silently."""
    code, out, err = cli("map", "-o", output, "--open")
    assert code == 2 and out == "" and err.count("\n") == 1 and "--open" in err and "give -o a file" in err


# ---- -o through links: only as the kernel would follow them for open() ----------------------------------------

NOBODY = 65534  # another user's uid, for links "planted" by another user


@pytest.fixture
def sticky(tmp_path):
    """A sticky folder anyone may write in, as /tmp is, and a home folder of the user's beside it."""
    if os.geteuid() != 0:
        pytest.skip("a link of another user's is made with os.lchown, which takes root")
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / ".bashrc").write_text("mine\n", encoding="utf-8")
    return shared


def _planted(link, to, uid=NOBODY):
    link.symlink_to(to)
    os.lchown(link, uid, uid)
    return link


@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
@pytest.mark.parametrize("how", ["file", "missing file", "through a link of ours", "folder link"])
def test_output_never_follows_another_users_link_in_a_sticky_folder(cli, tmp_path, sticky, command, how):
    """Another user plants /tmp/graph.ttl -> ~/.bashrc: `-o /tmp/graph.ttl` replaced the victim's file (or made
    a missing ~/.ssh/authorized_keys), because realpath reads links itself where the kernel's protected_symlinks
    would have refused to follow them.  Every link of the chain is held to the rule."""
    home = tmp_path / "home"
    if how == "file":
        given = _planted(sticky / "graph.ttl", home / ".bashrc")
    elif how == "missing file":
        given = _planted(sticky / "keys", home / "authorized_keys")
    elif how == "through a link of ours":
        given = tmp_path / "mine.ttl"
        given.symlink_to(_planted(sticky / "graph.ttl", home / ".bashrc"))
    else:
        given = _planted(sticky / "dir", home) / ".bashrc"
    code, out, err = cli(*command, "-o", given)
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "another user's link" in err and "protected_symlinks" in err
    assert sorted(p.name for p in home.iterdir()) == [".bashrc"]
    assert (home / ".bashrc").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("folder_mode, folder_owner, link_owner", [
    (0o1777, 0, 0),  # the user's own link
    (0o1777, NOBODY, NOBODY),  # the link of the folder's owner
    (0o0777, 0, NOBODY),  # anyone's link in a folder that is not sticky
    (0o1755, 0, NOBODY),  # ... nor writable by anyone
])
def test_output_follows_the_links_the_kernel_would_follow(cli, tmp_path, sticky, folder_mode, folder_owner,
                                                           link_owner):
    os.chown(sticky, folder_owner, folder_owner)
    sticky.chmod(folder_mode)
    target = tmp_path / "home" / ".bashrc"
    link = _planted(sticky / "graph.nt", target, link_owner)
    code, _, err = cli("export", "-o", link)
    assert code == 0, err
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("<https://mlkg.dev/")


def test_no_library_writer_follows_another_users_link(tmp_path, sticky, seed_kg):
    from mlkg.atomic import atomic_path
    from mlkg.errors import InputError
    from mlkg.views import rdf
    from mlkg.views.map import write_map

    link = _planted(sticky / "graph.ttl", tmp_path / "home" / ".bashrc")
    for write in (lambda p: rdf.write(seed_kg, p), lambda p: write_map(seed_kg, p),
                  lambda p: atomic_path(p).__enter__()):
        with pytest.raises(InputError, match="another user's link"):
            write(link)
    assert (tmp_path / "home" / ".bashrc").read_text(encoding="utf-8") == "mine\n"


def test_no_library_writer_writes_into_a_build(cli, tmp_path, seed_kg):
    """`rdf.write(kg, "out/graph.ttl")` replaced builds/<id>/graph.ttl, which build.json vouches for: the guard
    was the command line's alone."""
    from mlkg.atomic import atomic_path
    from mlkg.errors import InputError
    from mlkg.views import rdf
    from mlkg.views.map import write_map

    assert cli("build", "--out", tmp_path / "site")[0] == 0
    build = sorted((tmp_path / "site" / "builds").rglob("*"))
    before = {p: p.read_bytes() for p in build if p.is_file()}

    def atomically(path):
        with atomic_path(path) as tmp:
            tmp.write_text("x", encoding="utf-8")

    for write in (lambda p: rdf.write(seed_kg, p, "ttl"), lambda p: write_map(seed_kg, p), atomically):
        for name in ("graph.ttl", "map.html", "current/extra.html"):
            with pytest.raises(InputError, match=f"a file of the build in {tmp_path}/site/, which only mlkg build"):
                write(tmp_path / "site" / name)
    assert sorted((tmp_path / "site" / "builds").rglob("*")) == build
    assert {p: p.read_bytes() for p in build if p.is_file()} == before


def test_a_curation_file_that_is_a_loop_of_links_is_one_line(cli, tmp_path):
    """Reading each curation file once resolved its path, and a loop of links raised RuntimeError there."""
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop.name)
    code, _, err = cli("stats", "--curation", loop)
    assert code == 2 and len(err.strip().splitlines()) == 1 and str(loop) in err


def test_a_shared_title_is_a_warning_of_stats_and_build_and_its_name_a_one_line_question(cli, write, tmp_path):
    text = sheet(entry("1.1.1", "Label Noise", "label-noise"), entry("1.1.2", "Label Noise", "noisy-labels"))
    path = write(text)
    first, second = (text.split("\n").index(f"#### {n} Label Noise") + 1 for n in ("1.1.1", "1.1.2"))
    warning = (f"2 entries have the title 'Label Noise': label-noise (1.1.1, {path}:{first}), noisy-labels (1.1.2, "
               f"{path}:{second}); a name they share finds neither: give them different titles, or name them by ID")
    code, out, _ = cli("stats", "--source", path, "--no-curation")
    assert code == 0 and out.endswith(f"warnings\n  {warning}\n")
    code, out, _ = cli("stats", "--source", path, "--no-curation", "--format", "json")
    assert code == 0 and json.loads(out)["warnings"] == [warning]
    code, _, err = cli("build", "--source", path, "--no-curation", "--out", tmp_path / "out", "--no-map")
    assert code == 0 and f"mlkg: warning: {warning}\n" in err
    assert cli("show", "label noise", "--source", path, "--no-curation") == (
        2, "", "mlkg: 'label noise' names 2 concepts alike; did you mean label-noise (1.1.1) or noisy-labels (1.1.2)? "
               "give its ID or entry number\n")


@pytest.mark.parametrize("args, code, out, err", [
    # the command line takes what the library and the API take: --depth 0 is no hop, so no prerequisite
    (["prereqs", "vae", "--depth", "0"], 0,
     "Variational Autoencoder (VAE) [vae]: no prerequisite is 0 requires-hops away (--depth 0); leave --depth out for "
     "all.\n", ""),
    (["dependents", "vae", "--depth", "0"], 0,
     "Variational Autoencoder (VAE) [vae]: nothing is 0 requires-hops away (--depth 0); leave --depth out for all.\n",
     ""),
    (["prereqs", "vae", "--depth", "0", "--format", "md"], 0,
     "# Learning plan: Variational Autoencoder (VAE)\n\n- No prerequisite is 0 requires-hops away (--depth 0); leave "
     "--depth out for all.\n", ""),
    # an unknown concept of --known says it came from there
    (["learn", "vae", "--known", "autoencoder,nope"], 2, "",
     "mlkg: --known: unknown concept 'nope'; give the concepts you know by ID, label or entry number, separated by "
     "commas\n"),
    (["next", "--known", "autoencoderr"], 2, "",
     "mlkg: --known: unknown concept 'autoencoderr'; did you mean autoencoder, denoising-autoencoder, vae?\n"),
    (["learn", "vae", "--known", "a,b"], 2, "",  # not the first concepts with an "a" in them
     "mlkg: --known: unknown concept 'a'; give the concepts you know by ID, label or entry number, separated by "
     "commas\n"),
    # - is standard output for export -o and map -o; a build is a folder
    (["build", "--out", "-"], 2, "", "mlkg: --out -: a build is a folder of several files, which standard output "
     "cannot be; give a folder (mlkg export -o - writes the graph to standard output)\n"),
])
def test_options_mean_what_they_mean_elsewhere(cli, tmp_path, monkeypatch, args, code, out, err):
    monkeypatch.chdir(tmp_path)
    assert cli(*args, "--source", SEED, "--no-curation") == (code, out, err)
    assert not (tmp_path / "-").exists()


def test_export_takes_turtle_as_sparql_does(cli):
    code, out, _ = cli("export", "--format", "turtle", "--source", SEED, "--no-curation")
    assert code == 0 and out == cli("export", "--format", "ttl", "--source", SEED, "--no-curation")[1]
