// Live screening on the compose page: after a pause in typing, the text is
// screened by POST /screen (the signed-in session's own endpoint) and the
// preview shows the spans found, the findings with their reasons, the
// decision and the suggested rewrite. Everything is built with DOM nodes
// and textContent, never innerHTML. Without JavaScript the page still
// works: saving the draft screens it.
(function () {
  "use strict";
  var text = document.getElementById("text");
  var context = document.getElementById("context");
  var channel = document.getElementById("channel");
  var live = document.getElementById("live");
  if (!text || !live) return;
  var timer = null, seq = 0;
  var enc = new TextEncoder(), dec = new TextDecoder();

  function el(tag, cls, txt) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (txt !== undefined) e.textContent = txt;
    return e;
  }

  function render(res, src) {
    live.replaceChildren();
    var head = el("p", "live-decision");
    head.append("Screen: ");
    var d = el("strong", "decision " + res.decision, res.decision);
    d.id = "live-decision";
    head.append(d);
    live.append(head);
    // spans are UTF-8 byte offsets: cut the encoded text, decode the pieces
    var bytes = enc.encode(src), at = 0;
    var box = el("div", "text");
    box.id = "live-text";
    (res.spans || []).forEach(function (s) {
      if (s.start < at || s.end > bytes.length) return;
      box.append(dec.decode(bytes.slice(at, s.start)));
      var m = el("mark", "span", dec.decode(bytes.slice(s.start, s.end)));
      m.dataset.type = s.type;
      m.append(el("sup", "", s.type));
      box.append(m);
      at = s.end;
    });
    box.append(dec.decode(bytes.slice(at)));
    live.append(box);
    var list = el("ul", "live-findings");
    (res.findings || []).forEach(function (f) {
      var li = el("li");
      li.append(el("strong", "", f.type.replace(/_/g, " ") + (f.span_type ? " · " + f.span_type : "")));
      li.append(" — " + f.reason + " ");
      li.append(el("small", "", f.cite));
      list.append(li);
    });
    if (list.childElementCount) live.append(list);
    if (res.rewrite) {
      live.append(el("h3", "", "Suggested safe rewrite"));
      var rw = el("div", "text rewrite", res.rewrite);
      rw.id = "live-rewrite";
      live.append(rw);
    }
  }

  function run() {
    var my = ++seq, src = text.value;
    if (!src.trim()) { live.replaceChildren(); return; }
    fetch("/screen", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: src, context: context ? context.value : "", channel: channel ? channel.value : "post" })
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, j: j }; });
    }).then(function (x) {
      if (my !== seq) return;
      if (!x.ok) { live.replaceChildren(el("p", "error", x.j.error ? x.j.error.message : "screening failed")); return; }
      render(x.j, src);
    }).catch(function () {
      if (my === seq) live.replaceChildren(el("p", "error", "screening is unavailable; saving the draft still screens it"));
    });
  }

  function schedule() { clearTimeout(timer); timer = setTimeout(run, 350); }
  text.addEventListener("input", schedule);
  if (context) context.addEventListener("input", schedule);
  if (channel) channel.addEventListener("change", schedule);
  if (text.value.trim()) schedule();
})();
