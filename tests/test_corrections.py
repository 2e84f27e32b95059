"""Corrections from the browser land in the curation file: comments kept, contradictions refused, atomically."""

from __future__ import annotations

import pytest

import mlkg
from mlkg.corrections import correct
from mlkg.errors import CurationError, InputError

CURATED = """# Our corrections.   (a comment the curator wrote)

[[rename]]   # keep this rename
number = "15.2.2"
id = "encoder-decoder"
to = "seq2seq-encoder-decoder"
"""


def test_a_correction_is_appended_and_the_file_keeps_its_comments(tmp_path):
    path = tmp_path / "curation.toml"
    path.write_text(CURATED, encoding="utf-8")
    line = correct(path, "add", "ddpm", "vae", "requires", "both learn\na latent")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(CURATED)
    assert text.split("\n")[line - 1].strip() == "[[add]]"
    assert 'note = "both learn a latent"' in text
    kg = mlkg.load(curation=[path])
    assert kg.graph.has_edge("ddpm", "vae", "requires") and kg.graph.has_edge("stable-diffusion", "vae", "requires")
    line = correct(path, "force", "stable-diffusion", "vae", "related", "a part, not a prerequisite")
    kg = mlkg.load(curation=[path])
    assert kg.graph.has_edge("stable-diffusion", "vae", "related") and kg.out_edges("stable-diffusion", "related")


@pytest.mark.parametrize("first, again", [
    (("add", "ddpm", "vae", "requires", "first"), ("add", "ddpm", "vae", "requires", "said twice")),  # any note
    (("remove", "vae", "autoencoder", None, ""), ("remove", "vae", "autoencoder", None, "")),
    (("remove", "vae", "autoencoder", None, ""), ("remove", "autoencoder", "vae", None, "")),  # either way round
    (("remove", "vae", "autoencoder", None, ""), ("remove", "vae", "autoencoder", "requires", "")),  # any kind
    (("add", "ddpm", "vae", "related", ""), ("add", "vae", "ddpm", "related", "")),  # related has no direction
])
def test_a_correction_the_file_holds_already_is_not_written_again(tmp_path, first, again):
    """A second click on the map's button appended the same item again, and again: the file keeps it once, the
    same correction as loading the file judges it (the loader marks a repeat ``same_as``)."""
    path = tmp_path / "curation.toml"
    path.write_text(CURATED, encoding="utf-8")
    line = correct(path, *first)
    text = path.read_text(encoding="utf-8")
    assert correct(path, *again) == line
    assert path.read_text(encoding="utf-8") == text


def test_a_correction_like_one_held_but_not_the_same_is_written(tmp_path):
    path = tmp_path / "curation.toml"
    path.write_text(CURATED, encoding="utf-8")
    line = correct(path, "add", "ddpm", "vae", "requires")
    assert correct(path, "add", "ddpm", "stable-diffusion", "requires") > line


def test_the_line_of_a_correction_appended_under_a_quoted_header_is_its_header(tmp_path):
    path = tmp_path / "curation.toml"
    path.write_text('[["add"]]\nsource = "vae"\ntarget = "gan"\nkind = "related"\n', encoding="utf-8")
    line = correct(path, "add", "ddpm", "vae", "requires")
    assert line > 1 and path.read_text(encoding="utf-8").split("\n")[line - 1].strip() in ("[[add]]", '[["add"]]')


@pytest.mark.parametrize("action, source, target, kind, error", [
    ("add", "vae", "vae", "requires", "cannot link 'vae' to itself"),
    ("add", "vae", "Nope!", "requires", "is not a concept ID"),
    ("add", "vae", "autoencoder", "prerequisite", "kind 'prerequisite' must be one of"),
    ("rename", "vae", "autoencoder", None, "unknown correction 'rename'"),
])
def test_a_malformed_correction_is_refused_and_the_file_is_untouched(tmp_path, action, source, target, kind, error):
    path = tmp_path / "curation.toml"
    path.write_text(CURATED, encoding="utf-8")
    with pytest.raises(InputError, match=error):
        correct(path, action, source, target, kind)
    assert path.read_text(encoding="utf-8") == CURATED


