// Pages the stage page's task table through the REST API's taskList and sorts it by a clicked column.
// Every URL is relative to the page, so the UI works under a proxy's path prefix.
(function () {
  "use strict";
  var table = document.querySelector("table.tasks");
  if (!table) {
    return;
  }
  var api = table.getAttribute("data-api");
  var total = parseInt(table.getAttribute("data-total"), 10);
  var length = parseInt(table.getAttribute("data-length"), 10);
  var sortBy = table.getAttribute("data-sort");
  var offset = 0;
  var pageLabel = document.querySelector(".pager .page");

  function escape(value) {
    return String(value === undefined || value === null ? "" : value).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }
  function bytes(v) {
    var units = ["B", "KiB", "MiB", "GiB", "TiB"], u = 0;
    while (Math.abs(v) >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return u === 0 ? v.toFixed(0) + " B" : v.toFixed(1) + " " + units[u];
  }
  function millis(v) {
    if (v < 1000) { return v.toFixed(0) + " ms"; }
    if (v < 60000) { return (v / 1000).toFixed(1) + " s"; }
    if (v < 3600000) { return (v / 60000).toFixed(1) + " min"; }
    return (v / 3600000).toFixed(1) + " h";
  }
  function row(t) {
    var m = t.taskMetrics;
    var cells = [t.index, t.taskId, t.attempt, escape(t.status), escape(t.taskLocality), escape(t.executorId),
      escape(t.host), escape(t.launchTime), t.duration === undefined ? "" : millis(t.duration),
      m ? millis(m.jvmGcTime) : "", m ? bytes(m.inputMetrics.bytesRead) : "",
      m ? bytes(m.shuffleReadMetrics.bytesRead) : "", m ? bytes(m.shuffleWriteMetrics.bytesWritten) : "",
      m ? bytes(m.diskBytesSpilled) : "",
      t.errorMessage ? "<pre class=\"error\">" + escape(t.errorMessage) + "</pre>" : ""];
    return "<tr><td>" + cells.join("</td><td>") + "</td></tr>";
  }
  function markSorted() {
    var headers = table.querySelectorAll("th.sortable");
    for (var i = 0; i < headers.length; i++) {
      var key = headers[i].getAttribute("data-sort");
      headers[i].classList.remove("sorted-asc", "sorted-desc");
      if (sortBy.toLowerCase() === key.toLowerCase()) { headers[i].classList.add("sorted-asc"); }
      if (sortBy.toLowerCase() === "-" + key.toLowerCase()) { headers[i].classList.add("sorted-desc"); }
    }
    var last = Math.min(total, offset + length);
    pageLabel.textContent = total === 0 ? "no tasks" : (offset + 1) + "\u2013" + last + " of " + total;
  }
  function load() {
    var url = api + "?offset=" + offset + "&length=" + length + "&sortBy=" + encodeURIComponent(sortBy);
    fetch(url).then(function (response) {
      if (!response.ok) { throw new Error(response.status + " " + response.statusText); }
      return response.json();
    }).then(function (tasks) {
      table.tBodies[0].innerHTML = tasks.map(row).join("");
      markSorted();
    }).catch(function (e) {
      pageLabel.textContent = "could not load tasks: " + e.message;
    });
  }
  table.querySelector("thead").addEventListener("click", function (event) {
    var key = event.target.getAttribute("data-sort");
    if (!key) { return; }
    sortBy = sortBy.toLowerCase() === key.toLowerCase() ? "-" + key : key;
    offset = 0;
    load();
  });
  document.querySelector(".pager").addEventListener("click", function (event) {
    var which = event.target.getAttribute("data-page");
    if (which === "next" && offset + length < total) { offset += length; load(); }
    if (which === "prev" && offset > 0) { offset = Math.max(0, offset - length); load(); }
  });
  markSorted();
})();
