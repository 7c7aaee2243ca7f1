// The dashboard's only script: copy buttons, confirmations, the custom range toggle, the
// browser's time zone, and live refresh. Every page works without it.
(function () {
  "use strict";

  function copyText(text, button) {
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { legacyCopy(text, done); });
    } else {
      legacyCopy(text, done);
    }
  }

  function legacyCopy(text, done) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selectable */ }
    document.body.removeChild(area);
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var copy = target.closest("[data-copy]");
    if (copy) {
      var source = document.querySelector(copy.getAttribute("data-copy"));
      if (source) copyText(source.value || source.textContent, copy);
      return;
    }
    var confirmed = target.closest("[data-confirm]");
    if (confirmed && !window.confirm(confirmed.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // The custom range's date fields only matter when "Custom range" is chosen.
  function syncRange(select) {
    var custom = select.form && select.form.querySelectorAll("[data-custom]");
    if (!custom) return;
    for (var i = 0; i < custom.length; i++) custom[i].hidden = select.value !== "custom";
  }
  var ranges = document.querySelectorAll("select[name=range]");
  for (var i = 0; i < ranges.length; i++) {
    syncRange(ranges[i]);
    ranges[i].addEventListener("change", function (event) {
      syncRange(event.target);
      if (event.target.value !== "custom") event.target.form.submit();
    });
  }

  // Remember the browser's zone so pages without an explicit ?tz= use it.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("umami_tz=") < 0) {
      document.cookie = "umami_tz=" + encodeURIComponent(zone) + ";path=/;max-age=31536000;samesite=lax";
      var shown = document.querySelector("[data-zone]");
      if (shown && shown.getAttribute("data-zone") !== zone && location.search.indexOf("tz=") < 0) {
        location.reload();
      }
    }
  } catch (e) { /* no Intl: UTC it is */ }

  // Live views: re-fetch this page every N seconds and swap the [data-refresh] region.
  var live = document.querySelector("[data-refresh]");
  if (live && window.fetch) {
    var seconds = parseInt(live.getAttribute("data-refresh"), 10) || 10;
    setInterval(function () {
      if (document.hidden) return;
      fetch(location.href, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) return;
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-refresh]");
          if (fresh) live.innerHTML = fresh.innerHTML;
        })
        .catch(function () { /* try again next time */ });
    }, seconds * 1000);
  }
})();
