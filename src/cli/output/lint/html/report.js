"use strict";
// Draws the role table from the JSON in #data. Data is only ever put in the page with
// textContent, never as markup.
(function () {
  const data = JSON.parse(document.getElementById("data").textContent);
  const SEV = ["error", "warning", "note"];
  const PAGE = 200;
  const roles = data.roles;
  const T = data.t; // the long texts, by index (html.rs's `Texts`)
  roles.forEach(function (r) {
    r.c = r.k.length;
    r.rules = Array.from(new Set(r.k.map(function (f) { return f.r; }))).sort();
    r.sevs = new Set(r.k.map(function (f) { return f.s; }));
    r.lower = (r.n + " " + r.f).toLowerCase();
  });
  const $ = function (id) { return document.getElementById(id); };
  const el = function (tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  // A single-quoted shell word, as html.rs's `sh`.
  const shellWord = function (s) { return "'" + s.split("'").join("'\\''") + "'"; };
  function fill(select, values) {
    values.forEach(function (v) { const o = el("option", "", v); o.value = v; select.appendChild(o); });
  }
  fill($("f-provider"), Array.from(new Set(roles.map(function (r) { return r.p; }))).sort());
  fill($("f-rule"), Array.from(new Set([].concat.apply([], roles.map(function (r) { return r.rules; })))).sort());
  // The chart's buckets, by index (html.rs's `EXPOSURE`), widest first.
  data.exposure.forEach(function (label, i) {
    const o = el("option", "", label); o.value = String(i); $("f-exposure").appendChild(o);
  });

  let sortKey = "s", sortDir = 1, limit = PAGE;
  function matching() {
    const sev = $("f-severity").value, prov = $("f-provider").value, rule = $("f-rule").value;
    const text = $("f-text").value.trim().toLowerCase();
    const exp = $("f-exposure").value;
    const list = roles.filter(function (r) {
      return (sev === "" || r.sevs.has(Number(sev))) && (prov === "" || r.p === prov) &&
        (rule === "" || r.rules.indexOf(rule) >= 0) && (text === "" || r.lower.indexOf(text) >= 0) &&
        (exp === "" || r.x === Number(exp));
    });
    list.sort(function (a, b) {
      const x = a[sortKey], y = b[sortKey];
      const c = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
      return sortDir * (c || a.n.localeCompare(b.n));
    });
    return list;
  }
  // The role's `who` summary (html.rs's `who`): each way in, with a witness that replays.
  function whoBox(r) {
    const box = el("div", "who");
    box.appendChild(el("p", "", "Who can assume it (rolecall who):"));
    if (r.w.x !== undefined) {
      box.className = "who refused";
      box.appendChild(el("p", "", "Not decided: " + T[r.w.x] +
        ". The findings below still hold; the model answers exactly or not at all."));
      return box;
    }
    if (r.w.l.length === 0) {
      box.appendChild(el("p", "", "No token of any provider, as rolecall who models them, can assume this role." +
        (r.k.some(function (f) { return f.w; }) ? " A finding below has a witness outside that model." : "")));
      return box;
    }
    const list = el("ul");
    const check = "rolecall check " + shellWord(r.f) + (r.a ? " --resource " + shellWord(r.n) : "");
    r.w.l.forEach(function (l) {
      const li = el("li");
      li.appendChild(el("span", "", T[l.t]));
      const more = el("details");
      more.appendChild(el("summary", "muted", "witness and replay"));
      more.appendChild(el("pre", "claims", T[l.c]));
      more.appendChild(el("pre", "replay", "printf '%s' " + shellWord(T[l.c]) + " > witness.json\n" +
        check + " --claims witness.json " + T[l.a]));
      li.appendChild(more);
      list.appendChild(li);
    });
    box.appendChild(list);
    return box;
  }
  function details(r) {
    const td = el("td");
    td.colSpan = 6;
    if (r.w) td.appendChild(whoBox(r));
    r.k.forEach(function (f) {
      const box = el("div", "finding s" + f.s);
      const h = el("p");
      h.appendChild(el("b", "sev-" + SEV[f.s], SEV[f.s]));
      h.appendChild(document.createTextNode(" "));
      h.appendChild(el("code", "", f.r));
      h.appendChild(el("span", "muted", " at " + f.at));
      box.appendChild(h);
      box.appendChild(el("p", "", T[f.m]));
      if (f.h !== null) box.appendChild(el("p", "muted", "Fix: " + T[f.h]));
      const pre = el("pre", "excerpt");
      pre.title = "from line " + f.e[0];
      pre.appendChild(document.createTextNode(T[f.e[1]]));
      pre.appendChild(el("mark", "", T[f.e[2]]));
      pre.appendChild(document.createTextNode(T[f.e[3]]));
      box.appendChild(pre);
      if (f.w) {
        box.appendChild(el("p", "", "Witness: " + T[f.w.who] + ", which the policy admits. Its claims:"));
        box.appendChild(el("pre", "claims", T[f.w.claims]));
        box.appendChild(el("p", "muted", "Replay it:"));
        box.appendChild(el("pre", "replay",
          "printf '%s' " + shellWord(T[f.w.claims]) + " > witness.json\n" + f.w.cmd));
      }
      td.appendChild(box);
    });
    const tr = el("tr", "details");
    tr.appendChild(td);
    return tr;
  }
  function row(r) {
    const tr = el("tr", "role");
    tr.dataset.severity = SEV[r.s];
    [r.n, r.p, data.exposure[r.x], SEV[r.s], r.c, r.rules.join(", ")].forEach(function (v, i) {
      tr.appendChild(el("td", i === 3 ? "sev-" + SEV[r.s] : "", v));
    });
    tr.title = r.f;
    tr.addEventListener("click", function () {
      const next = tr.nextSibling;
      if (next && next.className === "details") next.remove();
      else tr.after(details(r));
    });
    return tr;
  }
  function render() {
    const list = matching();
    const body = document.createDocumentFragment();
    list.slice(0, limit).forEach(function (r) { body.appendChild(row(r)); });
    const tbody = document.querySelector("#roles tbody");
    tbody.replaceChildren(body);
    const shown = Math.min(limit, list.length);
    $("shown").textContent = "Showing " + shown + " of " + list.length + " matching (" + roles.length + " in all)";
    $("more").hidden = shown >= list.length;
  }
  ["f-severity", "f-provider", "f-rule", "f-exposure"].forEach(function (id) {
    $(id).addEventListener("change", function () { limit = PAGE; render(); });
  });
  $("f-text").addEventListener("input", function () { limit = PAGE; render(); });
  $("more").addEventListener("click", function () { limit += PAGE; render(); });
  document.querySelectorAll("#roles th[data-key]").forEach(function (th) {
    th.addEventListener("click", function () {
      const key = th.dataset.key;
      sortDir = key === sortKey ? -sortDir : 1;
      sortKey = key;
      render();
    });
  });
  render();
  // Milliseconds from the start of navigation to a drawn table (the browser test reads it).
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  document.body.dataset.ready = "1";
})();