def test_a_contradicting_correction_names_both_places_and_changes_nothing(tmp_path):
    path = tmp_path / "curation.toml"
    correct(path, "add", "vae", "autoencoder", "requires")
    before = path.read_text(encoding="utf-8")
    with pytest.raises(CurationError) as err:
        correct(path, "remove", "autoencoder", "vae")
    added = before.split("\n").index("[[add]]") + 1
    assert err.value.lines()[0] == (f"the correction sent: [[remove]] autoencoder – vae is both removed and added, "
                                    f"also at {path}:{added}; keep one")  # lines of the file on disk
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize("held, line", [
    ('# mine\nadd = [{source = "ddpm", target = "vae", kind = "related"}]\n', 2),  # inline: loading reads it
    ('# mine\n\n[add]\nsource = "ddpm"\ntarget = "vae"\nkind = "related"\n', 3),
])
def test_a_correction_to_a_file_that_writes_its_items_another_way_says_where_and_changes_nothing(tmp_path, held,
                                                                                               line):
    """The editor gave a 500 (a KeyError) where the file held its items in a form it cannot append to."""
    path = tmp_path / "curation.toml"
    path.write_text(held, encoding="utf-8")
    with pytest.raises(CurationError) as err:
        correct(path, "add", "ddpm", "stable-diffusion", "requires")
    assert str(err.value.problems[0]).startswith(f"{path}:{line}: this file writes its add items another way")
    assert path.read_text(encoding="utf-8") == held


def test_a_correction_to_a_half_edited_file_names_its_toml_mistake(tmp_path):
    path = tmp_path / "curation.toml"
    path.write_text(CURATED + "[[remove]\n", encoding="utf-8")
    with pytest.raises(CurationError) as err:
        correct(path, "remove", "gan", "vae")
    assert err.value.lines()[0].startswith(f"{path}:{CURATED.count(chr(10)) + 1}: invalid TOML")


def test_a_correction_to_a_file_nested_past_the_parsers_stack_is_refused_at_its_line(tmp_path):
    path = tmp_path / "curation.toml"
    held = CURATED + "x = " + "[" * 1000 + "]" * 1000 + "\n"
    path.write_text(held, encoding="utf-8")
    with pytest.raises(CurationError) as err:
        correct(path, "remove", "gan", "vae")
    assert err.value.lines()[0].startswith(f"{path}:{CURATED.count(chr(10)) + 1}: invalid TOML: arrays and tables")
    assert path.read_text(encoding="utf-8") == held


def test_brackets_in_a_comment_do_not_move_the_line_of_a_file_nested_too_deep(tmp_path):
    from mlkg.read.curation import too_deep

    text = "# " + "[" * 120 + "\n" + 'x = "' + "[" * 120 + '"\n' + "y = " + "[" * 120 + "\n"
    assert too_deep("c.toml", text).location.line == 3


def test_a_correction_saved_while_a_cheatsheet_is_broken_says_it_waits_for_the_fix(tmp_path):
    """It is written (it is a valid correction), and takes effect once the sources load again."""
    from conftest import entry, sheet

    from mlkg.corrections import Editor
    from mlkg.views.live import Live

    sheet_path = tmp_path / "one.md"
    sheet_path.write_text(sheet(entry("1.1.1", "Alpha Net", "alpha"),
                                entry("1.1.2", "Beta Net", "beta", full="It extends the Alpha Net.")), encoding="utf-8")
    cur = tmp_path / "curation.toml"
    live = Live(mlkg.load(sheet_path, curation=[]))
    editor = Editor(cur, [str(sheet_path)], [str(cur)], live)
    sheet_path.write_text("", encoding="utf-8")  # broken meanwhile
    done = editor({"action": "remove", "source": "beta", "target": "alpha"})
    assert done["pending"].startswith(f"{sheet_path}:1: ") and "[[remove]]" in cur.read_text(encoding="utf-8")


