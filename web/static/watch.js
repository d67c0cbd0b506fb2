// Progress of an archive import on the published-posts page: polls
// /watch/imports/ID (the signed-in session's own endpoint) and shows the
// posts read, kept and flagged; when the import ends it says so and offers
// to show the posts. Text is set with textContent only. Without
// JavaScript the page still shows the posts when reloaded.
(function () {
  "use strict";
  var box = document.getElementById("import-status");
  if (!box) return;
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-text");
  var id = box.getAttribute("data-import");

  function show(run) {
    var p = run.progress || {};
    var total = p.total || 0, read = p.read || 0;
    if (total > 0) {
      bar.max = total;
      bar.value = read;
    }
    var line = "Import #" + run.id + ": " + read + (total ? " of " + total : "") + " posts read, " +
      (p.added || 0) + " new, " + (p.skipped || 0) + " already here, " + (p.open || 0) + " flagged";
    if (run.done) {
      box.setAttribute("data-done", run.error ? "error" : "ok");
      line = run.error ? "Import #" + run.id + " stopped: " + run.error + " (" + (p.added || 0) + " new posts kept)" : line + ". Done.";
      var a = document.createElement("a");
      a.href = "/watch";
      a.id = "import-done";
      a.textContent = " Show the posts";
      text.textContent = line;
      text.append(a);
      return;
    }
    text.textContent = line + "…";
    setTimeout(poll, 700);
  }

  function poll() {
    fetch("/watch/imports/" + encodeURIComponent(id), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(show)
      .catch(function () { text.textContent = "Import #" + id + ": progress unavailable; reload the page to see the posts kept so far."; });
  }
  poll();
})();
