// entraide's only script. Every page works without it; it adds live updates over the
// event stream, times in the reader's zone, and "use my position".
(function () {
  "use strict";
  var body = document.body;
  var lang = document.documentElement.lang || "en";

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return values[name] != null ? values[name] : all;
    });
  }

  function localTimes(root) {
    var times = root.querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var d = new Date(times[i].getAttribute("datetime"));
      if (!isNaN(d)) times[i].textContent = d.toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
    }
  }
  localTimes(document);

  var wordsEl = document.getElementById("i18n");
  var words = wordsEl ? JSON.parse(wordsEl.textContent) : null;

  // "Use my position" fills the location form from the phone and sends it.
  var geo = document.getElementById("geo");
  if (geo && navigator.geolocation) {
    geo.hidden = false;
    geo.addEventListener("click", function () {
      var form = geo.form, error = document.getElementById("geo-error");
      geo.disabled = true;
      navigator.geolocation.getCurrentPosition(function (p) {
        form.lat.value = p.coords.latitude.toFixed(5);
        form.lon.value = p.coords.longitude.toFixed(5);
        form.accuracy_m.value = Math.round(p.coords.accuracy);
        form.submit();
      }, function () {
        geo.disabled = false;
        if (error && words) { error.textContent = words.geo_failed; error.hidden = false; }
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  if (!body.hasAttribute("data-signed-in") || !window.EventSource || !words) return;
  var crisis = body.getAttribute("data-crisis");

  function banner(text, href) {
    var list = document.getElementById("live-banner");
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.textContent = text;
    a.href = href;
    li.appendChild(a);
    list.insertBefore(li, list.firstChild);
  }

  function refreshCounts() {
    fetch("/api/v1/crises/" + crisis + "/stats", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (stats) {
        if (!stats) return;
        ["safe", "need_help", "not_in_area"].forEach(function (k) {
          var el = document.querySelector('[data-count="' + k + '"]');
          if (el) el.textContent = stats[k];
        });
      })
      .catch(function () {});
  }

  function showStatus(e) {
    var rows = document.querySelectorAll("#contact-statuses li.contact-status");
    var row = null;
    for (var i = 0; i < rows.length; i++) if (rows[i].getAttribute("data-handle") === e.handle) row = rows[i];
    if (!row) return;
    var status = e.status || "none";
    row.setAttribute("data-status", status);
    row.querySelector(".status").textContent = words.status[status];
    var by = row.querySelector(".marked-by");
    by.textContent = e.marked_by ? fill(words.marked_by, { handle: e.marked_by }) : "";
    by.hidden = !e.marked_by;
    var message = row.querySelector(".message");
    message.textContent = e.message || "";
    message.hidden = !e.message;
    // Asking or marking someone who has answered would only be noise.
    var actions = row.querySelector(".actions");
    if (actions && e.status) actions.hidden = true;
  }

  var stream = new EventSource("/api/v1/events");
  stream.addEventListener("ready", function () { body.setAttribute("data-live", "on"); });
  stream.addEventListener("error", function () { body.setAttribute("data-live", "off"); });
  stream.addEventListener("contact_status", function (m) {
    var e = JSON.parse(m.data);
    if (e.crisis_id !== crisis) return;
    showStatus(e);
    refreshCounts();
  });
  Object.keys(words.events).forEach(function (name) {
    stream.addEventListener(name, function (m) {
      var e = JSON.parse(m.data);
      var href = e.crisis_id ? "/crises/" + e.crisis_id : "/contacts";
      banner(fill(words.events[name], {
        title: e.title,
        name: e.from_display_name || e.by_display_name || e.display_name,
        handle: e.from_handle || e.by_handle || e.handle
      }), href);
    });
  });
})();
