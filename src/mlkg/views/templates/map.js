/* mlkg concept map: search, details panel, edge filters, local view, learning path, deep links.
   Cheatsheet text reaches the document through textContent only. */
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
  // rest of the map around a selection or a learning path: they ring the nodes that matter instead.
  var dimNodes = raw.length < 2000, halo = null;

  var info = new Map(), sectionColour = new Map();
  raw.forEach(function (n) {
    info.set(n.id, n);
    if (n.kind === "section") sectionColour.set(n.id, n.color);
  });

  // adjacency over every edge, whatever is shown
  var present = [], byKind = { requires: [], related: [], parent: [] };
  var prereqs = new Map(), dependents = new Map(), related = new Map(), children = new Map();
  var push = function (map, key, value) {
    var list = map.get(key);
    if (!list) map.set(key, (list = []));
    list.push(value);
  };
  rawEdges.forEach(function (e) {
    if (!info.has(e.from) || !info.has(e.to) || !byKind[e.kind]) return;
    e.id = e.kind + "|" + e.from + "|" + e.to;
    present.push(e);
    byKind[e.kind].push(e);
    if (e.kind === "requires") { push(prereqs, e.from, e); push(dependents, e.to, e); }
    else if (e.kind === "related") { push(related, e.from, e); push(related, e.to, e); }
    else push(children, e.to, e.from);
  });
  var byOrder = function (a, b) { return info.get(a).order - info.get(b).order || (a < b ? -1 : a > b ? 1 : 0); };
  children.forEach(function (list) { list.sort(byOrder); });
  var descendantCache = new Map();
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
  var looks = new Map();
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
  var baseText = function (n) { return n.kind === "concept" ? n.label : n.number + "  " + n.label; };
  function visNode(n) {
    var v = Object.assign({ id: n.id, kind: n.kind, label: lazyLabels && n.kind === "concept" ? "" : baseText(n),
                            x: n.x, y: n.y }, look(n, false));
    if (n.kind === "concept") {
      v.size = Math.min(40, 9 + 5 * Math.sqrt((dependents.get(n.id) || []).length));  // grows with its dependents
    } else {
      Object.assign(v, HUB[n.kind]);
      if (n.title_width) v.widthConstraint = { maximum: n.title_width };
      if (n.kind === "section" && physics) v.physics = false;  // placed above its concepts once they settle
      else if (physics) v.mass = 1 / ((children.get(n.id) || []).length + 2);  // vis scales repulsion by mass × degree
    }
    return v;
  }
  function edgeTooltip(e) {
    var verb = e.kind === "requires" ? " requires " : " is related to ";
    var head = label(e.from) + verb + label(e.to) + (e.curated ? " (curated)" : "");
    return e.sentence ? head + "\n“" + clip(e.sentence, 240) + "”" : head;
  }
  var NO_ARROWS = { from: { enabled: false } };
  function visEdge(e) {
    var v = { id: e.id, from: e.from, to: e.to, kind: e.kind };
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
  var state = { selected: null, hops: 0, path: null, kinds: new Set(DEFAULT_KINDS) };
  var visNodes = raw.map(visNode);
  var visEdges = present.filter(function (e) { return state.kinds.has(e.kind); }).map(visEdge);
  timings.styled = performance.now();
  nodes = new vis.DataSet(visNodes);
  edges = new vis.DataSet(visEdges);
  timings.datasets = performance.now();
  network = new vis.Network($("mynetwork"), { nodes: nodes, edges: ownEdges ? new vis.DataSet() : edges }, options);
  timings.network = performance.now();

  // ---- state, and drawing it ----------------------------------------------------------------------
  // What each node and edge shows: "h" hidden, "d" dimmed, "p" on the learning path; an edge's is `e.shown`,
  // undefined while its kind is switched off.
  var shownNodes = new Map();
  visNodes.forEach(function (v) { shownNodes.set(v.id, "|" + v.label); });
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
    if (!info.has(target)) return [];
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

  var currentPath = [];
  /* Bring nodes and edges in line with `state`, touching only what changed. */
  function render() {
    var kindsChanged = syncKinds();
    currentPath = state.path ? learningPath(state.path) : [];
    var step = new Map(currentPath.map(function (id, i) { return [id, i + 1]; }));
    var visible = null;
    if (state.hops > 0 && state.selected) {
      visible = neighbourhood(state.selected, state.hops);
      currentPath.forEach(function (id) { visible.add(id); });
      withHubs(visible);
    }
    var lit = null;
    if (state.path) lit = new Set(currentPath);
    else if (state.selected) {
      lit = neighbourhood(state.selected, 1);
      if (info.get(state.selected).kind === "concept") withHubs(lit);
      else { var p = info.get(state.selected).parent; if (p) lit.add(p); }
    }
    var nodeChanges = [], haloBefore = halo;
    halo = dimNodes ? null : lit;
    raw.forEach(function (n) {
      var hidden = visible ? !visible.has(n.id) : false;
      var dim = dimNodes && !hidden && lit ? !lit.has(n.id) : false;
      var text = baseText(n);
      if (lazyLabels && n.kind === "concept" && !labelled.has(n.id)) {
        if (step.has(n.id) || (lit && lit.has(n.id))) labelled.add(n.id); else text = "";
      }
      if (step.has(n.id)) text = step.get(n.id) + ". " + text;
      var key = (hidden ? "h" : "") + (dim ? "d" : "") + "|" + text;
      if (shownNodes.get(n.id) === key) return;
      shownNodes.set(n.id, key);
      nodeChanges.push(Object.assign({ id: n.id, hidden: hidden, label: text }, styled(n, dim)));
    });
    if (nodeChanges.length) nodes.update(nodeChanges);
    var isHidden = function (id) { return shownNodes.get(id).charAt(0) === "h"; };
    var edgeChanges = [];
    present.forEach(function (e) {
      if (e.shown === undefined) return;
      var hidden = isHidden(e.from) || isHidden(e.to);
      var onPath = !!state.path && e.kind === "requires" && step.has(e.from) && step.has(e.to);
      var dim = !hidden && !onPath && !!lit && (!!state.path || !(lit.has(e.from) && lit.has(e.to)));
      var key = (hidden ? "h" : "") + (dim ? "d" : "") + (onPath ? "p" : "");
      if (e.shown === key) return;
      e.shown = key;
      var style = onPath ? PATH_EDGE : dim ? DIM_EDGE : EDGE[e.kind];
      edgeChanges.push({ id: e.id, hidden: hidden, color: style.color, width: style.width });
    });
    if (edgeChanges.length) edges.update(edgeChanges);
    // the page draws its own edges and rings, so a change in them alone must ask for a frame
    var ringsChanged = !dimNodes && (haloBefore !== halo) && !!(haloBefore || halo);
    if (!nodeChanges.length && ((ownEdges && (edgeChanges.length || kindsChanged)) || ringsChanged)) network.redraw();
    $("hops").value = String(state.hops);
    document.querySelectorAll("#edge-filters input").forEach(function (box) {
      box.checked = state.kinds.has(box.dataset.kind);
    });
  }

  function visibleIds() {
    var out = [];
    shownNodes.forEach(function (key, id) { if (key.charAt(0) !== "h") out.push(id); });
    return out;
  }
  var EASE = { duration: 450, easingFunction: "easeInOutQuad" };
  var animated = !lazyLabels;  // on a large map every frame of an animation is a full redraw: jump instead
  function focusOn(id, animate) {
    animate = animate && animated;
    network.focus(id, {
      scale: Math.max(network.getScale(), info.size > 150 ? 0.9 : 1.15),
      animation: animate ? EASE : false,
    });
    if (!animate && !physics) labelInView();
  }
  function fitShown(animate, ids) {
    animate = animate && animated;
    network.fit({ nodes: ids || visibleIds(), animation: animate ? EASE : false });
    if (!animate && !physics) labelInView();
  }

  // ---- selection, deep links -----------------------------------------------------------------------
  function resolve(text) {
    if (info.has(text)) return text;
    var want = String(text).trim().toLowerCase();
    for (var i = 0; i < raw.length; i++) {
      var n = raw[i];
      if ([n.label, n.name].concat(n.alt || []).some(function (s) { return String(s).toLowerCase() === want; })) return n.id;
    }
    return null;
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
    if (s.path) parts.push(s.path === s.selected ? "path" : "path=" + encodeId(s.path));
    if (!sameKinds(s.kinds, DEFAULT_KINDS)) {
      parts.push("edges=" + KINDS.filter(function (k) { return s.kinds.has(k); }).join(","));
    }
    return parts.length ? "#" + parts.join("&") : "";
  }
  function readHash() {
    var s = { selected: null, hops: 0, path: null, kinds: new Set(DEFAULT_KINDS) }, wantsPath = false, missing = [];
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      if (!part) return;
      var eq = part.indexOf("="), key = eq < 0 ? part : part.slice(0, eq), value = eq < 0 ? "" : decode(part.slice(eq + 1));
      if (eq < 0 && key !== "path") {
        s.selected = resolve(decode(part));
        if (!s.selected) missing.push(decode(part));
      } else if (key === "hops") s.hops = Math.max(0, Math.min(4, parseInt(value, 10) || 0));
      else if (key === "path") { if (value) s.path = resolve(value); else wantsPath = true; }
      else if (key === "edges") s.kinds = new Set(value.split(",").filter(function (k) { return KINDS.indexOf(k) >= 0; }));
    });
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
  function applyHash(animate) {
    if (ready && hashFor(state) === location.hash) return;
    var s = readHash();
    var moved = s.selected !== state.selected;
    state = s;
    syncSelection();
    render();
    showPanel();
    if (s.selected && (moved || !ready)) {
      if (s.hops || s.path) fitShown(animate, s.path ? currentPath : null);
      else focusOn(s.selected, animate);
    }
    if (location.hash && hashFor(state) !== location.hash) writeHash(false);
  }

  function syncSelection() {
    var now = network.getSelectedNodes();
    if (state.selected ? now.length === 1 && now[0] === state.selected : !now.length) return;
    if (state.selected) network.selectNodes([state.selected], false); else network.unselectAll();
  }
  function select(id, opts) {
    opts = opts || {};
    if (id !== null && !info.has(id)) { id = resolve(id); if (!id) return false; }
    if (state.path && !(id && currentPath.indexOf(id) >= 0)) state.path = null;
    state.selected = id;
    syncSelection();
    render();
    showPanel();
    if (id && state.hops) fitShown(true);
    else if (id && opts.focus !== false) focusOn(id, true);
    writeHash(opts.push !== false);
    return true;
  }
  function setPath(on) {
    state.path = on && state.selected && info.get(state.selected).kind === "concept" ? state.selected : null;
    render();
    showPanel();
    if (state.path) fitShown(true, currentPath);
    writeHash(false);
  }
  function setKind(kind, on) {
    if (on) state.kinds.add(kind); else state.kinds.delete(kind);
    render();
    writeHash(false);
  }
  function setHops(n) {
    state.hops = Math.max(0, Math.min(4, n | 0));
    if (state.hops && !state.selected) notice("Select a concept to see its neighbourhood.");
    render();
    fitShown(true);
    writeHash(false);
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
      if (e.sentence) {
        li.appendChild(el("blockquote", { class: "evidence" },
          el("span", { text: "“" + e.sentence + "”" }),
          el("cite", { text: " — " + (FIELD[e.field] || e.field || "") + (e.line ? ", line " + e.line : "") })));
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
  function showPanel() {
    var panel = $("panel");
    var id = state.selected;
    if (!id) {
      panel.replaceChildren();
      if (!panel.hidden) { panel.hidden = true; network.setSize("100%", "100%"); }
      return;
    }
    var n = info.get(id);
    var close = el("button", { type: "button", class: "close", "aria-label": "Close details", text: "×" });
    close.addEventListener("click", function () { select(null); });
    var file = n.file || (info.has(n.section) ? info.get(n.section).file : "");
    var meta = [n.number, id, file ? file + (n.line ? ":" + n.line : "") : ""].filter(Boolean).join(" · ");
    var parts = [close, crumbs(n), el("h2", { id: "panel-title", text: n.name }), el("p", { class: "meta", text: meta })];
    if (n.kind === "concept") {
      var on = state.path === id;
      var button = el("button", { type: "button", id: "learning-path", class: "primary", "aria-pressed": String(on),
                                  text: on ? "Hide learning path" : "Learning path" });
      button.addEventListener("click", function () { setPath(!on); });
      var actions = el("div", { class: "actions" }, button);
      if (state.path && !on) {
        var back = el("button", { type: "button", class: "secondary", text: "Clear path to " + label(state.path) });
        back.addEventListener("click", function () { setPath(false); });
        actions.appendChild(back);
      }
      parts.push(actions);
      if (state.path) {
        var ol = el("ol", { class: "path" });
        currentPath.forEach(function (step) { ol.appendChild(el("li", step === id ? { class: "here" } : null, link(step))); });
        parts.push(el("section", { class: "block learning", id: "learning" },
          el("h3", { text: "Learning path to " + label(state.path) + " · " + currentPath.length + " steps" }), ol));
      }
      parts.push(
        el("section", { class: "block simple" }, el("h3", { text: "In simple terms" }), el("p", { class: "text", text: n.simple })),
        el("section", { class: "block full" }, el("h3", { text: "Full explanation" }), el("p", { class: "text", text: n.full })),
        el("section", { class: "block" }, el("h3", { text: "Example" }), el("pre", { class: "example", text: n.example })),
        edgeList("Prerequisites", prereqs.get(id) || [], function (e) { return e.to; }, "prereqs"),
        edgeList("Needed by", dependents.get(id) || [], function (e) { return e.from; }, "dependents"),
        edgeList("Related", related.get(id) || [], function (e) { return e.from === id ? e.to : e.from; }, "related"));
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
    panel.replaceChildren.apply(panel, parts);
    panel.scrollTop = 0;
    if (panel.hidden) { panel.hidden = false; network.setSize("100%", "100%"); }  // the map gives the panel room
  }

  // ---- search --------------------------------------------------------------------------------------
  var index = raw.map(function (n) {
    return { n: n, keys: [n.label, n.name, n.id].concat(n.alt || []).map(function (s) { return String(s).toLowerCase(); }) };
  });
  /* Ids matching `query`: exact names first, then name prefixes, word prefixes, anywhere; concepts before hubs. */
  function search(query, limit) {
    var q = String(query).trim().toLowerCase();
    if (!q) return [];
    var hits = [];
    index.forEach(function (it) {
      var best = 9;
      it.keys.forEach(function (k) {
        if (k === q) best = 0;
        else if (best > 1 && k.lastIndexOf(q, 0) === 0) best = 1;
        else if (best > 2) {
          var at = k.indexOf(q);
          if (at > 0) best = Math.min(best, /[\s\-(/]/.test(k.charAt(at - 1)) ? 2 : 3);
        }
      });
      if (best > 2 && it.n.number && it.n.number.lastIndexOf(q, 0) === 0) best = 2;
      if (best < 9) hits.push([best, it.n.kind === "concept" ? 0 : 1, it.n]);
    });
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2].order - b[2].order; });
    return hits.slice(0, limit || 12).map(function (h) { return h[2].id; });
  }
  var input = $("search-input"), results = $("search-results"), active = -1, found = [];
  function showResults() {
    found = search(input.value);
    active = found.length ? 0 : -1;
    results.replaceChildren.apply(results, found.map(function (id, i) {
      var n = info.get(id);
      var li = el("li", { id: "search-option-" + i, role: "option", "data-id": id }, swatch(id),
        el("span", { class: "name", text: n.kind === "concept" ? n.label : n.number + " " + n.label }));
      if (n.alt) li.appendChild(el("span", { class: "alt", text: n.alt.join(", ") }));
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
  input.addEventListener("focus", function () { input.select(); if (input.value.trim()) showResults(); });
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
  $("fit").addEventListener("click", function () { fitShown(true); });
  document.addEventListener("keydown", function (ev) {
    var typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement && document.activeElement.tagName);
    if (ev.key === "/" && !typing) { input.focus(); ev.preventDefault(); }
    else if (ev.key === "Escape" && !typing) { if (state.path) setPath(false); else select(null); }
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
      changes.push(Object.assign({ id: n.id }, styled(n, shownNodes.get(n.id).indexOf("d") === 0)));
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
      var mx = (b.x - a.x) / 4, my = (b.y - a.y) / 4, at = network.getPositions(), before = labelled.size;
      raw.forEach(function (n) {
        var p = at[n.id];
        if (n.kind === "concept" && p.x > a.x - mx && p.x < b.x + mx && p.y > a.y - my && p.y < b.y + my) labelled.add(n.id);
      });
      if (labelled.size > before) render();
    }, 80);
  }
  if (!physics) ["zoom", "dragEnd", "animationFinished"].forEach(function (ev) { network.on(ev, labelInView); });
  // A node's tooltip (plain text, which vis sets with innerText) is written when the pointer first rests on it.
  var titled = new Set();
  network.on("hoverNode", function (p) {
    if (titled.has(p.node)) return;
    titled.add(p.node);
    nodes.update({ id: p.node, title: tooltip(info.get(p.node)) });
  });
  network.on("click", function (p) {
    if (p.nodes.length) select(p.nodes[0], { focus: false });
    else if (!p.edges.length) select(null);
  });
  window.addEventListener("popstate", function () { applyHash(true); });
  window.addEventListener("hashchange", function () { applyHash(true); });

  /* In the outline layout each section is a region: a faint box in its colour behind its nodes. */
  var regions = [];
  function measureRegions() {
    var at = network.getPositions();
    regions = raw.filter(function (n) { return n.kind === "section"; }).map(function (n) {
      var box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity, fill: mix(n.color, "#ffffff", 0.93) };
      [n.id].concat(descendants(n.id), children.get(n.id) || []).forEach(function (id) {
        var p = at[id];
        if (!p) return;
        box.x0 = Math.min(box.x0, p.x); box.x1 = Math.max(box.x1, p.x);
        box.y0 = Math.min(box.y0, p.y); box.y1 = Math.max(box.y1, p.y);
      });
      return box;
    }).filter(function (b) { return b.x0 <= b.x1; });
  }
  /* Physics leaves section hubs out; put each one just above the concepts it holds. */
  function placeSections() {
    var at = network.getPositions();
    raw.forEach(function (n) {
      if (n.kind !== "section") return;
      var xs = [], top = Infinity;
      descendants(n.id).forEach(function (c) { xs.push(at[c].x); top = Math.min(top, at[c].y); });
      if (!xs.length) return;
      xs.sort(function (a, b) { return a - b; });
      network.moveNode(n.id, (xs[0] + xs[xs.length - 1]) / 2, top - 110);
    });
  }
  /* The edges of a map without physics: one path per kind and state, arrowheads at the dependent end. */
  var sizes = new Map();
  visNodes.forEach(function (v) { sizes.set(v.id, v.size || 20); });
  function drawEdges(ctx) {
    var at = network.getPositions(), scale = network.getScale();
    var box = $("mynetwork"), lo = network.DOMtoCanvas({ x: 0, y: 0 });
    var hi = network.DOMtoCanvas({ x: box.clientWidth, y: box.clientHeight });
    var batches = {};
    present.forEach(function (e) {
      var key = e.shown;
      if (key === undefined || key.charAt(0) === "h") return;
      var a = at[e.from], b = at[e.to];
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
    var ids = Array.from(halo).filter(function (id) { return info.get(id).kind === "concept"; });
    var at = network.getPositions(ids);
    ctx.save();
    ctx.fillStyle = state.path ? "#e8590c" : "#fab005";
    ctx.globalAlpha = 0.4;
    ctx.beginPath();
    ids.forEach(function (id) {
      var p = at[id], r = (sizes.get(id) || 20) + 10;
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
    });
    network.on("dragEnd", function (p) { if (p.nodes.length) measureRegions(); });
    measureRegions();
  }

  var ready = false;
  var api = {
    /* A copy of what the page shows: selection, local-view hops, learning-path target, edge kinds shown. */
    state: function () {
      return { selected: state.selected, hops: state.hops, path: state.path,
               kinds: KINDS.filter(function (k) { return state.kinds.has(k); }) };
    },
    info: function (id) { return info.get(id); },
    select: select, setPath: setPath, setKind: setKind, setHops: setHops, search: search,
    learningPath: learningPath, path: function () { return currentPath.slice(); },
    ready: false, timings: timings,
  };
  function finish() {
    timings.drawn = performance.now();
    applyHash(false);
    ready = true;
    api.ready = true;
    timings.ready = performance.now();
    document.documentElement.setAttribute("data-ready", "true");
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
