/* mlkg concept map: search, details panel, edge filters, local view, learning path, what I know, deep links,
   and (served by mlkg serve) live updates and curation.  Cheatsheet text reaches the document through
   textContent only. */
var network, nodes, edges;

var mlkg = (function () {
  "use strict";

  var KINDS = ["requires", "related", "parent"];
  var $ = function (id) { return document.getElementById(id); };
  var readJSON = function (id) { return JSON.parse($(id).textContent); };

  var timings = { start: performance.now() };
  var raw = readJSON("mlkg-nodes");
  var rawEdges = readJSON("mlkg-edges");
  var options = readJSON("mlkg-options");
  timings.parsed = performance.now();

  // Small maps settle under physics; large ones keep the outline layout, where sections are drawn as
  // regions, so their hierarchy edges start hidden.
  var physics = !!(options.physics && options.physics.enabled);
  var DEFAULT_KINDS = physics ? KINDS : ["requires", "related"];
  // vis-network spends ~50 µs creating each edge and draws each one with its own stroke, which at tens of
  // thousands of edges costs seconds per frame.  Without physics no edge has to be a spring, so the `edges`
  // DataSet is drawn here instead, one canvas path per style, under vis-network's nodes.
  var ownEdges = !physics;
  // Measuring labels is most of what vis-network does with a new node, and below a third of full size they
  // are too small to be drawn.  On large maps a concept gets its label once it is in view at a legible zoom.
  var lazyLabels = !physics && raw.length >= 1500;
  var labelled = new Set();
  // Restyling every node takes vis-network about a second per 10,000, so large maps do not dim the
  // rest of the map around a selection: they ring the nodes that matter instead.
  var dimNodes = raw.length < 2000, halo = null;
  // Served by `mlkg serve` (not opened from a file): concept pages, live updates and, in edit mode, curation.
  var served = /^https?:$/.test(location.protocol);
  // ... and made live (map_html(live=True)): its policy lets it connect to its server
  var policy = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
  var live = served && !!policy && policy.getAttribute("content").indexOf("connect-src 'none'") < 0;
  var editMeta = document.querySelector('meta[name="mlkg-edit-token"]');
  var editToken = live && editMeta && window.fetch ? editMeta.getAttribute("content") : null;

  // ---- node ids at the vis boundary -----------------------------------------------------------------
  // vis-network keeps its nodes, positions, forces and velocities in plain objects keyed by node id, where the
  // concept ID "constructor" finds Object.prototype.constructor (physics then overflows the stack and every
  // position is NaN).  So vis never sees a concept ID: every node id handed to it (nodes, edge ends, selectNodes,
  // focus, moveNode, getPositions, getBoundingBox, DataSet calls) goes through toVis, and every one it hands back
  // (events, getSelectedNodes, getPositions) through fromVis; an edge's ends are translated once per graph
  // (e.visFrom, e.visTo).  Everything else (the address, the panel, search, `mlkg.*`) speaks concept IDs, and
  // looks them up in Maps.  Edge ids ("kind|from|to") cannot name a property of Object.prototype.
  var VIS_PREFIX = "n:";
  var toVis = function (id) { return VIS_PREFIX + id; };
  var fromVis = function (visId) { return String(visId).slice(VIS_PREFIX.length); };
  /* Positions in `net` of `ids` (every node's without), as a Map by concept ID. */
  function positions(net, ids) {
    var at = net.getPositions(ids && ids.map(toVis)), out = new Map();
    Object.keys(at).forEach(function (v) { out.set(fromVis(v), at[v]); });
    return out;
  }

  // ---- the graph: indexes over the payloads, rebuilt when a live update brings new ones --------------
  var info, sectionColour, present, byKind, prereqs, dependents, related, children, descendantCache, concepts, rank;
  var push = function (map, key, value) {
    var list = map.get(key);
    if (!list) map.set(key, (list = []));
    list.push(value);
  };
  var byOrder = function (a, b) { return info.get(a).order - info.get(b).order || (a < b ? -1 : a > b ? 1 : 0); };
  function indexGraph() {
    info = new Map(); sectionColour = new Map();
    raw.forEach(function (n) {
      info.set(n.id, n);
      if (n.kind === "section") sectionColour.set(n.id, n.color);
    });
    // adjacency over every edge, whatever is shown
    present = []; byKind = { requires: [], related: [], parent: [] };
    prereqs = new Map(); dependents = new Map(); related = new Map(); children = new Map();
    rawEdges.forEach(function (e) {
      if (!info.has(e.from) || !info.has(e.to) || KINDS.indexOf(e.kind) < 0) return;
      e.id = e.kind + "|" + e.from + "|" + e.to;
      e.visFrom = toVis(e.from); e.visTo = toVis(e.to);  // made once: the page draws large maps' edges every frame
      present.push(e);
      byKind[e.kind].push(e);
      if (e.kind === "requires") { push(prereqs, e.from, e); push(dependents, e.to, e); }
      else if (e.kind === "related") { push(related, e.from, e); push(related, e.to, e); }
      else push(children, e.to, e.from);
    });
    children.forEach(function (list) { list.sort(byOrder); });
    descendantCache = new Map();
    // concepts in document order, and each one's place in it
    concepts = raw.filter(function (n) { return n.kind === "concept"; }).map(function (n) { return n.id; }).sort(byOrder);
    rank = new Map(concepts.map(function (id, i) { return [id, i]; }));
  }
  indexGraph();
  function descendants(hub) {
    if (descendantCache.has(hub)) return descendantCache.get(hub);
    var out = [];
    (children.get(hub) || []).forEach(function (c) {
      if (info.get(c).kind === "concept") out.push(c); else out.push.apply(out, descendants(c));
    });
    out.sort(byOrder);
    descendantCache.set(hub, out);
    return out;
  }
  var isConcept = function (id) { return info.has(id) && info.get(id).kind === "concept"; };

  // ---- styles ----------------------------------------------------------------------------------------
  // A concept is styled by `options.nodes` and a colour string, which vis turns into border, highlight and
  // hover shades itself; vis groups would cost a deep merge per node, seconds at 10,000 nodes.
  function mix(hex, target, t) {
    var a = parseInt(hex.slice(1), 16), b = parseInt(target.slice(1), 16), out = 0;
    for (var s = 16; s >= 0; s -= 8) {
      var x = (a >> s) & 255, y = (b >> s) & 255;
      out = (out << 8) | Math.round(x + (y - x) * t);
    }
    return "#" + (out | 0x1000000).toString(16).slice(1);
  }
  var GREY = "#7f8c99";
  var HUB = {
    subsection: { shape: "box", margin: { top: 7, right: 10, bottom: 7, left: 10 }, shapeProperties: { borderRadius: 6 },
                  widthConstraint: { maximum: 250 }, scaling: { label: { drawThreshold: 3 } } },
    section: { shape: "box", margin: { top: 10, right: 14, bottom: 10, left: 14 }, shapeProperties: { borderRadius: 8 },
               widthConstraint: { maximum: 360 }, scaling: { label: { drawThreshold: 3 } } },
  };
  function hubColour(kind, c) {
    if (kind === "section") {
      return { background: c, border: mix(c, "#000000", 0.3),
               highlight: { background: mix(c, "#000000", 0.1), border: "#111827" },
               hover: { background: mix(c, "#000000", 0.08), border: mix(c, "#000000", 0.4) } };
    }
    return { background: mix(c, "#ffffff", 0.82), border: mix(c, "#ffffff", 0.2),
             highlight: { background: mix(c, "#ffffff", 0.65), border: "#111827" },
             hover: { background: mix(c, "#ffffff", 0.72), border: c } };
  }
  var DIM_HUB = { background: "#f3f4f6", border: "#e3e6ea",
                  highlight: { background: "#eceef1", border: "#9aa5b1" }, hover: { background: "#eceef1", border: "#c5cbd3" } };
  var looks = new Map();  // emptied when a live update may have changed the colours
  /* How node `n` looks normally and dimmed: its colour and font. */
  function look(n, dim) {
    var key = n.kind + "|" + n.section + "|" + (n.font_size || "") + (dim ? "|dim" : "");
    if (!looks.has(key)) {
      var c = sectionColour.get(n.section) || GREY;
      var size = n.font_size || (n.kind === "section" ? 30 : 19);
      looks.set(key, n.kind === "concept"
        ? { color: dim ? "#dfe3e8" : c, font: { color: dim ? "#a3acb6" : "#1f2328" } }
        : { color: dim ? DIM_HUB : hubColour(n.kind, c),
            font: { size: size, strokeWidth: 0,
                    color: dim ? "#a9b1bb" : n.kind === "section" ? "#ffffff" : "#27313b" } });
    }
    return looks.get(key);
  }

  // requires is most edges, so its style is the default and the other kinds override it
  var EDGE = {
    requires: { color: { color: "#66717f", highlight: "#111827", hover: "#2b3542", opacity: 0.9 }, width: 1.5 },
    related: { color: { color: "#a3adb8", highlight: "#2b3542", hover: "#2b3542", opacity: 0.95 }, width: 1.2 },
    parent: { color: { color: "#d8dde3", highlight: "#8a96a3", hover: "#a3adb8", opacity: 1 }, width: 1 },
  };
  var DIM_EDGE = { color: { color: "#eef0f3", highlight: "#c5cbd3", hover: "#c5cbd3", opacity: 1 }, width: 1 };
  var PATH_EDGE = { color: { color: "#e8590c", highlight: "#c2410c", hover: "#c2410c", opacity: 1 }, width: 3.5 };
  if (physics) options.nodes = Object.assign({}, options.nodes, { widthConstraint: { maximum: 150 } });
  options.edges = Object.assign({}, options.edges, EDGE.requires,
                                { arrows: { from: { enabled: true, scaleFactor: 0.6, type: "arrow" } } });

  function clip(text, n) {
    text = String(text || "").replace(/\s+/g, " ").trim();
    return text.length > n ? text.slice(0, n - 1) + "…" : text;
  }
  var label = function (id) { return info.get(id).label; };
  function sectionName(n) {
    var s = info.get(n.section);
    return s ? s.number + " " + s.name : "";
  }
  function tooltip(n) {
    if (n.kind === "concept") return n.name + "\n" + n.number + " · " + sectionName(n) + "\n\n" + clip(n.simple, 260);
    var count = descendants(n.id).length;
    return n.number + " " + n.name + "\n" + count + " concept" + (count === 1 ? "" : "s");
  }
  /* The vis item of a node: what vis draws and `kind`; the rest stays in `info` (mlkg.info(id)), which keeps
     the DataSet lean — vis copies every field of every item. */
  var dotSize = function (id) { return Math.min(40, 9 + 5 * Math.sqrt((dependents.get(id) || []).length)); };  // grows with its dependents
  var baseText = function (n) { return n.kind === "concept" ? n.label : n.number + "  " + n.label; };
  function visNode(n) {
    var v = Object.assign({ id: toVis(n.id), kind: n.kind, label: lazyLabels && n.kind === "concept" ? "" : baseText(n),
                            x: n.x, y: n.y }, look(n, false));
    if (n.kind === "concept") {
      v.size = dotSize(n.id);
    } else {
      Object.assign(v, HUB[n.kind]);
      if (n.title_width) v.widthConstraint = { maximum: n.title_width };
      if (n.kind === "section" && physics) v.physics = false;  // placed above its concepts once they settle
      else if (physics) v.mass = 1 / ((children.get(n.id) || []).length + 2);  // vis scales repulsion by mass × degree
    }
    return v;
  }
  // The sentence an edge quotes: its own, or where it stands in the quoting concept's text (e.at: 0 the
  // edge's source, 1 its target; start and length in UTF-16 units; 1 and 2 for "…" cut before and after),
  // which the page holds already.
  function sentenceOf(e) {
    if (e.sentence !== undefined || !e.at) return e.sentence || "";
    var n = info.get(e.at[0] ? e.to : e.from), text = n && n[e.field === "title" ? "name" : e.field];
    if (typeof text !== "string") return "";
    var cut = e.at[3] || 0;
    return (cut & 1 ? "…" : "") + text.substr(e.at[1], e.at[2]) + (cut & 2 ? "…" : "");
  }
  function edgeTooltip(e) {
    var verb = e.kind === "requires" ? " requires " : " is related to ";
    var head = label(e.from) + verb + label(e.to) + (e.curated ? " (curated)" : "");
    var sentence = sentenceOf(e);
    return sentence ? head + "\n“" + clip(sentence, 240) + "”" : head;
  }
  var NO_ARROWS = { from: { enabled: false } };
  function visEdge(e) {
    var v = { id: e.id, from: e.visFrom, to: e.visTo, kind: e.kind };
    if (e.kind !== "parent" && !ownEdges) v.title = edgeTooltip(e);  // the page's own edges have no tooltips
    if (e.kind !== "requires") Object.assign(v, EDGE[e.kind], { arrows: NO_ARROWS });
    if (e.kind === "related") v.dashes = [6, 5];
    if (physics) {
      v.length = e.kind === "requires" ? 160 : e.kind === "related" ? 200 : 45;
      if (e.kind === "parent" && info.get(e.to).kind === "section") v.physics = false;
    }
    return v;
  }

  // ---- the network ----------------------------------------------------------------------------------
  var state = { selected: null, hops: 0, all: false, path: null, kinds: new Set(DEFAULT_KINDS), known: new Set() };
  var visNodes = raw.map(visNode);
  var visEdges = present.filter(function (e) { return state.kinds.has(e.kind); }).map(visEdge);
  timings.styled = performance.now();
  nodes = new vis.DataSet(visNodes);
  edges = new vis.DataSet(visEdges);
  timings.datasets = performance.now();
  network = new vis.Network($("mynetwork"), { nodes: nodes, edges: ownEdges ? new vis.DataSet() : edges }, options);
  timings.network = performance.now();

  // ---- state, and drawing it ----------------------------------------------------------------------
  // What each node and edge shows: "d" dimmed, then its label; an edge's is `e.shown`, undefined while its kind
  // is switched off.
  var shownNodes = new Map();
  raw.forEach(function (n, i) { shownNodes.set(n.id, "|" + visNodes[i].label); });
  present.forEach(function (e) { if (state.kinds.has(e.kind)) e.shown = ""; });
  var listed = new Set(state.kinds);

  function crossNeighbours(id) {
    var out = [];
    if (state.kinds.has("requires")) {
      (prereqs.get(id) || []).forEach(function (e) { out.push(e.to); });
      (dependents.get(id) || []).forEach(function (e) { out.push(e.from); });
    }
    if (state.kinds.has("related")) {
      (related.get(id) || []).forEach(function (e) { out.push(e.from === id ? e.to : e.from); });
    }
    return out;
  }
  /* Concepts within `hops` cross edges (of the kinds shown) of `id`; a hub starts from its concepts. */
  function neighbourhood(id, hops) {
    var start = info.get(id).kind === "concept" ? [id] : descendants(id);
    var seen = new Set(start), frontier = start;
    for (var d = 0; d < hops && frontier.length; d++) {
      var next = [];
      frontier.forEach(function (n) {
        crossNeighbours(n).forEach(function (m) { if (!seen.has(m)) { seen.add(m); next.push(m); } });
      });
      frontier = next;
    }
    if (info.get(id).kind !== "concept") seen.add(id);
    return seen;
  }
  /* The concepts of neighbourhood(id, hops), most relevant first: the start (the concept, or a hub's concepts),
     then by the way each is reached from it, comparing in turn the related edges on the way (fewest first: a
     `requires` neighbour, prerequisite or dependent, before any concept reached only through `related`), the
     hops, the steps down to a concept that needs the one before (prerequisites first), and the product of the
     edges' confidences (strongest first); ties in document order.  Each concept's way there passes only
     concepts before it, so every prefix of the list is connected.  [{id, key}], key[1] the hops.
     The best way may be longer than the shortest (two `requires` hops rather than one `related`), and the
     shortest is what may still go on within `hops`: so the search runs over (concept, hops so far). */
  function rankedNeighbourhood(id, hops) {
    var start = info.get(id).kind === "concept" ? [id] : descendants(id);
    var best = new Map(), done = new Set(), listed = new Set(), out = [], heap = [];
    var less = function (a, b) {
      for (var i = 0; i < 4; i++) if (a.key[i] !== b.key[i]) return a.key[i] < b.key[i];
      return byOrder(a.id, b.id) < 0;
    };
    var offer = function (m, key) {
      var at = key[1] + "|" + m, was = best.get(at), item = { id: m, key: key };
      if (done.has(at) || (was && !less(item, { id: m, key: was }))) return;
      best.set(at, key);
      heap.push(item);  // a binary heap ordered by `less`
      for (var i = heap.length - 1; i > 0;) {
        var p = (i - 1) >> 1;
        if (!less(heap[i], heap[p])) break;
        var t = heap[p]; heap[p] = heap[i]; heap[i] = t; i = p;
      }
    };
    var strength = function (e) { return -Math.log(Math.min(1, Math.max(0.01, e.conf || 0.5))); };
    start.forEach(function (s) { offer(s, [0, 0, 0, 0]); });
    while (heap.length) {
      var top = heap[0], last = heap.pop();
      if (heap.length) {
        heap[0] = last;
        for (var i = 0; ;) {
          var l = 2 * i + 1, r = l + 1, m = i;
          if (l < heap.length && less(heap[l], heap[m])) m = l;
          if (r < heap.length && less(heap[r], heap[m])) m = r;
          if (m === i) break;
          var t = heap[m]; heap[m] = heap[i]; heap[i] = t; i = m;
        }
      }
      var k = top.key, at = k[1] + "|" + top.id;
      if (done.has(at)) continue;
      done.add(at);
      if (!listed.has(top.id)) { listed.add(top.id); out.push(top); }
      if (k[1] >= hops) continue;
      if (state.kinds.has("requires")) {
        (prereqs.get(top.id) || []).forEach(function (e) { offer(e.to, [k[0], k[1] + 1, k[2], k[3] + strength(e)]); });
        (dependents.get(top.id) || []).forEach(function (e) { offer(e.from, [k[0], k[1] + 1, k[2] + 1, k[3] + strength(e)]); });
      }
      if (state.kinds.has("related")) {
        (related.get(top.id) || []).forEach(function (e) {
          offer(e.from === top.id ? e.to : e.from, [k[0] + 1, k[1] + 1, k[2], k[3] + strength(e)]);
        });
      }
    }
    return out;
  }
  function withHubs(set) {
    set.forEach(function (id) {
      var n = info.get(id);
      if (n.parent && info.has(n.parent)) set.add(n.parent);
      if (n.section && info.has(n.section)) set.add(n.section);
    });
    return set;
  }

  /* Every prerequisite of `target`, transitively, each after its own prerequisites, ties in document order. */
  function learningPath(target) {
    if (!isConcept(target)) return [];
    var inSet = new Set([target]), stack = [target];
    while (stack.length) {
      (prereqs.get(stack.pop()) || []).forEach(function (e) {
        if (!inSet.has(e.to)) { inSet.add(e.to); stack.push(e.to); }
      });
    }
    var waiting = new Map(), heap = [];
    inSet.forEach(function (n) {
      var needs = new Set();
      (prereqs.get(n) || []).forEach(function (e) { if (inSet.has(e.to)) needs.add(e.to); });
      waiting.set(n, needs.size);
      if (!needs.size) heapPush(heap, n);
    });
    var order = [];
    while (heap.length) {
      var n = heapPop(heap);
      order.push(n);
      var freed = new Set();
      (dependents.get(n) || []).forEach(function (e) { if (inSet.has(e.from)) freed.add(e.from); });
      freed.forEach(function (m) {
        waiting.set(m, waiting.get(m) - 1);
        if (waiting.get(m) === 0) heapPush(heap, m);
      });
    }
    if (order.length < inSet.size) {  // a cycle: requires edges should never have one, but stay total
      var done = new Set(order);
      Array.from(inSet).filter(function (n) { return !done.has(n); }).sort(byOrder)
        .forEach(function (n) { order.push(n); });
    }
    return order;
  }
  function heapPush(heap, id) {
    heap.push(id);
    for (var i = heap.length - 1; i > 0;) {
      var p = (i - 1) >> 1;
      if (byOrder(heap[p], heap[i]) <= 0) break;
      var t = heap[p]; heap[p] = heap[i]; heap[i] = t; i = p;
    }
  }
  function heapPop(heap) {
    var top = heap[0], last = heap.pop();
    if (heap.length) {
      heap[0] = last;
      for (var i = 0; ;) {
        var l = 2 * i + 1, r = l + 1, m = i;
        if (l < heap.length && byOrder(heap[l], heap[m]) < 0) m = l;
        if (r < heap.length && byOrder(heap[r], heap[m]) < 0) m = r;
        if (m === i) break;
        var t = heap[m]; heap[m] = heap[i]; heap[i] = t; i = m;
      }
    }
    return top;
  }

  // ---- what the learner knows ------------------------------------------------------------------------
  // `state.known` holds the concepts marked as known; knowing a concept implies knowing its prerequisites
  // (Metacademy's rule), so what counts is the closure.  It is kept in localStorage, beside the ids other
  // maps' pages keep there, and in the address (`known=a,b`), which wins when a page is opened.
  var STORE = "mlkg.known";
  var closureCache = null, readyCache = null;
  function knownClosure() {
    if (closureCache) return closureCache;
    var out = new Set(), stack = [];
    state.known.forEach(function (id) { if (isConcept(id) && !out.has(id)) { out.add(id); stack.push(id); } });
    while (stack.length) {
      (prereqs.get(stack.pop()) || []).forEach(function (e) {
        if (!out.has(e.to)) { out.add(e.to); stack.push(e.to); }
      });
    }
    return (closureCache = out);
  }
  function storedKnown() {
    try { var list = JSON.parse(localStorage.getItem(STORE) || "[]"); return Array.isArray(list) ? list.map(String) : []; }
    catch (err) { return []; }
  }
  function saveKnown() {
    var mine = Array.from(state.known);
    var others = storedKnown().filter(function (id) { return !info.has(id); });
    try { localStorage.setItem(STORE, JSON.stringify(others.concat(mine))); } catch (err) { /* storage off: the address keeps it */ }
  }
  /* Concepts whose prerequisites are all known, ranked by how many concepts each unlocks (its transitive
     dependents not known), then in document order: mlkg.views.chains.ready_to_learn, step for step. */
  function readyToLearn() {
    if (readyCache) return readyCache;
    var have = knownClosure(), out = [], ix = dependentIndex();
    var known = new Uint8Array(concepts.length), seen = ix.seen, stack = ix.stack, start = ix.start, list = ix.list;
    concepts.forEach(function (c, i) { if (have.has(c)) known[i] = 1; });
    concepts.forEach(function (c, ci) {
      if (known[ci] || !(prereqs.get(c) || []).every(function (e) { return have.has(e.to); })) return;
      var stamp = ++ix.stamp, top = 0, unlocks = 0;
      seen[ci] = stamp;
      stack[top++] = ci;
      while (top) {
        var v = stack[--top];
        for (var k = start[v]; k < start[v + 1]; k++) {
          var d = list[k];
          if (seen[d] === stamp) continue;
          seen[d] = stamp;
          stack[top++] = d;
          if (!known[d]) unlocks++;
        }
      }
      out.push({ id: c, unlocks: unlocks });
    });
    out.sort(function (a, b) { return b.unlocks - a.unlocks || rank.get(a.id) - rank.get(b.id); });
    return (readyCache = out);
  }
  /* Each concept's dependents as places in `concepts`, in flat typed arrays, made once per graph: a walk
     marks what it has seen with a stamp, not a new Set per concept (at 100k concepts, 18 s against 1). */
  var dependentIndex = (function () {
    var made = null, madeFor = null;
    return function () {
      if (made && madeFor === concepts) return made;
      var n = concepts.length, start = new Int32Array(n + 1), flat = [];
      concepts.forEach(function (c, i) {
        start[i] = flat.length;
        (dependents.get(c) || []).forEach(function (e) {
          var j = rank.get(e.from);
          if (j !== undefined) flat.push(j);
        });
      });
      start[n] = flat.length;
      madeFor = concepts;
      made = { start: start, list: Int32Array.from(flat), seen: new Int32Array(n), stack: new Int32Array(n),
               stamp: 0 };
      return made;
    };
  })();
  var knownDirty = false;
  function knownChanged() {
    closureCache = readyCache = null;
    knownDirty = true;
    saveKnown();
  }

  /* Edge kinds switched off are taken out of the `edges` DataSet, and put back when switched on. */
  function syncKinds() {
    var changed = false;
    KINDS.forEach(function (kind) {
      if (state.kinds.has(kind) === listed.has(kind)) return;
      changed = true;
      if (state.kinds.has(kind)) {
        var add = byKind[kind].map(visEdge);
        byKind[kind].forEach(function (e) { e.shown = ""; });
        edges.add(add);
        listed.add(kind);
      } else {
        var ids = byKind[kind].map(function (e) { return e.id; });
        byKind[kind].forEach(function (e) { e.shown = undefined; });
        edges.remove(ids);
        listed.delete(kind);
      }
    });
    return changed;
  }

  var currentPath = [], fullPath = [];
  /* Bring nodes and edges in line with `state`, touching only what changed.  The whole map shows the selection
     and its neighbours (dimming the rest, or ringing them on large maps); the local view and the learning path
     are drawn apart, in the local view. */
  function render() {
    var kindsChanged = syncKinds();
    fullPath = state.path ? learningPath(state.path) : [];
    var have = knownClosure();
    currentPath = fullPath.filter(function (id) { return id === state.path || !have.has(id); });
    var lit = null;
    if (state.selected) {
      lit = neighbourhood(state.selected, 1);
      if (info.get(state.selected).kind === "concept") withHubs(lit);
      else { var p = info.get(state.selected).parent; if (p) lit.add(p); }
    }
    var nodeChanges = [], haloBefore = halo;
    halo = dimNodes ? null : lit;
    raw.forEach(function (n) {
      var dim = dimNodes && lit ? !lit.has(n.id) : false;
      var text = baseText(n);
      if (lazyLabels && n.kind === "concept" && !labelled.has(n.id)) {
        if (lit && lit.has(n.id)) labelled.add(n.id); else text = "";
      }
      var key = (dim ? "d" : "") + "|" + text;
      if (shownNodes.get(n.id) === key) return;
      shownNodes.set(n.id, key);
      nodeChanges.push(Object.assign({ id: toVis(n.id), label: text }, styled(n, dim)));
    });
    if (nodeChanges.length) nodes.update(nodeChanges);
    var edgeChanges = [], restyled = 0;
    present.forEach(function (e) {
      if (e.shown === undefined) return;
      var dim = !!lit && !(lit.has(e.from) && lit.has(e.to));
      var key = dim ? "d" : "";
      if (e.shown === key) return;
      e.shown = key;
      restyled++;
      if (ownEdges) return;  // the page draws these edges itself, from e.shown: vis never sees their style
      var style = dim ? DIM_EDGE : EDGE[e.kind];
      edgeChanges.push({ id: e.id, color: style.color, width: style.width });
    });
    if (edgeChanges.length) edges.update(edgeChanges);
    // the page draws its own edges and rings, so a change in them alone must ask for a frame
    var ringsChanged = !dimNodes && (haloBefore !== halo) && !!(haloBefore || halo);
    if (!nodeChanges.length && ((ownEdges && (restyled || kindsChanged)) || ringsChanged || knownDirty)) {
      network.redraw();
    }
    if (knownDirty && localNet) localNet.redraw();
    knownDirty = false;
    $("hops").value = String(state.hops);
    document.querySelectorAll("#edge-filters input").forEach(function (box) {
      box.checked = state.kinds.has(box.dataset.kind);
    });
    renderLocal();
    renderReady();
  }

  var EASE = { duration: 450, easingFunction: "easeInOutQuad" };
  var animated = !lazyLabels;  // on a large map every frame of an animation is a full redraw: jump instead
  function focusOn(id, animate) {
    animate = animate && animated;
    network.focus(toVis(id), {
      scale: Math.max(network.getScale(), raw.length > 150 ? 0.9 : 1.15),
      animation: animate ? EASE : false,
    });
    if (!animate && !physics) labelInView();
  }
  function fitAll(animate) {
    animate = animate && animated;
    network.fit({ animation: animate ? EASE : false });
    if (!animate && !physics) labelInView();
  }

  // ---- the local view: a neighbourhood, or a learning path, laid out on its own ------------------------
  // A second vis network over the whole map, holding only what the view shows, so the whole map is left
  // exactly as it was.  Layers follow `requires`: prerequisites above, what needs them below, and a concept
  // linked only by `related` on the level of the neighbour it is reached from.  A layer too wide for the view
  // wraps onto several rows; the rows are sized so that the whole view fits the screen with labels legible.
  // minScale: the smallest zoom at which the 14 px labels stay legible (12 px on screen); a view narrower than
  // narrowView keeps half the margin at its sides, and one lower than shortView a one-line overlay (a phone)
  var LOCAL = { font: 14, selectedFont: 16, labelMax: 132, lineHeight: 17, gapX: 26, gapY: 16, levelGap: 30,
                margin: 24, barGap: 8, minScale: 0.86, maxScale: 1.3, narrowView: 480, shortView: 480 };
  // The most concepts a neighbourhood shows unless asked for all of them (`&all`, "Show N more"): beyond it the
  // view keeps the most relevant ones (rankedNeighbourhood).  The largest budget at which every 1-hop view of
  // the shared+fresh corpus (618 concepts) fits wholly below the overlay with 12 px labels, at 1280x800 with the
  // details panel open (a 570x747 px view); 26 leaves 4 of 618 to scroll.  See the README's "The local view".
  var LOCAL_BUDGET = 24;
  var FACE = (options.nodes && options.nodes.font && options.nodes.font.face) || "sans-serif";
  var localNet = null, localNodes = null, localEdges = null;
  var local = { shown: false, key: "", ids: [], total: 0, fitted: false, levels: new Map(), bands: [], path: false };
  function localOptions() {
    return {
      autoResize: true, physics: { enabled: false }, layout: { improvedLayout: false },
      interaction: { hover: true, tooltipDelay: 300, keyboard: false, multiselect: false, zoomSpeed: 0.8 },
      nodes: { shape: "dot", borderWidth: 1.5, borderWidthSelected: 3.5, widthConstraint: { maximum: LOCAL.labelMax },
               font: { size: LOCAL.font, face: FACE, color: "#1f2328", strokeWidth: 4, strokeColor: "#ffffff" } },
      edges: Object.assign({ selectionWidth: 1.2, hoverWidth: 0.4, smooth: false,
                             arrows: { from: { enabled: true, scaleFactor: 0.7, type: "arrow" } } }, EDGE.requires),
    };
  }
  function ensureLocal() {
    if (localNet) return;
    localNodes = new vis.DataSet();
    localEdges = new vis.DataSet();
    localNet = new vis.Network($("localnetwork"), { nodes: localNodes, edges: localEdges }, localOptions());
    localNet.on("click", function (p) { if (p.nodes.length) select(fromVis(p.nodes[0]), { focus: false }); });
    localNet.on("beforeDrawing", function (ctx) { drawLevels(ctx); drawKnown(ctx, localNet, local.ids); });
    localNet.on("afterDrawing", function () { if (local.shown && !local.fitted && !local.timer) fitLocal(true); });
    localNet.on("resize", function () {  // the window changed: lay it out anew, and until then it is not fitted
      if (!local.shown || local.sizing) return;
      local.fitted = false;
      document.documentElement.removeAttribute("data-local-fitted");
      clearTimeout(local.timer);
      local.timer = setTimeout(function () { local.timer = null; local.key = ""; renderLocal(); }, 60);
    });
  }
  var measurer = null;
  function textWidth(text, size, weight) {
    measurer = measurer || document.createElement("canvas").getContext("2d");
    measurer.font = (weight ? weight + " " : "") + size + "px " + FACE;
    return measurer.measureText(text).width;
  }
  /* The widest a label's lines may be: LOCAL.labelMax, or its longest word in bold (vis draws a selected label
     bold, and breaks a word wider than the limit in two: "Backpropagatio / n"). */
  function labelMax(text, size) {
    var longest = 0;
    String(text).split(/\s+/).forEach(function (word) { longest = Math.max(longest, textWidth(word, size, "bold")); });
    return Math.max(LOCAL.labelMax, Math.ceil(longest) + 2);
  }
  /* The size of a label wrapped as vis wraps it: words on lines no wider than labelMax. */
  function labelBox(text, size) {
    var space = textWidth(" ", size), lines = 1, line = 0, widest = 0, max = labelMax(text, size);
    String(text).split(/\s+/).forEach(function (word) {
      var w = textWidth(word, size);
      if (line && line + space + w > max) { lines++; line = w; } else line = line ? line + space + w : w;
      widest = Math.max(widest, Math.min(line, max));
    });
    return { width: widest, height: lines * Math.round(size * 1.2), max: max };
  }

  /* What the local view shows: the learning path's steps, and the neighbourhood of the selection when a number
     of hops is chosen, no more than LOCAL_BUDGET concepts in all unless state.all (the most relevant: see
     rankedNeighbourhood; a hub's own concepts are always shown); null for the whole map.  local.total counts
     what the view would show without the budget. */
  function localIds() {
    var out = [], total = 0;
    if (state.path) out = currentPath.slice();
    total = out.length;
    if (state.hops > 0 && state.selected) {
      var seen = new Set(out);
      rankedNeighbourhood(state.selected, state.hops).forEach(function (r) {
        if (seen.has(r.id)) return;
        seen.add(r.id);
        total++;
        if (state.all || !r.key[1] || out.length < LOCAL_BUDGET) out.push(r.id);
      });
    }
    local.total = total;
    return out.length ? out : null;
  }
  function localNeighbours(id, inSet, useRequires) {
    var out = [];
    if (useRequires) {
      (prereqs.get(id) || []).forEach(function (e) { if (inSet.has(e.to)) out.push(e.to); });
      (dependents.get(id) || []).forEach(function (e) { if (inSet.has(e.from)) out.push(e.from); });
    }
    if (state.kinds.has("related")) {
      (related.get(id) || []).forEach(function (e) { var m = e.from === id ? e.to : e.from; if (inSet.has(m)) out.push(m); });
    }
    return out;
  }
  /* Each node's level (0 at the top) and the levels' members in drawing order. */
  function localLevels(ids, step) {
    var inSet = new Set(ids), useRequires = state.kinds.has("requires") || !!state.path;
    var pre = new Map(), dep = new Map();
    ids.forEach(function (id) { pre.set(id, []); dep.set(id, []); });
    if (useRequires) {
      ids.forEach(function (id) {
        (prereqs.get(id) || []).forEach(function (e) {
          if (inSet.has(e.to) && e.to !== id) { pre.get(id).push(e.to); dep.get(e.to).push(id); }
        });
      });
    }
    // topological order (Kahn, ties in document order; what a cycle leaves goes last)
    var sorted = ids.slice().sort(byOrder), waiting = new Map(), ready = [], topo = [];
    sorted.forEach(function (id) { waiting.set(id, pre.get(id).length); if (!pre.get(id).length) ready.push(id); });
    for (var r = 0; r < ready.length; r++) {
      topo.push(ready[r]);
      dep.get(ready[r]).forEach(function (m) { waiting.set(m, waiting.get(m) - 1); if (!waiting.get(m)) ready.push(m); });
    }
    if (topo.length < ids.length) sorted.forEach(function (id) { if (waiting.get(id) > 0) topo.push(id); });
    // longest path from the top; around a selection, each node is then pulled down to just above the nearest
    // concept that needs it (a learning path keeps each step as high as it can go: its levels read in order)
    var level = new Map();
    topo.forEach(function (id) {
      var l = 0;
      pre.get(id).forEach(function (p) { if (level.has(p)) l = Math.max(l, level.get(p) + 1); });
      level.set(id, l);
    });
    for (var i = state.hops ? topo.length - 1 : -1; i >= 0; i--) {
      var below = Infinity;
      dep.get(topo[i]).forEach(function (d) { if (level.get(d) > level.get(topo[i])) below = Math.min(below, level.get(d)); });
      if (below < Infinity && below - 1 > level.get(topo[i])) level.set(topo[i], below - 1);
    }
    // the parts `requires` leaves apart are levelled against each other through `related`, walking out from
    // the selection: a concept reached by a related edge sits on the level of the concept it was reached from
    var part = new Map();
    function find(id) { while (part.get(id) !== id) { part.set(id, part.get(part.get(id))); id = part.get(id); } return id; }
    ids.forEach(function (id) { part.set(id, id); });
    ids.forEach(function (id) { pre.get(id).forEach(function (p) { part.set(find(p), find(id)); }); });
    var start = inSet.has(state.selected) ? state.selected : step.size ? currentPath[currentPath.length - 1] : sorted[0];
    var shift = new Map([[find(start), 0]]), seen = new Set([start]), queue = [start];
    for (var q = 0; q < queue.length; q++) {
      var a = queue[q];
      localNeighbours(a, inSet, useRequires).forEach(function (b) {
        if (seen.has(b)) return;
        seen.add(b);
        queue.push(b);
        if (!shift.has(find(b))) shift.set(find(b), shift.get(find(a)) + level.get(a) - level.get(b));
      });
    }
    var low = Infinity;
    ids.forEach(function (id) { level.set(id, level.get(id) + (shift.get(find(id)) || 0)); low = Math.min(low, level.get(id)); });
    var rows = [];
    sorted.forEach(function (id) {
      var l = level.get(id) - low;
      level.set(id, l);
      (rows[l] || (rows[l] = [])).push(id);
    });
    rows = rows.filter(Boolean);
    rows.forEach(function (row, l) { row.forEach(function (id) { level.set(id, l); }); });
    if (!state.hops) {  // a learning path alone: each level in learning order
      rows.forEach(function (row) { row.sort(function (a, b) { return step.get(a) - step.get(b); }); });
    } else {  // fewer crossings: a few sweeps of the barycentre heuristic, down and up
      var at = new Map(), place = function (row) { row.forEach(function (id, k) { at.set(id, (k + 0.5) / row.length); }); };
      rows.forEach(place);
      for (var sweep = 0; sweep < 4; sweep++) {
        var down = sweep % 2 === 0;
        for (var k = 0; k < rows.length; k++) {
          var l = down ? k : rows.length - 1 - k, bary = new Map();
          rows[l].forEach(function (id) {
            var sum = 0, n = 0;
            localNeighbours(id, inSet, useRequires).forEach(function (m) {
              if (down ? level.get(m) < l : level.get(m) > l) { sum += at.get(m); n++; }
            });
            bary.set(id, n ? sum / n : at.get(id));
          });
          rows[l].sort(function (a, b) { return bary.get(a) - bary.get(b); });
          place(rows[l]);
        }
      }
    }
    return { level: level, rows: rows };
  }
  /* A level's members in rows no wider than `width`, filled from the first (or, fromEnd, from the last). */
  function wrapLevel(members, box, width, fromEnd) {
    var lines = [[]], w = 0;
    (fromEnd ? members.slice().reverse() : members).forEach(function (id) {
      var bw = box.get(id).w;
      if (lines[lines.length - 1].length && w + bw > width) { lines.push([]); w = 0; }
      lines[lines.length - 1].push(id);
      w += bw;
    });
    if (fromEnd) { lines.reverse(); lines.forEach(function (line) { line.reverse(); }); }
    return lines;
  }
  /* Canvas positions for the levels' rows: levels wrapped onto rows no wider than `width`, each centred.

     With `near` (a view too large to show whole: see nearRows), a wrapped level's rows are arranged so that the
     selection and its prerequisites sit as close together as their levels let them, for fitLocal to show them
     together: the selection's row first in its level, and in each level above it, its prerequisites in the
     last rows.  With near.oneRow, a level between the topmost of them and the selection is not wrapped but
     kept to its prerequisites' rows, the rest of it beside the last of those (past the sides of the screen),
     so that only those rows stand between the selection and its prerequisites. */
  function localPlace(rows, box, width, near) {
    var pos = new Map(), y = 0, wide = 0, bands = [];
    var isKey = function (id) { return near.key.has(id); }, notKey = function (id) { return !near.key.has(id); };
    rows.forEach(function (members, l) {
      if (l) y += LOCAL.levelGap;
      var top = y, lines;
      if (near && l === near.level) {
        lines = wrapLevel(members, box, width, false);
        var first = lines.findIndex(function (line) { return line.indexOf(near.selected) >= 0; });
        lines.unshift(lines.splice(first, 1)[0]);
      } else if (near && near.oneRow && l > near.top && l < near.level) {
        var keys = members.filter(isKey), rest = members.filter(notKey), mid = 0;
        lines = keys.length ? wrapLevel(keys, box, width, false) : [[]];
        keys.forEach(function (id) { mid += members.indexOf(id) / keys.length; });
        var last = lines[lines.length - 1];  // the rest ordered before the prerequisites on their left
        var left = rest.filter(function (id) { return members.indexOf(id) < mid; });
        lines[lines.length - 1] = left.concat(last, rest.filter(function (id) { return members.indexOf(id) >= mid; }));
        if (keys.length) lines[lines.length - 1].centre = [left.length, left.length + last.length];
      } else if (near && l < near.level && members.some(isKey)) {
        lines = wrapLevel(members.filter(notKey).concat(members.filter(isKey)), box, width, true);
      } else {
        lines = wrapLevel(members, box, width, false);
      }
      lines.forEach(function (line) {
        var lw = 0, r = 0, h = 0, before = 0, middle = 0;
        line.forEach(function (id, k) {
          var b = box.get(id);
          lw += b.w; r = Math.max(r, b.r); h = Math.max(h, b.h);
          if (line.centre && k < line.centre[0]) before += b.w;
          else if (line.centre && k < line.centre[1]) middle += b.w;
        });
        var x = line.centre ? -before - middle / 2 : -lw / 2;  // a kept-to-one row: its prerequisites centred
        line.forEach(function (id) { var b = box.get(id); pos.set(id, { x: x + b.w / 2, y: y + r }); x += b.w; });
        wide = Math.max(wide, lw);
        y += h;
      });
      bands.push([top - LOCAL.levelGap / 2, y - LOCAL.gapY + LOCAL.levelGap / 2]);
    });
    return { pos: pos, width: wide, height: y, bands: bands };
  }
  /* The selection, its level and its prerequisites in a neighbourhood (what a view too large to show whole
     keeps on screen: fitLocal), or null (a learning path alone keeps its levels in step order). */
  function nearRows(ids, level) {
    if (!state.hops || !state.selected || !level.has(state.selected)) return null;
    var inSet = new Set(ids), key = new Set(), at = level.get(state.selected), top = at;
    (prereqs.get(state.selected) || []).forEach(function (e) {
      if (!inSet.has(e.to) || e.to === state.selected) return;
      key.add(e.to);
      top = Math.min(top, level.get(e.to));
    });
    return { selected: state.selected, level: at, top: top, key: key, oneRow: false };
  }
  /* How tall the selection and its prerequisites stand in `placed`, from the top of the highest to the foot of
     the selection's label (as laid out, by the boxes localPlace measured). */
  function nearHeight(placed, near, box) {
    var foot = function (id) { var b = box.get(id); return placed.pos.get(id).y - b.r + b.h - LOCAL.gapY; };
    var head = placed.pos.get(near.selected).y - box.get(near.selected).r;
    near.key.forEach(function (id) { head = Math.min(head, placed.pos.get(id).y - box.get(id).r); });
    return foot(near.selected) - head;
  }
  /* The local view's items and positions: the row width that lets it be drawn largest (up to LOCAL.maxScale). */
  function renderLocal() {
    var ids = localIds();
    if (!ids) { hideLocal(); return; }
    var step = new Map(currentPath.map(function (id, i) { return [id, i + 1]; }));
    var have = knownClosure();
    var key = [ids.join(","), state.selected, state.path, Array.from(state.kinds).join(), currentPath.join()].join("|");
    ensureLocal();
    if (key === local.key && local.shown) { syncLocalSelection(); return; }
    if (!local.shown) {  // shown first: the layout is made to the size of the screen
      local.shown = true;
      $("localmap").hidden = false;
      // a tooltip the whole map was showing would stay drawn over the local view, naming a concept not in it
      document.querySelectorAll("#mynetwork .vis-tooltip").forEach(function (t) { t.style.visibility = "hidden"; });
      $("mynetwork").setAttribute("aria-hidden", "true");
      document.documentElement.setAttribute("data-view", "local");
    }
    var laid = localLevels(ids, step);
    var box = new Map(), total = 0;
    ids.forEach(function (id) {
      var n = info.get(id), size = id === state.selected ? LOCAL.selectedFont : LOCAL.font;
      var text = (step.has(id) ? step.get(id) + ". " : "") + n.label, lb = labelBox(text, size);
      var r = Math.min(18, 8 + 3 * Math.sqrt((dependents.get(id) || []).length));
      box.set(id, { text: text, size: size, max: lb.max, r: r, w: Math.max(lb.width, 2 * r) + LOCAL.gapX, h: 2 * r + 6 + lb.height + LOCAL.gapY });
      total += box.get(id).w;
    });
    // the canvas to the size its box has now (the details panel may just have opened), not at vis's next check
    clearTimeout(local.timer);
    local.timer = null;
    local.sizing = true;
    localNet.setSize();
    local.sizing = false;
    showLocalBar(ids.length, local.total);  // first: the overlay's height is taken off the room the view has
    var stage = $("localnetwork"), W = Math.max(200, stage.clientWidth - 2 * sideMargin(stage.clientWidth));
    var H = Math.max(200, stage.clientHeight - localTop() - LOCAL.margin);
    var widest = 0;
    box.forEach(function (b) { widest = Math.max(widest, b.w); });
    // row widths from one concept to the screen's width at the least legible scale (or everything in one row):
    // the one drawn largest, up to full size, and of those the widest, which wraps the fewest levels
    var best = null, fits = null, span = Math.max(0, Math.min(total, W / LOCAL.minScale) - widest);
    for (var k = 0; k <= 40; k++) {
      var width = widest + span * k / 40;
      var placed = localPlace(laid.rows, box, width);
      var scale = Math.min(1, W / placed.width, H / placed.height);
      if (!best || scale >= best.scale - 1e-9) best = { scale: scale, placed: placed };
      // too many to show whole with legible labels: as wide as the screen at the legible scale, scrolled down
      if (W / placed.width >= LOCAL.minScale) fits = { placed: placed, width: width };
    }
    if (best.scale < LOCAL.minScale && fits) {  // fitLocal then shows the selection and its prerequisites
      // where the selection and its prerequisites stand taller than the room, rows that keep them closer, and
      // if they still do, the levels between them kept to one row each
      var near = nearRows(ids, laid.level), placed = fits.placed, room = H / LOCAL.minScale;
      if (near && nearHeight(placed, near, box) > room) {
        placed = localPlace(laid.rows, box, fits.width, near);
        if (near.top < near.level - 1 && nearHeight(placed, near, box) > room) {
          near.oneRow = true;
          placed = localPlace(laid.rows, box, fits.width, near);
        }
      }
      best = { scale: LOCAL.minScale, placed: placed };
    }
    var pos = best.placed.pos;
    var items = ids.map(function (id) {
      var n = info.get(id), b = box.get(id), p = pos.get(id);
      return Object.assign({ id: toVis(id), label: b.text, x: p.x, y: p.y, size: b.r, title: tooltip(n),
                             widthConstraint: { maximum: b.max },
                             font: { size: b.size, color: id === state.selected ? "#0b0f14" : "#1f2328" } },
                           { color: look(n, false).color });
    });
    var inSet = new Set(ids), onPath = new Set(currentPath), lines = [];
    ids.forEach(function (id) {
      (prereqs.get(id) || []).forEach(function (e) {
        if (!inSet.has(e.to)) return;
        var path = onPath.has(e.from) && onPath.has(e.to);
        if (!path && !state.kinds.has("requires")) return;
        var style = path ? PATH_EDGE : EDGE.requires;
        lines.push({ id: e.id, from: e.visFrom, to: e.visTo, color: style.color, width: style.width, title: edgeTooltip(e),
                     smooth: { type: "cubicBezier", forceDirection: "vertical", roundness: 0.45 } });
      });
      if (state.kinds.has("related")) {
        (related.get(id) || []).forEach(function (e) {
          if (e.from !== id || !inSet.has(e.to)) return;
          var same = laid.level.get(e.from) === laid.level.get(e.to);
          lines.push(Object.assign({ id: e.id, from: e.visFrom, to: e.visTo, title: edgeTooltip(e), dashes: [6, 5], arrows: NO_ARROWS,
                                     smooth: same ? { type: "curvedCW", roundness: 0.25 } : false }, EDGE.related));
        });
      }
    });
    local.key = key;
    local.ids = [];  // vis may draw while its DataSets change
    local.levels = laid.level;
    local.bands = best.placed.bands;
    local.path = !!state.path;
    local.fitted = false;
    local.known = have;
    localNodes.clear();
    localEdges.clear();
    localNodes.add(items);
    localEdges.add(lines);
    local.ids = ids;
    fitLocal(false);  // from the layout's own measure now, from what vis measured once it has drawn
    syncLocalSelection();
  }
  /* Faint bands behind alternate levels, so that a level wrapped onto several rows reads as one. */
  function drawLevels(ctx) {
    if (local.bands.length < 2) return;
    var lo = localNet.DOMtoCanvas({ x: 0, y: 0 }), hi = localNet.DOMtoCanvas({ x: $("localnetwork").clientWidth, y: 0 });
    ctx.save();
    ctx.fillStyle = "#f4f6f8";
    local.bands.forEach(function (band, l) {
      if (l % 2) ctx.fillRect(lo.x, band[0], hi.x - lo.x, band[1] - band[0]);
    });
    ctx.restore();
  }
  function syncLocalSelection() {
    if (!localNet) return;
    if (state.selected && local.ids.indexOf(state.selected) >= 0) localNet.selectNodes([toVis(state.selected)], false);
    else localNet.unselectAll();
  }
  /* Where, from the top of the local view, its nodes may start: below the overlay that names the view (its
     title and "Whole map" button, which may wrap onto more lines on a narrow screen), with a margin. */
  function localTop() {
    var stage = $("localnetwork").getBoundingClientRect(), bottom = 0;
    ["local-title", "local-all", "local-close"].forEach(function (id) {
      var r = $(id).getBoundingClientRect();
      if (r.height) bottom = Math.max(bottom, r.bottom - stage.top);
    });
    return Math.max(LOCAL.margin, Math.ceil(bottom) + LOCAL.barGap);
  }
  /* The room the local view leaves at its sides: LOCAL.margin, half that in a view narrower than LOCAL.narrowView
     (a phone), where the width is what a row of concepts is short of. */
  function sideMargin(width) { return width < LOCAL.narrowView ? LOCAL.margin / 2 : LOCAL.margin; }
  /* Zoom the local view so that it fills the screen below the overlay, no larger than LOCAL.maxScale; when even
     LOCAL.minScale cannot hold it all, labels stay legible and the view shows the selection with its
     prerequisites above it, or where they do not all fit, the selection under as many of them as fit. */
  function fitLocal(measured) {
    var stage = $("localnetwork"), W = stage.clientWidth, H = stage.clientHeight;
    if (!W || !H || !local.ids.length) return;
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, at = positions(localNet, local.ids);
    var boxes = new Map();
    local.ids.forEach(function (id) {
      var b = measured ? localNet.getBoundingBox(toVis(id)) : null, p = at.get(id);
      if (!p) return;  // vis has not taken it in yet
      if (!b) { var r = LOCAL.labelMax / 2 + 4; b = { left: p.x - r, right: p.x + r, top: p.y - 20, bottom: p.y + 60 }; }
      boxes.set(id, b);
      x0 = Math.min(x0, b.left); x1 = Math.max(x1, b.right); y0 = Math.min(y0, b.top); y1 = Math.max(y1, b.bottom);
    });
    if (x0 > x1) return;
    // the room for nodes: m from the sides and the bottom, and below the overlay at the top
    var m = LOCAL.margin, top = Math.min(localTop(), H / 2), roomW = W - 2 * sideMargin(W), roomH = Math.max(1, H - top - m);
    var scale = Math.min(LOCAL.maxScale, roomW / Math.max(1, x1 - x0), roomH / Math.max(1, y1 - y0));
    var centre = { x: (x0 + x1) / 2, y: (y0 + y1) / 2 };
    if (scale < LOCAL.minScale) {
      scale = LOCAL.minScale;
      var focus = at.get(state.selected) || at.get(local.ids[local.ids.length - 1]);
      var halfW = roomW / 2 / scale, halfH = roomH / 2 / scale;
      // the selection in view, and as much of the rest as the screen holds
      var clamp = function (v, lo, hi, half) { return lo + half > hi - half ? (lo + hi) / 2 : Math.min(Math.max(v, lo + half), hi - half); };
      if (focus) {
        var x = focus.x, y = focus.y, sel = boxes.get(state.selected);
        // ... with its prerequisites above it (localPlace keeps them close): the centre nearest the selection's
        // that holds them all wholly in the room, or where they do not fit, the selection at the foot of the room
        // under as many of them as fit
        if (sel) {
          var g = { left: sel.left, right: sel.right, top: sel.top, bottom: sel.bottom }, some = false;
          (prereqs.get(state.selected) || []).forEach(function (e) {
            var b = boxes.get(e.to);
            if (!b || e.to === state.selected) return;
            some = true;
            g.left = Math.min(g.left, b.left); g.right = Math.max(g.right, b.right);
            g.top = Math.min(g.top, b.top); g.bottom = Math.max(g.bottom, b.bottom);
          });
          if (some) {
            x = g.right - g.left <= 2 * halfW ? Math.min(Math.max(x, g.right - halfW), g.left + halfW)
              : Math.min(Math.max((g.left + g.right) / 2, sel.right - halfW), sel.left + halfW);
            y = g.bottom - g.top <= 2 * halfH ? Math.min(Math.max(y, g.bottom - halfH), g.top + halfH) : sel.bottom - halfH;
          }
        }
        centre = { x: clamp(x, x0, x1, halfW), y: clamp(y, y0, y1, halfH) };
      }
    }
    // the room's centre is (top - m) / 2 below the screen's
    localNet.moveTo({ position: { x: centre.x, y: centre.y - (top - m) / 2 / scale }, scale: scale, animation: false });
    if (measured) {
      local.fitted = true;
      local.scale = scale;
      document.documentElement.setAttribute("data-local-fitted", "true");
    } else {
      document.documentElement.removeAttribute("data-local-fitted");
    }
  }
  function hideLocal() {
    if (!local.shown) return;
    local.shown = false;
    local.key = "";
    local.ids = [];
    $("localmap").hidden = true;
    $("mynetwork").removeAttribute("aria-hidden");
    document.documentElement.removeAttribute("data-view");
    document.documentElement.removeAttribute("data-local-fitted");
    localNodes.clear();
    localEdges.clear();
  }
  /* The overlay: what the view is, how many concepts it shows, and, where the budget left some out, how many
     and a button to show them all (or the closest again).  In a short view (LOCAL.shortView: a phone with the
     details sheet open, or on its side) a title that would wrap is shortened to what the screen does not show
     ("1 hop · 24 of 58": the selection is the bold concept in the view and the details' title), the whole title
     in its tooltip, so that the overlay keeps to one line and leaves the view its room. */
  function showLocalBar(count, total) {
    var parts = [], brief = [], more = $("local-all"), title = $("local-title");
    var plural = function (n, word) { return n + " " + word + (n === 1 ? "" : "s"); };
    if (state.path) {
      parts.push("Learning path to " + label(state.path) + " · " + plural(currentPath.length, "step"));
      brief.push("Path to " + label(state.path) + " · " + plural(currentPath.length, "step"));
    }
    if (state.hops && state.selected) {
      parts.push(plural(state.hops, "hop") + " around " + (info.get(state.selected).kind === "concept"
        ? label(state.selected) : info.get(state.selected).number + " " + info.get(state.selected).name));
      parts.push(count < total ? count + " of " + total + " concepts" : plural(count, "concept"));
      brief.push(plural(state.hops, "hop"), count < total ? count + " of " + total : plural(count, "concept"));
    }
    more.hidden = !(state.hops && state.selected) || (count >= total && !state.all) || total <= LOCAL_BUDGET;
    more.textContent = count < total ? "Show " + (total - count) + " more" : "Show fewer";
    more.title = count < total
      ? "Show every concept within " + plural(state.hops, "hop") + " (adds &all to the address)"
      : "Show only the " + LOCAL_BUDGET + " closest concepts: requires neighbours, then the strongest related ones";
    title.removeAttribute("title");
    title.textContent = parts.join(" · ");
    if ($("localnetwork").clientHeight < LOCAL.shortView) {
      var whole = title.textContent, height = title.getBoundingClientRect().height;
      title.textContent = "·";  // one line, to measure it by
      if (height > title.getBoundingClientRect().height + 1) {
        title.setAttribute("title", whole);
        title.textContent = brief.join(" · ");
      } else {
        title.textContent = whole;
      }
    }
  }

  /* Concepts the learner knows get a green ring, on the whole map and in the local view. */
  function drawKnown(ctx, net, only) {
    var have = knownClosure();
    if (!have.size) return;
    var ids = only ? only.filter(function (id) { return have.has(id); }) : Array.from(have);
    if (!ids.length) return;
    var at = positions(net, ids), scale = net.getScale(), localView = net === localNet;
    ctx.save();
    ctx.strokeStyle = "#2f9e44";
    ctx.lineWidth = Math.max(3, 2 / scale);
    ctx.globalAlpha = 0.85;
    ctx.beginPath();
    ids.forEach(function (id) {
      var p = at.get(id);
      if (!p) return;
      var r = (localView ? localNodes.get(toVis(id)).size : sizes.get(id) || 20) + 5;
      ctx.moveTo(p.x + r, p.y);
      ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
    });
    ctx.stroke();
    ctx.restore();
  }

  // ---- selection, deep links -----------------------------------------------------------------------
  /* The node a name in the address names: its ID (in any case), else what search finds exactly (a name,
     acronym, alias or ID as search folds it, "Ｖａｅ" too, or an entry or section number), a concept before a
     section, then in document order: the rules of the search box, as the command line takes the same names. */
  function resolve(text) {
    if (info.has(text)) return text;
    var want = String(text).trim();
    if (info.has(want)) return want;
    if (info.has(want.toLowerCase())) return want.toLowerCase();
    var q = normalize(want), qc = q.replace(/ /g, ""), best = null;
    if (!q) return null;
    var bestScore = 0;
    searchIndex().forEach(function (it) {
      var exact = exactMatch(q, qc, it), score = exact && (it.concept ? exact : 999);
      if (score && (!best || score > bestScore || (score === bestScore && ((it.concept && !best.concept) ||
          (it.concept === best.concept && compareKeys(it.key, best.key) < 0))))) { best = it; bestScore = score; }
    });
    return best ? best.id : null;
  }
  var encodeId = function (id) { return encodeURIComponent(id).replace(/%3A/gi, ":"); };
  function decode(text) {
    try { return decodeURIComponent(text); } catch (err) { return text; }
  }
  var sameKinds = function (a, b) { return a.size === b.length && b.every(function (k) { return a.has(k); }); };
  function hashFor(s) {
    var parts = [];
    if (s.selected) parts.push(encodeId(s.selected));
    if (s.selected && s.hops) parts.push("hops=" + s.hops);
    if (s.selected && s.hops && s.all) parts.push("all");
    if (s.path) parts.push(s.path === s.selected ? "path" : "path=" + encodeId(s.path));
    if (!sameKinds(s.kinds, DEFAULT_KINDS)) {
      parts.push("edges=" + KINDS.filter(function (k) { return s.kinds.has(k); }).join(","));
    }
    if (s.known.size) parts.push("known=" + Array.from(s.known).sort(byOrder).map(encodeId).join(","));
    return parts.length ? "#" + parts.join("&") : "";
  }
  /* The state the address describes.  `known=` is read when the page opens (a shared link says what its
     sender knows); after that the page's own record is kept, and the address follows it. */
  function readHash(first) {
    var s = { selected: null, hops: 0, all: false, path: null, kinds: new Set(DEFAULT_KINDS), known: state.known }, wantsPath = false, missing = [];
    var known = null;
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      if (!part) return;
      var eq = part.indexOf("="), key = eq < 0 ? part : part.slice(0, eq), value = eq < 0 ? "" : part.slice(eq + 1);
      if (eq < 0 && key === "all") s.all = true;
      else if (eq < 0 && key !== "path") {
        s.selected = resolve(decode(part));
        if (!s.selected) missing.push(decode(part));
      } else if (key === "hops") s.hops = Math.max(0, Math.min(4, parseInt(decode(value), 10) || 0));
      else if (key === "path") { if (value) s.path = resolve(decode(value)); else wantsPath = true; }
      else if (key === "edges") {
        var asked = decode(value).split(",").filter(Boolean), kinds = asked.filter(function (k) { return KINDS.indexOf(k) >= 0; });
        if (kinds.length || !asked.length) s.kinds = new Set(kinds);  // "edges=" shows none; "edges=bogus" is no choice
        else notice("No edges of kind “" + asked[0] + "”: the map has " + KINDS.join(", ") + ".");
      }
      else if (key === "known") known = value.split(",").map(decode).map(resolve).filter(isConcept);
    });
    if (first) s.known = new Set(known || storedKnown().filter(isConcept));
    if (wantsPath) s.path = s.selected;
    if (s.path && info.get(s.path).kind !== "concept") s.path = null;
    if (missing.length) notice("Nothing called “" + missing[0] + "” in this map.");
    return s;
  }
  function writeHash(pushIt) {
    var hash = hashFor(state);
    if (hash === location.hash || (!hash && !location.hash)) return;
    var url = location.href.split("#")[0] + hash;
    try {
      history[pushIt ? "pushState" : "replaceState"](null, "", url);
    } catch (err) {
      location.replace(url);
    }
  }
  function applyHash(animate, first) {
    if (ready && hashFor(state) === location.hash) return;
    var s = readHash(first);
    var moved = s.selected !== state.selected;
    state = s;
    if (first) knownChanged();
    syncSelection();
    syncSearchBox(s.selected);  // Back to another concept: the box said the one left
    render();
    showPanel();
    if (s.selected && (moved || !ready) && !local.shown) focusOn(s.selected, animate);
    if (hashFor(state) !== location.hash) writeHash(false);
  }

  function syncSearchBox(id) {
    var box = $("search-input");  // the search box shows what it found only while that stays selected
    if (box && box.value && document.activeElement !== box && !(id && info.get(id).label === box.value)) box.value = "";
  }
  function syncSelection() {
    var now = network.getSelectedNodes();
    if (state.selected ? now.length === 1 && now[0] === toVis(state.selected) : !now.length) return;
    if (state.selected) network.selectNodes([toVis(state.selected)], false); else network.unselectAll();
  }
  function select(id, opts) {
    opts = opts || {};
    if (id !== null && !info.has(id)) { id = resolve(id); if (!id) return false; }
    if (state.path && !(id && currentPath.indexOf(id) >= 0)) state.path = null;
    state.selected = id;
    syncSelection();
    syncSearchBox(id);
    render();
    showPanel();
    if (id && !local.shown && opts.focus !== false) focusOn(id, true);
    writeHash(opts.push !== false);
    return true;
  }
  function setPath(on) {
    state.path = on && state.selected && info.get(state.selected).kind === "concept" ? state.selected : null;
    render();
    showPanel();
    writeHash(false);
  }
  function setKind(kind, on) {
    if (on) state.kinds.add(kind); else state.kinds.delete(kind);
    render();
    writeHash(false);
  }
  function setHops(n) {
    var hops = Math.max(0, Math.min(4, n | 0));
    // "Show N more" was for the neighbourhood it showed: kept, one more hop drew 276 concepts at once at 10k
    if (!hops || hops !== state.hops) state.all = false;
    state.hops = hops;
    if (state.hops && !state.selected) notice("Select a concept to see its neighbourhood.");
    render();
    writeHash(false);
  }
  /* Show every concept of the neighbourhood, or (off) no more than LOCAL_BUDGET of them. */
  function setShowAll(on) {
    state.all = !!on;
    render();
    writeHash(false);
  }
  /* Mark a concept known or not.  Not knowing a concept means not knowing what needs it either, so unmarking
     a concept known through another one unmarks that one too. */
  function setKnown(id, on) {
    if (!isConcept(id)) return false;
    if (on) state.known.add(id);
    else {
      state.known.delete(id);
      var dropped = [];
      Array.from(state.known).forEach(function (k) {
        var stack = [k], seen = new Set([k]);
        while (stack.length) {
          var n = stack.pop();
          if (n === id) { state.known.delete(k); dropped.push(k); return; }
          (prereqs.get(n) || []).forEach(function (e) { if (!seen.has(e.to)) { seen.add(e.to); stack.push(e.to); } });
        }
      });
      if (dropped.length) notice("Also unmarked, as they need it: " + dropped.map(label).join(", "));
    }
    knownChanged();
    render();
    showPanel();
    writeHash(false);
    return true;
  }

  // ---- the details panel -------------------------------------------------------------------------
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) node.appendChild(arguments[i]);
    return node;
  }
  function button(text, onClick, attrs) {
    var b = el("button", Object.assign({ type: "button", text: text }, attrs || {}));
    b.addEventListener("click", onClick);
    return b;
  }
  function swatch(id) {
    var dot = el("span", { class: "swatch", "aria-hidden": "true" });
    dot.style.background = sectionColour.get(info.get(id).section) || "#7f8c99";
    return dot;
  }
  function link(id, text) {
    var a = el("a", { href: "#" + encodeId(id), class: "node-link", "data-id": id }, swatch(id));
    a.appendChild(document.createTextNode(text || label(id)));
    return a;
  }
  var FIELD = { full: "full explanation", simple: "simple explanation", example: "example", title: "title",
                curation: "curation note" };
  function edgeList(title, list, other, cls) {
    var ul = el("ul", { class: "edges " + cls });
    list.slice().sort(function (a, b) { return byOrder(other(a), other(b)); }).forEach(function (e) {
      var id = other(e), n = info.get(id);
      var li = el("li", null, link(id));
      if (n.alt) li.appendChild(el("span", { class: "alt", text: " (" + n.alt.join(", ") + ")" }));
      if (e.curated) li.appendChild(el("span", { class: "tag", text: "curated" }));
      if (editToken) li.appendChild(edgeControls(e));
      var sentence = sentenceOf(e);
      if (sentence) {
        // a line of the other concept's text says so: "line 82" read as the panel's own concept's line
        var whose = e.at ? e.at[0] : e.of, quoting = whose === undefined ? null : whose ? e.to : e.from;
        var of = quoting === id && e.field !== "title" && e.field !== "curation" ? label(id) + ", " : "";
        li.appendChild(el("blockquote", { class: "evidence" },
          el("span", { text: "“" + sentence + "”" }),
          el("cite", { text: " — " + of + (FIELD[e.field] || e.field || "") + (e.line ? ", line " + e.line : "") })));
      }
      ul.appendChild(li);
    });
    return el("section", { class: "block " + cls },
      el("h3", { text: title + " (" + list.length + ")" }), list.length ? ul : el("p", { class: "none", text: "none" }));
  }
  function crumbs(n) {
    var nav = el("nav", { class: "crumbs", "aria-label": "Section path" });
    var chain = [], p = n.parent;
    while (p && info.has(p)) { chain.unshift(p); p = info.get(p).parent; }
    chain.forEach(function (id, i) {
      if (i) nav.appendChild(el("span", { class: "sep", text: " › " }));
      nav.appendChild(link(id, info.get(id).number + " " + info.get(id).name));
    });
    return nav;
  }
  /* The known toggle: marked, known as a prerequisite of something marked, or not known. */
  function knownToggle(id) {
    var marked = state.known.has(id), have = knownClosure().has(id);
    var text = marked ? "✓ I know this" : have ? "✓ Known (needed by what you know)" : "I know this";
    return button(text, function () { setKnown(id, !have); },
                  { id: "known-toggle", class: "known-toggle", "aria-pressed": String(have),
                    title: have ? "Mark as not known" : "Mark as known: learning paths skip it and its prerequisites" });
  }
  /* Redrawn on every change of the graph (a rebuild under --watch, another tab's correction): what is being
     typed into the panel, and where, survives it. */
  function showPanel() {
    var active = document.activeElement, focused = active && active.id && $("panel").contains(active) ? active.id : "";
    var at = focused && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
    drawPanel();
    var again = focused && $(focused);
    if (again && again !== document.activeElement) {
      again.focus();
      if (at && typeof again.setSelectionRange === "function") again.setSelectionRange(at[0], at[1]);
    }
  }
  var typed = { id: null, target: "", picked: null, kind: "requires", note: "" };  // the edit form's contents
  function drawPanel() {
    var panel = $("panel");
    var id = state.selected;
    if (!id) {
      panel.replaceChildren();
      if (!panel.hidden) { panel.hidden = true; panelMoved(); }
      return;
    }
    var n = info.get(id);
    var close = el("button", { type: "button", class: "close", "aria-label": "Close details", text: "×" });
    close.addEventListener("click", function () { select(null); });
    var file = n.file || (info.has(n.section) ? info.get(n.section).file : "");
    var meta = [n.number, id, file ? file + (n.line ? ":" + n.line : "") : ""].filter(Boolean).join(" · ");
    var title = el("h2", { id: "panel-title" });
    if (served) title.appendChild(el("a", { href: "/concept/" + encodeURIComponent(id), class: "concept-page", text: n.name }));
    else title.textContent = n.name;
    var parts = [close, crumbs(n), title, el("p", { class: "meta", text: meta })];
    if (n.kind === "concept") {
      var on = state.path === id;
      var actions = el("div", { class: "actions" },
        button(on ? "Hide learning path" : "Learning path", function () { setPath(!on); },
               { id: "learning-path", class: "primary", "aria-pressed": String(on) }),
        knownToggle(id));
      if (state.path && !on) {
        actions.appendChild(button("Clear path to " + label(state.path), function () { setPath(false); }, { class: "secondary" }));
      }
      parts.push(actions);
      if (state.path) {
        var ol = el("ol", { class: "path" }), skipped = fullPath.length - currentPath.length;
        currentPath.forEach(function (step) { ol.appendChild(el("li", step === id ? { class: "here" } : null, link(step))); });
        var head = "Learning path to " + label(state.path) + " · " + currentPath.length + " step" + (currentPath.length === 1 ? "" : "s");
        parts.push(el("section", { class: "block learning", id: "learning" }, el("h3", { text: head }),
          skipped ? el("p", { class: "skipped", text: knownClosure().has(state.path)
            ? "You know this already, and its " + skipped + " prerequisites."
            : skipped + " prerequisite" + (skipped === 1 ? "" : "s") + " you know are left out." }) : null,
          ol));
      }
      parts.push(
        el("section", { class: "block simple" }, el("h3", { text: "In simple terms" }), el("p", { class: "text", text: n.simple })),
        el("section", { class: "block full" }, el("h3", { text: "Full explanation" }), el("p", { class: "text", text: n.full })),
        el("section", { class: "block" }, el("h3", { text: "Example" }), el("pre", { class: "example", text: n.example })),
        edgeList("Prerequisites", prereqs.get(id) || [], function (e) { return e.to; }, "prereqs"),
        edgeList("Needed by", dependents.get(id) || [], function (e) { return e.from; }, "dependents"),
        edgeList("Related", related.get(id) || [], function (e) { return e.from === id ? e.to : e.from; }, "related"));
      if (editToken) parts.push(addEdgeForm(id));
    } else {
      var list = el("ul", { class: "members" });
      (children.get(id) || []).forEach(function (c) {
        var sub = info.get(c).kind !== "concept";
        var li = el("li", null, link(c, sub ? info.get(c).number + " " + info.get(c).name : label(c)));
        if (sub) {
          var inner = el("ul", null);
          (children.get(c) || []).forEach(function (g) { inner.appendChild(el("li", null, link(g))); });
          li.appendChild(inner);
        }
        list.appendChild(li);
      });
      parts.push(el("section", { class: "block" }, el("h3", { text: "Contents · " + descendants(id).length + " concepts" }), list));
    }
    var scroll = panel.hidden ? 0 : panel.dataset.id === id ? panel.scrollTop : 0;
    panel.replaceChildren.apply(panel, parts);
    panel.dataset.id = id;
    panel.scrollTop = scroll;
    if (panel.hidden) { panel.hidden = false; panelMoved(); }  // the map gives the panel room
  }
  /* The details panel opened or closed: the maps take the room they now have, the local view laid out anew at
     once (on a phone the panel is a sheet that takes the lower half of the screen). */
  function panelMoved() {
    network.setSize("100%", "100%");
    if (local.shown) { local.key = ""; renderLocal(); }
  }

  // ---- curation, when `mlkg serve` runs in edit mode (the page then carries an edit token) --------------
  var lastCuration = { text: "", error: false };  // kept across the panel's redraws (a rebuild redraws it)
  function curationStatus(text, error) {
    lastCuration = { text: text, error: !!error };
    var box = $("curation-status");
    if (!box) return;
    box.textContent = text;
    box.className = error ? "curation-status error" : "curation-status";
    box.hidden = !text;
  }
  function curate(action, source, target, kind, note) {
    curationStatus("saving…");
    var body = JSON.stringify({ action: action, source: source, target: target, kind: kind, note: note || "" });
    fetch("/api/curation", { method: "POST", body: body, credentials: "same-origin",
                             headers: { "Content-Type": "application/json", "X-MLKG-Token": editToken } })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (r.ok && data.already) {
            curationStatus("already in the curation file, line " + data.line + ": nothing written");
          } else if (r.ok && data.pending) {
            curationStatus("saved; it applies once the cheatsheets load again: " + data.pending, true);
          } else if (r.ok && data.made_related && data.made_related.length) {
            curationStatus("saved; to keep every learning order possible, these mined edges are now related: " +
                           data.made_related.join("; "), true);
          } else if (r.ok) curationStatus("saved — the map updates when the graph is rebuilt");
          else curationStatus(data.error || r.status + " " + r.statusText, true);
        });
      })
      .catch(function (err) { curationStatus(String(err), true); });
  }
  var noteText = function () { var box = $("curation-note"); return box ? box.value : ""; };
  function edgeControls(e) {
    var box = el("span", { class: "edit" });
    box.appendChild(button("remove", function () { curate("remove", e.from, e.to, e.kind, noteText()); },
                           { class: "mini", title: "Remove this edge" }));
    if (e.kind === "requires") {
      box.appendChild(button("flip", function () { curate("force", e.to, e.from, "requires", noteText()); },
                             { class: "mini", title: "Turn it round: " + label(e.to) + " requires " + label(e.from) }));
    }
    if (e.kind === "requires") {
      box.appendChild(button("→ related", function () { curate("force", e.from, e.to, "related", noteText()); },
                             { class: "mini", title: "Make it: " + label(e.from) + " is related to " + label(e.to) }));
      return box;
    }
    // a related edge has no direction: each way of making it a requires edge is its own button, named in full
    [[e.from, e.to, "→ requires"], [e.to, e.from, "← requires"]].forEach(function (way) {
      box.appendChild(button(way[2], function () { curate("force", way[0], way[1], "requires", noteText()); },
                             { class: "mini", title: "Make it: " + label(way[0]) + " requires " + label(way[1]) }));
    });
    return box;
  }
  function addEdgeForm(id) {
    if (typed.id !== id) typed = { id: id, target: "", picked: null, kind: "requires", note: "" };
    var picked = typed.picked && info.has(typed.picked) ? typed.picked : null;
    var field = el("input", { type: "search", id: "add-edge-target", autocomplete: "off", spellcheck: "false",
                              placeholder: "target concept", "aria-label": "Target concept" });
    var options = el("ul", { class: "picks", role: "listbox", "aria-label": "Matching concepts" });
    var kind = el("select", { id: "add-edge-kind", "aria-label": "Kind" },
                  el("option", { value: "requires", text: "requires" }), el("option", { value: "related", text: "related" }));
    var note = el("input", { type: "text", id: "curation-note", placeholder: "note (kept in the curation file)", "aria-label": "Note" });
    field.value = typed.target;
    kind.value = typed.kind;
    note.value = typed.note;
    kind.addEventListener("change", function () { typed.kind = kind.value; });
    note.addEventListener("input", function () { typed.note = note.value; });
    field.addEventListener("input", function () {
      picked = typed.picked = null;
      typed.target = field.value;
      options.replaceChildren.apply(options, searchResults(field.value, 8).filter(function (r) {
        return r.id !== id && isConcept(r.id);
      }).map(function (r) {
        var li = el("li", { role: "option", "data-id": r.id }, swatch(r.id), el("span", { text: label(r.id) }));
        li.addEventListener("mousedown", function (ev) {
          ev.preventDefault();
          picked = typed.picked = r.id;
          field.value = typed.target = label(r.id);
          options.replaceChildren();
        });
        return li;
      }));
    });
    var add = button("add edge", function () {
      if (!picked) { curationStatus("pick the target from the list", true); return; }
      curate("add", id, picked, kind.value, note.value);
    }, { class: "mini", id: "add-edge" });
    var status = el("p", { id: "curation-status", class: lastCuration.error ? "curation-status error" : "curation-status",
                           role: "status", text: lastCuration.text });
    status.hidden = !lastCuration.text;
    return el("section", { class: "block curation" }, el("h3", { text: "Edit edges" }),
      el("div", { class: "add-edge" }, el("span", { text: label(id) + " " }), kind, field, add), options, note, status);
  }

  // ---- search --------------------------------------------------------------------------------------
  // The ranking of mlkg.views.search, step for step (its docstring has the formula): names, acronyms,
  // aliases and IDs exactly, by prefix, by word prefixes, as a part, then fuzzily (OSA distance), then the
  // explanations; ties in document order.
  var WORD = /[\p{L}\p{N}]+/gu, MARK = /\p{Mn}/gu, FUZZY_MIN = 750, FUZZY_MIN_LENGTH = 4;
  var TIERS = { 7: "exact", 6: "prefix", 5: "words", 4: "contains", 3: "fuzzy", 2: "text", 1: "text-words" };
  function normalize(text) {
    var words = String(text === undefined || text === null ? "" : text).toLowerCase().normalize("NFKD").replace(MARK, "").match(WORD);
    return words ? words.join(" ") : "";
  }
  var codeLength = function (s) { return /[\ud800-\udfff]/.test(s) ? Array.from(s).length : s.length; };
  /* Optimal string alignment distance (Levenshtein with adjacent transpositions), over code points. */
  function osa(a, b) {
    a = Array.from(a); b = Array.from(b);
    var n = a.length, m = b.length;
    if (!n || !m) return n + m;
    var before = new Array(m + 1), prev = new Array(m + 1), cur = new Array(m + 1), j;
    for (j = 0; j <= m; j++) prev[j] = j;
    for (var i = 1; i <= n; i++) {
      cur[0] = i;
      for (j = 1; j <= m; j++) {
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2] + 1);
        cur[j] = v;
      }
      var t = before; before = prev; prev = cur; cur = t;
    }
    return prev[m];
  }
  function similarity(a, b) {
    var m = Math.max(codeLength(a), codeLength(b));
    return m ? Math.floor(1000 * (m - osa(a, b)) / m) : 1000;
  }
  var searchItems = null;
  function searchIndex() {
    if (searchItems) return searchItems;
    searchItems = raw.map(function (n) {
      var concept = n.kind === "concept";
      var names = [n.label, n.name].concat(n.alt || [], n.aliases || [], concept ? [n.id] : []).map(normalize)
        .filter(function (x, i, all) { return x && all.indexOf(x) === i; });
      var compacts = names.map(function (x) { return x.replace(/ /g, ""); });
      return {
        id: n.id, concept: concept, names: names, compacts: compacts,
        lengths: names.map(codeLength), compactLengths: compacts.map(codeLength),
        words: names.map(function (x) { return x.split(" "); }),
        key: concept ? [n.order] : n.number ? n.number.split(".").map(function (p) { return /^[0-9]+$/.test(p) ? parseInt(p, 10) : 0; }) : [],
        number: normalize(n.number), text: concept ? " " + normalize(n.simple) + " . " + normalize(n.full) + " " : "",
      };
    });
    return searchItems;
  }
  function fuzzy(q, qLength, qWords, it) {
    var best = 0;
    it.names.forEach(function (name, i) {
      var words = it.words[i], runs = [];
      if (words.length > qWords) for (var k = 0; k + qWords <= words.length; k++) runs.push(words.slice(k, k + qWords).join(" "));
      else runs.push(name);
      runs.forEach(function (run) {
        var rl = codeLength(run), m = Math.max(qLength, rl);
        if (Math.floor(1000 * (m - Math.abs(qLength - rl)) / m) < Math.max(FUZZY_MIN, best + 1)) return;
        best = Math.max(best, similarity(q, run));
      });
    });
    return best;
  }
  function occurrences(text, needle) {
    var count = 0;
    for (var at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) count++;
    return count;
  }
  /* Tier 7: a name, its compact form or the number is the query. */
  /* One compact form the other with a plural's "s" or "es" (search.py's _numbered), lengths in code points. */
  function numbered(a, b) {
    if (a.length < b.length) { var t = a; a = b; b = t; }
    return codeLength(b) >= 3 && (a === b + "s" || a === b + "es");
  }
  /* 1000 for a name, its compact form or the number that is the query; 999 for a name in the other number. */
  function exactMatch(q, qc, it) {
    var plural = false;
    for (var i = 0; i < it.names.length; i++) {
      if (it.names[i] === q || it.compacts[i] === qc) return 1000;
      plural = plural || numbered(it.compacts[i], qc);
    }
    return !!it.number && it.number === q ? 1000 : plural ? 999 : 0;
  }
  function matchItem(q, qc, qw, qLength, qcLength, it) {
    var exact = exactMatch(q, qc, it);
    if (exact) return [7, it.concept ? exact : 999];  // a section's, one below a concept's (search.py's _match)
    var tier = 0, within = 0;
    for (var i = 0; i < it.names.length; i++) {
      var name = it.names[i], compact = it.compacts[i], found = 0;
      var part = it.compactLengths[i] ? Math.min(999, Math.floor(1000 * qcLength / it.compactLengths[i])) : 0;
      if (name.lastIndexOf(q, 0) === 0 || compact.lastIndexOf(qc, 0) === 0) found = 6;
      else if (qw.every(function (w) { return (" " + name).indexOf(" " + w) >= 0; })) found = 5;
      else if (name.indexOf(q) >= 0) found = 4;
      else continue;
      if (found > tier || (found === tier && part > within)) { tier = found; within = part; }
    }
    if (it.number) {
      if ((it.number + " ").lastIndexOf(q + " ", 0) === 0) {
        var part2 = Math.min(999, Math.floor(1000 * qLength / codeLength(it.number)));
        if (6 > tier || (tier === 6 && part2 > within)) { tier = 6; within = part2; }
      }
    }
    if (tier) return [tier, within];
    if (qLength >= FUZZY_MIN_LENGTH) {
      var sim = fuzzy(q, qLength, qw.length, it);
      if (sim >= FUZZY_MIN) return [3, Math.min(999, sim)];
    }
    if (it.text) {
      var count = occurrences(it.text, " " + q);
      if (count) return [2, Math.min(999, count)];
      if (qw.every(function (w) { return it.text.indexOf(" " + w) >= 0; })) return [1, 0];
    }
    return [0, 0];
  }
  function compareKeys(a, b) {
    for (var i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  }
  /* Nodes matching `query`, best first: [{id, score, match}] (concepts, then sections of the same score). */
  function searchResults(query, limit) {
    var q = normalize(query);
    if (!q) return [];
    var qc = q.replace(/ /g, ""), qw = q.split(" "), qLength = codeLength(q), qcLength = codeLength(qc), hits = [];
    searchIndex().forEach(function (it) {
      var m = matchItem(q, qc, qw, qLength, qcLength, it);
      if (m[0]) hits.push({ id: it.id, score: m[0] * 10000 + m[1], match: TIERS[m[0]], it: it });
    });
    hits.sort(function (a, b) {
      return b.score - a.score || (a.it.concept ? 0 : 1) - (b.it.concept ? 0 : 1) || compareKeys(a.it.key, b.it.key) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
    return hits.slice(0, limit || 12).map(function (h) { return { id: h.id, score: h.score, match: h.match }; });
  }
  function search(query, limit) {
    return searchResults(query, limit).map(function (r) { return r.id; });
  }
  var input = $("search-input"), results = $("search-results"), active = -1, found = [];
  var MATCH_NOTE = { fuzzy: "≈", text: "in text", "text-words": "in text" };
  function showResults() {
    var hits = searchResults(input.value);
    found = hits.map(function (h) { return h.id; });
    active = found.length ? 0 : -1;
    results.replaceChildren.apply(results, hits.map(function (h, i) {
      var id = h.id, n = info.get(id);
      var li = el("li", { id: "search-option-" + i, role: "option", "data-id": id, "data-match": h.match }, swatch(id),
        el("span", { class: "name", text: n.kind === "concept" ? n.label : n.number + " " + n.label }));
      if (n.alt) li.appendChild(el("span", { class: "alt", text: n.alt.join(", ") }));
      if (MATCH_NOTE[h.match]) li.appendChild(el("span", { class: "how", text: MATCH_NOTE[h.match] }));
      li.appendChild(el("span", { class: "where", text: n.kind === "concept" ? n.number : n.kind }));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(id); });
      return li;
    }));
    if (input.value.trim() && !found.length) results.appendChild(el("li", { class: "empty", text: "No match" }));
    results.hidden = !input.value.trim();
    input.setAttribute("aria-expanded", String(!results.hidden));
    highlight();
  }
  function highlight() {
    Array.prototype.forEach.call(results.querySelectorAll("[role=option]"), function (li, i) {
      li.setAttribute("aria-selected", String(i === active));
      if (i === active) li.scrollIntoView({ block: "nearest" });
    });
    if (active >= 0) input.setAttribute("aria-activedescendant", "search-option-" + active);
    else input.removeAttribute("aria-activedescendant");
  }
  function closeResults() {
    results.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }
  function pick(id) {
    closeResults();
    input.value = info.get(id).label;
    input.blur();
    select(id);
  }
  input.addEventListener("input", showResults);
  input.addEventListener("focus", function () { input.select(); if (input.value.trim()) showResults(); else searchIndex(); });
  input.addEventListener("blur", closeResults);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (results.hidden) showResults();
      if (found.length) active = (active + (ev.key === "ArrowDown" ? 1 : found.length - 1)) % found.length;
      highlight();
      ev.preventDefault();
    } else if (ev.key === "Enter") {
      if (found.length) pick(found[Math.max(0, active)]);
      ev.preventDefault();
    } else if (ev.key === "Escape") {
      if (!results.hidden) closeResults(); else { input.value = ""; input.blur(); }
      ev.preventDefault();
    }
  });

  // ---- ready to learn ------------------------------------------------------------------------------
  var readyShown = 10;
  function renderReady() {
    var list = readyToLearn(), have = knownClosure();
    var summary = $("known-summary");
    summary.replaceChildren(el("span", { text: have.size
      ? "You know " + have.size + " concept" + (have.size === 1 ? "" : "s") + " (" + state.known.size + " marked)."
      : "Mark what you know in a concept's details; this list follows." }));
    if (state.known.size) {
      summary.appendChild(button("Forget all", function () {
        state.known = new Set();
        knownChanged();
        render();
        showPanel();
        writeHash(false);
      }, { class: "linkish", id: "known-clear" }));
    }
    $("ready").replaceChildren.apply($("ready"), list.slice(0, readyShown).map(function (r) {
      return el("li", { "data-id": r.id }, link(r.id),
        el("span", { class: "unlocks", title: "concepts it leads to that you do not know yet", text: "+" + r.unlocks }));
    }));
    var more = $("ready-more");
    more.hidden = list.length <= readyShown;
    more.textContent = "Show more (" + (list.length - Math.min(readyShown, list.length)) + " left)";
    $("ready-count").textContent = String(list.length);
  }
  $("ready-more").addEventListener("click", function () { readyShown += 20; renderReady(); });

  // ---- the rest of the page --------------------------------------------------------------------------
  var noticeTimer = null;
  function notice(text) {
    var box = $("notice");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(function () { box.hidden = true; }, 5000);
  }
  function buildLegend() {
    var holder = $("legend-sections");
    holder.textContent = "";
    raw.filter(function (n) { return n.kind === "section"; })
      .sort(function (a, b) { return a.number.localeCompare(b.number, undefined, { numeric: true }); })
      .forEach(function (n) {
        var a = link(n.id, n.number + " " + n.name);
        a.appendChild(el("span", { class: "count", text: String(descendants(n.id).length) }));
        holder.appendChild(a);
      });
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a.node-link");
    if (!a || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    ev.preventDefault();
    select(a.dataset.id);
  });
  document.querySelectorAll("#edge-filters input").forEach(function (box) {
    box.addEventListener("change", function () { setKind(box.dataset.kind, box.checked); });
  });
  $("hops").addEventListener("change", function () { setHops(parseInt($("hops").value, 10) || 0); });
  $("fit").addEventListener("click", function () { if (local.shown) fitLocal(true); else fitAll(true); });
  $("local-all").addEventListener("click", function () { setShowAll(!state.all); });
  $("local-close").addEventListener("click", function () {
    if (state.path && !state.hops) setPath(false);
    else { state.path = null; setHops(0); showPanel(); }
  });
  // Narrower than a laptop the sidebar is a drawer over the map, opened and closed by the Menu button (the
  // stylesheet hides the button, and shows the sidebar as ever, on a wide screen); a phone's bar is two rows.
  var narrow = window.matchMedia("(max-width: 760px)"), drawer = window.matchMedia("(max-width: 1024px)");
  var menuButton = $("sidebar-toggle");
  var sidebarOpen = function () { return $("main").classList.contains("sidebar-open"); };
  function openSidebar(open, moveFocus) {
    $("main").classList.toggle("sidebar-open", open);
    menuButton.setAttribute("aria-expanded", String(open));
    if (moveFocus) (open ? $("sidebar") : menuButton).focus();
  }
  menuButton.addEventListener("click", function () { openSidebar(!sidebarOpen(), true); });
  $("sidebar-scrim").addEventListener("click", function () { openSidebar(false, false); });
  $("sidebar").addEventListener("click", function (ev) {  // a concept or section picked from it: show it
    if (sidebarOpen() && ev.target.closest && ev.target.closest("a.node-link")) openSidebar(false, false);
  });
  var placeholder = input.getAttribute("placeholder");
  var widthChanged = function () {
    if (!drawer.matches && sidebarOpen()) openSidebar(false, false);
    input.setAttribute("placeholder", narrow.matches ? "Search concepts" : placeholder);  // the long one is cut there
  };
  widthChanged();
  [narrow, drawer].forEach(function (query) {
    if (query.addEventListener) query.addEventListener("change", widthChanged); else query.addListener(widthChanged);
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && sidebarOpen() && ev.target !== input) {
      openSidebar(false, $("sidebar").contains(document.activeElement) || document.activeElement === menuButton);
      ev.preventDefault();
      return;
    }
    var typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement && document.activeElement.tagName);
    if (ev.key === "/" && !typing) { input.focus(); ev.preventDefault(); }
    else if (ev.key === "Escape" && !typing) {
      if (state.path) setPath(false); else if (state.hops && state.selected) setHops(0); else select(null);
    }
  });
  /* Section titles of the outline layout are sized to be read with the whole map in view; zoomed in,
     they shrink so that no title grows past TITLE_MAX pixels on screen. */
  var TITLE_MAX = 44, titleSize = new Map();
  function styled(n, dim) {
    var l = look(n, dim);
    return titleSize.has(n.id) ? { color: l.color, font: Object.assign({}, l.font, { size: titleSize.get(n.id) }) } : l;
  }
  function fitTitles() {
    var scale = network.getScale(), changes = [];
    raw.forEach(function (n) {
      if (n.kind !== "section" || !n.font_size) return;
      var size = Math.round(Math.min(n.font_size, TITLE_MAX / scale));
      if ((titleSize.get(n.id) || n.font_size) === size) return;
      titleSize.set(n.id, size);
      changes.push(Object.assign({ id: toVis(n.id) }, styled(n, shownNodes.get(n.id).indexOf("d") === 0)));
    });
    if (changes.length) nodes.update(changes);
  }
  var labelTimer = null;
  function labelInView() {
    clearTimeout(labelTimer);
    labelTimer = setTimeout(function () {
      fitTitles();
      if (!lazyLabels || network.getScale() < 0.3) return;
      var box = $("mynetwork"), a = network.DOMtoCanvas({ x: 0, y: 0 });
      var b = network.DOMtoCanvas({ x: box.clientWidth, y: box.clientHeight });
      var mx = (b.x - a.x) / 4, my = (b.y - a.y) / 4, at = positions(network), before = labelled.size;
      raw.forEach(function (n) {
        var p = at.get(n.id);
        if (n.kind === "concept" && p && p.x > a.x - mx && p.x < b.x + mx && p.y > a.y - my && p.y < b.y + my) labelled.add(n.id);
      });
      if (labelled.size > before) render();
    }, 80);
  }
  if (!physics) ["zoom", "dragEnd", "animationFinished"].forEach(function (ev) { network.on(ev, labelInView); });
  // A node's tooltip (plain text, which vis sets with innerText) is written when the pointer first rests on it.
  var titled = new Set();
  network.on("hoverNode", function (p) {
    var id = fromVis(p.node);
    if (titled.has(id)) return;
    titled.add(id);
    nodes.update({ id: p.node, title: tooltip(info.get(id)) });
  });
  network.on("click", function (p) {  // in the local view, clicks go to its own network
    if (p.nodes.length) select(fromVis(p.nodes[0]), { focus: false });
    else if (!p.edges.length) select(null);
  });
  window.addEventListener("popstate", function () { applyHash(true); });
  // another tab of a map marked or unmarked a concept: this one takes what the store now holds of this map, or
  // its next mark would write its own older set over the other tab's
  window.addEventListener("storage", function (ev) {
    if (ev.key !== STORE && ev.key !== null) return;
    var now = storedKnown().filter(function (id) { return isConcept(id); });
    if (now.length === state.known.size && now.every(function (id) { return state.known.has(id); })) return;
    state.known = new Set(now);
    closureCache = readyCache = null;
    knownDirty = true;
    render();
    showPanel();
    writeHash(false);
  });
  window.addEventListener("hashchange", function () { applyHash(true); });

  /* In the outline layout each section is a region: a faint box in its colour behind its nodes. */
  var regions = [];
  function measureRegions() {
    var at = positions(network);
    regions = raw.filter(function (n) { return n.kind === "section"; }).map(function (n) {
      var box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity, fill: mix(n.color, "#ffffff", 0.93) };
      [n.id].concat(descendants(n.id), children.get(n.id) || []).forEach(function (id) {
        var p = at.get(id);
        if (!p) return;
        box.x0 = Math.min(box.x0, p.x); box.x1 = Math.max(box.x1, p.x);
        box.y0 = Math.min(box.y0, p.y); box.y1 = Math.max(box.y1, p.y);
      });
      return box;
    }).filter(function (b) { return b.x0 <= b.x1; });
  }
  /* Physics leaves section hubs out; put each one just above the concepts it holds. */
  function placeSections() {
    var at = positions(network);
    raw.forEach(function (n) {
      if (n.kind !== "section") return;
      var xs = [], top = Infinity;
      descendants(n.id).forEach(function (c) { var p = at.get(c); xs.push(p.x); top = Math.min(top, p.y); });
      if (!xs.length) return;
      xs.sort(function (a, b) { return a - b; });
      network.moveNode(toVis(n.id), (xs[0] + xs[xs.length - 1]) / 2, top - 110);
    });
  }
  /* The edges of a map without physics: one path per kind and state, arrowheads at the dependent end. */
  var sizes = new Map();
  raw.forEach(function (n, i) { sizes.set(n.id, visNodes[i].size || 20); });
  function drawEdges(ctx) {
    var at = network.getPositions(), scale = network.getScale();
    var box = $("mynetwork"), lo = network.DOMtoCanvas({ x: 0, y: 0 });
    var hi = network.DOMtoCanvas({ x: box.clientWidth, y: box.clientHeight });
    var batches = {};
    present.forEach(function (e) {
      var key = e.shown;
      if (key === undefined || key.charAt(0) === "h") return;
      var a = at[e.visFrom], b = at[e.visTo];  // keyed by vis id
      if (!a || !b) return;  // vis leaves hidden nodes out, and may draw before render() has caught up
      if (Math.max(a.x, b.x) < lo.x || Math.min(a.x, b.x) > hi.x || Math.max(a.y, b.y) < lo.y || Math.min(a.y, b.y) > hi.y) {
        return;  // off screen
      }
      var style = key === "p" ? "path" : key === "d" ? "dim" : e.kind;
      (batches[style] || (batches[style] = [])).push([a, b, e]);
    });
    var thin = 0.7 / scale;
    ["dim", "parent", "related", "requires", "path"].forEach(function (style) {
      var list = batches[style];
      if (!list) return;
      var look = style === "path" ? PATH_EDGE : style === "dim" ? DIM_EDGE : EDGE[style];
      ctx.save();
      ctx.strokeStyle = ctx.fillStyle = look.color.color;
      ctx.globalAlpha = scale < 0.12 && style !== "path" ? 0.45 : look.color.opacity;
      ctx.lineWidth = Math.max(look.width, thin);
      ctx.setLineDash(style === "related" ? [6, 5] : []);
      ctx.beginPath();
      list.forEach(function (ab) {
        ctx.moveTo(ab[0].x, ab[0].y);
        ctx.lineTo(ab[1].x, ab[1].y);
      });
      ctx.stroke();
      var head = 9 * Math.max(1, look.width / 1.5);
      if (head * scale >= 3) {
        ctx.setLineDash([]);
        ctx.beginPath();
        list.forEach(function (ab) {
          if (ab[2].kind !== "requires") return;
          var a = ab[0], b = ab[1], dx = a.x - b.x, dy = a.y - b.y, len = Math.sqrt(dx * dx + dy * dy);
          if (len < 1) return;
          var ux = dx / len, uy = dy / len, r = sizes.get(ab[2].from) + 2;
          var tx = a.x - ux * r, ty = a.y - uy * r;
          ctx.moveTo(tx, ty);
          ctx.lineTo(tx - ux * head - uy * head * 0.45, ty - uy * head + ux * head * 0.45);
          ctx.lineTo(tx - ux * head + uy * head * 0.45, ty - uy * head - ux * head * 0.45);
          ctx.lineTo(tx, ty);
        });
        ctx.fill();
      }
      ctx.restore();
    });
  }
  function drawHalos(ctx) {
    if (!halo) return;
    var ids = Array.from(halo).filter(isConcept);
    var at = positions(network, ids);
    ctx.save();
    ctx.fillStyle = "#fab005";
    ctx.globalAlpha = 0.4;
    ctx.beginPath();
    ids.forEach(function (id) {
      var p = at.get(id), r = (sizes.get(id) || 20) + 10;
      if (!p) return;
      ctx.moveTo(p.x + r, p.y);
      ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
    });
    ctx.fill();
    ctx.restore();
  }
  if (!physics) {
    network.on("beforeDrawing", function (ctx) {
      var pad = 45;
      regions.forEach(function (b) {
        ctx.fillStyle = b.fill;
        ctx.beginPath();
        if (ctx.roundRect) ctx.roundRect(b.x0 - pad, b.y0 - pad, b.x1 - b.x0 + 2 * pad, b.y1 - b.y0 + 2 * pad, 40);
        else ctx.rect(b.x0 - pad, b.y0 - pad, b.x1 - b.x0 + 2 * pad, b.y1 - b.y0 + 2 * pad);
        ctx.fill();
      });
      drawEdges(ctx);
      drawHalos(ctx);
      drawKnown(ctx, network);
    });
    network.on("dragEnd", function (p) { if (p.nodes.length) measureRegions(); });
    measureRegions();
  } else {
    network.on("beforeDrawing", function (ctx) { drawKnown(ctx, network); });
  }

  // ---- live updates, when served: the server says "graph" when it has rebuilt, "error" when it could not --
  function banner(text) {
    var box = $("banner");
    box.textContent = text || "";
    box.hidden = !text;
  }
  /* Take a new graph in place: positions of nodes already drawn, the selection and the view all stay. */
  function update(data) {
    if (!data || !Array.isArray(data.nodes) || !Array.isArray(data.edges)) return;
    var at = positions(network);
    raw = data.nodes;
    rawEdges = data.edges;
    indexGraph();
    looks = new Map();
    searchItems = null;
    closureCache = readyCache = null;
    titled.clear();
    var fresh = raw.map(visNode), keep = new Set(fresh.map(function (v) { return v.id; }));
    raw.forEach(function (n, i) {
      var v = fresh[i], p = at.get(n.id);
      if (p) { v.x = p.x; v.y = p.y; }
      if (labelled.has(n.id)) v.label = baseText(n);
      v.title = undefined;
      sizes.set(n.id, v.size || 20);
    });
    nodes.remove(nodes.getIds().filter(function (visId) { return !keep.has(visId); }));
    nodes.update(fresh);
    shownNodes = new Map(raw.map(function (n, i) { return [n.id, "|" + fresh[i].label]; }));
    edges.clear();
    present.forEach(function (e) { if (state.kinds.has(e.kind)) e.shown = ""; });
    edges.add(present.filter(function (e) { return state.kinds.has(e.kind); }).map(visEdge));
    if (state.selected && !info.has(state.selected)) {
      state.selected = null;
      state.hops = 0;  // a neighbourhood of nothing
      state.all = false;
    }
    if (state.path && !isConcept(state.path)) state.path = null;
    if (typeof data.heading === "string" && data.heading) {  // its counts, as a page made now would say them
      $("heading").textContent = data.heading;
      document.title = data.heading;
    }
    buildLegend();
    if (!physics) measureRegions();
    local.key = "";
    syncSelection();
    render();
    showPanel();
    writeHash(false);
  }
  function listen() {
    if (!live || !window.EventSource || !window.fetch) return;
    var events = new EventSource("/events");
    events.addEventListener("graph", function () {
      banner("");
      fetch("/api/map-data", { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status + " " + r.statusText); return r.json(); })
        .then(update)
        .catch(function (err) { banner("Could not load the new graph: " + err.message); });
    });
    events.addEventListener("error", function (ev) {  // the server's event; a lost connection has no data
      if (!ev.data) return;
      try { banner(JSON.parse(ev.data).error); } catch (err) { banner(String(ev.data)); }
    });
  }

  var ready = false;
  var api = {
    /* A copy of what the page shows: selection, local-view hops, learning-path target, edge kinds shown,
       concepts marked known. */
    state: function () {
      return { selected: state.selected, hops: state.hops, all: state.all, path: state.path,
               kinds: KINDS.filter(function (k) { return state.kinds.has(k); }),
               known: Array.from(state.known).sort(byOrder) };
    },
    info: function (id) { return info.get(id); },
    select: select, setPath: setPath, setKind: setKind, setHops: setHops, setShowAll: setShowAll, setKnown: setKnown,
    search: search, searchResults: searchResults, normalize: normalize, similarity: similarity,
    learningPath: learningPath, path: function () { return currentPath.slice(); },
    knownClosure: function () { return concepts.filter(function (id) { return knownClosure().has(id); }); },
    readyToLearn: function () { return readyToLearn().map(function (r) { return { id: r.id, unlocks: r.unlocks }; }); },
    /* What is on screen: the local view's network and DataSets while it is open, else the whole map's. */
    view: function () {
      return local.shown
        ? { local: true, network: localNet, nodes: localNodes, edges: localEdges, ids: local.ids.slice(), total: local.total,
            fitted: local.fitted, fontSize: LOCAL.font, levels: Object.fromEntries(local.levels) }
        : { local: false, network: network, nodes: nodes, edges: edges, ids: nodes.getIds().map(fromVis), fitted: true,
            fontSize: options.nodes.font.size };
    },
    update: update,
    /* The id vis-network knows a node by (in `network`, `nodes`, `edges`' from and to, the local view's too),
       and back: a concept ID is never one, as vis keeps nodes in plain objects (see toVis). */
    toVis: toVis, fromVis: fromVis,
    ready: false, timings: timings,
  };
  function finish() {
    timings.drawn = performance.now();
    applyHash(false, true);
    ready = true;
    api.ready = true;
    timings.ready = performance.now();
    document.documentElement.setAttribute("data-ready", "true");
    listen();
  }
  buildLegend();
  if (physics && raw.length) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      placeSections();
      network.fit();
      finish();
    });
  } else {
    network.once("afterDrawing", finish);
  }
  return api;
})();