def test_a_watched_corpus_is_rebuilt_on_each_edit_and_a_broken_edit_reports_its_line(write):
    import threading

    from conftest import entry, sheet

    from mlkg.project import watch

    path = write(sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method", full="A net.")), "sheet.md")
    stop = threading.Event()
    events: list = []
    arrived = threading.Condition()

    def record(kind):
        def on(value):
            with arrived:
                events.append((kind, value))
                arrived.notify_all()
        return on

    thread = threading.Thread(target=watch, args=([path], [], record("graph"), record("error"), stop), daemon=True)
    thread.start()
    try:
        for text, kind in [(sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method",
                                                                    full="Beta extends Alpha Nets.")), "graph"),
                           ("#### 1.1.1 broken\n", "error")]:
            with arrived:
                seen = len(events)
                while len(events) == seen:
                    path.write_text(text, encoding="utf-8")  # again until the watcher, which may start late, sees it
                    arrived.wait(timeout=2)
                assert events[-1][0] == kind, events
        assert events[0][1].graph.has_edge("beta-method", "alpha-net", "requires")
        assert events[-1][1][0].startswith(f"{path}:1: ")
    finally:
        stop.set()
        thread.join(timeout=10)


@pytest.mark.parametrize("pattern, relative", [("notes/*.md", False), ("notes/**/*.md", False),
                                               ("notes/*.md", True)])  # from a folder named "proj[1]"
