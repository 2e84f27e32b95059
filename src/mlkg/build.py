"""``mlkg build``: every output of one graph, written atomically into one folder."""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from .fsutil import atomic_path


@dataclass
class BuildResult:
    out: Path
    files: dict[str, Path] = field(default_factory=dict)
    stats: dict = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        s = self.stats
        e = s["edges"]
        lines = [f"built {s['concepts']} concepts from {s['files']} file(s) in {self.seconds:.2f}s: "
                 f"{e['requires']} requires, {e['related']} related, {e['parent']} parent edges"]
        lines += [f"  {name:11} {path}" for name, path in self.files.items()]
        if "map" in self.files:
            lines.append(f"open the map:  {self.files['map'].resolve().as_uri()}")
        lines.append("next:  mlkg show vae  ·  mlkg prereqs stable-diffusion  ·  mlkg query --list")
        return "\n".join(lines)


def write_json(kg, path: Path) -> None:
    # compact: json's fast C encoder is only used without indentation
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        json.dump(kg.to_node_link(), f, ensure_ascii=False, separators=(",", ":"))


def build_outputs(sources, curation, out: Path, base_iri: str | None = None, with_map: bool = True,
                  progress: bool = False) -> BuildResult:
    """Load, then write graph.json (and the other views) into ``out``.

    Outputs are rendered to temporary files and renamed into place one by one
    only after the whole graph has loaded, so bad input changes nothing.
    """
    from .cache import cache_key, inputs, save
    from .graph import load

    start = time.perf_counter()
    files, cur = inputs(sources, curation)
    key = cache_key(files, cur)
    kg = load(*files, curation=cur)
    result = BuildResult(out)
    steps = [("graph.json", lambda p: write_json(kg, p))]
    from .rdf import base_iri as checked_base
    from .rdf import write as write_rdf

    base = checked_base(base_iri)  # a bad --base-iri fails here, before any file is written
    steps.append(("graph.ttl", lambda p: write_rdf(kg, p, "ttl", base)))
    if with_map:
        from .viz import write_map

        steps.append(("map.html", lambda p: write_map(kg, p)))
    bar = _progress(progress, len(steps))
    for name, write in steps:
        path = out / name
        write(path)
        result.files[name if name.startswith("graph.") else name.split(".")[0]] = path
        bar.update(1)
    bar.close()
    save(kg, out, key, files, cur)
    result.stats = kg.stats()
    result.seconds = time.perf_counter() - start
    return result


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(enabled: bool, total: int):
    if not enabled:
        return _NoBar()
    with contextlib.suppress(ImportError):
        from tqdm import tqdm

        return tqdm(total=total, unit="step", leave=False)
    return _NoBar()