def test_a_watched_pattern_rebuilds_when_a_file_it_matches_changes(tmp_path, monkeypatch, pattern, relative):
    """A source given as a glob ("notes/*.md", as mlkg.load takes it) was watched as a file of that name: no edit
    ever rebuilt."""
    import threading

    from conftest import entry, sheet

    from mlkg.project import watch

    if relative:  # the folder's name is no pattern: "[1]" is not a class of characters
        tmp_path = tmp_path / "proj[1]"
        tmp_path.mkdir()
        monkeypatch.chdir(tmp_path)
    (tmp_path / "notes").mkdir()
    path = tmp_path / "notes" / "sheet.md"
    path.write_text(sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method", full="A net.")), encoding="utf-8")
    stop = threading.Event()
    graphs: list = []
    arrived = threading.Condition()

    def on_graph(kg):
        with arrived:
            graphs.append(kg)
            arrived.notify_all()

    source = pattern if relative else tmp_path / pattern
    thread = threading.Thread(target=watch, args=([source], [], on_graph, print, stop), daemon=True)
    thread.start()
    try:
        text = sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method", full="Beta extends Alpha Nets."))
        with arrived:
            for _ in range(15):  # again until the watcher, which may start late, sees it
                if graphs:
                    break
                path.write_text(text, encoding="utf-8")
                arrived.wait(timeout=2)
        assert graphs and graphs[-1].graph.has_edge("beta-method", "alpha-net", "requires")
    finally:
        stop.set()
        thread.join(timeout=10)


def test_a_failure_while_rebuilding_is_reported_and_the_watching_goes_on(write):
    """A bug that raises while a rebuild is handed on (here, in the receiver) once ended the watch thread for
    good: every later edit, even a fix, was ignored and a stale graph served without a word."""
    import threading

    from conftest import entry, sheet

    from mlkg.project import watch

    path = write(sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method", full="A net.")), "sheet.md")
    stop = threading.Event()
    events: list = []
    arrived = threading.Condition()

    def on_graph(kg):
        with arrived:
            events.append(("graph", kg))
            arrived.notify_all()
        if len(events) == 1:
            raise RuntimeError("boom")

    def on_error(lines):
        with arrived:
            events.append(("error", lines))
            arrived.notify_all()

    thread = threading.Thread(target=watch, args=([path], [], on_graph, on_error, stop), daemon=True)
    thread.start()
    try:
        for n, wanted in [(1, ["graph", "error"]), (2, ["graph", "error", "graph"])]:
            text = sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method", full=f"Beta {n} extends Alpha."))
            with arrived:
                for _ in range(15):  # again until the watcher, which may start late, sees it; a dead one never does
                    if len(events) >= len(wanted):
                        break
                    path.write_text(text, encoding="utf-8")
                    arrived.wait(timeout=2)
            assert [kind for kind, _ in events] == wanted, events
        assert "RuntimeError: boom" in events[1][1][0] and "still served" in events[1][1][0]
    finally:
        stop.set()
        thread.join(timeout=10)


def test_a_correction_writes_through_a_linked_curation_file_and_keeps_its_permissions(tmp_path):
    """A team's curation file kept elsewhere and linked in stays the one file, private if it was."""
    shared = tmp_path / "shared" / "curation.toml"
    shared.parent.mkdir()
    shared.write_text(CURATED, encoding="utf-8")
    shared.chmod(0o600)
    link = tmp_path / "curation.toml"
    link.symlink_to(shared)
    correct(link, "add", "ddpm", "vae", "requires", "")
    assert link.is_symlink() and "[[add]]" in shared.read_text(encoding="utf-8")
    assert shared.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("bom, newline", [(b"", b"\n"), (b"\xef\xbb\xbf", b"\r\n"), (b"", b"\r\n")])
def test_a_correction_keeps_the_files_line_endings_and_byte_order_mark(tmp_path, bom, newline):
    """The layout stays, as the README promises: a Windows editor's file had come back with LF and no BOM."""
    path = tmp_path / "curation.toml"
    path.write_bytes(bom + newline.join([b"# ours", b"[[remove]]", b'source = "gan"', b'target = "wgan"', b""]))
    correct(path, "add", "ddpm", "vae", "requires", "")
    data = path.read_bytes()
    assert data.startswith(bom + b"# ours" + newline) and b"[[add]]" in data
    assert data.count(newline) == data.count(b"\n") and (newline == b"\r\n") == (b"\r\n" in data)
    assert data.count(b"\xef\xbb\xbf") == len(bom) // 3


def test_serve_edit_starts_a_curation_file_that_does_not_exist_yet(tmp_path):
    import subprocess
    import sys

    from conftest import SEED

    new = tmp_path / "mine.toml"
    proc = subprocess.Popen([sys.executable, "-m", "mlkg", "serve", "--source", str(SEED), "--curation", str(new),
                             "--edit", "--port", "0", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=tmp_path)
    try:
        line = proc.stdout.readline()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert line.startswith("mlkg: serving 20 concepts"), err
    assert new.read_text(encoding="utf-8").startswith("# mlkg curation file")


def test_serve_edit_refuses_standard_input_as_the_file_it_writes(tmp_path):
    """``--curation -`` reads standard input; corrections had gone into a new file named "-"."""
    import subprocess
    import sys

    from conftest import SEED

    done = subprocess.run([sys.executable, "-m", "mlkg", "serve", "--source", str(SEED), "--curation", "-", "--edit",
                           "--port", "0"], stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=tmp_path,
                          timeout=60)
    assert done.returncode == 2 and "not standard input" in done.stderr and done.stderr.count("\n") == 1
    assert not (tmp_path / "-").exists()


TEAM_REMOVES_VAE_AUTOENCODER = '[[remove]]\nsource = "vae"\ntarget = "autoencoder"\n'


@pytest.mark.parametrize("mine, correction, error", [
    # the other file in force removes the edge: forcing or adding it would stop every later load
    (b"", {"action": "force", "source": "vae", "target": "autoencoder", "kind": "related"},
     "{team}:1: [[remove]] vae – autoencoder is both removed and forced, also at the correction sent; keep one"),
    (b"", {"action": "add", "source": "autoencoder", "target": "vae", "kind": "requires"},
     "{team}:1: [[remove]] vae – autoencoder is both removed and added, also at the correction sent; keep one"),
    # an add that would turn a mined edge round: loading refuses it, so it is never written
    (b"", {"action": "add", "source": "vae", "target": "stable-diffusion", "kind": "requires"},
     "the correction sent: [[add]] vae requires stable-diffusion contradicts the mined edge stable-diffusion requires "
     "vae; [[add]] is for an edge the miner missed: use [[force]] to change a mined one"),
    # a JSON value that TOML cannot write, and a file that is not UTF-8: 400, not a 500 and a traceback
    (b"", {"action": "remove", "source": "gan", "target": "vae", "kind": {"a": [1, None]}},
     "kind must be text, one of requires, related"),
    (b"", {"action": "force", "source": "gan", "target": "vae"}, "force needs kind, one of requires, related"),
    (b"# caf\xe9\n", {"action": "remove", "source": "gan", "target": "vae"},
     "{mine}:1: curation file is not UTF-8 (invalid continuation byte)"),
])
def test_serve_edit_refuses_a_correction_against_every_curation_file_in_force(tmp_path, mine, correction, error):
    """`serve --edit --curation mine.toml --curation team.toml`: a correction is checked with both files, as the
    next load reads them; refused, nothing is written and the server stays up."""
    import json
    import threading
    import urllib.error
    import urllib.request

    from conftest import SEED

    from mlkg.corrections import Editor
    from mlkg.views.live import Live
    from mlkg.views.server import ServerConfig, make_server

    mine_path, team = tmp_path / "mine.toml", tmp_path / "team.toml"
    mine_path.write_bytes(mine)
    team.write_text(TEAM_REMOVES_VAE_AUTOENCODER, encoding="utf-8")
    files = [str(mine_path), str(team)]
    live = Live(mlkg.load(SEED, curation=[team]))
    server = make_server(live.graph, ServerConfig(port=0, quiet=True, workers=1, long_queries=0), live=live,
                         editor=Editor(mine_path, [str(SEED)], files, live))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        req = urllib.request.Request(server.url + "api/curation", data=json.dumps(correction).encode(),
                                     headers={"Content-Type": "application/json",
                                              "X-MLKG-Token": server.app.edit_token})
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(req, timeout=30)
        assert answer.value.code == 400
        assert json.load(answer.value)["error"] == error.format(mine=mine_path, team=team)
        assert mine_path.read_bytes() == mine
        with urllib.request.urlopen(server.url + "api/concept/vae", timeout=30) as r:
            assert r.status == 200
    finally:
        server.shutdown()
        server.server_close()
    mlkg.load(SEED, curation=files if mine == b"" else [team])  # the corpus still loads


def test_serve_edit_answers_a_correction_sent_twice_from_the_file_without_writing_it_again(tmp_path):
    import json
    import threading
    import urllib.request

    from conftest import SEED

    from mlkg.corrections import Editor
    from mlkg.views.live import Live
    from mlkg.views.server import ServerConfig, make_server

    mine = tmp_path / "mine.toml"
    live = Live(mlkg.load(SEED, curation=[]))
    server = make_server(live.graph, ServerConfig(port=0, quiet=True, workers=1, long_queries=0), live=live,
                         editor=Editor(mine, [str(SEED)], [str(mine)], live))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    correction = {"action": "force", "source": "stable-diffusion", "target": "vae", "kind": "related"}
    answers = []
    try:
        for _ in range(2):
            req = urllib.request.Request(server.url + "api/curation", data=json.dumps(correction).encode(),
                                         headers={"Content-Type": "application/json",
                                                  "X-MLKG-Token": server.app.edit_token})
            with urllib.request.urlopen(req, timeout=30) as r:
                answers.append(json.load(r))
            if len(answers) == 1:
                written = mine.read_text(encoding="utf-8")
    finally:
        server.shutdown()
        server.server_close()
    assert "already" not in answers[0] and answers[1] == {**answers[0], "already": True}
    assert mine.read_text(encoding="utf-8") == written and written.count("[[force]]") == 1


CYCLE = {"1.1": "A", "1.2": "B", "1.3": "C"}  # alpha requires gamma requires beta requires alpha, as written
CYCLE_SHEET = ((("1.1.1", "Alpha Net", "alpha"), "It is based on the Gamma Rule."),
               (("1.2.1", "Beta Method", "beta"), "It is based on the Alpha Net."),
               (("1.3.1", "Gamma Rule", "gamma"), "It is based on the Beta Method."))
ADD_TO_TEAM = '[[add]]\nsource = "{}"\ntarget = "{}"\nkind = "requires"\n'
FORCE_TO_TEAM = '[[force]]\nsource = "{}"\ntarget = "{}"\nkind = "requires"\n'
CLASH = ("the correction sent: [[add]] {} contradicts the mined edge beta requires alpha; [[add]] is for an edge "
         "the miner missed: use [[force]] to change a mined one")


@pytest.mark.parametrize("corpus, team, correction, error", [
    # the miner found beta requires alpha and broke the cycle by making it related: the map shows beta related
    # alpha, but loading judges an add against the edge as mined, so the editor must too
    ("cycle", "", ("add", "alpha", "requires", "beta"), CLASH.format("alpha requires beta")),
    ("cycle", "", ("add", "beta", "related", "alpha"), CLASH.format("beta related alpha")),
    ("cycle", "", ("add", "alpha", "related", "beta"), CLASH.format("alpha related beta")),
    ("cycle", "", ("force", "alpha", "requires", "beta"), None),  # what turns it round
    ("cycle", "", ("add", "beta", "requires", "alpha"), None),  # the mined edge itself: curated
    # the other file forces the pair: an add of the same edge into this file (read first) is the force's
    ("seed", FORCE_TO_TEAM.format("autoencoder", "vae"), ("add", "autoencoder", "requires", "vae"), None),
    # an add that closes a cycle of curated edges: loading refuses it, so it is never written
    ("seed", ADD_TO_TEAM.format("perplexity", "stylegan") + ADD_TO_TEAM.format("stylegan", "rlhf"),
     ("add", "rlhf", "requires", "perplexity"),
     "{team}:1: curated requires edges form a cycle: perplexity -> stylegan -> rlhf -> perplexity"),
])
def test_serve_edit_judges_a_correction_as_the_next_load_will(tmp_path, corpus, team, correction, error):
    """`serve --edit --curation mine.toml --curation team.toml`: the editor refuses exactly what loading the
    sources with the correction written would refuse (400, nothing written), and takes the rest (200, in force
    at once)."""
    import json
    import threading
    import urllib.error
    import urllib.request

    from conftest import SEED, entry, sheet

    from mlkg.corrections import Editor
    from mlkg.views.live import Live
    from mlkg.views.server import ServerConfig, make_server

    if corpus == "cycle":
        source = tmp_path / "cycle.md"
        source.write_text(sheet(*(entry(*e, full=full) for e, full in CYCLE_SHEET), subsections=CYCLE),
                          encoding="utf-8")
    else:
        source = SEED
    mine_path, team_path = tmp_path / "mine.toml", tmp_path / "team.toml"
    mine_path.write_text("# ours\n", encoding="utf-8")
    team_path.write_text(team, encoding="utf-8")
    files = [str(mine_path), str(team_path)]
    live = Live(mlkg.load(source, curation=files))
    action, s, kind, t = correction
    server = make_server(live.graph, ServerConfig(port=0, quiet=True, workers=1, long_queries=0), live=live,
                         editor=Editor(mine_path, [str(source)], files, live))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        req = urllib.request.Request(server.url + "api/curation", headers={
            "Content-Type": "application/json", "X-MLKG-Token": server.app.edit_token}, data=json.dumps(
            {"action": action, "source": s, "target": t, "kind": kind}).encode())
        if error is None:
            with urllib.request.urlopen(req, timeout=30) as answer:
                done = json.load(answer)
            assert done["ok"] and "pending" not in done, done
            assert live.graph.graph[s][t][kind]["curated"]
        else:
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(req, timeout=30)
            assert answer.value.code == 400
            error = error.format(team=team_path)
            assert json.load(answer.value)["error"] == error
            assert mine_path.read_text(encoding="utf-8") == "# ours\n"
    finally:
        server.shutdown()
        server.server_close()
    kg = mlkg.load(source, curation=files)  # what was written loads; what was refused was never written
    if error is None:
        assert kg.graph[s][t][kind]["curated"]
    else:  # and loading refuses it, at its line, with the message the editor gave
        line = correct(mine_path, action, s, t, kind)
        with pytest.raises(CurationError) as err:
            mlkg.load(source, curation=files)
        assert str(err.value) == error.replace("the correction sent", f"{mine_path}:{line}")
